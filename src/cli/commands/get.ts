import { nameForMessage, validateName } from '../../core/set.js';
import { EnvsealError, Code } from '../../errors.js';
import { displayPath } from '../../io/files.js';
import { maskVariables } from '../../mask/variables.js';
import { loadValues, maskRulesFor } from '../load-values.js';
import type { Args, Handler } from '../handler.js';

export const get: Handler = async (args, context) => {
  const name = String(args.name);
  assertName(name, args);
  const loaded = loadValues(args, context);
  if (!Object.hasOwn(loaded.values, name)) {
    const near = Object.keys(loaded.values).find((other) => other.toLowerCase() === name.toLowerCase());
    throw new EnvsealError(
      Code.NAME_NOT_FOUND,
      `${nameForMessage(name, Object.values(loaded.values))} is not in ${displayPath(loaded.file)}`,
      near ? `Names are case-sensitive: did you mean ${near}?` : `${showCommand(args)} lists the names it holds.`,
    );
  }
  const value = args.reveal ? loaded.values[name]! : maskVariables(loaded.values, await maskRulesFor(loaded), name)[0]!.shown;
  context.write(`${value}\n`);
  return 0;
};

/** validateName never echoes the argument; `get` adds where to find the names there are. */
function assertName(argument: string, args: Args): void {
  try {
    validateName(argument, { existing: true });
  } catch (error) {
    if (!(error instanceof EnvsealError)) throw error;
    throw new EnvsealError(error.code, error.message, `${error.hint} ${showCommand(args)} lists the names there are.`);
  }
}

const showCommand = (args: Args): string => `\`envseal show${args.env ? ` --env ${String(args.env)}` : ''}\``;
