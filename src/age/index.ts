/**
 * age v1 (C2SP age.md) on node:crypto, for wrapping envseal's key file to each teammate: X25519
 * (`age1…`), and the ssh-ed25519 and ssh-rsa recipient types of the reference implementation's
 * agessh package. Pure: text and bytes in, bytes out; it reads no file and no variable, and prints
 * nothing. Synchronous throughout: unlocking a passphrase-protected OpenSSH key runs bcrypt_pbkdf
 * (npm `bcrypt-pbkdf`, loaded only then), which blocks for as long as the key's rounds ask.
 *
 *   parseRecipient(line)             → Recipient: one public key line, refusing with the reason the
 *                                      types age cannot encrypt to (sk-*, ECDSA, age1pq1…, RSA < 2048)
 *   encryptTo(recipients, plaintext) → a binary age file
 *   parseIdentities(text, source)    → IdentityFile[]: an age identity file (one key per line,
 *                                      `#` comments) or an OpenSSH private key. Each entry's public
 *                                      key is known before any passphrase (OpenSSH keeps it in the
 *                                      clear), so a caller matches first and asks after.
 *   IdentityFile.unlock(passphrase?) → Identity
 *   decryptWith(identity(s), file)   → the plaintext. A binary or armored file. AGE_INVALID for a bad
 *                                      header ("…header is malformed"), header MAC ("…header MAC…"),
 *                                      payload ("…payload…") or armor; IDENTITY_NO_MATCH when no
 *                                      stanza is for the identity; scrypt (passphrase) files refused.
 *   generateIdentity()               → a new X25519 identity and its recipient, as text.
 *
 * Where this differs from the shape first sketched: identity files parse to a list (an age identity
 * file may hold several keys, each with its own public key to match), and "no stanza for this
 * identity" is its own code, IDENTITY_NO_MATCH, rather than a variant of AGE_INVALID. Keys of a
 * refused type are refused the same way (RECIPIENT_UNSUPPORTED) whether they come as a public key or
 * inside a private key file, so the reason reads the same.
 *
 * Error messages name sources (given by the caller), key types and fingerprints, never key text.
 */
import { randomBytes } from 'node:crypto';
import { Code, EnvsealError } from '../errors.js';
import { dearmor, decryptPayload, encodeHeader, encryptPayload, invalidAge, parseHeader, verifyHeaderMac } from './format.js';
import { FILE_KEY_LENGTH } from './primitives.js';
import { isOpenSshKey, parseOpenSshKey, type OpenSshKey } from './openssh-key.js';
import { refused } from './refusals.js';
import { parseSshRecipient } from './ssh.js';
import type { IdentityKey, Recipient, RecipientKey } from './types.js';
import { decodeX25519Identity, generateX25519, parseX25519Recipient, x25519IdentityKey } from './x25519.js';

export type { Recipient, RecipientType } from './types.js';

/** A private key, ready to decrypt. Holds no secret in a property: it prints as its recipient. */
export interface Identity {
  readonly recipient: Recipient;
}

/** One private key found in an identity text: its public key now, the private key on `unlock`. */
export interface IdentityFile {
  readonly source: string;
  readonly recipient: Recipient;
  /** Passphrase-protected: `unlock` needs the passphrase (IDENTITY_PASSPHRASE without it, or when wrong). */
  readonly encrypted: boolean;
  unlock(passphrase?: string): Identity;
}

const recipientKeys = new WeakMap<Recipient, RecipientKey>();
const identityKeys = new WeakMap<Identity, IdentityKey>();

const INVALID_HINT = 'Pass one public key line: the whole line of a .pub file ("ssh-ed25519 AAAA… comment"), or an age1… key.';

/** One line: "ssh-ed25519 AAAA… [comment]", "ssh-rsa AAAA… [comment]" or "age1… [comment]". */
export function parseRecipient(text: string): Recipient {
  const line = text.trim();
  if (/^AGE-SECRET-KEY-|PRIVATE KEY-----/i.test(line)) {
    throw new EnvsealError(Code.RECIPIENT_INVALID, 'this is a private key (an identity), not a public key: it must not be shared', INVALID_HINT);
  }
  if (/[\r\n]/.test(line)) throw new EnvsealError(Code.RECIPIENT_INVALID, 'more than one line where one public key was expected', INVALID_HINT);
  const [token = '', ...rest] = line.split(/[ \t]+/);
  let key: RecipientKey;
  if (token.startsWith('age1pq1')) throw refused('this public key', 'post-quantum');
  if (token.startsWith('age1')) {
    // A plugin's keys are age1<plugin>1…: bech32 data holds no "1", so any later "1" ends a longer prefix.
    if (token.lastIndexOf('1') > 3) throw refused('this public key', 'plugin');
    key = parseX25519Recipient(token, printable(rest.join(' ')));
  } else {
    const [base64 = '', ...words] = rest;
    const errors = { what: 'this public key', invalid: (why: string) => new EnvsealError(Code.RECIPIENT_INVALID, `this public key ${why}`, INVALID_HINT) };
    key = parseSshRecipient(token, base64, printable(words.join(' ')), errors);
  }
  recipientKeys.set(key.recipient, key);
  return key.recipient;
}

/** Comments are shown to people: no control characters (a terminal would act on them). */
const printable = (comment: string): string | undefined => comment.replace(/[\p{Cc}]/gu, '').trim() || undefined;

function recipientKey(recipient: Recipient): RecipientKey {
  const known = recipientKeys.get(recipient);
  if (known) return known;
  const parsed = parseRecipient(recipient.text);
  return recipientKeys.get(parsed)!;
}

/** A binary age file of `plaintext`, readable by each recipient. */
export function encryptTo(recipients: readonly Recipient[], plaintext: Uint8Array): Buffer {
  if (recipients.length === 0) throw new EnvsealError(Code.INTERNAL, 'an age file needs at least one recipient');
  const fileKey = randomBytes(FILE_KEY_LENGTH);
  const stanzas = recipients.map((r) => recipientKey(r).wrap(fileKey));
  return Buffer.concat([encodeHeader(stanzas, fileKey), encryptPayload(fileKey, plaintext)]);
}

function identityOf(key: IdentityKey): Identity {
  const identity: Identity = Object.freeze({ recipient: key.recipient });
  identityKeys.set(identity, key);
  return identity;
}

function unlocked(source: string, key: IdentityKey): IdentityFile {
  let identity: Identity | undefined;
  return Object.freeze({ source, recipient: key.recipient, encrypted: false, unlock: () => (identity ??= identityOf(key)) });
}

function openSshIdentityFile(key: OpenSshKey, source: string): IdentityFile {
  let identity: Identity | undefined;
  return Object.freeze({
    source,
    recipient: key.public.recipient,
    encrypted: key.encrypted,
    // Each unlock of an encrypted key runs bcrypt again: the passphrase may differ, and a wrong one must fail.
    unlock: (passphrase?: string) => (key.encrypted ? identityOf(key.unlock(passphrase)) : (identity ??= identityOf(key.unlock()))),
  });
}

/**
 * The private keys in `text`: an OpenSSH private key file, or age identities (AGE-SECRET-KEY-1…,
 * one per line; blank lines and `#` comments allowed). `source` names where the text came from, for
 * messages ("~/.ssh/id_ed25519", "ENVSEAL_IDENTITY").
 */
export function parseIdentities(text: string, source: string): IdentityFile[] {
  const invalid = (why: string, hint = 'An identity is an OpenSSH private key (~/.ssh/id_ed25519) or an age identity file (AGE-SECRET-KEY-1…).') =>
    new EnvsealError(Code.IDENTITY_INVALID, `the identity in ${source} ${why}`, hint);
  if (isOpenSshKey(text)) return [openSshIdentityFile(parseOpenSshKey(text, source), source)];
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text)) {
    throw invalid('is a PEM private key, not an OpenSSH one', 'Rewrite it in the OpenSSH format: `ssh-keygen -p -f FILE` (it keeps the key).');
  }
  const files: IdentityFile[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('AGE-SECRET-KEY-PQ-1')) throw refused(`the identity in ${source}`, 'post-quantum');
    if (line.startsWith('AGE-PLUGIN-')) throw refused(`the identity in ${source}`, 'plugin');
    const scalar = decodeX25519Identity(line);
    if (!scalar) {
      const publicKey = /^(?:age1|(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) )/.test(line);
      throw invalid(publicKey ? `is a public key (line ${index + 1}), not a private one` : `is not an age identity (line ${index + 1})`);
    }
    files.push(unlocked(source, x25519IdentityKey(scalar)));
  }
  if (files.length === 0) throw invalid('is empty: no key in it');
  return files;
}

/**
 * The plaintext of an age file (binary, or armored) for `identity`, or for the first of several
 * that a stanza is for.
 */
export function decryptWith(identity: Identity | readonly Identity[], file: Uint8Array): Buffer {
  const keys = (Array.isArray(identity) ? identity : [identity as Identity]).map((id) => {
    const key = identityKeys.get(id);
    if (!key) throw new EnvsealError(Code.INTERNAL, 'decryptWith was given an identity that IdentityFile.unlock did not make');
    return key;
  });
  const header = parseHeader(dearmor(Buffer.from(file.buffer, file.byteOffset, file.byteLength)));
  if (header.stanzas.some((s) => s.type === 'scrypt')) {
    throw new EnvsealError(
      Code.AGE_INVALID,
      'the age file is encrypted with a passphrase (an scrypt stanza): envseal opens only age files encrypted to public keys, and never writes passphrase ones',
      'Open it with `age -d`, or have it encrypted to your public key.',
    );
  }
  let fileKey: Buffer | undefined;
  search: for (const key of keys) {
    for (const stanza of header.stanzas) {
      fileKey = key.unwrap(stanza);
      if (fileKey) break search;
    }
  }
  if (!fileKey) {
    throw new EnvsealError(
      Code.IDENTITY_NO_MATCH,
      `the age file is not encrypted to ${keys.map((k) => `${k.recipient.type} ${k.recipient.fingerprint}`).join(', ')}`,
      'Use the identity it was encrypted to, or ask someone who can open it to encrypt it to your key.',
    );
  }
  if (fileKey.length !== FILE_KEY_LENGTH) throw invalidAge('header', 'a file key that is not 16 bytes');
  verifyHeaderMac(header, fileKey);
  return decryptPayload(fileKey, header.payload);
}

/** A new X25519 identity ("AGE-SECRET-KEY-1…", secret) and its recipient ("age1…"), as text. */
export { generateX25519 as generateIdentity };
