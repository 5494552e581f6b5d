import { createContext } from './context.js';
import type { Args } from './handler.js';
import type { CommandSpec } from './spec.js';

/** Loads a command's module (lazily: only the command that runs is loaded) and runs its handler. */
export async function runCommand(spec: CommandSpec, args: Args): Promise<number> {
  const context = createContext(Boolean(args.quiet));
  const handler = await spec.load();
  return handler(args, context);
}
