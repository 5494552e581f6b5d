/**
 * How random a string looks. Shannon entropy over its characters is the classic measure (gitleaks,
 * detect-secrets): random base64 scores about 5-6 bits per character, hex about 4, English words and
 * identifiers about 3, placeholders like "xxxx" near 0. Its ceiling is log2(length), so short strings
 * can never score high: callers pick thresholds per length.
 */

/** Counts per ASCII character, reused by every call (it runs on every candidate of every rule). */
const asciiCounts = new Uint32Array(128);

/** Bits per character, 0 for the empty string. */
export function shannonEntropy(text: string): number {
  const length = text.length;
  if (length === 0) return 0;
  let ascii = true;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128) {
      ascii = false;
      break;
    }
    asciiCounts[code]!++;
  }
  if (!ascii) {
    asciiCounts.fill(0);
    return entropyOfCounts(countAll(text).values(), length);
  }
  // -Σ p·log2 p with p = count/length is log2(length) - Σ count·log2(count) / length, whose terms
  // vanish for characters seen once: most of a random value's, so most logarithms are never taken.
  let weighted = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    const count = asciiCounts[code]!;
    if (count > 1) weighted += count * Math.log2(count);
    asciiCounts[code] = 0;
  }
  // Rounding could leave a hair below zero for a single repeated character.
  return Math.max(0, Math.log2(length) - weighted / length);
}

function countAll(text: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return counts;
}

function entropyOfCounts(counts: Iterable<number>, length: number): number {
  let weighted = 0;
  for (const count of counts) if (count > 1) weighted += count * Math.log2(count);
  return Math.max(0, Math.log2(length) - weighted / length);
}

export interface CharacterClasses {
  lower: number;
  upper: number;
  digit: number;
  /** Anything else, including non-ASCII. */
  other: number;
}

export function characterClasses(text: string): CharacterClasses {
  const classes: CharacterClasses = { lower: 0, upper: 0, digit: 0, other: 0 };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 97 && code <= 122) classes.lower++;
    else if (code >= 65 && code <= 90) classes.upper++;
    else if (code >= 48 && code <= 57) classes.digit++;
    else classes.other++;
  }
  return classes;
}

/** A value's character classes and entropy, each computed once however many checks read them. */
export class ValueShape {
  readonly classes: CharacterClasses;
  #entropy = -1;

  constructor(readonly value: string) {
    this.classes = characterClasses(value);
  }

  get entropy(): number {
    if (this.#entropy < 0) this.#entropy = shannonEntropy(this.value);
    return this.#entropy;
  }
}
