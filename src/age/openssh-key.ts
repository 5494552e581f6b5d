/**
 * OpenSSH private key files (PEM label "OPENSSH PRIVATE KEY", PROTOCOL.key in OpenSSH's source):
 * Ed25519 and RSA, unencrypted or protected with a passphrase the way ssh-keygen writes them
 * (bcrypt_pbkdf, then AES in CTR, CBC or GCM mode).
 *
 * The public key sits in the clear in front of the encrypted part, so the key is matched against
 * recipients before anyone is asked for a passphrase. bcrypt_pbkdf, which Node lacks, comes from npm
 * `bcrypt-pbkdf`, required only when an encrypted key is unlocked.
 */
import { createDecipheriv } from 'node:crypto';
import { createRequire } from 'node:module';
import { Code, EnvsealError } from '../errors.js';
import { decodePaddedBase64 } from './encoding.js';
import { ed25519IdentityKey, parseSshPublicKey, rsaIdentityKey, type SshPublicKey } from './ssh.js';
import { WireReader } from './ssh-wire.js';
import type { IdentityKey } from './types.js';

/** A PEM boundary line (RFC 7468). */
const pemLine = (edge: 'BEGIN' | 'END', label: string): string => `-----${edge} ${label}-----`;
const BEGIN = pemLine('BEGIN', 'OPENSSH PRIVATE KEY');
const END = pemLine('END', 'OPENSSH PRIVATE KEY');
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

/** The ciphers ssh-keygen -Z offers that node:crypto has (not chacha20-poly1305@openssh.com, nor 3DES). */
const CIPHERS: Readonly<Record<string, { readonly node: string; readonly key: number; readonly iv: number; readonly tag: number }>> = {
  'aes128-ctr': { node: 'aes-128-ctr', key: 16, iv: 16, tag: 0 },
  'aes192-ctr': { node: 'aes-192-ctr', key: 24, iv: 16, tag: 0 },
  'aes256-ctr': { node: 'aes-256-ctr', key: 32, iv: 16, tag: 0 },
  'aes128-cbc': { node: 'aes-128-cbc', key: 16, iv: 16, tag: 0 },
  'aes192-cbc': { node: 'aes-192-cbc', key: 24, iv: 16, tag: 0 },
  'aes256-cbc': { node: 'aes-256-cbc', key: 32, iv: 16, tag: 0 },
  'aes128-gcm@openssh.com': { node: 'aes-128-gcm', key: 16, iv: 12, tag: 16 },
  'aes256-gcm@openssh.com': { node: 'aes-256-gcm', key: 32, iv: 12, tag: 16 },
};

/**
 * bcrypt rounds beyond this are refused: each costs about 35 ms in JavaScript (ssh-keygen's default
 * of 16 takes half a second; hardening guides' `-a 100`, 3.5 s). More is hostile or a mistake, and
 * would hang the caller for minutes.
 */
const MAX_ROUNDS = 512;

export interface OpenSshKey {
  readonly public: SshPublicKey;
  readonly encrypted: boolean;
  unlock(passphrase?: string): IdentityKey;
}

export const isOpenSshKey = (text: string): boolean => text.includes(BEGIN);

export function parseOpenSshKey(text: string, source: string): OpenSshKey {
  const invalid = (why: string, hint = 'Use the key file as ssh-keygen wrote it (~/.ssh/id_ed25519, not the .pub).') =>
    new EnvsealError(Code.IDENTITY_INVALID, `the identity in ${source} ${why}`, hint);
  const malformed = () => invalid('is not a well-formed OpenSSH private key');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END, begin);
  const decoded = end < 0 ? undefined : decodePaddedBase64(text.slice(begin + BEGIN.length, end).replace(/\s+/g, ''));
  if (!decoded || !decoded.subarray(0, MAGIC.length).equals(MAGIC)) throw malformed();

  const file = new WireReader(decoded.subarray(MAGIC.length), malformed);
  const cipherName = file.name();
  const kdfName = file.name();
  const kdfOptions = file.string();
  if (file.uint32() !== 1) throw invalid('holds more than one key, which OpenSSH itself does not read');
  const publicKey = parseSshPublicKey(file.string(), undefined, { what: `the identity in ${source}`, invalid: (why) => invalid(why) });
  const sealed = file.string();

  const encrypted = cipherName !== 'none';
  const cipher = CIPHERS[cipherName];
  if (encrypted && !cipher) {
    const named = /^[a-z0-9@.-]{1,40}$/.test(cipherName) ? ` (${cipherName})` : '';
    throw invalid(`is encrypted with a cipher envseal cannot read${named}`, 'Re-encrypt it with a cipher node:crypto has: `ssh-keygen -p -Z aes256-ctr -f FILE`.');
  }
  const tag = file.rest();
  if (tag.length !== (cipher?.tag ?? 0) || sealed.length % (cipher ? 16 : 8) !== 0) throw malformed();
  let salt: Buffer = Buffer.alloc(0);
  let rounds = 0;
  if (encrypted) {
    const options = new WireReader(kdfOptions, malformed);
    salt = options.string();
    rounds = options.uint32();
    options.end();
    if (kdfName !== 'bcrypt' || salt.length === 0 || rounds === 0) throw malformed();
    if (rounds > MAX_ROUNDS) throw invalid(`asks for ${rounds} bcrypt rounds, more than the ${MAX_ROUNDS} envseal allows`, 'Re-encrypt it with fewer: `ssh-keygen -p -a 16 -f FILE`.');
  } else if (kdfName !== 'none' || kdfOptions.length !== 0) {
    throw malformed();
  }

  const wrongPassphrase = () =>
    new EnvsealError(Code.IDENTITY_PASSPHRASE, `the passphrase for the identity in ${source} is wrong`, 'Type the passphrase of that key again (`ssh-keygen -y -f FILE` checks it).');

  const decrypt = (passphrase: string | undefined): Buffer => {
    if (!cipher) return sealed;
    if (!passphrase) {
      throw new EnvsealError(
        Code.IDENTITY_PASSPHRASE,
        `the identity in ${source} is protected by a passphrase, and none was given`,
        'Run the command at a terminal to be asked for it. For CI, use an identity without a passphrase: `envseal grant NAME --new-identity`.',
      );
    }
    const derived = bcryptPbkdf(Buffer.from(passphrase, 'utf8'), salt, rounds, cipher.key + cipher.iv);
    const decipher = createDecipheriv(cipher.node, derived.subarray(0, cipher.key), derived.subarray(cipher.key));
    decipher.setAutoPadding(false);
    if (cipher.tag) (decipher as unknown as { setAuthTag(tag: Buffer): void }).setAuthTag(tag);
    const plaintext = decipher.update(sealed);
    try {
      return Buffer.concat([plaintext, decipher.final()]);
    } catch {
      throw wrongPassphrase();
    }
  };

  return {
    public: publicKey,
    encrypted,
    unlock: (passphrase) => {
      const plaintext = decrypt(passphrase);
      const keys = new WireReader(plaintext, malformed);
      // Two equal random words: the only passphrase check CTR and CBC modes have.
      if (keys.uint32() !== keys.uint32()) throw encrypted ? wrongPassphrase() : malformed();
      const mismatch = () => invalid('holds a private key that does not match its public key');
      if (keys.name() !== publicKey.type) throw mismatch();
      let identity: IdentityKey;
      if (publicKey.type === 'ssh-ed25519') {
        const edwards = keys.string();
        const secret = keys.string();
        if (!edwards.equals(publicKey.edwards) || secret.length !== 64 || !secret.subarray(32).equals(edwards)) throw mismatch();
        identity = ed25519IdentityKey(publicKey, secret.subarray(0, 32), mismatch);
      } else {
        const [n, e, d, iqmp, p, q] = [keys.mpint(), keys.mpint(), keys.mpint(), keys.mpint(), keys.mpint(), keys.mpint()];
        if (!n.equals(publicKey.n) || !e.equals(publicKey.e)) throw mismatch();
        identity = rsaIdentityKey(publicKey, { d, p, q, iqmp }, mismatch);
      }
      keys.string(); // the comment
      // Padding: 1, 2, 3, … up to the cipher's block size.
      const padding = keys.rest();
      if (!padding.every((byte, i) => byte === i + 1)) throw malformed();
      return identity;
    },
  };
}

type BcryptPbkdf = { pbkdf(pass: Uint8Array, passLength: number, salt: Uint8Array, saltLength: number, key: Uint8Array, keyLength: number, rounds: number): number };
let bcrypt: BcryptPbkdf | undefined;

function bcryptPbkdf(passphrase: Buffer, salt: Buffer, rounds: number, length: number): Buffer {
  bcrypt ??= createRequire(import.meta.url)('bcrypt-pbkdf') as BcryptPbkdf;
  const out = Buffer.alloc(length);
  if (bcrypt.pbkdf(passphrase, passphrase.length, salt, salt.length, out, length, rounds) !== 0) {
    throw new EnvsealError(Code.INTERNAL, 'bcrypt_pbkdf refused its parameters');
  }
  return out;
}
