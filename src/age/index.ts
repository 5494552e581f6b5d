/**
 * age on node:crypto, for the recipients file: encrypt a small payload to X25519 (`age1…`),
 * ssh-ed25519 and ssh-rsa recipients, and decrypt with an age identity (`AGE-SECRET-KEY-1…`) or an
 * OpenSSH private key. Binary age v1 files only (envseal stores them base64 in one line); scrypt
 * (passphrase) files are refused. Tested against the C2SP CCTV vectors and Debian's `age` CLI.
 * Pure: text and bytes in, bytes out; nothing here reads files, prints or exits.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { EnvsealError, Code } from '../errors.js';
import { bech32Decode, bech32Encode } from './bech32.js';
import { type Stanza, decryptPayload, encryptPayload, encodeRawBase64, headerMac, headerSigned, invalid, parseHeader, verifyHeaderMac } from './format.js';
import { ed25519Secret, isOpenSshPrivateKey, parseOpenSshKey } from './openssh-key.js';
import { WireReader, rsaPublicKey, sshFingerprint, unwrapSshEd25519, unwrapSshRsa, wrapSshEd25519, wrapSshRsa } from './ssh.js';
import { unwrapX25519, wrapX25519, x25519Public } from './x25519.js';

export type RecipientType = 'x25519' | 'ssh-ed25519' | 'ssh-rsa';

export interface Recipient {
  type: RecipientType;
  /** Canonical one-line form, without a comment: `age1…`, `ssh-ed25519 AAAA…`, `ssh-rsa AAAA…`. */
  text: string;
  /** `SHA256:` + unpadded base64 of SHA-256 over the SSH wire key (as ssh-keygen -l), or over the age1 string. */
  fingerprint: string;
  /** Key material for wrapping. */
  readonly key: Buffer;
  readonly wire?: Buffer;
  readonly rsa?: KeyObject;
}

const MIN_RSA_BITS = 2048;

const unsupported = (why: string): EnvsealError =>
  new EnvsealError(Code.RECIPIENT_UNSUPPORTED, why, 'Use an ssh-ed25519 key (ssh-keygen -t ed25519), an RSA key of 2048 bits or more, or an age identity (`envseal identity new`, then send its age1… key).');

/** One public key line: `ssh-ed25519 AAAA… comment`, `ssh-rsa AAAA…`, or `age1…`. */
export function parseRecipient(line: string): Recipient {
  const [type = '', blob = ''] = line.trim().split(/\s+/);
  if (type.startsWith('age1pq1')) throw unsupported('post-quantum age1pq1… recipients cannot be read here yet (Node 20 and Debian\'s age 1.1 lack ML-KEM)');
  if (type.startsWith('age1')) {
    const decoded = bech32Decode(type);
    if (!decoded || decoded.hrp !== 'age' || decoded.data.length !== 32) throw new EnvsealError(Code.RECIPIENT_INVALID, 'that age1… key is not a valid age X25519 recipient', 'Copy the whole age1… line again.');
    const text = bech32Encode('age', decoded.data);
    return { type: 'x25519', text, fingerprint: `SHA256:${encodeRawBase64(createHash('sha256').update(text).digest())}`, key: decoded.data };
  }
  if (type.startsWith('sk-')) throw unsupported(`${type} is a security key (FIDO): it can sign but cannot decrypt, so nothing can be wrapped to it`);
  if (type.startsWith('ecdsa-')) throw unsupported(`${type} keys have no age recipient type`);
  if (type !== 'ssh-ed25519' && type !== 'ssh-rsa') throw new EnvsealError(Code.RECIPIENT_INVALID, 'that is not a public key envseal reads', 'Give an ssh-ed25519 or ssh-rsa public key line (the .pub file), or an age1… key.');
  const wire = Buffer.from(blob, 'base64');
  let reader: WireReader;
  try {
    reader = new WireReader(wire);
    if (reader.string().toString('latin1') !== type) throw new RangeError('type');
    const text = `${type} ${wire.toString('base64')}`;
    const fingerprint = sshFingerprint(wire);
    if (type === 'ssh-ed25519') {
      const key = reader.string();
      if (key.length !== 32 || !reader.done) throw new RangeError('length');
      return { type, text, fingerprint, key, wire };
    }
    const e = reader.mpint();
    const n = reader.mpint();
    if (!reader.done) throw new RangeError('trailing');
    const bits = n.length * 8 - Math.clz32(n[0]!) + 24;
    if (bits < MIN_RSA_BITS) throw unsupported(`that RSA key has ${bits} bits; age needs at least ${MIN_RSA_BITS}`);
    return { type, text, fingerprint, key: n, wire, rsa: rsaPublicKey(e, n) };
  } catch (e) {
    if (e instanceof EnvsealError) throw e;
    throw new EnvsealError(Code.RECIPIENT_INVALID, `that ${type} public key is truncated or malformed`, 'Copy the whole line of the .pub file again.');
  }
}

/** A binary age v1 file of `plaintext`, for every recipient. */
export function encryptTo(recipients: readonly Recipient[], plaintext: Uint8Array): Buffer {
  const fileKey = randomBytes(16);
  const stanzas: Stanza[] = recipients.map((r) =>
    r.type === 'x25519' ? wrapX25519(r.key, fileKey) : r.type === 'ssh-ed25519' ? wrapSshEd25519(r.wire!, r.key, fileKey) : wrapSshRsa(r.wire!, r.rsa!, fileKey),
  );
  const signed = headerSigned(stanzas);
  const header = Buffer.concat([signed, Buffer.from(` ${encodeRawBase64(headerMac(fileKey, signed))}\n`, 'latin1')]);
  return Buffer.concat([header, encryptPayload(fileKey, plaintext)]);
}

/** An identity, unlocked: it can open files wrapped to its recipient. */
export interface Identity {
  recipient: Recipient;
  /** The file key from the first stanza for this identity; undefined when none is. */
  unwrap(stanzas: readonly Stanza[]): Buffer | undefined;
}

/** An identity as read from its text: its public key is known before any passphrase is asked. */
export interface IdentityFile {
  source: string;
  recipient: Recipient;
  encrypted: boolean;
  unlock(passphrase?: string): Identity;
}

export function parseIdentity(text: string, source: string): IdentityFile {
  if (isOpenSshPrivateKey(text)) return sshIdentity(text, source);
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#'));
  const decoded = line ? bech32Decode(line) : undefined;
  if (!line || !decoded || decoded.hrp !== 'age-secret-key-' || decoded.data.length !== 32 || line !== line.toUpperCase()) {
    throw new EnvsealError(Code.IDENTITY_INVALID, `${source} is neither an age identity (AGE-SECRET-KEY-1…) nor an OpenSSH private key`, 'Point --identity (or ENVSEAL_IDENTITY_FILE) at your private key file, not the .pub.');
  }
  const secret = decoded.data;
  const recipient = parseRecipient(bech32Encode('age', x25519Public(secret)));
  const identity: Identity = { recipient, unwrap: (stanzas) => firstKey(stanzas, 'X25519', (s) => unwrapX25519(secret, s)) };
  return { source, recipient, encrypted: false, unlock: () => identity };
}

function sshIdentity(text: string, source: string): IdentityFile {
  const key = parseOpenSshKey(text, source);
  const recipient = parseRecipient(`${key.type} ${key.wire.toString('base64')}`);
  return {
    source,
    recipient,
    encrypted: key.encrypted,
    unlock(passphrase?: string): Identity {
      const unlocked = key.unlock(passphrase);
      if (key.type === 'ssh-ed25519') {
        const secret = ed25519Secret(unlocked.seed!);
        return { recipient, unwrap: (stanzas) => firstKey(stanzas, 'ssh-ed25519', (s) => unwrapSshEd25519(key.wire, recipient.key, secret, s)) };
      }
      return { recipient, unwrap: (stanzas) => firstKey(stanzas, 'ssh-rsa', (s) => unwrapSshRsa(key.wire, unlocked.rsa!, s)) };
    },
  };
}

function firstKey(stanzas: readonly Stanza[], type: string, unwrap: (s: Stanza) => Buffer | undefined): Buffer | undefined {
  for (const stanza of stanzas) {
    if (stanza.type !== type) continue;
    const fileKey = unwrap(stanza);
    if (!fileKey) continue;
    if (fileKey.length !== 16) throw invalid('a stanza wraps a file key that is not 16 bytes');
    return fileKey;
  }
  return undefined;
}

/** The plaintext of a binary age file. IDENTITY_NO_MATCH when no stanza is for `identity`. */
export function decryptWith(identity: Identity, file: Uint8Array): Buffer {
  const header = parseHeader(file);
  if (header.stanzas.some((s) => s.type === 'scrypt')) throw invalid('it is passphrase-encrypted (scrypt), which envseal never writes');
  const fileKey = identity.unwrap(header.stanzas);
  if (!fileKey) throw new EnvsealError(Code.IDENTITY_NO_MATCH, `the age file is not encrypted to ${identity.recipient.fingerprint}`, 'Use the identity it was encrypted to.');
  verifyHeaderMac(fileKey, header);
  return decryptPayload(fileKey, Buffer.from(file).subarray(header.payloadOffset));
}

/** A new X25519 identity and its recipient, as `age-keygen` prints them. */
export function generateIdentity(): { identity: string; recipient: string } {
  const secret = randomBytes(32);
  return { identity: bech32Encode('age-secret-key-', secret).toUpperCase(), recipient: bech32Encode('age', x25519Public(secret)) };
}
