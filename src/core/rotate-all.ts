/**
 * One rotation for every sealed file that shares a key store: a monorepo's root key file (or
 * recipients file) serving several apps. Rotating one app alone would leave the others sealed with
 * the previous key ("rotation-unfinished") until each was rotated by hand.
 *
 * The durable steps are core/rotate.ts's, once for the group: the first file's rotation stores the
 * new key (with the old one as previous) before any ciphertext depends on it; every other file is then
 * finished as a resumed rotation with that key. A crash in between leaves files sealed with the
 * previous key, which still open; running the same command again finishes them without a new key.
 */
import * as path from 'node:path';
import { envNameOf, sealedFileName } from '../env-files.js';
import { EnvsealError, Code } from '../errors.js';
import { parseSealedStructure } from '../format/sealed.js';
import { displayPath, readText } from '../io/files.js';
import type { KeyRing } from '../keys/key-ring.js';
import { type KeyStore, keyStoreOf, resolveKeyRing } from '../keys/key-sources.js';
import { type RotateRequest, type RotateResult, lockRotation, rotateLocked } from './rotate.js';
import { findSealedFiles } from './sealed-files.js';

export interface SharedGroup {
  store: KeyStore;
  /** Sorted; every file of this environment whose key lookup ends at `store`. */
  files: string[];
}

/**
 * The sealed files of `envName` under `dirs`, grouped by the key store each one's lookup reaches.
 * A file's own store may sit above every dir (the repository root's key file): callers add that
 * store's directory, so the files of other apps sharing it are found too.
 */
export function groupByKeyStore(dirs: readonly string[], request: Pick<RotateRequest, 'envName' | 'keyFile' | 'env'>): SharedGroup[] {
  const files = [...new Set(dirs.flatMap((dir) => findSealedFiles(dir)))].filter((f) => envNameOf(f) === request.envName).sort();
  const groups = new Map<string, SharedGroup>();
  for (const file of files) {
    const store = keyStoreOf({ envFile: file, env: request.env, ...(request.envName ? { envName: request.envName } : {}), ...(request.keyFile ? { keyFile: request.keyFile } : {}) });
    const group = groups.get(store.id) ?? { store, files: [] };
    group.files.push(file);
    groups.set(store.id, group);
  }
  return [...groups.values()];
}

/** The groups `rotate --all` rotates: every file of the environment under `dir`, and those sharing the store `dir`'s own lookup reaches. */
export function groupsFrom(dir: string, request: Pick<RotateRequest, 'envName' | 'keyFile' | 'env'>): SharedGroup[] {
  const probe = path.join(dir, sealedFileName(request.envName));
  const store = keyStoreOf({ envFile: probe, env: request.env, ...(request.envName ? { envName: request.envName } : {}), ...(request.keyFile ? { keyFile: request.keyFile } : {}) });
  return groupByKeyStore([dir, ...sharingDirs(probe, store)], request);
}

/** Where to look for files sharing `file`'s store: its own directory and the store's. */
export function sharingDirs(file: string, store: KeyStore): string[] {
  const dirs = [path.dirname(file), ...[store.keyFile, store.recipientsFile].flatMap((f) => (f ? [path.dirname(f)] : []))];
  // The outermost directory covers the others.
  return [dirs.reduce((a, b) => (a.length <= b.length ? a : b))];
}

export interface GroupRotation {
  store: KeyStore;
  results: RotateResult[];
  /** Files of the group sealed with a key the store no longer holds: left as they are, named. */
  skipped: string[];
  /** Every file was already sealed with the current key but some were not: those were finished, no new key made. */
  finishedOnly: boolean;
}

export interface GroupRotateRequest extends Omit<RotateRequest, 'input' | 'ring'> {
  group: SharedGroup;
  /** The file whose rotation makes the new key (and writes a revocation's tombstone); default the first. */
  primary?: string;
  /** Only finish files still sealed with a previous key; never make a new key (a revocation already written). */
  finishOnly?: boolean;
  /** Called before each file is re-sealed (progress on a terminal). */
  onFile?: (file: string, index: number, total: number) => void;
}

/**
 * Rotates the whole group under one set of locks. When some files are still sealed with a previous
 * key (an interrupted run), only those are finished: no new key is made, as `rotate` does for one file.
 */
export async function rotateGroup(request: GroupRotateRequest): Promise<GroupRotation> {
  let { group } = request;
  const primary = request.primary ?? group.files[0]!;
  if (!group.files.includes(primary)) group = { ...group, files: [primary, ...group.files] };
  const ring = resolveKeyRing({ ...request, envFile: primary });
  const sealedWith = new Map(group.files.map((f) => [f, headerFingerprint(f, f === primary)]));
  const usable = group.files.filter((f) => ring.keys.some((k) => k.fingerprint === sealedWith.get(f)));
  const skipped = group.files.filter((f) => !usable.includes(f));
  if (!usable.includes(primary)) {
    throw new EnvsealError(Code.KEY_WRONG, `${displayPath(primary)} is sealed with key ${sealedWith.get(primary)}, which ${ring.source} does not hold`, 'Rotate it with the key it was sealed with (--key-file), or re-seal it under the current key with `envseal encrypt --rekey`.');
  }
  const behind = usable.filter((f) => sealedWith.get(f) !== ring.current.fingerprint);
  if (request.finishOnly && behind.length === 0) return { store: group.store, results: [], skipped, finishedOnly: true };
  if (request.revoke && !request.finishOnly && behind.length > 0) {
    // The tombstone goes with a new key: finishing these with the current one would write neither.
    throw new EnvsealError(Code.KEY_ROTATED, `${behind.map(displayPath).join(', ')} ${behind.length === 1 ? 'is' : 'are'} in the middle of a rotation (sealed with a previous key)`, 'Finish it first with `envseal rotate --all`, then revoke.');
  }
  const order = behind.length > 0 ? behind : [primary, ...usable.filter((f) => f !== primary)];
  const release = request.dryRun ? () => {} : lockRotation(usable, group.store.keyFile, group.store.recipientsFile);
  try {
    const results: RotateResult[] = [];
    let keys: KeyRing = ring;
    for (const [i, input] of order.entries()) {
      request.onFile?.(input, i, order.length);
      const first = i === 0 && behind.length === 0;
      // After the first file, the others open with the new key's ring (a dry run's ring is unchanged).
      const { result, ring: after } = await rotateLocked({ ...request, input, ring: keys }, first ? group.store.recipientsFile : undefined);
      if (first) keys = after;
      results.push(result);
    }
    return { store: group.store, results, skipped, finishedOnly: behind.length > 0 };
  } finally {
    release();
  }
}

/**
 * The key fingerprint a sealed file's header names (unverified: enough to choose what to rotate).
 * The file asked for reports why it cannot be read; another one is only left out (status says why).
 */
function headerFingerprint(file: string, strict: boolean): string | undefined {
  try {
    return parseSealedStructure(readText(file).text, displayPath(file)).fingerprint;
  } catch (e) {
    if (strict) throw e;
    return undefined;
  }
}
