import * as path from 'node:path';
import type { MasterKey } from '../../crypto/master-key.js';
import { type RotateResult, rotateFile } from '../../core/rotate.js';
import { groupByKeyStore, groupsFrom, rotateGroup, sharingDirs } from '../../core/rotate-all.js';
import { keyStoreOf } from '../../keys/key-sources.js';
import { EnvsealError, ExitCode, Code } from '../../errors.js';
import { plainNameFor, sealedFileName } from '../../env-files.js';
import { displayPath } from '../../io/files.js';
import { audited } from '../audit.js';
import type { Context } from '../context.js';
import { decryptPaths, keyOptions } from '../paths.js';
import { askLine } from '../prompt.js';
import { withProgress } from '../progress.js';
import { plural, resealedLines } from '../render.js';
import type { Args, Handler } from '../handler.js';
import { testCheckpoint } from '../rotation-checkpoint.js';

const CONFIRMATION = 'stored';

export const rotate: Handler = async (args, context) => {
  if (args.all) return rotateAll(args, context);
  const { input } = decryptPaths(args, context);
  const reason = reasonOf(args);
  const dryRun = Boolean(args.dryRun);
  const run = () => rotateFile({ ...rotateOptions(args, context), input, envLabel: path.basename(plainNameFor(input)) }).then((r) => ({ ...r, fingerprint: r.newFingerprint }));
  // A dry run changes nothing, not even the audit log.
  const result = dryRun ? await run() : await audited(context, 'rotate', input, run, reason);

  const file = displayPath(result.file);
  const stored = storedWhere(result);
  if (result.dryRun) {
    context.info(`Dry run: would rotate ${file} (${plural(result.values, 'value')}) from key ${result.oldFingerprint} to a new key; re-sealing and verifying in memory succeeded. Nothing was changed.`);
    context.info(`  The new key would be stored ${stored}${args.backup !== false ? `, and ${file} backed up first` : ''}.`);
    return ExitCode.ok;
  }
  const arrow = `${result.oldFingerprint} → ${result.newFingerprint}`;
  context.info(
    result.resumed
      ? `Finished an unfinished rotation of ${file}: re-sealed from previous key ${arrow} (your current key); no new key was generated. ${plural(result.values, 'value')}, verified.`
      : `Rotated ${file}: key ${arrow}, ${plural(result.values, 'value')} re-sealed and verified.`,
  );
  context.info(`  The new key is stored ${stored}.`);
  if (result.backup) context.info(`  The old sealed file was kept as ${displayPath(result.backup)}.`);
  nextSteps([result], context);
  const others = groupByKeyStore(sharingDirs(input, keyStoreOf({ ...keyOptions(args, context), envFile: input })), keyOptions(args, context)).find((g) => g.files.includes(input))?.files.filter((f) => f !== input) ?? [];
  if (others.length > 0) context.warn(`${others.map(displayPath).join(', ')} share${others.length === 1 ? 's' : ''} this key and ${others.length === 1 ? 'is' : 'are'} still sealed with the old one: \`envseal rotate --all${envFlag(args)}\` finishes ${others.length === 1 ? 'it' : 'them'}.`);
  return ExitCode.ok;
};

/** `rotate --all`: every sealed file of the environment here, and every file sharing their key stores; one new key per store. */
async function rotateAll(args: Args, context: Context): Promise<number> {
  if (typeof args.in === 'string') throw new EnvsealError(Code.USAGE, '--all rotates every sealed file of the environment: give --in or --all, not both', `envseal rotate --all${envFlag(args)}`);
  const options = keyOptions(args, context);
  const groups = groupsFrom(context.cwd, options);
  if (groups.length === 0) {
    context.info(`No sealed files of this environment (${sealedFileName(options.envName)}) under this directory or beside its key.`);
    return ExitCode.ok;
  }
  for (const group of groups) {
    const first = group.files[0]!;
    const run = () =>
      withProgress(context, 'Rotating…', (p) =>
        rotateGroup({ ...rotateOptions(args, context), group, envLabel: path.basename(plainNameFor(first)), onFile: (file, i, n) => p.update(`Rotating ${displayPath(file)} (${i + 1} of ${n})…`) }),
      ).then((r) => ({ ...r, fingerprint: r.results[0]?.newFingerprint }));
    const rotation = args.dryRun ? await run() : await audited(context, 'rotate --all', first, run, reasonOf(args));
    const head = rotation.results[0]!;
    const files = rotation.results.map((r) => displayPath(r.file));
    if (head.dryRun) context.info(`Dry run: would rotate ${files.join(', ')} from key ${head.oldFingerprint} to one new key, stored ${storedWhere(head)}; re-sealing and verifying in memory succeeded. Nothing was changed.`);
    else if (rotation.finishedOnly) context.info(`Finished an unfinished rotation of ${files.join(', ')}: re-sealed with your current key ${head.newFingerprint}; no new key was generated.`);
    else context.info(`Rotated ${plural(files.length, 'file')} sharing one key: ${head.oldFingerprint} → ${head.newFingerprint}, stored ${storedWhere(head)}.`);
    if (!head.dryRun) {
      for (const line of resealedLines(rotation.results)) context.info(`  ${line}`);
      nextSteps(rotation.results, context);
    }
    for (const skipped of rotation.skipped) context.warn(`${displayPath(skipped)} shares this key store but is sealed with a key it no longer holds: it was left as it is (\`envseal status\` says more).`);
  }
  return ExitCode.ok;
}

const reasonOf = (args: Args): string => (typeof args.reason === 'string' && args.reason.trim() !== '' ? args.reason.trim() : 'scheduled');
const envFlag = (args: Args): string => (typeof args.env === 'string' ? ` --env ${args.env}` : '');

/** What rotateFile and rotateGroup both take from the command line. */
function rotateOptions(args: Args, context: Context) {
  const force = Boolean(args.force);
  const newKeyOut = typeof args.newKeyOut === 'string' && args.newKeyOut !== '' ? path.resolve(context.cwd, args.newKeyOut) : undefined;
  // A new key printed into a pipe or a file may never reach a person, and the file would then be
  // sealed with a key nobody has: show it only on a terminal, and confirm unless --force.
  const canShowKey = Boolean(context.stdout.isTTY) && (force || Boolean(context.stdin.isTTY));
  return {
    ...keyOptions(args, context),
    reason: reasonOf(args),
    backup: args.backup !== false,
    dryRun: Boolean(args.dryRun),
    ...(newKeyOut ? { newKeyOut } : {}),
    ...(canShowKey ? { deliverNewKey: (key: MasterKey) => showNewKey(key, context, force) } : {}),
    checkpoint: testCheckpoint(context.env),
    now: context.now,
  };
}

function storedWhere(result: RotateResult): string {
  const where = result.keyStoredIn.path ? displayPath(result.keyStoredIn.path) : '';
  switch (result.keyStoredIn.kind) {
    case 'key-file':
      return `in ${where} (the old key stays there as a previous key, so files not yet rotated still open)`;
    case 'new-key-out':
      return `in ${where} (mode 0600; the old key is listed there as previous)`;
    case 'recipients':
      return `in ${where}, wrapped to every recipient (the old key kept as previous)`;
    default:
      return 'only where you stored it just now';
  }
}

function nextSteps(results: readonly RotateResult[], context: Context): void {
  const files = results.map((r) => displayPath(r.file)).join(', ');
  const head = results[0]!;
  if (head.recipientsFile) {
    const recipients = displayPath(head.recipientsFile);
    if (head.keyStoredIn.kind !== 'recipients') context.info(`  ${recipients} was re-wrapped too: every recipient gets the new key.`);
    context.info(`  Next: commit ${files} and ${recipients}. Recipients (CI included) open it with their own identity: there is no key to hand out.`);
  } else if (head.resumed) {
    context.info(`  Next: commit ${files}.`);
  } else {
    context.info(`  Next: commit ${files}, and give teammates and CI the key with fingerprint ${head.newFingerprint} (password manager, vault, CI secrets).`);
  }
}

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

