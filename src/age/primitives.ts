/**
 * The primitives age is built from, on node:crypto: HKDF-SHA-256, ChaCha20-Poly1305, X25519 on raw
 * 32-byte keys. Node takes X25519 keys only as KeyObjects, so raw keys travel in the fixed DER
 * wrappings of RFC 8410 (the same 12- and 16-byte prefixes for every key).
 */
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, hkdfSync, type KeyObject } from 'node:crypto';

export const FILE_KEY_LENGTH = 16;
const TAG_LENGTH = 16;
const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex');
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');

export const hkdf = (ikm: Uint8Array, salt: Uint8Array, info: string, length = 32): Buffer => Buffer.from(hkdfSync('sha256', ikm, salt, info, length));

export function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_LENGTH });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** The plaintext, or undefined when the tag does not verify. */
export function open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Buffer | undefined {
  if (sealed.length < TAG_LENGTH) return undefined;
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_LENGTH });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_LENGTH));
  const plaintext = decipher.update(sealed.subarray(0, sealed.length - TAG_LENGTH));
  try {
    return Buffer.concat([plaintext, decipher.final()]);
  } catch {
    return undefined;
  }
}

/** age seals file keys with an all-zero nonce: every wrapping key is used once. */
export const ZERO_NONCE = Buffer.alloc(12);

export const x25519PrivateKey = (scalar: Uint8Array): KeyObject => createPrivateKey({ key: Buffer.concat([X25519_PKCS8, scalar]), format: 'der', type: 'pkcs8' });

/** The public point (u-coordinate) of an X25519 private key. */
export const x25519PublicPoint = (key: KeyObject): Buffer => createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI.length);

/**
 * X25519(scalar, point), or undefined when the result is all zeros: `point` is of low order, and
 * age.md requires refusing the shared secret then (OpenSSL refuses it too; that error is the signal).
 */
export function x25519(scalar: KeyObject, point: Uint8Array): Buffer | undefined {
  try {
    return diffieHellman({ privateKey: scalar, publicKey: createPublicKey({ key: Buffer.concat([X25519_SPKI, point]), format: 'der', type: 'spki' }) });
  } catch {
    return undefined;
  }
}

/** Clamped scalars are multiples of the cofactor 8, so a low-order point gives zero for any of them. */
let probe: KeyObject | undefined;
export const isLowOrder = (point: Uint8Array): boolean => x25519((probe ??= x25519PrivateKey(Buffer.alloc(32, 0x55))), point) === undefined;
