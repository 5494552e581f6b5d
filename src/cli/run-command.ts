import { EnvsealError, Code } from '../errors.js';
import { createContext } from './context.js';
import type { Args } from './handler.js';
import type { CommandSpec } from './spec.js';
import { camelCase } from './fast.js';

/** Loads a command's module (lazily: only the command that runs is loaded) and runs its handler. */
export async function runCommand(spec: CommandSpec, args: Args): Promise<number> {
  assertValuesGiven(spec, args);
  const context = createContext(Boolean(args.quiet));
  const handler = await spec.load();
  return handler(args, context);
}

/**
 * `--env` at the end of the line (or before another option) parses as an empty string. Taken as
 * "no value", it would quietly mean the default environment, the opposite of what was asked.
 */
function assertValuesGiven(spec: CommandSpec, args: Args): void {
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.type !== 'string' || option.valueOptional || args[camelCase(name)] !== '') continue;
    throw new EnvsealError(Code.USAGE, `--${name} needs a value`, `For example: envseal ${spec.path.join(' ')} --${name} ${option.example ?? 'VALUE'}`);
  }
}
