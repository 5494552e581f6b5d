/**
 * age's native X25519 recipients (`age1…`) and identities (`AGE-SECRET-KEY-1…`), and the ephemeral
 * Diffie-Hellman wrap they share with ssh-ed25519 (which adds a tweak and its own label).
 */
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { Code, EnvsealError } from '../errors.js';
import { decodeBech32, decodeRawBase64, encodeBech32, encodeRawBase64 } from './encoding.js';
import { invalidAge, type Stanza } from './format.js';
import { FILE_KEY_LENGTH, hkdf, isLowOrder, open, seal, x25519, x25519PrivateKey, x25519PublicPoint, ZERO_NONCE } from './primitives.js';
import type { IdentityKey, Recipient, RecipientKey } from './types.js';

const LABEL = 'age-encryption.org/v1/X25519';
export const RECIPIENT_HRP = 'age';
export const IDENTITY_HRP = 'AGE-SECRET-KEY-';

/**
 * The key that wraps a file key: HKDF over the shared secret, salted with the ephemeral share and
 * the recipient's point, in that order (both sides, so a swapped salt would still round-trip here:
 * only the interop tests with the age CLI catch that). `tweak` is ssh-ed25519's extra scalar.
 */
function wrappingKey(secret: KeyObject, point: Uint8Array, salt: Buffer, label: string, tweak?: KeyObject): Buffer {
  let shared = x25519(secret, point);
  if (shared && tweak) shared = x25519(tweak, shared);
  if (!shared) throw invalidAge('header', 'a stanza whose share is a low-order point');
  return hkdf(shared, salt, label);
}

/** The wrap of X25519 and ssh-ed25519: a fresh ephemeral key per stanza. */
export function wrapToPoint(theirPoint: Buffer, fileKey: Buffer, label: string, tweak?: KeyObject): { share: Buffer; body: Buffer } {
  const ephemeral = x25519PrivateKey(randomBytes(32));
  const share = x25519PublicPoint(ephemeral);
  const key = wrappingKey(ephemeral, theirPoint, Buffer.concat([share, theirPoint]), label, tweak);
  return { share, body: seal(key, ZERO_NONCE, fileKey) };
}

/** A stanza's ephemeral share: 32 bytes of canonical base64, checked before anything else in it. */
export function decodeShare(text: string, type: string): Buffer {
  const share = decodeRawBase64(text);
  if (!share || share.length !== 32) throw invalidAge('header', `an ${type} stanza whose share is not 32 bytes of canonical base64`);
  return share;
}

/** The body's plaintext, or undefined when it does not open with this key. */
export const unwrapWithShare = (secret: KeyObject, ourPoint: Buffer, share: Buffer, body: Buffer, label: string, tweak?: KeyObject): Buffer | undefined =>
  open(wrappingKey(secret, share, Buffer.concat([share, ourPoint]), label, tweak), ZERO_NONCE, body);

export function x25519RecipientKey(point: Buffer, comment: string | undefined): RecipientKey {
  const text = encodeBech32(RECIPIENT_HRP, point);
  const recipient: Recipient = Object.freeze({ type: 'x25519', text, fingerprint: `SHA256:${encodeRawBase64(createHash('sha256').update(text).digest())}`, ...(comment ? { comment } : {}) });
  return {
    recipient,
    wrap: (fileKey) => {
      const { share, body } = wrapToPoint(point, fileKey, LABEL);
      return { type: 'X25519', args: [encodeRawBase64(share)], body };
    },
  };
}

/** An `age1…` key (lower case, as age writes and reads it). */
export function parseX25519Recipient(text: string, comment: string | undefined): RecipientKey {
  const decoded = decodeBech32(text);
  if (!decoded || decoded.hrp !== RECIPIENT_HRP || decoded.bytes.length !== 32 || isLowOrder(decoded.bytes)) {
    throw new EnvsealError(Code.RECIPIENT_INVALID, 'not a valid age public key: an age1… key is 62 lower-case characters with a valid checksum', 'Copy the whole key again, as `age-keygen -y` or `envseal whoami` prints it.');
  }
  return x25519RecipientKey(decoded.bytes, comment);
}

export function x25519IdentityKey(scalar: Buffer): IdentityKey {
  const secret = x25519PrivateKey(scalar);
  const point = x25519PublicPoint(secret);
  return {
    recipient: x25519RecipientKey(point, undefined).recipient,
    unwrap: (stanza: Stanza) => {
      if (stanza.type !== 'X25519') return undefined;
      if (stanza.args.length !== 1) throw invalidAge('header', 'an X25519 stanza with other than one argument');
      const share = decodeShare(stanza.args[0]!, 'X25519');
      if (stanza.body.length !== FILE_KEY_LENGTH + 16) throw invalidAge('header', 'an X25519 stanza whose file key is not 16 bytes');
      // A body that does not open is another recipient's: X25519 stanzas do not say whose they are.
      return unwrapWithShare(secret, point, share, stanza.body, LABEL);
    },
  };
}

/** The secret scalar of an `AGE-SECRET-KEY-1…` line, or undefined when it is not one. */
export function decodeX25519Identity(line: string): Buffer | undefined {
  const decoded = decodeBech32(line);
  return decoded && decoded.hrp === IDENTITY_HRP && decoded.bytes.length === 32 ? decoded.bytes : undefined;
}

export function generateX25519(): { identity: string; recipient: string } {
  const scalar = randomBytes(32);
  return { identity: encodeBech32(IDENTITY_HRP, scalar), recipient: x25519IdentityKey(scalar).recipient.text };
}
