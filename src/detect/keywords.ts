/**
 * Which of a rule set's keywords a text contains, found in one pass over the text however many
 * keywords there are: an Aho-Corasick automaton over ASCII that folds case as it reads, so no
 * lowercased copy of the text is made. A separate substring search per keyword (search.ts) costs a
 * pass each when the keyword is absent, which is the common case; with dozens of rules that was most
 * of the detector's time.
 *
 * Characters outside ASCII are read as their low 7 bits. That can only make a keyword look present
 * when it is not, which costs a pattern pass and never a finding. Keywords with non-ASCII characters
 * are searched for as before, on a lowercased copy.
 *
 * Until AUTOMATON_AFTER characters have been searched, the automaton is not built: each keyword is
 * searched for in a copy of the text read the way the automaton reads it, so both ways give the same
 * answer for every text (test/detect/engine.test.js checks it on generated ones).
 */
import { type Probe, indexOfProbe, probeFor } from './search.js';

const ALPHABET = 128;
const SHIFT = 7;

/**
 * The automaton's pass: the states ending keywords that the text reaches, each once, in `ends`
 * (their keywords are read after it); `seen` is all zero before and after. A list, not a flag per
 * state read back whole: masking asks about thousands of short values, and reading a flag for each
 * of the automaton's states cost more than reading the value.
 */
function run(transitions: Int32Array, seen: Uint8Array, text: string, ends: number[]): void {
  const length = text.length;
  let state = 0;
  for (let i = 0; i < length; i++) {
    state = transitions[state | (text.charCodeAt(i) & (ALPHABET - 1))]!;
    if (state < 0) {
      state = -state - 1;
      const end = state >> SHIFT;
      if (seen[end] === 0) {
        seen[end] = 1;
        ends.push(end);
      }
    }
  }
  for (const end of ends) seen[end] = 0;
}

/** The automaton over the ASCII keywords: per state and character the next state, and per state the keywords that end there. */
interface Automaton {
  /** Per state and character: the next state times ALPHABET, negated minus 1 when that state ends a keyword. */
  transitions: Int32Array;
  /** Per state: the keywords (indices) that end there. */
  outputs: readonly (readonly number[])[];
  /** One flag per state, all zero between passes (run). */
  seen: Uint8Array;
}

/**
 * How much text (in characters, over the process) is searched keyword by keyword before the automaton
 * is built. Building it and the first passes of its loop, before V8 compiles that loop, cost about 3 ms,
 * as much as searching half a megabyte of source for each keyword; a typical commit (100 KB) or a
 * commit message never gets that far, a large commit or a scan soon does and then runs at the
 * automaton's speed.
 */
const AUTOMATON_AFTER = 512 * 1024;

const NON_ASCII = /[^\x00-\x7f]/;

export class KeywordSet {
  #automaton: Automaton | undefined;
  #pairs: PairIndex | undefined;
  /** What the last search found: flags by keyword, and the same as a list (which clears the flags again). */
  #flags: Uint8Array | undefined;
  readonly #found: number[] = [];
  #searched = 0;

  private constructor(
    /** The keywords, lowercase. */
    private readonly keywords: readonly string[],
    /** Each keyword's probe (search.ts), by index. */
    private readonly probes: readonly Probe[],
    /** Keywords with non-ASCII characters, by index: the automaton does not read them. */
    private readonly slow: readonly number[],
    /** The other (non-empty) keywords, by index: what the automaton, or the direct search, reads. */
    private readonly ascii: readonly number[],
    private readonly automatonAfter: number,
  ) {}

  /**
   * `keywords` must be lowercase. Index i of `present`'s answer is keywords[i]. The automaton is built
   * once `automatonAfter` characters have been searched (tests choose 0 or Infinity to compare the
   * two ways of answering), and answers every text from then on.
   */
  static build(keywords: readonly string[], automatonAfter = AUTOMATON_AFTER): KeywordSet {
    const slow = keywords.flatMap((keyword, index) => (NON_ASCII.test(keyword) ? [index] : []));
    const ascii = keywords.flatMap((keyword, index) => (keyword.length > 0 && !NON_ASCII.test(keyword) ? [index] : []));
    return new KeywordSet(keywords, keywords.map(probeFor), slow, ascii, automatonAfter);
  }

  /**
   * For each keyword, whether `text` contains it, ignoring ASCII case. The same array answers every
   * call, overwritten by the next: making one per call was most of the cost of asking about a short
   * value (a typed array's own memory, allocated outside V8's heap).
   */
  present(text: string): Uint8Array {
    this.#search(text);
    return this.#flags!;
  }

  /**
   * The keywords (indices) `text` contains, ignoring ASCII case, in no order: what present() flags,
   * without reading a flag per keyword. The same array answers every call, overwritten by the next.
   */
  found(text: string): readonly number[] {
    return this.#search(text);
  }

  #search(text: string): number[] {
    const flags = (this.#flags ??= new Uint8Array(this.keywords.length));
    const found = this.#found;
    for (const index of found) flags[index] = 0;
    found.length = 0;
    this.#searched += text.length;
    if (this.#automaton || this.#searched >= this.automatonAfter) {
      const { transitions, outputs, seen } = (this.#automaton ??= buildAutomaton(this.keywords));
      const ends: number[] = [];
      run(transitions, seen, text, ends);
      for (const end of ends) for (const index of outputs[end]!) this.#hit(index);
    } else {
      const folded = NON_ASCII.test(text) ? readAsAutomaton(text) : text.toLowerCase();
      if (folded.length <= SHORT_TEXT) this.#searchShort(folded);
      else for (const index of this.ascii) if (indexOfProbe(folded, this.probes[index]!) !== -1) this.#hit(index);
    }
    if (this.slow.length > 0) {
      const lower = text.toLowerCase();
      for (const index of this.slow) if (indexOfProbe(lower, this.probes[index]!) !== -1) this.#hit(index);
    }
    return found;
  }

  #hit(index: number): void {
    if (this.#flags![index] === 1) return;
    this.#flags![index] = 1;
    this.#found.push(index);
  }

  /**
   * Which ASCII keywords `folded`, a short text read as the automaton reads it, holds: at each of
   * its positions only the keywords that start with the two characters there are compared. Trying
   * every keyword, even filtered by the characters it needs, cost more than reading the text, and
   * masking asks this of every value it classifies.
   */
  #searchShort(folded: string): void {
    const { heads, next, singles } = (this.#pairs ??= pairIndex(this.keywords, this.ascii));
    const flags = this.#flags!;
    for (const index of singles) if (folded.includes(this.keywords[index]!)) this.#hit(index);
    for (let i = 0; i + 1 < folded.length; i++) {
      const pair = ((folded.charCodeAt(i) & (ALPHABET - 1)) << SHIFT) | (folded.charCodeAt(i + 1) & (ALPHABET - 1));
      for (let entry = heads[pair]!; entry !== 0; entry = next[entry - 1]!) {
        if (flags[entry - 1] === 0 && folded.startsWith(this.keywords[entry - 1]!, i)) this.#hit(entry - 1);
      }
    }
  }
}

/** The ASCII keywords by their first two characters, as chains: 1 + a keyword's index, 0 ending a chain. */
interface PairIndex {
  /** Per pair of characters (the first's code << SHIFT | the second's), the chain's first entry. */
  heads: Int32Array;
  /** Per keyword, the next entry of its chain. */
  next: Int32Array;
  /** Keywords of one character. */
  singles: number[];
}

function pairIndex(keywords: readonly string[], ascii: readonly number[]): PairIndex {
  const heads = new Int32Array(ALPHABET * ALPHABET);
  const next = new Int32Array(keywords.length);
  const singles: number[] = [];
  for (const index of ascii) {
    const keyword = keywords[index]!;
    if (keyword.length === 1) {
      singles.push(index);
      continue;
    }
    const pair = (keyword.charCodeAt(0) << SHIFT) | keyword.charCodeAt(1);
    next[index] = heads[pair]!;
    heads[pair] = index + 1;
  }
  return { heads, next, singles };
}

/** Texts up to this length, until the automaton is built, are searched position by position (#searchShort). */
const SHORT_TEXT = 512;

/** The text as the automaton reads it: each character's low 7 bits, uppercase ASCII as lowercase (for ASCII text, its lowercase). */
function readAsAutomaton(text: string): string {
  const read = Buffer.from(text, 'latin1');
  for (let i = 0; i < read.length; i++) {
    const code = read[i]! & (ALPHABET - 1);
    read[i] = code >= 65 && code <= 90 ? code + 32 : code;
  }
  return read.toString('latin1');
}

/**
 * Built at most once per process, so the work done in JavaScript
 * is kept to one step per trie edge: a state's row of transitions starts as a native copy of its
 * failure state's row. Keywords with non-ASCII characters are left out (KeywordSet searches for them).
 */
function buildAutomaton(keywords: readonly string[]): Automaton {
  const edges: number[][] = [[]]; // per state: code, child, code, child...
  const outputs: number[][] = [[]];
  keywords.forEach((keyword, index) => {
    if (keyword.length === 0 || NON_ASCII.test(keyword)) return;
    let state = 0;
    for (let i = 0; i < keyword.length; i++) {
      const code = keyword.charCodeAt(i);
      const out = edges[state]!;
      let next = -1;
      for (let e = 0; e < out.length; e += 2) if (out[e] === code) next = out[e + 1]!;
      if (next === -1) {
        next = edges.length;
        edges.push([]);
        outputs.push([]);
        out.push(code, next);
      }
      state = next;
    }
    outputs[state]!.push(index);
  });
  // Entries are final from the start: a target state's code (times ALPHABET, negated minus 1 when a
  // keyword ends there). Whether one does is known when the state is reached, since its failure
  // state (the longest proper suffix that is a prefix of a keyword) is shallower and done.
  const transitions = new Int32Array(edges.length * ALPHABET);
  const failure = new Int32Array(edges.length);
  const encode = (state: number): number => (outputs[state]!.length > 0 ? -(state * ALPHABET) - 1 : state * ALPHABET);
  const decode = (entry: number): number => (entry < 0 ? -entry - 1 : entry) / ALPHABET;
  const queue = [0];
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    const fail = failure[state]!;
    if (state !== 0) transitions.copyWithin(state * ALPHABET, fail * ALPHABET, (fail + 1) * ALPHABET);
    const out = edges[state]!;
    for (let e = 0; e < out.length; e += 2) {
      const code = out[e]!;
      const child = out[e + 1]!;
      const childFail = state === 0 ? 0 : decode(transitions[fail * ALPHABET + code]!);
      failure[child] = childFail;
      for (const index of outputs[childFail]!) outputs[child]!.push(index);
      transitions[state * ALPHABET + code] = encode(child);
      queue.push(child);
    }
  }
  // Uppercase letters go where their lowercase forms go.
  for (let row = 0; row < transitions.length; row += ALPHABET) transitions.copyWithin(row + 65, row + 97, row + 123);
  return { transitions, outputs, seen: new Uint8Array(edges.length) };
}
