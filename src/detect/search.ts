/**
 * Fast substring search on source text. V8 looks for needles of up to 6 characters by jumping
 * (memchr) to each occurrence of their first character, and for longer ones with a Boyer-Moore-Horspool
 * that is several times slower on source text. So a search starts with a short needle cut from the
 * string at its rarest character, and each hit is checked against the whole string.
 */

export interface Probe {
  /** The whole string looked for. */
  text: string;
  /** Where the needle starts in it. */
  offset: number;
  needle: string;
}

/** Characters of lowercased source text, most frequent first (measured on 50 MB of JS, TS, Python, YAML, JSON and Markdown). */
const FREQUENCY_ORDER = ' etonsrialcdpumh/f,.gb":()*\'y_0v`1[]w-=2xk3j45#6897;\\{}q>|z<+?&!@$%~^';
const NEEDLE_MAX = 6;

function rarity(char: string): number {
  const rank = FREQUENCY_ORDER.indexOf(char.toLowerCase());
  // Uppercase letters are rarer than their lowercase forms in source text.
  const boost = char !== char.toLowerCase() ? 8 : 0;
  return (rank === -1 ? FREQUENCY_ORDER.length : rank) + boost;
}

export function probeFor(text: string): Probe {
  // A needle of at least 2 characters, so a common last character does not make every position a hit.
  let offset = 0;
  for (let i = 1; i <= text.length - Math.min(2, text.length); i++) {
    if (rarity(text[i]!) > rarity(text[offset]!)) offset = i;
  }
  return { text, offset, needle: text.slice(offset, offset + NEEDLE_MAX) };
}

/** Like `haystack.indexOf(probe.text, from)`, faster on source text. */
export function indexOfProbe(haystack: string, { text, offset, needle }: Probe, from = 0): number {
  for (let at = haystack.indexOf(needle, from + offset); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    if (haystack.startsWith(text, at - offset)) return at - offset;
  }
  return -1;
}
