/**
 * An Aho–Corasick automaton over bytes: finds every occurrence of many patterns in one left-to-right
 * pass, in time linear in the input (plus the matches), however many patterns there are. Working on
 * bytes rather than strings lets a stream be scanned chunk by chunk without decoding, so a multi-byte
 * character split across two chunks is no special case.
 *
 * A state is a node of the trie of all patterns; its depth is the length of the longest pattern prefix
 * that ends at the current input position, which is exactly how much input a streaming caller must
 * hold back.
 */
export class PatternMatcher {
  /** Transitions of the root, the state most input bytes are read in. */
  readonly #rootNext = new Int32Array(256);
  /** Every other transition, keyed `state * 256 + byte`. */
  readonly #next = new Map<number, number>();
  readonly #fail: Int32Array;
  readonly #depth: Int32Array;
  /** Pattern that ends exactly at a state, or -1. */
  readonly #pattern: Int32Array;
  /** The next state on the failure chain where a pattern ends, or -1. */
  readonly #outLink: Int32Array;

  /** Patterns are byte strings; an empty pattern or a repeat of an earlier one is ignored. */
  constructor(patterns: readonly Uint8Array[]) {
    const depth = [0];
    const pattern = [-1];
    // Children as linked lists (first child, next sibling), for the breadth-first pass below.
    const firstChild = [-1];
    const nextSibling = [-1];
    const edge = [0];
    for (let id = 0; id < patterns.length; id++) {
      const bytes = patterns[id]!;
      if (bytes.length === 0) continue;
      let state = 0;
      for (let i = 0; i < bytes.length; i++) {
        const byte = bytes[i]!;
        let next = state === 0 ? this.#rootNext[byte]! : (this.#next.get(state * 256 + byte) ?? 0);
        if (next === 0) {
          next = depth.length;
          depth.push(depth[state]! + 1);
          pattern.push(-1);
          firstChild.push(-1);
          nextSibling.push(firstChild[state]!);
          edge.push(byte);
          firstChild[state] = next;
          if (state === 0) this.#rootNext[byte] = next;
          else this.#next.set(state * 256 + byte, next);
        }
        state = next;
      }
      if (pattern[state] === -1) pattern[state] = id;
    }

    const count = depth.length;
    this.#depth = Int32Array.from(depth);
    this.#pattern = Int32Array.from(pattern);
    this.#fail = new Int32Array(count);
    this.#outLink = new Int32Array(count).fill(-1);
    // Breadth first, so every state's failure target (which is shallower) is complete before it is used.
    const queue = new Int32Array(count);
    let tail = 0;
    for (let child = firstChild[0]!; child !== -1; child = nextSibling[child]!) queue[tail++] = child;
    for (let head = 0; head < tail; head++) {
      const state = queue[head]!;
      for (let child = firstChild[state]!; child !== -1; child = nextSibling[child]!) {
        const fail = this.step(this.#fail[state]!, edge[child]!);
        this.#fail[child] = fail;
        this.#outLink[child] = this.#pattern[fail]! >= 0 ? fail : this.#outLink[fail]!;
        queue[tail++] = child;
      }
    }
  }

  /** The state after reading `byte` in `state`. */
  step(state: number, byte: number): number {
    for (;;) {
      if (state === 0) return this.#rootNext[byte]!;
      const next = this.#next.get(state * 256 + byte);
      if (next !== undefined) return next;
      state = this.#fail[state]!;
    }
  }

  /** Length of the longest pattern prefix ending at the input position that led to `state`. */
  depth(state: number): number {
    return this.#depth[state]!;
  }

  /** The first state on `state`'s failure chain (itself included) at which a pattern ends, or -1. */
  firstMatch(state: number): number {
    return this.#pattern[state]! >= 0 ? state : this.#outLink[state]!;
  }

  /** The next match state after `matchState` (shorter patterns ending at the same position), or -1. */
  nextMatch(matchState: number): number {
    return this.#outLink[matchState]!;
  }

  /** The pattern (its index in the constructor's list) that ends at a match state. */
  patternAt(matchState: number): number {
    return this.#pattern[matchState]!;
  }
}
