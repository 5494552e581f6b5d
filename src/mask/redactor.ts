/**
 * Replaces secrets in text and in streams with their masked forms.
 *
 * Each secret is looked for in every form a program is likely to print it in: as is, JSON-escaped
 * (as JavaScript, Python, Go and PHP escape it), URL-encoded (encodeURIComponent, form encoding,
 * RFC 3986 and Python's quote; upper- and lower-case hex), base64 (standard and url-safe, padded or
 * not, and embedded in a longer base64 text at any of the three byte alignments, e.g. inside an
 * `Authorization: Basic` header), and for a multi-line secret with CRLF line ends and line by line. Every form is replaced by the secret's
 * masked form (see mask.ts). Overlapping occurrences are merged and hidden together, so no byte of any
 * secret form is printed.
 *
 * Secrets shorter than 4 characters are skipped: replacing every "abc" or "42" in the output would
 * garble it without protecting anything worth protecting. A masked form that would itself contain
 * another secret becomes `****`.
 *
 * Streaming: the scanner holds back only the bytes that may still turn out to be part of a secret
 * form (the longest suffix of the output so far that is a prefix of some form); everything before them
 * is written at once. So a chunk that ends in a newline is written whole (unless a secret contains a
 * newline) and line-buffered output stays line-buffered. Held-back bytes are never flushed on a timer:
 * if the program pauses in the middle of printing a secret, flushing would print its first half, so
 * they wait for the next chunk (which decides) or the end of the stream. The cost is that an
 * unterminated prompt whose last characters happen to be how some secret form begins appears when the
 * program writes more or exits. A stream that ends in the middle of a secret (cut by `head -c`, a
 * crash) ends with `****` instead of the secret's first part, once that part is 8 bytes or more.
 */
import { Transform } from 'node:stream';
import { FULL_MASK, hasCodePoints, mask } from './mask.js';
import { PatternList, PatternMatcher } from './matcher.js';

export const MIN_SECRET_LENGTH = 4;
/** Base64 fragments shorter than this (from very short secrets at shifted alignments) are not looked for. */
const MIN_FRAGMENT_LENGTH = 8;

export interface Redactor {
  /** `text` with every secret form replaced by the secret's masked form. */
  redact(text: string): string;
  /** A new Transform stream that redacts bytes flowing through it; one per output stream. */
  stream(): Transform;
}

/** Lines of a multi-line secret long enough to be masked wherever they appear alone (indented, one per log line). */
const MIN_SECRET_LINE = 8;

/** The lines of a multi-line secret, trimmed, that a program may print one at a time; [] for one line. */
export function secretLines(secret: string, minLength: number): string[] {
  if (!/[\r\n]/.test(secret)) return [];
  return secret
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line.length >= minLength);
}

/** `\uXXXX` for every UTF-16 unit `units` matches (a global, non-unicode pattern). */
const unicodeEscaped = (text: string, units: RegExp): string => text.replace(units, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * The JSON encoders programs use: JavaScript's, Python's (non-ASCII as \u escapes, astral characters
 * as surrogate pairs), Go's (<, >, &, U+2028 and U+2029 escaped) and PHP's (non-ASCII escaped, / as \/).
 */
function jsonForms(secret: string): string[] {
  const js = JSON.stringify(secret).slice(1, -1);
  const ascii = unicodeEscaped(js, /[^\x00-\x7f]/g);
  return [js, ascii, unicodeEscaped(js, /[<>&\u2028\u2029]/g), ascii.replace(/\//g, '\\/')];
}

/**
 * The URL encoders programs use: JavaScript's encodeURIComponent and form encoding, RFC 3986's
 * (curl, Go, Python's quote_plus: also !'()* escaped), and Python's quote (which keeps /); each with
 * upper- and lower-case hex.
 */
function urlForms(secret: string): string[] {
  const component = encodeURIComponent(secret);
  const strict = component.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  // Most of these coincide (no space, no slash, none of !'()*): each distinct one is lowercased once.
  const encoded = new Set([component, new URLSearchParams([['', secret]]).toString().slice(1), strict, strict.replace(/%20/g, '+'), strict.replace(/%2F/g, '/')]);
  const forms: string[] = [];
  for (const text of encoded) {
    forms.push(text);
    if (text.includes('%')) forms.push(text.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
  }
  return forms;
}

/** Standard base64 in the URL-safe alphabet (padding kept). */
function base64Url(base64: string): string {
  return base64.includes('+') || base64.includes('/') ? base64.replace(/\+/g, '-').replace(/\//g, '_') : base64;
}

/** Base64 without its padding. */
function unpadded(base64: string): string {
  let end = base64.length;
  while (end > 0 && base64.charCodeAt(end - 1) === 0x3d) end--;
  return end === base64.length ? base64 : base64.slice(0, end);
}

/** Characters every JSON and URL encoder above leaves as they are: a secret made of them is its own JSON and URL form. */
const UNESCAPED = /^[A-Za-z0-9_.-]*$/;

/** Every form of `secret` to look for. */
export function secretForms(secret: string): string[] {
  // An array, not a Set: a secret has a dozen forms at most, and hashing each of them cost more than
  // comparing it with the few before (masking lists the forms of every secret of a file at start-up).
  const forms = [secret];
  if (!UNESCAPED.test(secret)) for (const form of [...jsonForms(secret), ...urlForms(secret)]) add(forms, form);
  // A multi-line secret printed with other line endings, or line by line (indented in YAML, in a log).
  if (secret.includes('\n')) add(forms, secret.replace(/\r?\n/g, '\r\n'));
  for (const line of secretLines(secret, MIN_SECRET_LINE)) add(forms, line);
  // The secret after 0, 1 and 2 bytes of a 3-byte group: one buffer, read from three places.
  const length = Buffer.byteLength(secret, 'utf8');
  const shifted = Buffer.allocUnsafe(length + 2);
  shifted[0] = shifted[1] = 0;
  shifted.write(secret, 2, 'utf8');
  const standard = shifted.toString('base64', 2);
  const urlSafe = base64Url(standard);
  for (const whole of [standard, urlSafe]) {
    add(forms, whole);
    add(forms, unpadded(whole));
  }
  for (let offset = 0; offset < 3; offset++) {
    // Base64 characters that depend on the secret's bytes alone when it starts `offset` bytes into a
    // 3-byte group: skip those mixed with preceding bytes, and the partial one at the end.
    const encoded = offset === 0 ? standard : shifted.toString('base64', 2 - offset);
    const fragment = encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + length)) / 6));
    if (offset === 0 || fragment.length >= MIN_FRAGMENT_LENGTH) {
      add(forms, fragment);
      add(forms, base64Url(fragment));
    }
  }
  return forms;
}

/** Adds `form` to `forms` unless it is there already. */
function add(forms: string[], form: string): void {
  if (!forms.includes(form)) forms.push(form);
}

interface Compiled {
  matcher: PatternMatcher;
  /** For each pattern, the index of the replacement to write. */
  replacementOf: Int32Array;
  /** The masked form of secret `index`, or FULL_MASK when `index` is `cutShort`. */
  replacement(index: number): Buffer;
  /** The replacement hiding the start of a secret a stream ended in. */
  cutShort: number;
}

/** `subjects`: the only texts the redactor will read, when known (see redactorForTexts). */
function compile(values: readonly string[], subjects?: readonly string[]): Compiled {
  let secrets = [...new Set(values.filter((v) => hasCodePoints(v, MIN_SECRET_LENGTH)))];
  if (subjects) {
    // Then the secrets in the kept characters of those secrets' masked forms: they decide whether
    // a secret is replaced by its masked form or by FULL_MASK.
    const direct = touching(secrets, subjects);
    secrets = touching(secrets, [...subjects, ...direct.map(mask)]);
  }
  const patterns = new PatternList();
  const owner: number[] = [];
  secrets.forEach((secret, index) => {
    for (const form of secretForms(secret)) {
      if (form.length < MIN_SECRET_LENGTH) continue;
      patterns.add(form);
      owner.push(index);
    }
  });
  const matcher = new PatternMatcher(patterns.packed());
  const fullMask = Buffer.from(FULL_MASK, 'utf8');
  // Made when first written, not before the first output: most secrets never show in it, and
  // masking each and scanning its masked form cost a tenth of the build at 10,000 values.
  const replacements = new Array<Buffer | undefined>(secrets.length);
  let spells = false;
  const found = (): void => void (spells = true);
  const replacement = (index: number): Buffer => {
    if (index === secrets.length) return fullMask;
    let made = replacements[index];
    if (made === undefined) {
      made = Buffer.from(mask(secrets[index]!), 'utf8');
      // The kept characters of one secret's masked form could spell out another, shorter secret.
      spells = false;
      matcher.scan(0, made, found);
      replacements[index] = made = spells ? fullMask : made;
    }
    return made;
  };
  return { matcher, replacementOf: Int32Array.from(owner), replacement, cutShort: secrets.length };
}

/** A run of input hidden behind one replacement: overlapping matches merged, the longest one naming it. */
interface Hidden {
  start: number;
  end: number;
  replacement: number;
  longest: number;
}

/** Redacts one byte stream. Positions are absolute offsets in the stream. */
class Scanner {
  readonly #compiled: Compiled;
  #state = 0;
  #position = 0;
  /** Input not yet written, starting at absolute offset #pendingStart. */
  #pending: Buffer = Buffer.alloc(0);
  #pendingStart = 0;
  /** Pending hidden runs, in order, not overlapping. */
  #hidden: Hidden[] = [];

  constructor(compiled: Compiled) {
    this.#compiled = compiled;
  }

  /** Reads a chunk; returns what can be written now. */
  push(chunk: Uint8Array): Buffer {
    const { matcher } = this.#compiled;
    const input = this.#pending.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.#pending, chunk]);
    this.#state = matcher.scan(this.#state, chunk, this.#onMatch);
    this.#position += chunk.length;
    // No future match can start before the longest pattern prefix still in progress.
    return this.#release(input, this.#position - matcher.depth(this.#state));
  }

  /** Every pattern ending `end` bytes into the chunk being read. */
  readonly #onMatch = (first: number, end: number): void => {
    const { matcher, replacementOf } = this.#compiled;
    const position = this.#position + end;
    for (let m = first; m >= 0; m = matcher.nextMatch(m)) {
      const length = matcher.depth(m);
      this.#hide(position - length, position, replacementOf[matcher.patternAt(m)]!, length);
    }
  };

  /** The end of the stream: everything left, with what is hidden replaced. */
  end(): Buffer {
    const started = this.#compiled.matcher.depth(this.#state);
    if (started >= MIN_FRAGMENT_LENGTH) this.#hide(this.#position - started, this.#position, this.#compiled.cutShort, started);
    const rest = this.#release(this.#pending, this.#position);
    this.#state = 0;
    return rest;
  }

  #hide(start: number, end: number, replacement: number, length: number): void {
    const run: Hidden = { start, end, replacement, longest: length };
    // Every earlier run ends at or before `end`, so the ones this match overlaps are at the tail.
    for (let last = this.#hidden.at(-1); last && last.end > start; last = this.#hidden.at(-1)) {
      this.#hidden.pop();
      run.start = Math.min(run.start, last.start);
      if (last.longest >= run.longest) {
        run.replacement = last.replacement;
        run.longest = last.longest;
      }
    }
    this.#hidden.push(run);
  }

  /** Writes out input before `limit` (absolute), replacing hidden runs that end by then. */
  #release(input: Buffer, limit: number): Buffer {
    const base = this.#pendingStart;
    const pieces: Buffer[] = [];
    let cursor = base;
    while (this.#hidden.length > 0 && this.#hidden[0]!.end <= limit) {
      const run = this.#hidden.shift()!;
      pieces.push(input.subarray(cursor - base, run.start - base), this.#compiled.replacement(run.replacement));
      cursor = run.end;
    }
    const plainEnd = this.#hidden.length > 0 ? Math.min(this.#hidden[0]!.start, limit) : limit;
    if (plainEnd > cursor) {
      pieces.push(input.subarray(cursor - base, plainEnd - base));
      cursor = plainEnd;
    }
    // Copy what is held back, so a large chunk is not kept alive by a few trailing bytes.
    this.#pending = Buffer.from(input.subarray(cursor - base));
    this.#pendingStart = cursor;
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  }
}

/**
 * `values` may be a function giving them: it is called, and the automaton built, when the redactor
 * is first used, so `run --mask` spends nothing on masking before the command prints anything.
 */
export function createRedactor(values: readonly string[] | (() => readonly string[])): Redactor {
  return redactorOf(() => compile(typeof values === 'function' ? values() : values));
}

/**
 * A redactor that will only be asked to redact `subjects` (what `get` prints of one value): built
 * from just the secrets that can change them, so it costs their forms, not an automaton of every
 * secret's. It redacts `subjects` exactly as createRedactor(values) does.
 */
export function redactorForTexts(values: readonly string[], subjects: readonly string[]): Pick<Redactor, 'redact'> {
  return redactorOf(() => compile(values, subjects));
}

/**
 * The secrets of `secrets` a redactor of `subjects` can need: those with a form in one of them, or
 * a form that one of them ends with the start of (end() hides such a start).
 */
function touching(secrets: readonly string[], subjects: readonly string[]): string[] {
  // A start end() hides is at least MIN_FRAGMENT_LENGTH bytes, so at least 3 UTF-16 units.
  const heads = new Set<string>();
  for (const text of subjects) for (let i = 0; i + 3 <= text.length; i++) heads.add(text.slice(i, i + 3));
  const endsWithStartOf = (text: string, form: string): boolean => {
    for (let i = Math.max(0, text.length - form.length + 1); i + 3 <= text.length; i++) {
      const tail = text.slice(i);
      if (form.startsWith(tail) && Buffer.byteLength(tail) >= MIN_FRAGMENT_LENGTH) return true;
    }
    return false;
  };
  const needed = (form: string): boolean =>
    form.length >= MIN_SECRET_LENGTH && subjects.some((text) => text.includes(form) || (heads.has(form.slice(0, 3)) && endsWithStartOf(text, form)));
  return secrets.filter((secret) => secretForms(secret).some(needed));
}

function redactorOf(build: () => Compiled): Redactor {
  let compiled: Compiled | undefined;
  const ready = (): Compiled => (compiled ??= build());
  return {
    redact(text) {
      const scanner = new Scanner(ready());
      return Buffer.concat([scanner.push(Buffer.from(text, 'utf8')), scanner.end()]).toString('utf8');
    },
    stream() {
      let scanner: Scanner | undefined;
      return new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          const out = (scanner ??= new Scanner(ready())).push(chunk);
          callback(null, out.length > 0 ? out : undefined);
        },
        flush(callback) {
          const out = scanner?.end();
          callback(null, out !== undefined && out.length > 0 ? out : undefined);
        },
      });
    },
  };
}
