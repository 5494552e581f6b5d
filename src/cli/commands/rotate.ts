import * as path from 'node:path';
import type { MasterKey } from '../../crypto/master-key.js';
import { ROTATE_STEPS, type RotateStep, rotateFile } from '../../core/rotate.js';
import { EnvsealError, ExitCode, Code } from '../../errors.js';
import { plainNameFor } from '../../env-files.js';
import { rotationTestHooks } from '../../env-vars.js';
import { displayPath } from '../../io/files.js';
import { audited } from '../audit.js';
import type { Context } from '../context.js';
import { decryptPaths, keyOptions } from '../paths.js';
import { askLine } from '../prompt.js';
import { plural } from '../render.js';
import type { Handler } from '../handler.js';

const CONFIRMATION = 'stored';

export const rotate: Handler = async (args, context) => {
  const { input } = decryptPaths(args, context);
  const force = Boolean(args.force);
  const reason = typeof args.reason === 'string' && args.reason.trim() !== '' ? args.reason.trim() : 'scheduled';
  const newKeyOut = typeof args.newKeyOut === 'string' && args.newKeyOut !== '' ? path.resolve(context.cwd, args.newKeyOut) : undefined;
  // A new key printed into a pipe or a file may never reach a person, and the file would then be
  // sealed with a key nobody has: show it only on a terminal, and confirm unless --force.
  const canShowKey = Boolean(context.stdout.isTTY) && (force || Boolean(context.stdin.isTTY));
  const dryRun = Boolean(args.dryRun);
  const run = () =>
    rotateFile({
      ...keyOptions(args, context),
      input,
      reason,
      backup: args.backup !== false,
      dryRun,
      ...(newKeyOut ? { newKeyOut } : {}),
      ...(canShowKey ? { deliverNewKey: (key: MasterKey) => showNewKey(key, context, force) } : {}),
      checkpoint: testCheckpoint(context.env),
      now: context.now,
      envLabel: path.basename(plainNameFor(input)),
    }).then((r) => ({ ...r, fingerprint: r.newFingerprint }));
  // A dry run changes nothing, not even the audit log.
  const result = dryRun ? await run() : await audited(context, 'rotate', input, run, reason);

  const file = displayPath(result.file);
  const arrow = `${result.oldFingerprint} → ${result.newFingerprint}`;
  const stored =
    result.keyStoredIn.kind === 'key-file'
      ? `in ${displayPath(result.keyStoredIn.path!)} (the old key stays there as a previous key, so files not yet rotated still open)`
      : result.keyStoredIn.kind === 'new-key-out'
        ? `in ${displayPath(result.keyStoredIn.path!)} (mode 0600; the old key is listed there as previous)`
        : 'only where you stored it just now';
  if (result.dryRun) {
    context.info(`Dry run: would rotate ${file} (${plural(result.values, 'value')}) from key ${result.oldFingerprint} to a new key; re-sealing and verifying in memory succeeded. Nothing was changed.`);
    context.info(`  The new key would be stored ${stored}${args.backup !== false ? `, and ${file} backed up first` : ''}.`);
    return ExitCode.ok;
  }
  context.info(
    result.resumed
      ? `Finished an unfinished rotation of ${file}: re-sealed from previous key ${arrow} (your current key); no new key was generated. ${plural(result.values, 'value')}, verified.`
      : `Rotated ${file}: key ${arrow}, ${plural(result.values, 'value')} re-sealed and verified.`,
  );
  context.info(`  The new key is stored ${stored}.`);
  if (result.backup) context.info(`  The old sealed file was kept as ${displayPath(result.backup)}.`);
  context.info(`  Next: commit ${file}, and give teammates and CI the key with fingerprint ${result.newFingerprint} (password manager, vault, CI secrets).`);
  return ExitCode.ok;
};

async function showNewKey(key: MasterKey, context: Context, force: boolean): Promise<void> {
  context.stderr.write(`New master key (fingerprint ${key.fingerprint}). It is shown once: store it now in your vault, password manager or CI secrets.\n`);
  // Nothing is stored or re-sealed unless the key was written out.
  await new Promise<void>((resolve, reject) => context.stdout.write(`${key.export()}\n`, (e) => (e ? reject(e) : resolve())));
  if (force) return;
  const answer = await askLine(context, `Type "${CONFIRMATION}" once the new key is stored (anything else aborts; nothing has changed yet): `);
  if (answer.trim() !== CONFIRMATION) {
    throw new EnvsealError(Code.ROTATE_ABORTED, 'rotation aborted before any change: the new key was not confirmed as stored', 'Run `envseal rotate` again when you can store the new key (or use --new-key-out FILE).');
  }
}

/**
 * Test-only hooks, so the crash-safety tests can stop rotation between any two durable steps:
 * ENVSEAL_TEST_CRASH_AT=<step> kills the process with SIGKILL at that step;
 * ENVSEAL_TEST_STEP_DELAY_MS=<n> sleeps after each step, so a random SIGKILL lands anywhere.
 */
function testCheckpoint(env: NodeJS.ProcessEnv): ((step: RotateStep) => void) | undefined {
  const { crashAt, stepDelayMs: delay } = rotationTestHooks(env);
  if (!crashAt && !delay) return undefined;
  if (crashAt && !(ROTATE_STEPS as readonly string[]).includes(crashAt)) {
    throw new EnvsealError(Code.USAGE_TEST, `ENVSEAL_TEST_CRASH_AT=${crashAt} is not a rotation step (${ROTATE_STEPS.join(', ')})`);
  }
  return (step) => {
    if (step === crashAt) process.kill(process.pid, 'SIGKILL');
    if (delay > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);
  };
}
