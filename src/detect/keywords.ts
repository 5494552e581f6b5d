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

/** The automaton's pass: which states that end keywords the text reaches (their keywords are read after it). */
function run(transitions: Int32Array, states: number, text: string): Uint8Array {
  const reached = new Uint8Array(states);
  const length = text.length;
  let state = 0;
  for (let i = 0; i < length; i++) {
    state = transitions[state | (text.charCodeAt(i) & (ALPHABET - 1))]!;
    if (state < 0) {
      state = -state - 1;
      reached[state >> SHIFT] = 1;
    }
  }
  return reached;
}

/** The automaton over the ASCII keywords: per state and character the next state, and per state the keywords that end there. */
interface Automaton {
  /** Per state and character: the next state times ALPHABET, negated minus 1 when that state ends a keyword. */
  transitions: Int32Array;
  /** Per state: the keywords (indices) that end there. */
  outputs: readonly (readonly number[])[];
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
  #searched = 0;
  /** Per keyword, the characters it holds (characterSet), four words each. */
  readonly #characters: Int32Array;

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
  ) {
    this.#characters = new Int32Array(keywords.length * 4);
    keywords.forEach((keyword, index) => this.#characters.set(characterSet(keyword), index * 4));
  }

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

  /** For each keyword, whether `text` contains it, ignoring ASCII case. */
  present(text: string): Uint8Array {
    const found = new Uint8Array(this.keywords.length);
    this.#searched += text.length;
    if (this.#automaton || this.#searched >= this.automatonAfter) {
      const { transitions, outputs } = (this.#automaton ??= buildAutomaton(this.keywords));
      const reached = run(transitions, outputs.length, text);
      for (let state = 0; state < reached.length; state++) {
        if (reached[state] === 1) for (const index of outputs[state]!) found[index] = 1;
      }
    } else {
      const folded = NON_ASCII.test(text) ? readAsAutomaton(text) : text.toLowerCase();
      if (folded.length <= SHORT_TEXT) {
        // A short text (a value masking classifies) holds few of the characters: a keyword with one
        // it lacks is not searched for.
        const has = characterSet(folded);
        const needs = this.#characters;
        for (const index of this.ascii) {
          const at = index * 4;
          if ((needs[at]! & ~has[0]!) | (needs[at + 1]! & ~has[1]!) | (needs[at + 2]! & ~has[2]!) | (needs[at + 3]! & ~has[3]!)) continue;
          if (indexOfProbe(folded, this.probes[index]!) !== -1) found[index] = 1;
        }
      } else {
        for (const index of this.ascii) if (indexOfProbe(folded, this.probes[index]!) !== -1) found[index] = 1;
      }
    }
    if (this.slow.length > 0) {
      const lower = text.toLowerCase();
      for (const index of this.slow) found[index] = indexOfProbe(lower, this.probes[index]!) === -1 ? 0 : 1;
    }
    return found;
  }
}

/** Texts up to this length are searched only for the keywords whose characters they all hold. */
const SHORT_TEXT = 512;

/** The ASCII characters of `text` (low 7 bits), as a 128-bit set in four words. */
function characterSet(text: string): Int32Array {
  const set = new Int32Array(4);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i) & (ALPHABET - 1);
    set[code >> 5]! |= 1 << (code & 31);
  }
  return set;
}

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
  return { transitions, outputs };
}
