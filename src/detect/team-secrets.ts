/**
 * The team's own secrets: every value of the env files envseal can open, found wherever they are
 * pasted, as is, base64-encoded or URL-encoded. No other scanner can know these.
 *
 * The index never keeps a plaintext. It holds, for each encoded form of each value, an HMAC-SHA256
 * under a key drawn at random for this process (so the hashes mean nothing outside it), a 32-bit
 * seeded hash of the form as a cheap first filter, the set of form lengths, and a 14-bit seeded hash of
 * each form's first and of its last two characters. Scanning cuts the
 * text into candidates (tokens, sub-tokens, assignment values), and only candidates of an indexed
 * length whose quick hash is known get an HMAC.
 *
 * Values that cannot be told from ordinary text are skipped, and reported as such by `skipped`:
 *   - shorter than 8 characters (after trimming) or longer than 4096;
 *   - numbers, dates, versions, IP addresses (only digits and . , : + - / space);
 *   - true/false/yes/no/on/off/null/none/nil/undefined;
 *   - one word ("production", "Staging", "INFO"), or lowercase words joined by . _ - ("us-east-1", "my-app"),
 *     though not a prefix joined to a random part ("tok_9f8e7d6c5b4a3928171605");
 *   - lowercase host names ("api.example.com"), email addresses, file paths;
 *   - URLs without a password (they are addresses, not secrets) and any URL to a loopback host;
 *     a URL with a password is indexed whole, and its password on its own;
 *   - values with almost no variety (Shannon entropy under 2 bits per character, like "aaaaaaaa").
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { type Encoding, encodedForms } from './encodings.js';
import { shannonEntropy } from './entropy.js';

export interface TeamValue {
  /** The variable's name: names are not secret and appear in findings. */
  name: string;
  value: string;
}

export interface TeamSecretMatch {
  start: number;
  end: number;
  /** Names the variable and the encoding, never the value. */
  description: string;
}

const MIN_LENGTH = 8;
const MAX_LENGTH = 4096;

const NOT_SECRET_VALUE = [
  /^[\d\s.,:+\-/]*$/,
  /^(?:true|false|yes|no|on|off|null|none|nil|undefined)$/i,
  /^(?:[A-Z]?[a-z]+|[A-Z]+)$/,
  // Lowercase words joined by . _ - (a number may follow a word or stand alone): "us-east-1", "my_app_v2",
  // not "tok_9f8e7d6c5b4a3928171605", whose random part is the secret.
  /^[a-z]+(?:[._-](?:[a-z]+\d{0,3}|\d{1,4}))*$/,
  /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/,
  /^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$/,
  /^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\)/,
];

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1\])$/i;

/** The values worth indexing for one env value: none, the value, or (URLs) the value and its password. */
function indexableValues(raw: string): string[] {
  const value = raw.trim();
  if (value.length < MIN_LENGTH || value.length > MAX_LENGTH) return [];
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return [];
    }
    if (!url.password || LOOPBACK.test(url.hostname)) return [];
    let password = url.password;
    try {
      password = decodeURIComponent(password);
    } catch {
      // Kept as written: a malformed escape is still what someone would paste.
    }
    return [value, ...indexableValues(password)];
  }
  if (NOT_SECRET_VALUE.some((pattern) => pattern.test(value)) || shannonEntropy(value) < 2) return [];
  return [value];
}

/**
 * V8 keeps the subject of the last successful regex match (`RegExp.lastMatch`, `RegExp.$_`), and
 * encoding a value runs regexes over it: matching a constant last lets no value outlive build().
 */
function forgetLastMatch(): void {
  /x/.exec('x');
}

/**
 * A 32-bit polynomial hash of text[start, end) (the sum of each character times a power of
 * `multiplier`, odd and drawn per process): a filter, not a proof. Polynomial so that any span of a
 * token is hashed in constant time from the token's prefix hashes.
 */
function quickHash(text: string, start: number, end: number, multiplier: number): number {
  let hash = 0;
  for (let i = start; i < end; i++) hash = (Math.imul(hash, multiplier) + text.charCodeAt(i)) | 0;
  return hash;
}

/**
 * What each ASCII character is while cutting text into candidates. Tokens end at delimiters
 * (whitespace, quotes, brackets, `,` `;` `|` `\\` and control characters); inside a token, a value
 * begins and ends next to punctuation: anything but a letter or digit, non-ASCII characters included.
 */
const ALPHANUMERIC = 0;
const PUNCTUATION = 1;
const DELIMITER = 2;
const KIND = new Uint8Array(128).fill(PUNCTUATION);
for (let c = 0; c < 128; c++) if (/[A-Za-z0-9]/.test(String.fromCharCode(c))) KIND[c] = ALPHANUMERIC;
for (const c of ' \t\r\n\f\v"\'`,;<>()[]{}|\\') KIND[c.charCodeAt(0)] = DELIMITER;
for (let c = 0; c < 32; c++) KIND[c] = DELIMITER;

/** The mask of the quick hashes' bits kept in TeamSecretIndex's one-read filter. */
const QUICK_BITS = 0xfffff;

/**
 * The two characters at `at`, hashed into PAIR_BITS bits by the index's multiplier. As weak a secret
 * as the quick hashes: whoever reads the process's memory has the multiplier and the HMAC key too.
 */
function pairAt(text: string, at: number, multiplier: number): number {
  return Math.imul((text.charCodeAt(at) << 16) | text.charCodeAt(at + 1), multiplier) >>> (32 - PAIR_BITS);
}
const PAIR_BITS = 14;

interface IndexEntry {
  names: string[];
  encoding: Encoding;
}

const ENCODING_NOTE: Record<Encoding, string> = { raw: '', base64: ', base64-encoded', url: ', URL-encoded' };

export class TeamSecretIndex {
  /** Drawn with the first value indexed: an index of nothing (no sealed file opened) needs no node:crypto. */
  #key: Buffer | undefined;
  #multiplier = 1;
  /** multiplier^n for every form length, made when the index is built. */
  #powers = new Int32Array(0);
  /** Prefix hashes of the token being cut into candidates and the bounds found in it, reused from token to token. */
  #prefix = new Int32Array(256);
  #opens = new Int32Array(256);
  #closes = new Int32Array(256);
  /** The places of the current token's punctuation (see #scanTokens). */
  #marks = new Int32Array(256);
  /** The token's closes marked by their offset in it, cleared after each token. */
  #closeAt = new Uint8Array(256);
  /** The distinct form lengths, ascending. */
  #lengthList = new Int32Array(0);
  readonly #entries = new Map<string, IndexEntry>();
  readonly #quick = new Set<number>();
  /** The quick hashes' low 20 bits, one byte each: most candidates are turned away by one array read. */
  readonly #quickBits = new Uint8Array(QUICK_BITS + 1);
  /** Every form's first two and last two characters, by pairAt: most tokens hold no candidate that begins and ends like a form. */
  readonly #firstPairs = new Uint8Array(1 << PAIR_BITS);
  readonly #lastPairs = new Uint8Array(1 << PAIR_BITS);
  /** Indexed by form length; a URL-encoded value can be 9 times as long as the value (3 bytes, 3 characters each). */
  readonly #lengths = new Uint8Array(MAX_LENGTH * 9 + 1);
  #minLength = Infinity;
  #maxLength = 0;
  /** Some value contains a token delimiter (a space, a quote): whole assignment values are tried too. */
  #wholeValues = false;
  #size = 0;
  #skipped = 0;

  private constructor() {}

  /** Indexes every value (see the module comment for what is skipped). The plaintexts are not kept. */
  static build(values: Iterable<TeamValue>): TeamSecretIndex {
    const index = new TeamSecretIndex();
    for (const { name, value } of values) {
      const indexable = indexableValues(value);
      if (indexable.length === 0) index.#skipped++;
      for (const plain of indexable) index.#add(name, plain);
    }
    forgetLastMatch();
    const lengthList: number[] = [];
    for (let n = index.#minLength; n <= index.#maxLength; n++) if (index.#lengths[n] === 1) lengthList.push(n);
    index.#lengthList = Int32Array.from(lengthList);
    index.#powers = new Int32Array(index.#maxLength + 1);
    for (let n = 0, power = 1; n <= index.#maxLength; n++, power = Math.imul(power, index.#multiplier)) index.#powers[n] = power;
    return index;
  }

  /** How many values are indexed (the password of a URL value counts as one more). */
  get size(): number {
    return this.#size;
  }

  /** How many values were too short or too common to index. */
  get skipped(): number {
    return this.#skipped;
  }

  #mac(form: string): string {
    return createHmac('sha256', this.#key!).update(form).digest('base64');
  }

  #add(name: string, value: string): void {
    if (this.#key === undefined) {
      this.#key = randomBytes(32);
      this.#multiplier = randomInt(0x7fffffff) | 1;
    }
    this.#size++;
    for (const form of encodedForms(value)) {
      const mac = this.#mac(form.text);
      const entry = this.#entries.get(mac);
      if (entry) {
        if (!entry.names.includes(name)) entry.names.push(name);
        continue;
      }
      this.#entries.set(mac, { names: [name], encoding: form.encoding });
      const hash = quickHash(form.text, 0, form.text.length, this.#multiplier);
      this.#quick.add(hash);
      this.#quickBits[hash & QUICK_BITS] = 1;
      this.#lengths[form.text.length] = 1;
      this.#firstPairs[pairAt(form.text, 0, this.#multiplier)] = 1;
      this.#lastPairs[pairAt(form.text, form.text.length - 2, this.#multiplier)] = 1;
      this.#minLength = Math.min(this.#minLength, form.text.length);
      this.#maxLength = Math.max(this.#maxLength, form.text.length);
      if (/[\s"'`,;<>()[\]{}|\\]/.test(form.text)) this.#wholeValues = true;
    }
  }

  /** Every place in `text` where an indexed value appears, in any indexed form. */
  find(text: string): TeamSecretMatch[] {
    const matches: TeamSecretMatch[] = [];
    if (this.#entries.size === 0) return matches;
    const seen = new Set<string>();
    const confirm = (start: number, end: number): void => {
      const entry = this.#entries.get(this.#mac(text.slice(start, end)));
      if (!entry || seen.has(`${start}:${end}`)) return;
      seen.add(`${start}:${end}`);
      matches.push({ start, end, description: `value of ${entry.names.join(', ')} from the team's env files${ENCODING_NOTE[entry.encoding]}` });
    };
    this.#scanTokens(text, confirm);
    if (this.#wholeValues) {
      this.#scanAssignments(text, (start, end) => {
        const length = end - start;
        if (length >= this.#minLength && length <= this.#maxLength && this.#lengths[length] === 1 && this.#quick.has(quickHash(text, start, end, this.#multiplier))) {
          confirm(start, end);
        }
      });
    }
    return matches.sort((a, b) => a.start - b.start);
  }

  /** Tokens between delimiters, each cut into candidates by #scanToken. */
  #scanTokens(text: string, confirm: (start: number, end: number) => void): void {
    // The hot loop of team scanning: a token shorter than every form holds none, and costs no call.
    const min = this.#minLength;
    const kinds = KIND;
    let tokenStart = 0;
    // Where the token's punctuation is, so that cutting it into candidates reads those places only.
    // Most long tokens are words, identifiers or random text with none: those hold one candidate,
    // the whole token, which two reads of the pair filters answer.
    let marks: Int32Array = this.#marks;
    let markCount = 0;
    const end = text.length;
    for (let i = 0; i <= end; i++) {
      if (i < end) {
        const code = text.charCodeAt(i);
        const kind = code < 128 ? kinds[code] : PUNCTUATION;
        if (kind === ALPHANUMERIC) continue;
        if (kind === PUNCTUATION) {
          if (markCount === marks.length) marks = this.#moreMarks();
          marks[markCount++] = i;
          continue;
        }
      }
      if (i - tokenStart >= min) {
        // One call site, to a function too large to inline: inlining the small #scanWord here made
        // V8 compile this loop two and a half times slower, in a process that had scanned varied text.
        this.#scanToken(text, tokenStart, i, markCount, confirm);
      }
      tokenStart = i + 1;
      markCount = 0;
    }
  }

  /**
   * The candidates of one token: every span that begins at the token's start or after a character
   * that is no letter or digit, and ends at its end or before such a character. So a value is found
   * decorated (`The password is S.`, `“S”`, `**S**`, `$S`), joined to words (`prefix_S-old`) and
   * inside a URL or query (`?sig=S&t=1`), whatever punctuation it holds itself. Bounds whose two
   * characters no form begins or ends with are dropped in the one read that finds them; the spans
   * between those left are hashed in constant time from the token's prefix hashes, and only an
   * indexed length with a known hash gets an HMAC. The token's `markCount` punctuation characters
   * are in #marks; a token with none is a word (#scanWord).
   */
  #scanToken(text: string, start: number, end: number, markCount: number, confirm: (start: number, end: number) => void): void {
    if (markCount === 0) return this.#scanWord(text, start, end, confirm);
    const length = end - start;
    if (this.#opens.length <= length) {
      this.#opens = new Int32Array(2 * length + 2);
      this.#closes = new Int32Array(2 * length + 2);
      this.#prefix = new Int32Array(2 * length + 2);
      this.#closeAt = new Uint8Array(2 * length + 2);
    }
    const opens = this.#opens;
    const closes = this.#closes;
    const marks = this.#marks;
    const first = this.#firstPairs;
    const last = this.#lastPairs;
    const multiplier = this.#multiplier;
    let openCount = 0;
    let closeCount = 0;
    if (first[pairAt(text, start, multiplier)] === 1) opens[openCount++] = start;
    for (let m = 0; m < markCount; m++) {
      const i = marks[m]!;
      if (i - 2 >= start && last[pairAt(text, i - 2, multiplier)] === 1) closes[closeCount++] = i;
      if (i + 2 < end && first[pairAt(text, i + 1, multiplier)] === 1) opens[openCount++] = i + 1;
    }
    if (last[pairAt(text, end - 2, multiplier)] === 1) closes[closeCount++] = end;
    if (openCount === 0 || closeCount === 0) return;
    const prefix = this.#prefix;
    prefix[0] = 0;
    for (let i = 0; i < length; i++) prefix[i + 1] = (Math.imul(prefix[i]!, multiplier) + text.charCodeAt(start + i)) | 0;
    // Both bounds ascend, so the closes in reach of an open form a window that only moves forward.
    // Each open tries the closes in its window or the indexed lengths, whichever are fewer: a token
    // made of nothing but bounds costs the number of lengths per character, not the window.
    const lengths = this.#lengths;
    const lengthList = this.#lengthList;
    const min = this.#minLength;
    const max = this.#maxLength;
    const closeAt = this.#closeAt;
    for (let c = 0; c < closeCount; c++) closeAt[closes[c]! - start] = 1;
    let low = 0;
    let high = 0;
    for (let o = 0; o < openCount; o++) {
      const from = opens[o]!;
      while (low < closeCount && closes[low]! - from < min) low++;
      if (high < low) high = low;
      while (high < closeCount && closes[high]! - from <= max) high++;
      if (high - low <= lengthList.length) {
        for (let c = low; c < high; c++) if (lengths[closes[c]! - from] === 1) this.#check(start, from, closes[c]!, confirm);
      } else {
        for (let l = 0; l < lengthList.length && from + lengthList[l]! <= end; l++) {
          if (closeAt[from + lengthList[l]! - start] === 1) this.#check(start, from, from + lengthList[l]!, confirm);
        }
      }
    }
    for (let c = 0; c < closeCount; c++) closeAt[closes[c]! - start] = 0;
  }

  #moreMarks(): Int32Array {
    const marks = new Int32Array(2 * this.#marks.length);
    marks.set(this.#marks);
    return (this.#marks = marks);
  }

  /** A token of letters and digits only, whose one candidate is itself. */
  #scanWord(text: string, start: number, end: number, confirm: (start: number, end: number) => void): void {
    const multiplier = this.#multiplier;
    const length = end - start;
    if (this.#lengths[length] === 1 && this.#firstPairs[pairAt(text, start, multiplier)] === 1 && this.#lastPairs[pairAt(text, end - 2, multiplier)] === 1) {
      const hash = quickHash(text, start, end, multiplier);
      if (this.#quickBits[hash & QUICK_BITS] === 1 && this.#quick.has(hash)) confirm(start, end);
    }
  }

  /** A candidate [from, to) of the token starting at `token`, whose prefix hashes are in #prefix. */
  #check(token: number, from: number, to: number, confirm: (start: number, end: number) => void): void {
    const hash = (this.#prefix[to - token]! - Math.imul(this.#prefix[from - token]!, this.#powers[to - from]!)) | 0;
    if (this.#quickBits[hash & QUICK_BITS] === 1 && this.#quick.has(hash)) confirm(from, to);
  }

  /** Whole values of `name = value` / `name: value` lines, unquoted: catches values with spaces or quotes. */
  #scanAssignments(text: string, check: (start: number, end: number) => void): void {
    // The next '=' and ':' only move forward, so finding them per line stays linear in the text.
    let equals = text.indexOf('=');
    let colon = text.indexOf(':');
    let lineStart = 0;
    while (lineStart <= text.length && (equals !== -1 || colon !== -1)) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd === -1) lineEnd = text.length;
      if (equals !== -1 && equals < lineStart) equals = text.indexOf('=', lineStart);
      if (colon !== -1 && colon < lineStart) colon = text.indexOf(':', lineStart);
      const operator = Math.min(equals === -1 || equals >= lineEnd ? Infinity : equals, colon === -1 || colon >= lineEnd ? Infinity : colon);
      if (operator !== Infinity) {
        let start = operator + 1;
        let end = lineEnd;
        while (start < end && /\s/.test(text[start]!)) start++;
        while (end > start && /[\s,;]/.test(text[end - 1]!)) end--;
        const quote = text[start];
        if ((quote === '"' || quote === "'" || quote === '`') && end - start >= 2 && text[end - 1] === quote) {
          start++;
          end--;
        }
        check(start, end);
      }
      lineStart = lineEnd + 1;
    }
  }

  toJSON(): { values: number; skipped: number } {
    return { values: this.#size, skipped: this.#skipped };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `[TeamSecretIndex ${this.#size} values]`;
  }
}
