/**
 * `envseal revoke NAME`: one crash-safe command for what sops leaves to several manual steps. The
 * tombstone and the new key (wrapped to everyone else) reach the recipients file in one atomic write,
 * the durable step before any re-seal (core/rotate.ts). Every sealed file that shares the recipients
 * file (a monorepo's apps) is re-sealed with the new key and records the revocation (core/rotate-all.ts).
 * A kill -9 at any instant leaves files the remaining recipients open, and running `revoke` again
 * finishes the files still sealed with the old key. The revoked teammate still knows every value they
 * could read: the result lists them, to be changed at their providers.
 */
import { EnvsealError, Code } from '../errors.js';
import { keyStoreOf } from '../keys/key-sources.js';
import { readRecipients } from '../keys/recipients-store.js';
import { isoSeconds } from './history.js';
import { type Revocation, liveGrant, recipientsFileFor } from './recipients.js';
import { type GroupRotation, groupByKeyStore, rotateGroup, sharingDirs } from './rotate-all.js';
import type { RotateRequest } from './rotate.js';
import { exists } from '../io/files.js';

export interface RevokeRequest extends Omit<RotateRequest, 'revoke' | 'dryRun' | 'ring'> {
  name: string;
  by?: string;
}

export interface RevokeResult {
  recipientsFile: string;
  rotation: GroupRotation;
  /** An earlier revoke of NAME was interrupted: this run finished its files, with no new key. */
  finished: boolean;
  /** Per file, the names of the values the revoked teammate could read: change them where they are issued. */
  exposed: { file: string; names: string[] }[];
}

export async function revokeRecipient(request: RevokeRequest): Promise<RevokeResult> {
  const file = recipientsFileFor(request.input, request.envName);
  if (!exists(file)) {
    throw new EnvsealError(Code.RECIPIENT_MISSING, `there is no recipients file for ${request.input}, so there is nobody to revoke`, 'Teams that share one key remove someone with `envseal rotate --reason offboarding` and hand the new key to the others.');
  }
  const state = readRecipients(file);
  const lookup = { envFile: request.input, env: request.env, ...(request.envName ? { envName: request.envName } : {}), ...(request.keyFile ? { keyFile: request.keyFile } : {}) };
  const store = keyStoreOf(lookup);
  const group = groupByKeyStore(sharingDirs(request.input, store), request).find((g) => g.store.id === store.id) ?? { store, files: [request.input] };
  const live = state.grants.some((g) => g.line.name === request.name && !g.revoked);
  // Revoked already: an interrupted run may have left files sealed with the old key, which NAME knows.
  const tombstone = live ? undefined : [...state.tombstones].reverse().find((t) => t.name === request.name);
  if (!live && !tombstone) liveGrant(state, request.name); // throws, naming the recipients there are
  const revoke: Revocation = tombstone
    ? { name: tombstone.name, fingerprint: tombstone.fingerprint, date: tombstone.date, ...(tombstone.by ? { by: tombstone.by } : {}), reason: tombstone.reason ?? request.reason }
    : { name: request.name, fingerprint: liveGrant(state, request.name).fingerprint, date: isoSeconds(request.now), ...(request.by ? { by: request.by } : {}), reason: request.reason };
  const rotation = await rotateGroup({ ...request, dryRun: false, revoke, group, primary: request.input, finishOnly: !live });
  if (!live && rotation.results.length === 0) {
    throw new EnvsealError(Code.RECIPIENT_MISSING, `${request.name} was already revoked (${revoke.date.slice(0, 10)}) and every file sharing ${state.label} is sealed with a key made after that`, 'Nothing to do. `envseal status` lists the values they may still know.');
  }
  return { recipientsFile: file, rotation, finished: !live, exposed: rotation.results.map((r) => ({ file: r.file, names: r.names })) };
}
