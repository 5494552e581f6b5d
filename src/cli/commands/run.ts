import { EnvsealError, Code } from '../../errors.js';
import { childEnvironment } from '../../core/child-env.js';
import { CommandStartError, runChild } from '../../core/run.js';
import { loadValues, maskRulesFor } from '../load-values.js';
import { reportError } from '../report-error.js';
import type { Handler } from '../handler.js';
import { plainNameFor } from '../../env-files.js';
import { displayPath } from '../../io/files.js';

/**
 * Exit status: the child's own. A child killed by a signal makes envseal kill itself with the same
 * signal (its handlers removed first), so the parent shell sees "terminated by SIGTERM", not a number;
 * for a signal that does not end a Node process (SIGPIPE is ignored, SIGUSR1 is kept from opening the
 * debugger) the shell's convention 128+n is used.
 * A command that cannot be started exits 127 (not found) or 126 (not executable, or an environment too
 * large for the system to start it with), as in a shell.
 */
export const run: Handler = async (args, context) => {
  const [command, ...commandArgs] = (args.command as string[] | undefined) ?? [];
  if (!command) {
    throw new EnvsealError(Code.USAGE_RUN, 'run needs a command to run', 'Put it after --, e.g. envseal run -- node server.js');
  }
  const loaded = loadValues(args, context, { unsealedEdits: true });
  if (loaded.unsealedEdits.length > 0) {
    const plain = displayPath(plainNameFor(loaded.file));
    context.warn(`${plain} has edits that were never sealed (${loaded.unsealedEdits.join(', ')}); the command gets the sealed values. Run \`envseal encrypt\` to seal them.`);
  }
  const env = childEnvironment(context.env, loaded.values, Boolean(args.override));
  let redactor;
  if (args.mask) {
    const [{ sensitiveValues }, { createRedactor }] = await Promise.all([import('../../mask/variables.js'), import('../../mask/redactor.js')]);
    const rules = await maskRulesFor(loaded);
    // Without --override a variable already set wins: the child prints that value, so hide it too.
    const received = Object.fromEntries(Object.entries(loaded.values).flatMap(([name, sealed]) => (env[name] === undefined || env[name] === sealed ? [] : [[name, env[name]!]])));
    // Classified when the command first prints: nothing is spent on it before the command starts.
    redactor = createRedactor(() => [...sensitiveValues(loaded.values, rules), ...sensitiveValues(received, rules)]);
  }
  let outcome;
  try {
    outcome = await runChild({ command, args: commandArgs, env, stdout: context.stdout, stderr: context.stderr, ...(redactor ? { redactor } : {}) });
  } catch (error) {
    if (!(error instanceof CommandStartError)) throw error;
    reportError(error, context.stderr, context.env);
    return error.shellStatus;
  }
  if (outcome.signal === undefined) return outcome.code;
  // SIGUSR1 to itself would open Node's debugger (bin/envseal.js keeps a listener for it): 128+n instead.
  if (outcome.signal !== 'SIGUSR1') process.kill(process.pid, outcome.signal);
  const { constants } = await import('node:os');
  return 128 + (constants.signals[outcome.signal] ?? 0);
};
