/**
 * SSH keys as age recipients, as the reference implementation's agessh package defines them (the age
 * spec itself defines X25519 only):
 *   ssh-ed25519  the Ed25519 key converted to X25519; the shared secret is tweaked by X25519 with
 *                HKDF(salt = the SSH wire key, info = label); the stanza carries a 4-byte key tag
 *   ssh-rsa      RSA-OAEP-SHA256 with the label "age-encryption.org/v1/ssh-rsa"
 * The tag is the first 4 bytes of SHA-256 over the wire key. Pure.
 */
import { createHash, createPublicKey, privateDecrypt, publicEncrypt, constants, type KeyObject } from 'node:crypto';
import { type Stanza, decodeRawBase64, encodeRawBase64, invalid } from './format.js';
import { ephemeral, hkdf, unwrapFileKey, wrapFileKey, x25519 } from './x25519.js';

export const ED25519_LABEL = 'age-encryption.org/v1/ssh-ed25519';
export const RSA_LABEL = 'age-encryption.org/v1/ssh-rsa';

/** Reads SSH wire-format strings and mpints (RFC 4251). */
export class WireReader {
  #pos = 0;
  constructor(readonly data: Buffer) {}
  string(): Buffer {
    if (this.#pos + 4 > this.data.length) throw new RangeError('truncated');
    const length = this.data.readUInt32BE(this.#pos);
    const start = this.#pos + 4;
    if (start + length > this.data.length) throw new RangeError('truncated');
    this.#pos = start + length;
    return this.data.subarray(start, start + length);
  }
  uint32(): number {
    if (this.#pos + 4 > this.data.length) throw new RangeError('truncated');
    const value = this.data.readUInt32BE(this.#pos);
    this.#pos += 4;
    return value;
  }
  /** An mpint without its sign byte. */
  mpint(): Buffer {
    const bytes = this.string();
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    return bytes.subarray(i);
  }
  get done(): boolean {
    return this.#pos === this.data.length;
  }
  rest(): Buffer {
    return this.data.subarray(this.#pos);
  }
}

export const sshTag = (wire: Uint8Array): string => encodeRawBase64(createHash('sha256').update(wire).digest().subarray(0, 4));
export const sshFingerprint = (wire: Uint8Array): string => `SHA256:${encodeRawBase64(createHash('sha256').update(wire).digest())}`;

const P = 2n ** 255n - 19n;
const modPow = (base: bigint, exp: bigint): bigint => {
  let result = 1n;
  let b = base % P;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
};
const fromLE = (bytes: Uint8Array): bigint => bytes.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
const toLE = (n: bigint): Buffer => Buffer.from(Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn)));

/** The Montgomery u of an Ed25519 public key: u = (1 + y) / (1 - y) mod p (RFC 7748, section 4.1). */
export function ed25519ToX25519(publicKey: Uint8Array): Buffer {
  const encoded = Buffer.from(publicKey);
  encoded[31]! &= 0x7f;
  const y = fromLE(encoded);
  if (y >= P) throw invalid('an Ed25519 public key is not canonical');
  const denominator = (1n - y + P) % P;
  if (denominator === 0n) throw invalid('an Ed25519 public key has no X25519 form');
  return toLE(((1n + y) * modPow(denominator, P - 2n)) % P);
}

export function wrapSshEd25519(wire: Uint8Array, edPublic: Uint8Array, fileKey: Uint8Array): Stanza {
  const theirs = ed25519ToX25519(edPublic);
  const { share, shared } = ephemeral(theirs);
  const tweaked = x25519(hkdf(Buffer.alloc(0), wire, ED25519_LABEL), shared)!;
  const key = hkdf(tweaked, Buffer.concat([share, theirs]), ED25519_LABEL);
  return { type: 'ssh-ed25519', args: [sshTag(wire), encodeRawBase64(share)], body: wrapFileKey(key, fileKey) };
}

/** `secret` is the X25519 form of the Ed25519 private key (the first half of SHA-512 of its seed). */
export function unwrapSshEd25519(wire: Uint8Array, edPublic: Uint8Array, secret: Uint8Array, stanza: Stanza): Buffer | undefined {
  if (stanza.args.length !== 2) throw invalid('an ssh-ed25519 stanza has the wrong number of arguments');
  if (stanza.args[0] !== sshTag(wire)) return undefined;
  const share = decodeRawBase64(stanza.args[1]!);
  if (!share || share.length !== 32) throw invalid('an ssh-ed25519 share is not 32 bytes of canonical base64');
  const shared = x25519(secret, share);
  if (!shared) throw invalid('an ssh-ed25519 share is a low-order point');
  const tweaked = x25519(hkdf(Buffer.alloc(0), wire, ED25519_LABEL), shared)!;
  return unwrapFileKey(hkdf(tweaked, Buffer.concat([share, ed25519ToX25519(edPublic)]), ED25519_LABEL), stanza.body);
}

/** RSA public key from its wire form: string "ssh-rsa", mpint e, mpint n. */
export function rsaPublicKey(e: Buffer, n: Buffer): KeyObject {
  const b64url = (b: Buffer): string => b.toString('base64url');
  return createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' });
}

export function wrapSshRsa(wire: Uint8Array, key: KeyObject, fileKey: Uint8Array): Stanza {
  const body = publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(RSA_LABEL) }, fileKey);
  return { type: 'ssh-rsa', args: [sshTag(wire)], body };
}

export function unwrapSshRsa(wire: Uint8Array, key: KeyObject, stanza: Stanza): Buffer | undefined {
  if (stanza.args.length !== 1) throw invalid('an ssh-rsa stanza has the wrong number of arguments');
  if (stanza.args[0] !== sshTag(wire)) return undefined;
  try {
    return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(RSA_LABEL) }, stanza.body);
  } catch {
    return undefined;
  }
}
