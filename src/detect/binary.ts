/**
 * Binary content (a NUL byte in it), which the rules cannot read as text. Pure.
 *  - A UTF-16 text file (a Windows editor's "Unicode", PowerShell's `>`) is text: decoded here, it is
 *    scanned by every rule like any other file.
 *  - Anything else (an image with a secret appended, a core dump, an archive) is searched only for
 *    what is known exactly, the master keys and the team's own values, which no random bytes can
 *    produce by chance: in its UTF-8 text and in its UTF-16 (little and big endian) text, at either
 *    byte alignment.
 *  - A core dump is recognised by its ELF header, whatever its name: it holds a process's memory,
 *    keys and values included.
 */
import { detect } from './engine.js';
import type { SecretFinding } from './finding.js';
import type { DetectOptions, Rule } from './types.js';

export type BinaryEncoding = 'UTF-8' | 'UTF-16LE' | 'UTF-16BE';

/** How much of the start decides whether bytes are UTF-16 text: git's own binary sniff reads as much. */
const SNIFF = 8000;

/**
 * The text of a UTF-16 file, without its byte order mark; undefined when the bytes are not UTF-16
 * text. With a BOM its order is used; without one, ASCII-heavy text betrays itself by a zero byte in
 * every other position, and none in the others (a zero unit would be a NUL character).
 */
export function decodeUtf16Text(bytes: Uint8Array): string | undefined {
  if (bytes.length < 2 || bytes.length % 2 !== 0) return undefined;
  let order: 'utf-16le' | 'utf-16be' | undefined;
  let start = 0;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) [order, start] = ['utf-16le', 2];
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) [order, start] = ['utf-16be', 2];
  else {
    const end = Math.min(bytes.length, SNIFF);
    let evenZeros = 0;
    let oddZeros = 0;
    for (let i = 0; i < end; i += 2) {
      if (bytes[i] === 0) evenZeros++;
      if (bytes[i + 1] === 0) oddZeros++;
    }
    const units = end / 2;
    if (evenZeros === 0 && oddZeros >= units / 2) order = 'utf-16le';
    else if (oddZeros === 0 && evenZeros >= units / 2) order = 'utf-16be';
    else return undefined;
  }
  let text: string;
  try {
    text = new TextDecoder(order, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(start));
  } catch {
    return undefined; // an unpaired surrogate: not text
  }
  // Text has no control characters besides tab, newlines, form feed and escape (terminal colours).
  return /[\0-\x08\x0e-\x1a\x1c-\x1f\x7f]/.test(text) ? undefined : text;
}

/** An ELF file of type ET_CORE (4), in either byte order. */
export function isCoreDump(bytes: Uint8Array): boolean {
  if (bytes.length < 18 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) return false;
  const type = bytes[5] === 2 ? (bytes[16]! << 8) | bytes[17]! : bytes[16]! | (bytes[17]! << 8);
  return type === 4;
}

export interface BinaryView {
  encoding: BinaryEncoding;
  /** The content's characters in that encoding, every byte or unit that is no text character a space. */
  text: string;
}

/** The shortest run of text characters worth searching: shorter than any team value or key form. */
const MIN_RUN = 8;

/**
 * The content as text in each encoding it may hold strings in. Characters that are not text become
 * spaces, which end a token, so a string stands on its own however the bytes around it look; a view
 * without one run of MIN_RUN text characters is left out.
 */
export function binaryViews(bytes: Uint8Array): BinaryView[] {
  const views: BinaryView[] = [];
  const utf8 = new TextDecoder('utf-8').decode(bytes).replace(/[\0-\x08\x0b-\x1f\x7f\ufffd]/g, ' ');
  views.push({ encoding: 'UTF-8', text: utf8 });
  for (const encoding of ['UTF-16LE', 'UTF-16BE'] as const) {
    for (const alignment of [0, 1]) {
      const view = utf16View(bytes, encoding === 'UTF-16LE', alignment);
      if (view !== undefined) views.push({ encoding, text: view });
    }
  }
  return views;
}

/**
 * UTF-16 units of the Latin-1 range (a zero high byte), others as spaces: random bytes seldom have a
 * zero beside every character, so strings stand out of them. Undefined when no run is long enough.
 */
function utf16View(bytes: Uint8Array, littleEndian: boolean, alignment: number): string | undefined {
  const units = Math.floor((bytes.length - alignment) / 2);
  const out = Buffer.alloc(units);
  let run = 0;
  let longest = 0;
  for (let u = 0, i = alignment; u < units; u++, i += 2) {
    const low = littleEndian ? bytes[i]! : bytes[i + 1]!;
    const high = littleEndian ? bytes[i + 1]! : bytes[i]!;
    const text = high === 0 && ((low >= 0x20 && low < 0x7f) || low >= 0xa0 || low === 0x09 || low === 0x0a);
    out[u] = text ? low : 0x20;
    run = text ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest >= MIN_RUN ? out.toString('latin1') : undefined;
}

const NO_RULES: readonly Rule[] = [];

/**
 * The master keys and team values in binary content, each secret once (the views overlap: a UTF-16LE
 * string is also most of a UTF-16BE one at the other alignment). Inline allow comments do not apply:
 * binary content has no comments, only bytes that may spell one.
 */
export function detectInBinary(bytes: Uint8Array, options: DetectOptions): SecretFinding[] {
  const hasKeys = (options.knownKeys?.length ?? 0) > 0;
  const hasValues = (options.teamSecrets?.size ?? 0) > 0;
  if (!hasKeys && !hasValues) return [];
  const findings: SecretFinding[] = [];
  const seen = new Set<string>();
  for (const view of binaryViews(bytes)) {
    for (const finding of detect(view.text, { ...options, rules: NO_RULES, inlineAllow: false })) {
      if (seen.has(finding.fingerprint)) continue;
      seen.add(finding.fingerprint);
      findings.push(finding.with({ description: `${finding.description}, in binary content as ${view.encoding}` }));
    }
  }
  return findings;
}

