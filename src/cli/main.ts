/**
 * The CLI entry: parse (fast path first), run the command, turn errors into messages and exit codes.
 * Nothing here prints a secret: EnvsealError messages carry names, paths and fingerprints only, and
 * unexpected errors are reported by class alone unless ENVSEAL_DEBUG is set.
 */
import { EnvsealError, ExitCode } from '../errors.js';
import { VERSION } from '../version.js';
import { createContext } from './context.js';
import { fastParse } from './fast.js';
import type { Args, CommandSpec } from './spec.js';

export async function runCommand(spec: CommandSpec, args: Args): Promise<number> {
  const context = createContext(Boolean(args.quiet));
  const handler = await spec.load();
  return handler(args, context);
}

export async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`${VERSION}\n`); // scripts ask for it often; it needs no parser at all
    return ExitCode.ok;
  }
  try {
    const fast = fastParse(argv);
    if (fast) return await runCommand(fast.spec, fast.args);
    const { runProgram } = await import('./program.js');
    return await runProgram(argv);
  } catch (error) {
    return reportError(error);
  }
}

export function reportError(error: unknown): number {
  const { stderr, env } = process;
  const color = Boolean(stderr.isTTY) && env.NO_COLOR === undefined;
  const label = color ? '\u001b[31merror:\u001b[0m' : 'error:';
  if (error instanceof EnvsealError) {
    stderr.write(`envseal: ${label} ${error.message}\n`);
    if (error.hint) stderr.write(`  fix: ${error.hint}\n`);
    return error.exitCode;
  }
  const name = error instanceof Error ? error.name : typeof error;
  stderr.write(`envseal: ${label} internal error (${name}). This is a bug in envseal; please report it.\n`);
  if (env.ENVSEAL_DEBUG) {
    // Only on request: an unexpected error's message or stack could quote input text.
    stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  } else {
    stderr.write('  Re-run with ENVSEAL_DEBUG=1 to see details (they may include file contents).\n');
  }
  return ExitCode.internal;
}
