/**
 * Master key rotation as a sequence of durable steps. At every instant, one of these holds, so
 * `envseal decrypt` always recovers every value (README, "Rotation that cannot lose data"):
 *
 *   A. key file (old, ...)         sealed file under old       nothing happened yet
 *   B. key file (new, old, ...)    sealed file under old       opens with the previous key; `rotate` resumes
 *   C. key file (new, old, ...)    sealed file under new       done (a verified temp copy replaced it)
 *
 * The new key is stored (step B) before any ciphertext depends on it, the re-sealed file is verified
 * from disk before it replaces the old one, and the old one is backed up first. When the key lives in
 * a variable or a key command, envseal cannot store it: it is handed to `deliverNewKey` (the CLI
 * prints it once and asks for confirmation) or written to `newKeyOut`, before anything else changes.
 */
import * as fs from 'node:fs';
import { MasterKey } from '../crypto/master-key.js';
import { EnvsealError, Code } from '../errors.js';
import { type EnvLine, toRecord } from '../format/envfile.js';
import { type OpenedFile, openSealed, sealLines } from '../format/sealed.js';
import { PUBLIC_MODE, backupFile, displayPath, readText, renameDurable, writeTempBeside } from '../io/files.js';
import { KeyRing } from '../keys/key-ring.js';
import { findKeyFile } from '../keys/key-sources.js';
import { lockFiles } from '../io/lock.js';
import { createKeyFile, replaceKeyFile } from '../keys/key-store.js';
import { findRecipientsFile } from '../keys/recipients-store.js';
import { type Revocation, rewrapRecipients } from './recipients.js';
import { exposureMarkers, rekeyExposures } from './exposure.js';
import { continuityLink, historyEntry, isoSeconds } from './history.js';
import { type KeyOptions, openSealedFile } from './open.js';

/** Named points between durable steps; tests stop the process at each one. */
export const ROTATE_STEPS = ['opened', 'key-stored', 'temp-written', 'verified', 'backed-up', 'replaced'] as const;
export type RotateStep = (typeof ROTATE_STEPS)[number];

export interface RotateRequest extends KeyOptions {
  /** The sealed file. */
  input: string;
  reason: string;
  backup: boolean;
  dryRun: boolean;
  /** Write the new key (and the old one as previous) to this new file, mode 0600. */
  newKeyOut?: string;
  /** Makes the new key durable when envseal cannot store it; throws to abort before anything changes. */
  deliverNewKey?: (key: MasterKey) => Promise<void>;
  /** Called after each durable step. */
  checkpoint?: (step: RotateStep) => void;
  now: Date;
  /** Label for the key file's comment, e.g. ".env.production". */
  envLabel: string;
  /** `revoke`: the recipient whose tombstone is written with the new key, before any re-seal. */
  revoke?: Revocation;
  /**
   * Keys already resolved: another file's rotation stored the new key in the store this file shares
   * (core/rotate-all.ts), so this one is finished with it, and a revocation is recorded, not written again.
   */
  ring?: KeyRing;
}

export interface RotateResult {
  file: string;
  oldFingerprint: string;
  newFingerprint: string;
  values: number;
  /** The names of the values re-sealed. */
  names: string[];
  /** Where the new key now lives. */
  keyStoredIn: { kind: 'key-file' | 'recipients' | 'new-key-out' | 'delivered'; path?: string };
  backup?: string;
  /** The file was still sealed with a previous key: the rotation was finished without a new key. */
  resumed: boolean;
  /** The recipients file the new key was wrapped into, for every valid recipient. */
  recipientsFile?: string;
  dryRun: boolean;
}

export async function rotateFile(request: RotateRequest): Promise<RotateResult> {
  if (request.dryRun) return (await rotateLocked(request, undefined)).result;
  const lookup = { envFile: request.input, ...(request.envName ? { envName: request.envName } : {}) };
  const recipients = findRecipientsFile(lookup);
  const release = lockRotation([request.input], request.keyFile ?? findKeyFile(lookup), recipients);
  try {
    return (await rotateLocked(request, recipients)).result;
  } finally {
    release();
  }
}

/** Two rotations at once would each keep only their own new key: one of them must wait. */
export function lockRotation(files: readonly string[], keyFile: string | undefined, recipientsFile: string | undefined): () => void {
  return lockFiles([...files, ...(keyFile ? [keyFile] : []), ...(recipientsFile ? [recipientsFile] : [])]);
}

/** One file's rotation, its locks held by the caller; `ring` is the keys once it is done. */
export async function rotateLocked(request: RotateRequest, recipientsFile: string | undefined): Promise<{ result: RotateResult; ring: KeyRing }> {
  const { label, opened, ring } = openSealedFile({ ...request, file: request.input });
  const values = opened.lines.filter((l) => l.kind === 'entry').length;
  const checkpoint = request.checkpoint ?? (() => {});
  checkpoint('opened');

  const resumed = opened.keyIndex > 0;
  if (resumed && request.revoke && !request.ring) {
    throw new EnvsealError(Code.KEY_ROTATED, `${label} is in the middle of a rotation (sealed with a previous key)`, 'Finish it first with `envseal rotate`, then revoke.');
  }
  const oldKey = ring.keys[opened.keyIndex]!;
  const newKey = resumed ? ring.current : MasterKey.generate();
  const base: Omit<RotateResult, 'keyStoredIn'> = {
    file: request.input,
    oldFingerprint: oldKey.fingerprint,
    newFingerprint: newKey.fingerprint,
    values,
    names: [...new Set(opened.lines.flatMap((l) => (l.kind === 'entry' ? [l.name] : [])))],
    resumed,
    dryRun: request.dryRun,
  };
  const history = [
    ...rekeyExposures(opened.history, opened.lines, ring, newKey),
    ...(request.revoke
      ? [{ ...historyEntry('revoked', newKey, request.now, { reason: request.reason }), recipient: request.revoke.name, exposed: exposureMarkers(newKey, opened.lines) }]
      : []),
    historyEntry('rotated', newKey, request.now, { previousKey: oldKey.fingerprint, reason: request.reason, verified: true, link: continuityLink(oldKey, newKey) }),
  ];
  // The records carry over: a new master key changes no value, so no value's age.
  const sealed = sealLines(opened.lines, newKey, { history, previous: opened, now: isoSeconds(request.now), label });

  if (request.dryRun) {
    verify(sealed, newKey, opened, label);
    return { result: { ...base, keyStoredIn: plannedKeyStore(ring, request) }, ring };
  }
  const after = resumed ? ring : ring.rotatedTo(newKey, isoSeconds(request.now));
  const keyStoredIn = resumed ? currentKeyStore(ring) : await storeNewKey(ring, after, request, recipientsFile);
  checkpoint('key-stored');

  try {
    const temp = writeTempBeside(request.input, sealed, fileMode(request.input));
    try {
      checkpoint('temp-written');
      verify(readText(temp).text, newKey, opened, label);
      checkpoint('verified');
      const result: RotateResult = { ...base, keyStoredIn, ...(recipientsFile && !resumed ? { recipientsFile } : {}) };
      if (request.backup) result.backup = backupFile(request.input, request.now);
      checkpoint('backed-up');
      renameDurable(temp, request.input);
      checkpoint('replaced');
      return { result, ring: after };
    } finally {
      fs.rmSync(temp, { force: true });
    }
  } catch (e) {
    throw e instanceof EnvsealError ? halfway(e, keyStoredIn, newKey, oldKey, label) : e;
  }
}

/**
 * A failure after the new key was stored (a full disk, say). The cause's own fix ("the existing file
 * was not changed") would be untrue: say exactly what did change, and that `rotate` finishes the job.
 */
function halfway(cause: EnvsealError, stored: RotateResult['keyStoredIn'], newKey: MasterKey, oldKey: MasterKey, label: string): EnvsealError {
  const where = stored.path ? displayPath(stored.path) : 'the key store you confirmed';
  return new EnvsealError(
    cause.code,
    `${cause.message}. The rotation stopped half-way: ${where} holds the new key ${newKey.fingerprint} and keeps the old key ${oldKey.fingerprint} as previous; ${label} is still sealed with the old key and opens as before`,
    'Fix the cause (free some space, for a full disk), then run `envseal rotate` again: it finishes this rotation with the key already stored, without making another.',
  );
}

function fileMode(file: string): number {
  try {
    return fs.statSync(file).mode & 0o777;
  } catch {
    return PUBLIC_MODE;
  }
}

/** Opens the re-sealed text with the new key alone and compares every entry with the plaintext. */
function verify(sealedText: string, newKey: MasterKey, original: OpenedFile, label: string): void {
  const reopened = openSealed(sealedText, KeyRing.of(newKey, 'the new key'), `${label} (re-sealed)`);
  const names = (lines: readonly EnvLine[]): string[] => lines.flatMap((l) => (l.kind === 'entry' ? [l.name] : []));
  const same =
    JSON.stringify(names(reopened.lines)) === JSON.stringify(names(original.lines)) &&
    JSON.stringify(toRecord(reopened.lines)) === JSON.stringify(toRecord(original.lines));
  if (!same) {
    throw new EnvsealError(Code.ROTATE_VERIFY, `verification of the re-sealed ${label} failed; nothing was replaced`, 'This is a bug in envseal: please report it. Your file and key are unchanged or still open with the previous key.');
  }
}

function currentKeyStore(ring: KeyRing): RotateResult['keyStoredIn'] {
  if (ring.keyFilePath) return { kind: 'key-file', path: ring.keyFilePath };
  return ring.recipientsPath ? { kind: 'recipients', path: ring.recipientsPath } : { kind: 'delivered' };
}

function plannedKeyStore(ring: KeyRing, request: RotateRequest): RotateResult['keyStoredIn'] {
  if (ring.keyFilePath) return { kind: 'key-file', path: ring.keyFilePath };
  if (ring.recipientsPath) return { kind: 'recipients', path: ring.recipientsPath };
  return request.newKeyOut ? { kind: 'new-key-out', path: request.newKeyOut } : { kind: 'delivered' };
}

/**
 * The durable step B: the new key stored, the old one kept as previous, before any ciphertext depends
 * on it. A recipients file is re-wrapped whichever source the key came from, so every teammate and CI
 * can open what comes next.
 */
async function storeNewKey(ring: KeyRing, after: KeyRing, request: RotateRequest, recipientsFile: string | undefined): Promise<RotateResult['keyStoredIn']> {
  const newKey = after.current;
  const previous = [...after.previous];
  if (recipientsFile) rewrapRecipients(recipientsFile, ring, newKey, ring.current, request.revoke);
  if (ring.keyFilePath) {
    replaceKeyFile(ring.keyFilePath, { current: newKey, previous }, request.envLabel);
    return { kind: 'key-file', path: ring.keyFilePath };
  }
  if (recipientsFile) return { kind: 'recipients', path: recipientsFile };
  if (request.newKeyOut) {
    createKeyFile(request.newKeyOut, { current: newKey, previous }, request.envLabel);
    return { kind: 'new-key-out', path: request.newKeyOut };
  }
  if (!request.deliverNewKey) {
    throw new EnvsealError(
      Code.ROTATE_KEY_UNSTORED,
      `the master key comes from ${ring.source}, which envseal cannot update, and there is no terminal to show the new key on`,
      'Add --new-key-out FILE to write the new key to a new 0600 file, then store it in your vault and CI secrets; nothing has changed.',
    );
  }
  await request.deliverNewKey(newKey);
  return { kind: 'delivered' };
}
