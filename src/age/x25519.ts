/**
 * X25519 on node:crypto, and age's X25519 recipient stanza (C2SP age.md, "The X25519 recipient
 * type"): an ephemeral share, HKDF over the shared secret salted with both public keys, the file key
 * sealed with ChaCha20-Poly1305 under a zero nonce. Pure but for the ephemeral key's randomness.
 */
import { createPrivateKey, createPublicKey, diffieHellman, hkdfSync, randomBytes } from 'node:crypto';
import { type Stanza, decodeRawBase64, encodeRawBase64, invalid, openChunk, sealChunk } from './format.js';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const ZERO_NONCE = Buffer.alloc(12);
export const X25519_LABEL = 'age-encryption.org/v1/X25519';

const privateKey = (scalar: Uint8Array) => createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, scalar]), format: 'der', type: 'pkcs8' });
const publicKey = (point: Uint8Array) => createPublicKey({ key: Buffer.concat([SPKI_PREFIX, point]), format: 'der', type: 'spki' });

/** X25519(scalar, point); undefined for a low-order point (an all-zero shared secret). */
export function x25519(scalar: Uint8Array, point: Uint8Array): Buffer | undefined {
  try {
    const shared = diffieHellman({ privateKey: privateKey(scalar), publicKey: publicKey(point) });
    return shared.every((b) => b === 0) ? undefined : shared;
  } catch {
    return undefined;
  }
}

export function x25519Public(scalar: Uint8Array): Buffer {
  return Buffer.from(createPublicKey(privateKey(scalar)).export({ format: 'der', type: 'spki' })).subarray(SPKI_PREFIX.length);
}

export const hkdf = (ikm: Uint8Array, salt: Uint8Array, info: string): Buffer => Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));

/** The ephemeral half shared by the X25519 and ssh-ed25519 stanzas: share, and the shared secret with `their`. */
export function ephemeral(their: Uint8Array): { share: Buffer; shared: Buffer } {
  for (;;) {
    const secret = randomBytes(32);
    const shared = x25519(secret, their);
    if (shared) return { share: x25519Public(secret), shared };
  }
}

export const wrapFileKey = (key: Uint8Array, fileKey: Uint8Array): Buffer => sealChunk(key, ZERO_NONCE, fileKey);

/** The file key, or undefined when this key does not open the body (the stanza is for someone else). */
export function unwrapFileKey(key: Uint8Array, body: Uint8Array): Buffer | undefined {
  if (body.length !== 32) throw invalid('a stanza body is not 32 bytes');
  return openChunk(key, ZERO_NONCE, body);
}

export function wrapX25519(recipient: Uint8Array, fileKey: Uint8Array): Stanza {
  const { share, shared } = ephemeral(recipient);
  const key = hkdf(shared, Buffer.concat([share, recipient]), X25519_LABEL);
  return { type: 'X25519', args: [encodeRawBase64(share)], body: wrapFileKey(key, fileKey) };
}

export function unwrapX25519(secret: Uint8Array, stanza: Stanza): Buffer | undefined {
  if (stanza.args.length !== 1) throw invalid('an X25519 stanza has the wrong number of arguments');
  const share = decodeRawBase64(stanza.args[0]!);
  if (!share || share.length !== 32) throw invalid('an X25519 share is not 32 bytes of canonical base64');
  const shared = x25519(secret, share);
  if (!shared) throw invalid('an X25519 share is a low-order point');
  return unwrapFileKey(hkdf(shared, Buffer.concat([share, x25519Public(secret)]), X25519_LABEL), stanza.body);
}
