/**
 * OpenSSH private key files (`-----BEGIN OPENSSH PRIVATE KEY-----`, PROTOCOL.key in OpenSSH): the
 * public key is in the clear, so a key can be matched to a recipient before any passphrase is asked;
 * the private part is decrypted only on unlock (bcrypt_pbkdf + aes256-ctr, or aes256-gcm). bcrypt-pbkdf
 * is loaded only then. Ed25519 and RSA keys; the others are refused with the reason. Pure.
 */
import { createDecipheriv, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { EnvsealError, Code } from '../errors.js';
import { WireReader } from './ssh.js';

const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
const PEM = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/;

export interface OpenSshKey {
  type: 'ssh-ed25519' | 'ssh-rsa';
  /** The public key's wire form. */
  wire: Buffer;
  encrypted: boolean;
  /** The private key: an Ed25519 seed (32 bytes) or an RSA KeyObject. Throws IDENTITY_PASSPHRASE on a wrong passphrase. */
  unlock(passphrase?: string): { seed?: Buffer; rsa?: KeyObject };
}

export const isOpenSshPrivateKey = (text: string): boolean => PEM.test(text);

export function parseOpenSshKey(text: string, source: string): OpenSshKey {
  const bad = (why: string): EnvsealError => new EnvsealError(Code.IDENTITY_INVALID, `${source} is not an OpenSSH private key envseal reads: ${why}`, 'Use an ed25519 or RSA key (ssh-keygen -t ed25519), or an age identity (`envseal identity new`).');
  const body = PEM.exec(text)?.[1];
  if (body === undefined) throw bad('no OPENSSH PRIVATE KEY block');
  const data = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  if (!data.subarray(0, MAGIC.length).equals(MAGIC)) throw bad('it does not start with openssh-key-v1');
  let reader: WireReader;
  let cipher: string;
  let kdf: string;
  let kdfOptions: Buffer;
  let wire: Buffer;
  let sealed: Buffer;
  let tail: Buffer;
  try {
    reader = new WireReader(data.subarray(MAGIC.length));
    cipher = reader.string().toString('latin1');
    kdf = reader.string().toString('latin1');
    kdfOptions = reader.string();
    if (reader.uint32() !== 1) throw bad('it holds more than one key');
    wire = reader.string();
    sealed = reader.string();
    tail = reader.rest();
  } catch (e) {
    if (e instanceof EnvsealError) throw e;
    throw bad('it is truncated');
  }
  const type = new WireReader(wire).string().toString('latin1');
  if (type !== 'ssh-ed25519' && type !== 'ssh-rsa') throw bad(`${type} keys cannot decrypt age files (only ssh-ed25519 and ssh-rsa can)`);
  if (!['none', 'aes256-ctr', 'aes256-gcm@openssh.com'].includes(cipher)) throw bad(`its cipher ${cipher} is not supported`);
  const encrypted = cipher !== 'none';
  return {
    type,
    wire,
    encrypted,
    unlock(passphrase?: string) {
      const plain = encrypted ? decryptSection(cipher, kdf, kdfOptions, sealed, tail, passphrase, source) : sealed;
      return readPrivate(plain, type, source, bad);
    },
  };
}

function decryptSection(cipher: string, kdf: string, options: Buffer, sealed: Buffer, tail: Buffer, passphrase: string | undefined, source: string): Buffer {
  if (passphrase === undefined) throw new EnvsealError(Code.IDENTITY_PASSPHRASE, `${source} is protected by a passphrase`, 'Run the command at a terminal so envseal can ask for it.');
  if (kdf !== 'bcrypt') throw new EnvsealError(Code.IDENTITY_INVALID, `${source} uses the key derivation ${kdf}, which envseal does not read`, 'Re-save the key with ssh-keygen -p.');
  const reader = new WireReader(options);
  const salt = reader.string();
  const rounds = reader.uint32();
  const gcm = cipher === 'aes256-gcm@openssh.com';
  const ivLength = gcm ? 12 : 16;
  const derived = new Uint8Array(32 + ivLength);
  // bcrypt-pbkdf is CommonJS and only needed here: it loads when a passphrase-protected key is unlocked.
  const bcrypt = createRequire(import.meta.url)('bcrypt-pbkdf') as { pbkdf(pass: Uint8Array, passlen: number, salt: Uint8Array, saltlen: number, key: Uint8Array, keylen: number, rounds: number): number };
  const pass = Buffer.from(passphrase, 'utf8');
  if (bcrypt.pbkdf(pass, pass.length, salt, salt.length, derived, derived.length, rounds) !== 0) throw new EnvsealError(Code.IDENTITY_INVALID, `${source}: bcrypt_pbkdf failed`, 'Re-save the key with ssh-keygen -p.');
  const key = derived.subarray(0, 32);
  const iv = derived.subarray(32);
  try {
    if (gcm) {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tail.subarray(0, 16));
      return Buffer.concat([decipher.update(sealed), decipher.final()]);
    }
    const decipher = createDecipheriv('aes-256-ctr', key, iv);
    return Buffer.concat([decipher.update(sealed), decipher.final()]);
  } catch {
    throw wrongPassphrase(source);
  }
}

const wrongPassphrase = (source: string): EnvsealError =>
  new EnvsealError(Code.IDENTITY_PASSPHRASE, `the passphrase for ${source} is wrong`, 'Try again; `ssh-keygen -y -f <key>` checks a passphrase without envseal.');

function readPrivate(plain: Buffer, type: string, source: string, bad: (why: string) => EnvsealError): { seed?: Buffer; rsa?: KeyObject } {
  const reader = new WireReader(plain);
  try {
    // Two equal random check words: after decryption with a wrong passphrase they differ.
    if (reader.uint32() !== reader.uint32()) throw wrongPassphrase(source);
    if (reader.string().toString('latin1') !== type) throw bad('its private part does not match its public key');
    if (type === 'ssh-ed25519') {
      const publicKey = reader.string();
      const secret = reader.string();
      if (secret.length !== 64 || !secret.subarray(32).equals(publicKey)) throw bad('its Ed25519 private key is malformed');
      return { seed: Buffer.from(secret.subarray(0, 32)) };
    }
    const [n, e, d, iqmp, p, q] = [reader.mpint(), reader.mpint(), reader.mpint(), reader.mpint(), reader.mpint(), reader.mpint()];
    const big = (b: Buffer): bigint => BigInt(`0x${b.toString('hex') || '0'}`);
    const bytes = (v: bigint): string => {
      const hex = v.toString(16);
      return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
    };
    const jwk = {
      kty: 'RSA',
      n: n.toString('base64url'),
      e: e.toString('base64url'),
      d: d.toString('base64url'),
      p: p.toString('base64url'),
      q: q.toString('base64url'),
      dp: bytes(big(d) % (big(p) - 1n)),
      dq: bytes(big(d) % (big(q) - 1n)),
      qi: iqmp.toString('base64url'),
    };
    return { rsa: createPrivateKey({ key: jwk, format: 'jwk' }) };
  } catch (e) {
    if (e instanceof EnvsealError) throw e;
    throw bad('its private part is truncated');
  }
}

/** The X25519 secret of an Ed25519 seed: the first half of its SHA-512, as in RFC 8032's key expansion. */
export const ed25519Secret = (seed: Uint8Array): Buffer => createHash('sha512').update(seed).digest().subarray(0, 32);
