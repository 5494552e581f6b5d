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

export async function main(argv: readonly string[]): Promise<number | undefined> {
  const fast = fastParse(argv);
  // The only command whose module this bundle holds (scripts/build.js leaves the others out).
  if (fast?.spec.path.join(' ') !== 'decrypt') return undefined;
  try {
    return await runCommand(fast.spec, fast.args);
  } catch (error) {
    return reportError(error);
  }
}
