/**
 * The entry of dist/data.cjs, which bin/envseal.js loads for `envseal decrypt`: what CI and deploy
 * scripts run before anything else, so it starts without the code of every other command (the whole
 * CLI's code cache alone took 3 ms of a decrypt of 1,000 names to read back). It takes decrypt's argv
 * when the fast parser accepts it outright; for anything else (--help, a usage error) it answers
 * undefined and the launcher runs the whole CLI, which then owns the text, exactly as without it.
 */
import { fastParse } from './fast.js';
import { reportError } from './report-error.js';
import { runCommand } from './run-command.js';

/** The commands this bundle holds (scripts/build.js leaves every other command's module out). */
export const DATA_COMMANDS: readonly string[] = ['decrypt'];

export async function main(argv: readonly string[]): Promise<number | undefined> {
  const fast = DATA_COMMANDS.includes(argv[0] ?? '') ? fastParse(argv) : undefined;
  if (!fast || !DATA_COMMANDS.includes(fast.spec.path.join(' '))) return undefined;
  try {
    return await runCommand(fast.spec, fast.args);
  } catch (error) {
    return reportError(error);
  }
}
