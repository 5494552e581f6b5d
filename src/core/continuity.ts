/**
 * Key continuity for files opened through the recipients file. age is unauthenticated by design, so
 * anyone who can push could make a new master key, re-seal values of their choosing and wrap the key
 * to every teammate's public key; every teammate would open it without a word. A key this user has
 * not seen for this file is accepted only when the file's history links it to one they have: a
 * `rotated` entry whose link (an HMAC under the key it replaced) verifies with that previous key,
 * which the recipients file hands over with the current one. First use trusts what it finds, as ssh
 * does; `--trust-new-key` accepts a key after checking with the team.
 */
import { EnvsealError, Code } from '../errors.js';
import type { OpenedFile } from '../format/sealed.js';
import type { KeyRing } from '../keys/key-ring.js';
import { knownFingerprints, rememberKey } from '../keys/known-keys.js';
import { continuityLink } from './history.js';

export interface ContinuityRequest {
  env: NodeJS.ProcessEnv;
  file: string;
  label: string;
  trustNewKey?: boolean;
}

export function checkContinuity(request: ContinuityRequest, opened: OpenedFile, ring: KeyRing): void {
  if (ring.kind !== 'recipients') return;
  const known = knownFingerprints(request.env, request.file);
  const key = ring.keys[opened.keyIndex]!;
  if (known?.has(key.fingerprint)) return;
  if (!known || linked(opened, ring, known) || request.trustNewKey) {
    rememberKey(request.env, request.file, key.fingerprint);
    return;
  }
  throw new EnvsealError(
    Code.KEY_CONTINUITY,
    `${request.label} is now sealed with key ${key.fingerprint}, which you have not opened it with before, and its history does not prove that whoever made that key held the one you knew (${[...known].join(', ')}). Someone who can push but never held the key can wrap a new key to everyone's public keys and re-seal values of their choosing`,
    `Check with your team that the change to ${key.fingerprint} was theirs (git log -p -- ${request.label} and its .recipients file); if it was, run the command again with --trust-new-key.`,
  );
}

/** A rotated entry to the file's key from a known key, with a link that key verifies. */
function linked(opened: OpenedFile, ring: KeyRing, known: ReadonlySet<string>): boolean {
  return opened.history.some((entry) => {
    if (entry.event !== 'rotated' || entry.key !== opened.fingerprint || !entry.previousKey || !entry.link || !known.has(entry.previousKey)) return false;
    const previous = ring.keys.find((k) => k.fingerprint === entry.previousKey);
    const current = ring.keys.find((k) => k.fingerprint === entry.key);
    return previous !== undefined && current !== undefined && continuityLink(previous, current) === entry.link;
  });
}
