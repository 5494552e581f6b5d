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

export class KeywordSet {
  private constructor(
    /** Per state and character: the next state times ALPHABET, negated minus 1 when that state ends a keyword. */
    private readonly transitions: Int32Array,
    /** Per state: the keywords (indices) that end there. */
    private readonly outputs: readonly (readonly number[])[],
    private readonly count: number,
    /** Keywords with non-ASCII characters, by index. */
    private readonly slow: readonly { index: number; probe: Probe }[],
  ) {}

  /**
   * `keywords` must be lowercase. Index i of `present`'s answer is keywords[i]. Built at every start
   * of the CLI (the commit hook), so the work done in JavaScript is kept to one step per trie edge:
   * a state's row of transitions starts as a native copy of its failure state's row.
   */
  static build(keywords: readonly string[]): KeywordSet {
    const edges: number[][] = [[]]; // per state: code, child, code, child...
    const outputs: number[][] = [[]];
    const slow: { index: number; probe: Probe }[] = [];
    keywords.forEach((keyword, index) => {
      if (keyword.length === 0 || /[^\x00-\x7f]/.test(keyword)) {
        if (keyword.length > 0) slow.push({ index, probe: probeFor(keyword) });
        return;
      }
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
    return new KeywordSet(transitions, outputs, keywords.length, slow);
  }

  /** For each keyword, whether `text` contains it, ignoring ASCII case. */
  present(text: string): Uint8Array {
    const reached = run(this.transitions, this.outputs.length, text);
    const found = new Uint8Array(this.count);
    for (let state = 0; state < reached.length; state++) {
      if (reached[state] === 1) for (const index of this.outputs[state]!) found[index] = 1;
    }
    if (this.slow.length > 0) {
      const lower = text.toLowerCase();
      for (const { index, probe } of this.slow) found[index] = indexOfProbe(lower, probe) === -1 ? 0 : 1;
    }
    return found;
  }
}
