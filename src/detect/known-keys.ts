/**
 * The exact master keys the caller holds (current and previous), found however they were written:
 * as is (with or without padding), in standard base64's alphabet, URL-encoded, as hex of the key
 * bytes, or base64-encoded inside a larger blob (a base64'd .env.key or CI variable).
 */
import { base64Fragments } from './encodings.js';
import { type Probe, indexOfProbe, probeFor } from './search.js';

/** Strings to search for verbatim. Each is at least 40 characters, so a hit is never a coincidence. */
export function knownKeyForms(key: string): string[] {
  const padded = key.trim();
  const unpadded = padded.replace(/(?<!=)=+$/, '');
  if (unpadded.length < 32) return [];
  const standard = unpadded.replace(/-/g, '+').replace(/_/g, '/');
  const forms = new Set([unpadded, standard, encodeURIComponent(standard), ...base64Fragments(Buffer.from(padded, 'utf8'))]);
  const bytes = Buffer.from(unpadded, 'base64url');
  if (bytes.length >= 16) forms.add(bytes.toString('hex'));
  return [...forms].filter((form) => form.length >= 40);
}

export interface KnownKeyMatch {
  start: number;
  end: number;
  /** Index into the caller's key list: 0 is the current key. */
  keyIndex: number;
}

/** Probes per key list, kept only as long as the caller keeps the list (hooks scan many files with one list). */
const probesByList = new WeakMap<readonly string[], Probe[][]>();

export function findKnownKeys(text: string, keys: readonly string[]): KnownKeyMatch[] {
  let probesPerKey = probesByList.get(keys);
  if (!probesPerKey) {
    probesPerKey = keys.map((key) => knownKeyForms(key).map(probeFor));
    probesByList.set(keys, probesPerKey);
  }
  const matches: KnownKeyMatch[] = [];
  probesPerKey.forEach((probes, keyIndex) => {
    for (const probe of probes) {
      const length = probe.text.length;
      for (let at = indexOfProbe(text, probe); at !== -1; at = indexOfProbe(text, probe, at + length)) {
        matches.push({ start: at, end: at + length, keyIndex });
      }
    }
  });
  return matches;
}
