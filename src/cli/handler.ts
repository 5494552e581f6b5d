/** What every command module exports: a handler of parsed arguments, run with a Context. */
import type { Context } from './context.js';

/** Parsed arguments, options in camelCase, as both parsers (fast.ts, program.ts) produce them. */
export type Args = Record<string, unknown> & { _rest?: string[] };

/** Returns the exit code; prints through the context only. */
export type Handler = (args: Args, context: Context) => Promise<number>;
