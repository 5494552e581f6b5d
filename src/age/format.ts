/**
 * The age v1 file format (C2SP age.md): the text header (stanzas, header MAC) and the STREAM payload
 * (ChaCha20-Poly1305 in 64 KiB chunks). Strict where the spec is: canonical base64 without padding,
 * bodies wrapped at 64 columns with a short final line, VCHAR arguments, no CR. Pure.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { EnvsealError, Code } from '../errors.js';

export const VERSION_LINE = 'age-encryption.org/v1';
const CHUNK = 64 * 1024;
const TAG = 16;

export interface Stanza {
  type: string;
  args: string[];
  body: Buffer;
}

export interface Header {
  stanzas: Stanza[];
  mac: Buffer;
  /** The header bytes the MAC covers: up to and including `---`. */
  signed: Buffer;
  /** Where the payload starts. */
  payloadOffset: number;
}

export const invalid = (what: string): EnvsealError =>
  new EnvsealError(Code.AGE_INVALID, `not a valid age file: ${what}`, 'Restore the file from git; it was damaged or edited.');

/** Canonical unpadded standard base64, or undefined. */
export function decodeRawBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*$/.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return encodeRawBase64(bytes) === text ? bytes : undefined;
}

export const encodeRawBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64').replace(/=+$/, '');

const ARGUMENT = /^[\x21-\x7e]+$/;

export function parseHeader(file: Uint8Array): Header {
  const data = Buffer.from(file);
  let pos = 0;
  const line = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) throw invalid('the header ends early');
    const text = data.subarray(pos, end).toString('latin1');
    pos = end + 1;
    return text;
  };
  if (line() !== VERSION_LINE) throw invalid(`the first line is not "${VERSION_LINE}"`);
  const stanzas: Stanza[] = [];
  for (;;) {
    const start = pos;
    const text = line();
    if (text.startsWith('--- ')) {
      const mac = decodeRawBase64(text.slice(4));
      if (!mac || mac.length !== 32) throw invalid('the header MAC line is malformed');
      return { stanzas, mac, signed: data.subarray(0, start + 3), payloadOffset: pos };
    }
    if (!text.startsWith('-> ')) throw invalid('a header line is neither a stanza nor the MAC line');
    const args = text.slice(3).split(' ');
    if (args.some((a) => !ARGUMENT.test(a))) throw invalid('a stanza has an empty or invalid argument');
    const chunks: Buffer[] = [];
    for (;;) {
      const bodyLine = line();
      const bytes = decodeRawBase64(bodyLine);
      if (!bytes || bodyLine.length > 64) throw invalid('a stanza body is not canonical base64 in 64-column lines');
      chunks.push(bytes);
      if (bodyLine.length < 64) break;
    }
    stanzas.push({ type: args[0]!, args: args.slice(1), body: Buffer.concat(chunks) });
  }
}

/** The header text up to and including `---` (what the MAC covers). */
export function headerSigned(stanzas: readonly Stanza[]): Buffer {
  const lines = [VERSION_LINE];
  for (const s of stanzas) {
    lines.push(`-> ${[s.type, ...s.args].join(' ')}`);
    const body = encodeRawBase64(s.body);
    for (let i = 0; i < body.length; i += 64) lines.push(body.slice(i, i + 64));
    if (body.length % 64 === 0) lines.push('');
  }
  return Buffer.from(`${lines.join('\n')}\n---`, 'latin1');
}

export function headerMac(fileKey: Uint8Array, signed: Uint8Array): Buffer {
  return createHmac('sha256', Buffer.from(hkdfSync('sha256', fileKey, Buffer.alloc(0), 'header', 32))).update(signed).digest();
}

export function verifyHeaderMac(fileKey: Uint8Array, header: Header): void {
  const expected = headerMac(fileKey, header.signed);
  if (!timingSafeEqual(expected, header.mac)) {
    throw new EnvsealError(Code.AGE_INVALID, 'the age header MAC does not match: the file was modified', 'Restore the file from git.');
  }
}

const payloadKey = (fileKey: Uint8Array, nonce: Uint8Array): Buffer => Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32));

function chunkNonce(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(counter, 5, 6);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

export function sealChunk(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** The plaintext, or undefined when the tag does not verify. */
export function openChunk(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Buffer | undefined {
  if (sealed.length < TAG) return undefined;
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG)), decipher.final()]);
  } catch {
    return undefined;
  }
}

export function encryptPayload(fileKey: Uint8Array, plaintext: Uint8Array): Buffer {
  const nonce = randomBytes(16);
  const key = payloadKey(fileKey, nonce);
  const parts: Buffer[] = [nonce];
  const count = Math.max(1, Math.ceil(plaintext.length / CHUNK));
  for (let i = 0; i < count; i++) parts.push(sealChunk(key, chunkNonce(i, i === count - 1), plaintext.subarray(i * CHUNK, (i + 1) * CHUNK)));
  return Buffer.concat(parts);
}

export function decryptPayload(fileKey: Uint8Array, payload: Uint8Array): Buffer {
  const failure = (what: string): EnvsealError => new EnvsealError(Code.AGE_INVALID, `the age payload ${what}`, 'Restore the file from git; it was damaged or edited.');
  if (payload.length < 16) throw failure('is too short for its nonce');
  const key = payloadKey(fileKey, payload.subarray(0, 16));
  const out: Buffer[] = [];
  let pos = 16;
  for (let counter = 0; ; counter++) {
    const chunk = payload.subarray(pos, pos + CHUNK + TAG);
    pos += chunk.length;
    const last = pos >= payload.length;
    const plain = openChunk(key, chunkNonce(counter, last), chunk);
    if (!plain) throw failure(last ? 'is truncated or its last chunk does not verify' : 'has a chunk that does not verify');
    if (last && plain.length === 0 && counter > 0) throw failure('ends with an empty chunk');
    out.push(plain);
    if (last) return Buffer.concat(out);
  }
}
