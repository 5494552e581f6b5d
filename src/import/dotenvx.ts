/**
 * dotenvx's encrypted .env files, read (never written). Pure: text and keys in, lines out.
 *
 * A dotenvx file is a dotenv file whose values are `encrypted:<base64>`, with the file's secp256k1
 * public key in a `DOTENV_PUBLIC_KEY[_<ENV>]` entry; the private key sits in `.env.keys` (or a
 * `DOTENV_PRIVATE_KEY[_<ENV>]` variable) as 64 hex digits. Each value is ECIES as eciesjs defines it
 * with its defaults, which dotenvx uses:
 *
 *   base64( ephemeral public key, uncompressed (65) | nonce (16) | GCM tag (16) | AES-256-GCM ciphertext )
 *   key = HKDF-SHA256(ikm = ephemeral point (65) | shared point d·E, uncompressed (65); no salt, no info; 32 bytes)
 *
 * dotenvx encrypts the text as written between the quotes, and when it loads a file it still
 * unescapes and expands that text: \n, \r and \t in double quotes, \' in single quotes, and ${…},
 * $NAME, $(…) and \$ outside single quotes. envseal delivers values as dotenv reads them, so a value
 * whose meaning depends on that processing is refused (dotenvxMeaning) rather than changed.
 */
import { ECDH, createDecipheriv, createECDH, hkdfSync } from 'node:crypto';
import { inspect } from 'node:util';
import { DOTENVX_PRIVATE_KEY_PREFIX } from '../env-vars.js';
import { EnvsealError, Code } from '../errors.js';
import { type EnvEntry, type EnvLine, type Quote, scanAssignments } from '../format/envfile.js';
import { decodeUtf8 } from '../text.js';

export const CIPHERTEXT_PREFIX = 'encrypted:';
export const PUBLIC_KEY_PREFIX = 'DOTENV_PUBLIC_KEY';
/** The name of a private key, in .env.keys and as a variable. */
export const PRIVATE_KEY_PREFIX = DOTENVX_PRIVATE_KEY_PREFIX;

const POINT = 65;
const NONCE = 16;
const TAG = 16;
/** The shortest blob there is: the ciphertext of an empty value. */
const MIN_BLOB = POINT + NONCE + TAG;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const PRIVATE_KEY_HEX = /^[0-9a-fA-F]{64}$/;

/** The ECIES blob of a dotenvx ciphertext value, or undefined when the value is not one. */
function ciphertextBlob(value: string): Buffer | undefined {
  if (!value.startsWith(CIPHERTEXT_PREFIX)) return undefined;
  const encoded = value.slice(CIPHERTEXT_PREFIX.length);
  if (!BASE64.test(encoded)) return undefined;
  const blob = Buffer.from(encoded, 'base64');
  if (blob.length < MIN_BLOB || blob.toString('base64') !== encoded || blob[0] !== 0x04) return undefined;
  try {
    ECDH.convertKey(blob.subarray(0, POINT), 'secp256k1');
  } catch {
    return undefined; // not a point on the curve
  }
  return blob;
}

/**
 * Whether a value is a dotenvx ciphertext: `encrypted:` and canonical base64 of an ECIES blob (at
 * least 97 bytes, starting with an uncompressed secp256k1 point that is on the curve). A value that
 * merely starts with "encrypted:" is not one.
 */
export function isDotenvxCiphertext(value: string): boolean {
  return ciphertextBlob(value) !== undefined;
}

/**
 * Whether env-file text (a whole file, or the lines a commit adds to one) holds dotenvx's sealed
 * form only: every assignment a ciphertext or the file's public key, and at least one of them. Such a
 * file is sealed, like envseal's own, not a plaintext env file (the guard lets it through).
 */
export function isDotenvxSealed(text: string): boolean {
  const assignments = scanAssignments(text);
  return assignments.length > 0 && assignments.every((a) => (a.name.startsWith(PUBLIC_KEY_PREFIX) && /^[0-9a-f]{66}$/.test(a.value)) || isDotenvxCiphertext(a.value));
}

/** A dotenvx private key. Prints as its public key's first digits, never as the key. */
export class DotenvxKey {
  /** The compressed public key in hex, as DOTENV_PUBLIC_KEY holds it. */
  readonly publicKey: string;
  /** Where it came from, for messages: "DOTENV_PRIVATE_KEY_PRODUCTION in .env.keys". */
  readonly source: string;
  readonly #ecdh = createECDH('secp256k1');

  constructor(hex: string, source: string) {
    const trimmed = hex.trim();
    if (!PRIVATE_KEY_HEX.test(trimmed)) throw malformedKey(source);
    try {
      this.#ecdh.setPrivateKey(Buffer.from(trimmed, 'hex'));
    } catch {
      throw malformedKey(source); // zero, or not below the group order
    }
    this.publicKey = this.#ecdh.getPublicKey('hex', 'compressed');
    this.source = source;
  }

  /** The plaintext of an ECIES blob, or undefined when this key does not open it. */
  open(blob: Buffer): Buffer | undefined {
    const ephemeral = blob.subarray(0, POINT);
    const nonce = blob.subarray(POINT, POINT + NONCE);
    const tag = blob.subarray(POINT + NONCE, MIN_BLOB);
    const x = this.#ecdh.computeSecret(ephemeral);
    // node's ECDH gives the shared point's x only, and eciesjs hashes the whole point. y is one of
    // two square roots; the GCM tag tells which (the wrong one authenticates with chance 2^-128).
    for (const parity of [0x02, 0x03]) {
      const shared = ECDH.convertKey(Buffer.concat([Buffer.of(parity), x]), 'secp256k1', undefined, undefined, 'uncompressed') as Buffer;
      const key = Buffer.from(hkdfSync('sha256', Buffer.concat([ephemeral, shared]), Buffer.alloc(0), Buffer.alloc(0), 32));
      const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG });
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(blob.subarray(MIN_BLOB)), decipher.final()]);
      } catch {
        // not this root
      }
    }
    return undefined;
  }

  toJSON(): string {
    return `[DotenvxKey ${this.publicKey.slice(0, 8)}…]`;
  }

  [inspect.custom](): string {
    return this.toJSON();
  }
}

function malformedKey(source: string): EnvsealError {
  return new EnvsealError(
    Code.IMPORT_KEY_WRONG,
    `${source} is not a dotenvx private key (64 hex digits of a secp256k1 key)`,
    'Copy the whole DOTENV_PRIVATE_KEY… value again from .env.keys (or wherever your team keeps it).',
  );
}

/** The private-key name dotenvx pairs with a public-key name: DOTENV_PUBLIC_KEY_CI → DOTENV_PRIVATE_KEY_CI. */
export const privateKeyNameFor = (publicKeyName: string): string => publicKeyName.replace(PUBLIC_KEY_PREFIX, PRIVATE_KEY_PREFIX);

/**
 * The private-key name dotenvx uses for a file without a public-key entry: DOTENV_PRIVATE_KEY for
 * `.env`, DOTENV_PRIVATE_KEY_PRODUCTION for `.env.production`, DOTENV_PRIVATE_KEY_CI_LOCAL for
 * `.env.ci.local` (dotenvx's own rule: at most two words after `.env`).
 */
export function conventionalPrivateKeyName(fileName: string): string {
  const parts = fileName.split('.').slice(2).filter(Boolean);
  if (parts.length === 0) return fileName === '.env' ? PRIVATE_KEY_PREFIX : `${PRIVATE_KEY_PREFIX}_${fileName.replace('.env', 'development').toUpperCase()}`;
  return `${PRIVATE_KEY_PREFIX}_${parts.slice(0, 2).join('_').toUpperCase()}`;
}

/** The keys a `.env.keys` entry or variable holds (dotenvx allows several, comma-separated, while rotating). */
export function parsePrivateKeys(value: string, source: string): DotenvxKey[] {
  return value
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part) => new DotenvxKey(part, source));
}

export type Meaning = { value: string } | { reason: string };

/**
 * The value dotenvx gives an application for `raw` written between `quote`s, when envseal can deliver
 * exactly that; otherwise why not. `raw` is the text as encrypted (or, for a value in the clear, as
 * dotenv already read it: its \n and \r are resolved, which this leaves as they are).
 */
export function dotenvxMeaning(raw: string, quote: Quote): Meaning {
  if (quote === "'") return raw.includes("\\'") ? { reason: "dotenvx turns \\' into ' inside single quotes" } : { value: raw };
  if (/\\\$|\$[A-Za-z_{(]/.test(raw)) return { reason: 'dotenvx expands ${…} and $NAME, and runs $(…), when it loads the file' };
  return { value: quote === '"' ? raw.replace(/\\n/g, '\n').replace(/\\r/g, '\r').replace(/\\t/g, '\t') : raw };
}

/** A dotenvx file as read: its lines, and the public-key entries that are dotenvx's own. */
export interface DotenvxFile {
  /** The lines to import: dotenvx's banner and public-key entries removed, values still as in the file. */
  lines: EnvLine[];
  /** DOTENV_PUBLIC_KEY… entries (not imported). */
  publicKeys: { name: string; value: string }[];
  /** Names whose values dotenvx would decrypt (they start with `encrypted:`), in order. */
  encrypted: string[];
}

const BANNER = /^#\/.*\/$/;

/**
 * Splits a parsed dotenvx file into what is imported and what is dotenvx's own: the public-key entry,
 * the `#/---[DOTENV_PUBLIC_KEY]---/` banner above it and the `# <file name>` comment dotenvx writes
 * below it. Other comments stay.
 */
export function readDotenvxFile(parsed: readonly EnvLine[], fileName: string): DotenvxFile {
  const drop = new Set<number>();
  const publicKeys: DotenvxFile['publicKeys'] = [];
  parsed.forEach((line, i) => {
    if (line.kind !== 'entry' || !line.name.startsWith(PUBLIC_KEY_PREFIX)) return;
    publicKeys.push({ name: line.name, value: line.value });
    drop.add(i);
    for (let j = i - 1; j >= 0 && isTrivia(parsed[j], (t) => BANNER.test(t)); j--) drop.add(j);
    let next = i + 1;
    if (isTrivia(parsed[next], (t) => t.trim() === '') && isTrivia(parsed[next + 1], (t) => t === `# ${fileName}`)) drop.add(next++);
    if (isTrivia(parsed[next], (t) => t === `# ${fileName}`)) drop.add(next);
  });
  const kept = parsed.filter((_, i) => !drop.has(i));
  while (isTrivia(kept[0], (t) => t.trim() === '')) kept.shift();
  // In a dotenvx file every encrypted: value is one to decrypt: one that is not a valid ciphertext is damaged, not text.
  const encrypted = kept.flatMap((line) => (line.kind === 'entry' && line.value.startsWith(CIPHERTEXT_PREFIX) ? [line.name] : []));
  return { lines: kept, publicKeys, encrypted };
}

const isTrivia = (line: EnvLine | undefined, test: (text: string) => boolean): boolean => line?.kind === 'trivia' && test(line.text);

/**
 * The lines with every ciphertext opened by `key` and every value as dotenvx means it. `label` names
 * the file in errors; errors name variables and lines, never values.
 */
export function decryptDotenvx(file: DotenvxFile, key: DotenvxKey | undefined, label: string): EnvLine[] {
  const ambiguous: string[] = [];
  const reasons = new Set<string>();
  const lines = file.lines.map((line): EnvLine => {
    if (line.kind !== 'entry') return line;
    const raw = line.value.startsWith(CIPHERTEXT_PREFIX) ? openValue(line, key, label) : line.value;
    const meaning = dotenvxMeaning(raw, line.quote);
    if ('reason' in meaning) {
      ambiguous.push(line.name);
      reasons.add(meaning.reason);
      return line;
    }
    return { ...line, value: meaning.value };
  });
  if (ambiguous.length > 0) {
    throw new EnvsealError(
      Code.IMPORT_AMBIGUOUS,
      `${label}: ${[...reasons].join('; ')}, and envseal delivers values as written, so ${ambiguous.join(', ')} would change meaning; nothing was imported`,
      `Give each the value it stands for in the dotenvx file (\`dotenvx set NAME\`, or single quotes for text meant literally), then import again.`,
    );
  }
  return lines;
}

function openValue(entry: EnvEntry, key: DotenvxKey | undefined, label: string): string {
  if (!key) throw new EnvsealError(Code.INTERNAL, `${label}: no key to open ${entry.name} with`);
  const blob = ciphertextBlob(entry.value);
  if (!blob) {
    throw new EnvsealError(
      Code.IMPORT_CORRUPT,
      `${label} line ${entry.line}: ${entry.name} starts with "encrypted:" but is not a dotenvx ciphertext (truncated or damaged base64)`,
      'Restore the file from git, or set the value again with `dotenvx set`, then import again.',
    );
  }
  const plaintext = key.open(blob);
  const text = plaintext === undefined ? undefined : decodeUtf8(plaintext);
  if (text === undefined) {
    throw new EnvsealError(
      Code.IMPORT_CORRUPT,
      `${label} line ${entry.line}: ${entry.name} does not decrypt with ${key.source}, this file's private key: the value was changed or damaged`,
      'Restore the file from git, or set the value again with `dotenvx set`, then import again.',
    );
  }
  return text;
}

/** Whether `key` opens the file's first ciphertext: how a key is chosen for a file without a public-key entry. */
export function opensFile(file: DotenvxFile, key: DotenvxKey): boolean {
  const first = file.lines.find((line): line is EnvEntry => line.kind === 'entry' && line.name === file.encrypted[0]);
  const blob = first && ciphertextBlob(first.value);
  return blob !== undefined && key.open(blob) !== undefined;
}
