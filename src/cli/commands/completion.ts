import { EnvsealError, Code, ExitCode } from '../../errors.js';
import type { CommandTable } from '../command-spec.js';
import type { Handler } from '../handler.js';
import { decryptPaths } from '../paths.js';

/** The table comes from spec.ts, which loads this module: importing it here would be a circle. */
export const completion = (table: CommandTable): Handler => async (args, context) => {
  if (args.list === undefined) {
    if (args.env !== undefined || args.in !== undefined) {
      throw new EnvsealError(Code.USAGE, `--${args.env !== undefined ? 'env' : 'in'} is for --list names only`, 'Print the script with `envseal completion` (or `--shell zsh`).');
    }
    const { completionScript } = await import('../completion-script.js');
    context.write(completionScript(args.shell === 'zsh' ? 'zsh' : 'bash', table));
    return ExitCode.ok;
  }
  // The shell runs this at every Tab: an error here would print over the command line being typed,
  // and there is nothing to fix in the middle of typing, so it offers nothing instead.
  let names: string[] = [];
  try {
    const { environmentNames, sealedNames } = await import('../../core/completion.js');
    names = args.list === 'envs' ? environmentNames(context.cwd) : sealedNames(decryptPaths(args, context).input);
  } catch {
    // nothing to offer
  }
  if (names.length > 0) context.write(`${names.join('\n')}\n`);
  return ExitCode.ok;
};
