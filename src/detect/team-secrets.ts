/**
 * The team's own secrets: every value of the env files envseal can open, found wherever they are
 * pasted, as is, base64-encoded or URL-encoded. No other scanner can know these.
 *
 * The index never keeps a plaintext. It holds, for each encoded form of each value, an HMAC-SHA256
 * under a key drawn at random for this process (so the hashes mean nothing outside it), a 32-bit
 * seeded hash of the form as a cheap first filter, and the set of form lengths. Scanning cuts the
 * text into candidates (tokens, sub-tokens, assignment values), and only candidates of an indexed
 * length whose quick hash is known get an HMAC.
 *
 * Values that cannot be told from ordinary text are skipped, and reported as such by `skipped`:
 *   - shorter than 8 characters (after trimming) or longer than 4096;
 *   - numbers, dates, versions, IP addresses (only digits and . , : + - / space);
 *   - true/false/yes/no/on/off/null/none/nil/undefined;
 *   - one word ("production", "Staging", "INFO"), or lowercase words joined by . _ - ("us-east-1", "my-app");
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
  /^[a-z]+(?:[._-][a-z0-9]+)*$/,
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

/** 32-bit FNV-1a variant seeded per process, over text[start, end): a filter, not a proof. */
function quickHash(text: string, start: number, end: number, seed: number): number {
  let hash = seed;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/** Character classes while cutting text into candidates: tokens end at wide delimiters, sub-tokens also at narrow ones. */
const TOKEN = 0;
const NARROW = 1;
const WIDE = 2;
const CLASS = new Uint8Array(128);
for (const c of ' \t\r\n\f\v"\'`,;<>()[]{}|\\') CLASS[c.charCodeAt(0)] = WIDE;
for (const c of '=:@/?&#') CLASS[c.charCodeAt(0)] = NARROW;
for (let c = 0; c < 32; c++) CLASS[c] = WIDE;

interface IndexEntry {
  names: string[];
  encoding: Encoding;
}

const ENCODING_NOTE: Record<Encoding, string> = { raw: '', base64: ', base64-encoded', url: ', URL-encoded' };

export class TeamSecretIndex {
  readonly #key = randomBytes(32);
  readonly #seed = randomInt(0x7fffffff);
  readonly #entries = new Map<string, IndexEntry>();
  readonly #quick = new Set<number>();
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
    return createHmac('sha256', this.#key).update(form).digest('base64');
  }

  #add(name: string, value: string): void {
    this.#size++;
    for (const form of encodedForms(value)) {
      const mac = this.#mac(form.text);
      const entry = this.#entries.get(mac);
      if (entry) {
        if (!entry.names.includes(name)) entry.names.push(name);
        continue;
      }
      this.#entries.set(mac, { names: [name], encoding: form.encoding });
      this.#quick.add(quickHash(form.text, 0, form.text.length, this.#seed));
      this.#lengths[form.text.length] = 1;
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
    const check = (start: number, end: number): void => {
      const length = end - start;
      if (length < this.#minLength || length > this.#maxLength || this.#lengths[length] === 0) return;
      if (!this.#quick.has(quickHash(text, start, end, this.#seed))) return;
      const entry = this.#entries.get(this.#mac(text.slice(start, end)));
      if (!entry || seen.has(`${start}:${end}`)) return;
      seen.add(`${start}:${end}`);
      matches.push({ start, end, description: `value of ${entry.names.join(', ')} from the team's env files${ENCODING_NOTE[entry.encoding]}` });
    };
    this.#scanTokens(text, check);
    if (this.#wholeValues) this.#scanAssignments(text, check);
    return matches.sort((a, b) => a.start - b.start);
  }

  /**
   * Candidates: tokens between wide delimiters (whitespace, quotes, brackets, `,` `;`), the part of a
   * token after its first `=` or `:`, and sub-tokens between narrow delimiters (`= : @ / ? & #`).
   */
  #scanTokens(text: string, check: (start: number, end: number) => void): void {
    // The hot loop of team scanning: lengths are tested inline so most tokens cost no call.
    const lengths = this.#lengths;
    const max = this.#maxLength;
    const classes = CLASS;
    let wideStart = 0;
    let narrowStart = 0;
    let firstAssign = -1;
    const end = text.length;
    for (let i = 0; i <= end; i++) {
      let kind = WIDE;
      let code = 32;
      if (i < end) {
        code = text.charCodeAt(i);
        if (code >= 128) continue;
        kind = classes[code]!;
        if (kind === TOKEN) continue;
      }
      const narrowLength = i - narrowStart;
      if (narrowLength <= max && lengths[narrowLength] === 1 && (kind === NARROW || narrowStart > wideStart)) check(narrowStart, i);
      if (kind === NARROW) {
        if (firstAssign < 0 && (code === 61 || code === 58)) firstAssign = i;
        narrowStart = i + 1;
        continue;
      }
      const wideLength = i - wideStart;
      if (wideLength <= max && lengths[wideLength] === 1) check(wideStart, i);
      if (firstAssign >= 0 && firstAssign + 1 < narrowStart && i - firstAssign - 1 <= max && lengths[i - firstAssign - 1] === 1) check(firstAssign + 1, i);
      wideStart = narrowStart = i + 1;
      firstAssign = -1;
    }
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
