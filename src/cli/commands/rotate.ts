import * as path from 'node:path';
import type { MasterKey } from '../../crypto/master-key.js';
import { rotateFile } from '../../core/rotate.js';
import { EnvsealError, ExitCode, Code } from '../../errors.js';
import { plainNameFor } from '../../env-files.js';
import { displayPath } from '../../io/files.js';
import { audited } from '../audit.js';
import type { Context } from '../context.js';
import { decryptPaths, keyOptions } from '../paths.js';
import { askLine } from '../prompt.js';
import { plural } from '../render.js';
import type { Handler } from '../handler.js';
import { testCheckpoint } from '../rotation-checkpoint.js';

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
        : result.keyStoredIn.kind === 'recipients'
          ? `in ${displayPath(result.keyStoredIn.path!)}, wrapped to every recipient (the old key kept as previous)`
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
  if (result.recipientsFile) {
    const recipients = displayPath(result.recipientsFile);
    if (result.keyStoredIn.kind !== 'recipients') context.info(`  ${recipients} was re-wrapped too: every recipient gets the new key.`);
    context.info(`  Next: commit ${file} and ${recipients}. Recipients (CI included) open it with their own identity: there is no key to hand out.`);
  } else {
    context.info(`  Next: commit ${file}, and give teammates and CI the key with fingerprint ${result.newFingerprint} (password manager, vault, CI secrets).`);
  }
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

