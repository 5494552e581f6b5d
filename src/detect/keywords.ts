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

  /** `keywords` must be lowercase. Index i of `present`'s answer is keywords[i]. */
  static build(keywords: readonly string[]): KeywordSet {
    const children: Map<number, number>[] = [new Map()];
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
        let next = children[state]!.get(code);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          outputs.push([]);
          children[state]!.set(code, next);
        }
        state = next;
      }
      outputs[state]!.push(index);
    });
    // Breadth-first: each state's failure link (the longest proper suffix that is a prefix of a
    // keyword) is known before its children's, so missing transitions are copied from it.
    const next = new Int32Array(children.length * ALPHABET);
    const failure = new Int32Array(children.length);
    const queue: number[] = [];
    for (let code = 0; code < ALPHABET; code++) {
      const child = children[0]!.get(code);
      if (child !== undefined) {
        next[code] = child;
        queue.push(child);
      }
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (const index of outputs[failure[state]!]!) outputs[state]!.push(index);
      for (let code = 0; code < ALPHABET; code++) {
        const child = children[state]!.get(code);
        if (child === undefined) {
          next[state * ALPHABET + code] = next[failure[state]! * ALPHABET + code]!;
        } else {
          failure[child] = next[failure[state]! * ALPHABET + code]!;
          next[state * ALPHABET + code] = child;
          queue.push(child);
        }
      }
    }
    const transitions = new Int32Array(next.length);
    for (let entry = 0; entry < next.length; entry++) {
      // Uppercase letters go where their lowercase forms go.
      const code = entry % ALPHABET;
      const target = next[code >= 65 && code <= 90 ? entry + 32 : entry]!;
      transitions[entry] = outputs[target]!.length > 0 ? -(target * ALPHABET) - 1 : target * ALPHABET;
    }
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
