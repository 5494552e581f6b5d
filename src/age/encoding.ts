/**
 * The text encodings age and OpenSSH use, decoded strictly: a string decodes only when encoding the
 * bytes again gives the same string, so no file has two spellings (age.md requires canonical base64;
 * a lenient decoder would let a tampered header keep its MAC input while changing its text).
 */

const RAW_BASE64 = /^[A-Za-z0-9+/]*$/;

/** age's base64: standard alphabet, no padding. */
export function encodeRawBase64(bytes: Uint8Array): string {
  const padded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  // Base64 ends in at most two '='; sliced by hand, as /=+$/ backtracks quadratically on long runs.
  return padded.endsWith('==') ? padded.slice(0, -2) : padded.endsWith('=') ? padded.slice(0, -1) : padded;
}

export function decodeRawBase64(text: string): Buffer | undefined {
  if (!RAW_BASE64.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return encodeRawBase64(bytes) === text ? bytes : undefined;
}

/** Padded standard base64, as the armor and OpenSSH write it. */
export function decodePaddedBase64(text: string): Buffer | undefined {
  // The padding is cut off by hand: `^[…]*={0,2}$` backtracks quadratically on a run of '='.
  const body = text.endsWith('==') ? text.slice(0, -2) : text.endsWith('=') ? text.slice(0, -1) : text;
  if (!RAW_BASE64.test(body) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/*
 * Bech32 (BIP 173), as age encodes its keys: the checksum of BIP 173, not bech32m, and no 90-character
 * limit (age's post-quantum keys are longer). The human-readable part keeps its case: age writes
 * recipients in lower case ("age") and identities in upper case ("AGE-SECRET-KEY-").
 */
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: readonly number[]): number {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) checksum ^= GENERATOR[i]!;
  }
  return checksum;
}

function expandHrp(hrp: string): number[] {
  const codes = [...hrp].map((c) => c.charCodeAt(0));
  return [...codes.map((c) => c >>> 5), 0, ...codes.map((c) => c & 31)];
}

/** Regroups bits; undefined when `pad` is false and the input leaves a non-zero or too long remainder. */
function convertBits(data: Iterable<number>, from: number, to: number, pad: boolean): number[] | undefined {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const max = (1 << to) - 1;
  for (const value of data) {
    acc = (acc << from) | value;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >>> bits) & max);
    }
    acc &= (1 << bits) - 1;
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & max);
  } else if (bits >= from || acc !== 0) {
    return undefined;
  }
  return out;
}

export function encodeBech32(hrp: string, bytes: Uint8Array): string {
  const data = convertBits(bytes, 8, 5, true)!;
  const lowerHrp = hrp.toLowerCase();
  const checksum = polymod([...expandHrp(lowerHrp), ...data, 0, 0, 0, 0, 0, 0]) ^ 1;
  const words = [...data, ...[25, 20, 15, 10, 5, 0].map((shift) => (checksum >>> shift) & 31)];
  const text = `${lowerHrp}1${words.map((w) => CHARSET[w]).join('')}`;
  return hrp === lowerHrp ? text : text.toUpperCase();
}

/** The human-readable part (in the case it was written) and the data, or undefined if `text` is not bech32. */
export function decodeBech32(text: string): { hrp: string; bytes: Buffer } | undefined {
  const lower = text.toLowerCase();
  if (text !== lower && text !== text.toUpperCase()) return undefined;
  const separator = text.lastIndexOf('1');
  if (separator < 1 || separator + 7 > text.length) return undefined;
  const hrp = text.slice(0, separator);
  if (![...hrp].every((c) => c >= '!' && c <= '~')) return undefined;
  const words: number[] = [];
  for (const c of lower.slice(separator + 1)) {
    const word = CHARSET.indexOf(c);
    if (word < 0) return undefined;
    words.push(word);
  }
  if (polymod([...expandHrp(hrp.toLowerCase()), ...words]) !== 1) return undefined;
  const bytes = convertBits(words.slice(0, -6), 5, 8, false);
  return bytes ? { hrp, bytes: Buffer.from(bytes) } : undefined;
}
