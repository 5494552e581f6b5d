/**
 * `envseal revoke NAME`: one crash-safe command for what sops leaves to several manual steps. The
 * tombstone and the new key (wrapped to everyone else) reach the recipients file in one atomic write,
 * the durable step before any re-seal (core/rotate.ts); a kill -9 at any instant leaves a file that
 * the remaining recipients open, and `envseal rotate` finishes it. The revoked teammate still knows
 * every value they could read: the result lists them, to be changed at their providers.
 */
import { EnvsealError, Code } from '../errors.js';
import { readRecipients } from '../keys/recipients-store.js';
import { isoSeconds } from './history.js';
import { liveGrant, recipientsFileFor } from './recipients.js';
import { type RotateRequest, type RotateResult, rotateFile } from './rotate.js';
import { exists } from '../io/files.js';

export interface RevokeRequest extends Omit<RotateRequest, 'revoke' | 'dryRun'> {
  name: string;
  by?: string;
}

export interface RevokeResult extends RotateResult {
  recipientsFile: string;
  /** Names of the values the revoked teammate could read: change them where they are issued. */
  exposed: string[];
}

export async function revokeRecipient(request: RevokeRequest): Promise<RevokeResult> {
  const file = recipientsFileFor(request.input, request.envName);
  if (!exists(file)) {
    throw new EnvsealError(Code.RECIPIENT_MISSING, `there is no recipients file for ${request.input}, so there is nobody to revoke`, 'Teams that share one key remove someone with `envseal rotate --reason offboarding` and hand the new key to the others.');
  }
  const { fingerprint } = liveGrant(readRecipients(file), request.name);
  const revoke = { name: request.name, fingerprint, date: isoSeconds(request.now), ...(request.by ? { by: request.by } : {}), reason: request.reason };
  const result = await rotateFile({ ...request, dryRun: false, revoke });
  return { ...result, recipientsFile: file, exposed: result.names };
}
