/**
 * The age v1 file (C2SP age.md): the header (intro, recipient stanzas, MAC), the STREAM payload
 * (ChaCha20-Poly1305 over 64 KiB chunks), and the ASCII armor, which is read but never written.
 *
 * Parsing is strict, as the reference implementation's is: one spelling per file (canonical base64,
 * LF only, no empty arguments), so the header bytes the MAC covers are exactly the bytes parsed.
 * Whole files are held in memory: envseal's age files are key files of a few hundred bytes.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Code, EnvsealError } from '../errors.js';
import { decodePaddedBase64, decodeRawBase64, encodeRawBase64 } from './encoding.js';
import { hkdf, open, seal } from './primitives.js';

export interface Stanza {
  readonly type: string;
  readonly args: readonly string[];
  readonly body: Buffer;
}

export interface Header {
  readonly stanzas: readonly Stanza[];
  readonly mac: Buffer;
  /** The bytes the MAC covers: from the intro through the footer's "---". */
  readonly macInput: Buffer;
  /** Everything after the header: the nonce, then the STREAM chunks. */
  readonly payload: Buffer;
}

const INTRO = 'age-encryption.org/v1\n';
const COLUMNS = 64;
const BYTES_PER_LINE = (COLUMNS / 4) * 3;
const NONCE_LENGTH = 16;
const CHUNK = 64 * 1024;
const SEALED_CHUNK = CHUNK + 16;
const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
const ARMOR_END = '-----END AGE ENCRYPTED FILE-----';
const MAX_ARMOR_WHITESPACE = 1024;

const INTACT_COPY = 'Use an intact copy: the file was truncated or changed after it was written.';

/** Which part of the file failed: the messages start differently, so a caller (and a test) can tell them apart. */
export function invalidAge(part: 'header' | 'mac' | 'payload' | 'armor', detail: string): EnvsealError {
  const what = {
    header: `not a valid age file: the header is malformed (${detail})`,
    mac: `the age file's header MAC does not match (${detail})`,
    payload: `the age file's payload does not decrypt (${detail})`,
    armor: `not a valid armored age file (${detail})`,
  }[part];
  return new EnvsealError(Code.AGE_INVALID, what, INTACT_COPY);
}

/** Arguments are non-empty runs of printable ASCII (age.md's "arbitrary string"). */
const ARGUMENT = /^[!-~]+$/;

export function encodeHeader(stanzas: readonly Stanza[], macKeyFrom: Uint8Array): Buffer {
  let text = INTRO;
  for (const stanza of stanzas) {
    text += `-> ${[stanza.type, ...stanza.args].join(' ')}\n`;
    const body = encodeRawBase64(stanza.body);
    // Full lines of 64 columns, then always a short (possibly empty) last line.
    for (let i = 0; i + COLUMNS <= body.length; i += COLUMNS) text += `${body.slice(i, i + COLUMNS)}\n`;
    text += `${body.slice(body.length - (body.length % COLUMNS))}\n`;
  }
  const macInput = Buffer.from(`${text}---`, 'latin1');
  return Buffer.concat([macInput, Buffer.from(` ${encodeRawBase64(headerMac(macKeyFrom, macInput))}\n`, 'latin1')]);
}

const headerMac = (fileKey: Uint8Array, macInput: Uint8Array): Buffer => createHmac('sha256', hkdf(fileKey, Buffer.alloc(0), 'header')).update(macInput).digest();

export function verifyHeaderMac(header: Header, fileKey: Uint8Array): void {
  if (!timingSafeEqual(headerMac(fileKey, header.macInput), header.mac)) throw invalidAge('mac', 'the header was changed, or the file key is wrong');
}

export function parseHeader(file: Buffer): Header {
  let at = 0;
  const line = (): string => {
    const end = file.indexOf(0x0a, at);
    if (end < 0) throw invalidAge('header', 'it ends before the MAC line');
    const text = file.toString('latin1', at, end);
    at = end + 1;
    return text;
  };
  if (file.toString('latin1', 0, INTRO.length) !== INTRO) {
    const intro = file.toString('latin1', 0, 19) === 'age-encryption.org/' ? 'a version of age this envseal does not read' : 'it does not start with "age-encryption.org/v1"';
    throw invalidAge('header', intro);
  }
  at = INTRO.length;
  const stanzas: Stanza[] = [];
  for (;;) {
    const start = at;
    const opening = line();
    if (opening.startsWith('---')) {
      const [prefix, ...args] = opening.split(' ');
      const mac = args.length === 1 ? decodeRawBase64(args[0]!) : undefined;
      if (prefix !== '---' || !mac || mac.length !== 32) throw invalidAge('header', 'a malformed MAC line');
      return { stanzas, mac, macInput: file.subarray(0, start + 3), payload: file.subarray(at) };
    }
    const [prefix, type, ...args] = opening.split(' ');
    if (prefix !== '->' || type === undefined || ![type, ...args].every((arg) => ARGUMENT.test(arg))) {
      throw invalidAge('header', `stanza ${stanzas.length + 1} has a malformed opening line`);
    }
    const body: Buffer[] = [];
    for (;;) {
      const bytes = decodeRawBase64(line());
      if (!bytes || bytes.length > BYTES_PER_LINE) throw invalidAge('header', `stanza ${stanzas.length + 1} has a malformed body line`);
      body.push(bytes);
      if (bytes.length < BYTES_PER_LINE) break;
    }
    stanzas.push({ type, args, body: Buffer.concat(body) });
  }
}

const streamKey = (fileKey: Uint8Array, nonce: Uint8Array): Buffer => hkdf(fileKey, nonce, 'payload');

/** STREAM's chunk nonce: an 88-bit big-endian counter, then 1 for the last chunk, else 0. */
function chunkNonce(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(counter, 5, 6);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

export function encryptPayload(fileKey: Uint8Array, plaintext: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE_LENGTH);
  const key = streamKey(fileKey, nonce);
  const parts: Buffer[] = [nonce];
  // The last chunk is full when the plaintext fills whole chunks; it is empty only when the plaintext is.
  const chunks = Math.max(1, Math.ceil(plaintext.length / CHUNK));
  for (let i = 0; i < chunks; i++) {
    parts.push(seal(key, chunkNonce(i, i === chunks - 1), plaintext.subarray(i * CHUNK, (i + 1) * CHUNK)));
  }
  return Buffer.concat(parts);
}

export function decryptPayload(fileKey: Uint8Array, payload: Buffer): Buffer {
  if (payload.length < NONCE_LENGTH) throw invalidAge('header', 'the payload nonce is missing or short');
  const key = streamKey(fileKey, payload.subarray(0, NONCE_LENGTH));
  const chunks: Buffer[] = [];
  let at = NONCE_LENGTH;
  for (let counter = 0; ; counter++) {
    const rest = payload.length - at;
    if (rest === 0) throw invalidAge('payload', 'it ends without its final chunk: truncated');
    const sealed = payload.subarray(at, at + SEALED_CHUNK);
    at += sealed.length;
    if (counter > 0 && sealed.length === 16) throw invalidAge('payload', 'an empty final chunk after a full one');
    // A short chunk can only be the last; a full one is the last when it opens as such.
    let plaintext = sealed.length < SEALED_CHUNK ? undefined : open(key, chunkNonce(counter, false), sealed);
    const last = plaintext === undefined;
    if (last) plaintext = open(key, chunkNonce(counter, true), sealed);
    if (plaintext === undefined) throw invalidAge('payload', `chunk ${counter + 1} does not authenticate`);
    chunks.push(plaintext);
    if (last) {
      if (at !== payload.length) throw invalidAge('payload', 'data after the final chunk');
      return Buffer.concat(chunks);
    }
  }
}

/** The age file inside an armor, or the file itself when it is not armored. */
export function dearmor(file: Buffer): Buffer {
  let at = 0;
  while (at < file.length && isSpace(file[at]!)) at++;
  // Anything PEM-like is an armor attempt, and so is an armored file behind other text: say so,
  // rather than "not an age file".
  if (file.toString('latin1', at, at + 5) !== '-----') {
    const begin = file.subarray(0, MAX_ARMOR_WHITESPACE + ARMOR_BEGIN.length).indexOf(ARMOR_BEGIN);
    if (begin > 0 && file.toString('latin1', 0, INTRO.length) !== INTRO) throw invalidAge('armor', 'text before its BEGIN line');
    return file;
  }
  if (at > MAX_ARMOR_WHITESPACE) throw invalidAge('armor', 'too much whitespace before it');
  // LF or CRLF line ends; the last line may lack one.
  const lines = file.toString('latin1', at).split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines[0] !== ARMOR_BEGIN) throw invalidAge('armor', 'a malformed first line');
  const parts: Buffer[] = [];
  let i = 1;
  for (; ; i++) {
    const text = lines[i];
    if (text === undefined) throw invalidAge('armor', 'it ends without its END line');
    if (text === ARMOR_END) break;
    const bytes = text.length > 0 && text.length <= COLUMNS ? decodePaddedBase64(text) : undefined;
    if (!bytes) throw invalidAge('armor', `line ${i + 1} is not 64 columns of canonical base64`);
    parts.push(bytes);
    if (bytes.length < BYTES_PER_LINE) {
      if (lines[++i] !== ARMOR_END) throw invalidAge('armor', 'a short line that is not the last');
      break;
    }
  }
  const trailing = lines.slice(i + 1).join('\n');
  if (trailing.length >= MAX_ARMOR_WHITESPACE || ![...trailing].every((c) => isSpace(c.charCodeAt(0)))) throw invalidAge('armor', 'data after its END line');
  return Buffer.concat(parts);
}

const isSpace = (byte: number): boolean => byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
