/**
 * Runs a command that prints a secret (ENVSEAL_KEY_COMMAND, ENVSEAL_IDENTITY_COMMAND): a vault, a
 * password manager. Its stdout is the secret; stdin and stderr stay on the terminal so it can prompt.
 */
import { EnvsealError, Code } from '../errors.js';
import { KEY_COMMAND_TIMEOUT_VARIABLE } from '../env-vars.js';

export function runSourceCommand(command: string, variable: string, timeoutMs: number): string {
  // stdin and stderr stay on the terminal so the command can prompt (1Password, pass, gpg).
  // node:child_process loads on demand: most runs find their key without spawning anything.
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  // Without a terminal, the command runs in a process group of its own, so a timeout ends it with
  // every child it started. At a terminal it must stay in the terminal's session to prompt; there the
  // timeout ends the shell only, and Ctrl-C ends the whole group as usual.
  const ownGroup = !process.getBuiltinModule('node:tty').isatty(0);
  // spawnSync honours `detached` (libuv's setsid) though @types/node leaves it out of SpawnSyncOptions.
  const options = { stdio: ['inherit', 'pipe', 'inherit'] as Array<'inherit' | 'pipe'>, timeout: timeoutMs, encoding: 'utf8' as const, detached: ownGroup };
  const result = spawnSync('/bin/sh', ['-c', command], options);
  if (ownGroup && result.error && result.pid) killGroup(result.pid);
  if (result.error || result.status !== 0) {
    const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
    const why = timedOut
      ? `timed out after ${timeoutMs / 1000} s${ownGroup ? ' (it was ended with every process it started)' : ''}`
      : result.error
        ? result.error.message
        : result.signal
          ? `was killed by ${result.signal}`
          : `exited with status ${result.status}`;
    const hint = timedOut
      ? `Run the command yourself to see where it waits; give a slow source longer with ${KEY_COMMAND_TIMEOUT_VARIABLE}=<seconds>.`
      : 'Run the command yourself to see why; its stdout must be the key (or identity).';
    throw new EnvsealError(Code.KEY_COMMAND, `${variable} ${why}`, hint);
  }
  return result.stdout;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
}
