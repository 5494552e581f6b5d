/**
 * The entry of dist/hook.cjs, which bin/envseal.js loads for `envseal hooks run ...`. A hook runs on
 * every commit, so this entry leaves out what only the rest of the CLI needs: the command table, both
 * parsers, every other command. It takes only what installed hooks and hook managers pass (a hook name
 * and git's arguments, no option); for any other argv it answers undefined and the launcher runs the
 * whole CLI, which then owns the usage error or the option, exactly as without this entry.
 */
import { createContext } from './context.js';
import { runHook } from './hook-run.js';
import { reportError } from './report-error.js';

export async function main(argv: readonly string[]): Promise<number | undefined> {
  const [command, subcommand, hook, ...rest] = argv;
  if (command !== 'hooks' || subcommand !== 'run' || hook === undefined || argv.some((word) => word.startsWith('-'))) return undefined;
  try {
    return await runHook(hook, rest, {}, createContext());
  } catch (error) {
    return reportError(error);
  }
}
