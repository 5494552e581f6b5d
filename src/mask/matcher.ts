/**
 * An Aho–Corasick automaton over bytes: finds every occurrence of many patterns in one left-to-right
 * pass, in time linear in the input (plus the matches), however many patterns there are. Working on
 * bytes rather than strings lets a stream be scanned chunk by chunk without decoding, so a multi-byte
 * character split across two chunks is no special case.
 *
 * A state is a node of the trie of all patterns; its depth is the length of the longest pattern prefix
 * that ends at the current input position, which is exactly how much input a streaming caller must
 * hold back.
 *
 * The automaton is built in time linear in the patterns' bytes, and lives in typed arrays only (no
 * object or Map entry per state, so no limit but memory): 2 bytes per state, and 4 more for the
 * failure link of each state a scan has reached (links are computed then: see #link). Past the dense
 * rows, the states of patterns sharing their first bytes are built when a scan first enters them
 * (see #enter), so a scan that meets few of the patterns' beginnings builds little of it:
 *  - The shallowest states (the root, every state one byte deep and, unless there are too many, every
 *    state two bytes deep) have a row of 256 transitions each with the failure links already followed:
 *    most input bytes are read in these states, at one array lookup per byte.
 *  - Past the first bytes patterns rarely share a prefix, so nearly every other state has one child.
 *    States are numbered so that such a child is the next number, and `#next` holds the byte that
 *    leads to it. The few states with several children keep them in a sorted slot list.
 *  - Which pattern ends at a state, and the next state on its failure chain where one ends, are kept
 *    for the few states that have them only.
 */

/** Rows of 256 transitions are kept for at most this many states (4 MB): what the cache holds well. */
const MAX_DENSE_STATES = 4096;
/** Ranges up to this size are partitioned by insertion sort rather than by counting sort. */
const SMALL_RANGE = 24;

/** `#flags` bits. */
const CHAIN = 1; // the only child is the next state, reached by `#next`
const BRANCH = 2; // children are in the slot list
const TERMINAL = 4; // a pattern ends here
const OUTPUT = 8; // a pattern ends here or somewhere on the failure chain (once linked)
const LINKED = 16; // the failure link and OUTPUT are set

/** Patterns as one byte array: pattern i is `bytes.subarray(starts[i], starts[i + 1])`. */
export interface PackedPatterns {
  readonly bytes: Uint8Array;
  readonly starts: Int32Array;
}

/** Collects patterns into one byte array as they come, without an object per pattern. */
export class PatternList {
  #bytes = Buffer.allocUnsafe(1024);
  #length = 0;
  #starts = new Ints();

  constructor() {
    this.#starts.push(0);
  }

  /** Adds `text` as UTF-8 bytes; returns the pattern's index. */
  add(text: string): number {
    const needed = this.#length + Buffer.byteLength(text, 'utf8');
    if (needed > this.#bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.#bytes.length * 2));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
    this.#length += this.#bytes.write(text, this.#length, 'utf8');
    this.#starts.push(this.#length);
    return this.#starts.length - 2;
  }

  packed(): PackedPatterns {
    return { bytes: this.#bytes.subarray(0, this.#length), starts: this.#starts.array() };
  }
}

export class PatternMatcher {
  /** States below this have a dense row of transitions; the root is state 0. */
  readonly #denseStates: number;
  readonly #dense: Int32Array;
  readonly #denseDepth: Uint8Array;
  readonly #fail: Int32Array;
  readonly #next: Uint8Array;
  readonly #flags: Uint8Array;
  /**
   * Groups of patterns sharing their first bytes up to a state deeper than the dense rows, built when
   * a scan first enters one (see #enter): their range of the builder's order, depth, dense parent and
   * the byte leading there, 5 entries each; and the state each group starts at once built, or -1.
   */
  readonly #groups: Int32Array;
  /** Trap state of group g: #trapBase + g. */
  readonly #trapBase: number;
  readonly #groupHead: Int32Array;
  #builder: Builder | undefined;
  #unbuilt: number;
  #nextState: number;
  readonly #built = { branchState: new Ints(), branchSlots: new Ints(), slotByte: new Ints(), slotChild: new Ints(), head: new Ints(), depth: new Ints(), parent: new Ints(), byte: new Ints(), linked: new Ints() };
  // Views of #built and of the builder's terminals, made anew after each group is built.
  /** States with several children, ascending, and where their slots start (one more entry at the end). */
  #branchState!: Int32Array;
  #branchSlots!: Int32Array;
  /** Per slot, sorted by byte within a state: the byte and the child it leads to. */
  #slotByte!: Int32Array;
  #slotChild!: Int32Array;
  /**
   * Runs of consecutively numbered states, ascending: first state and its depth (for depth()), the
   * head's parent and the byte leading to it, and how many of its states are linked so far.
   */
  #runHead!: Int32Array;
  #runDepth!: Int32Array;
  #runParent!: Int32Array;
  #runByte!: Int32Array;
  #runLinked!: Int32Array;
  readonly #pending = new Ints();
  /** States where a pattern ends, ascending, and the pattern (the first of equal ones). */
  #terminalState!: Int32Array;
  #terminalPattern!: Int32Array;
  /** For a state with an output: the next state on its failure chain where a pattern ends. */
  readonly #outLink = new IntMap();

  /** An empty pattern, or a repeat of an earlier one, is ignored. */
  constructor({ bytes, starts }: PackedPatterns) {
    const count = starts.length - 1;
    const order = new Int32Array(count);
    let patterns = 0;
    for (let p = 0; p < count; p++) if (starts[p + 1]! > starts[p]!) order[patterns++] = p;

    // The states one and two bytes deep, counted to decide how many levels get dense rows.
    const prefixes = new Uint8Array(65536);
    const firstBytes = new Uint8Array(256);
    let depthOne = 0;
    let depthTwo = 0;
    for (let i = 0; i < patterns; i++) {
      const start = starts[order[i]!]!;
      const first = bytes[start]!;
      if (firstBytes[first] === 0) depthOne += firstBytes[first] = 1;
      if (starts[order[i]! + 1]! - start < 2) continue;
      const pair = (first << 8) | bytes[start + 1]!;
      if (prefixes[pair] === 0) depthTwo += prefixes[pair] = 1;
    }
    const denseLevels = 1 + depthOne + depthTwo <= MAX_DENSE_STATES ? 2 : 1;
    const denseStates = denseLevels === 2 ? 1 + depthOne + depthTwo : 1 + depthOne;
    // Every other state is the first occurrence of some pattern byte at its position.
    const states = denseStates + bytes.length;
    // Past them, one state per group of patterns not built yet (see #enter), none linked.
    this.#trapBase = states;
    this.#denseStates = denseStates;
    this.#dense = new Int32Array(denseStates * 256).fill(-1);
    this.#denseDepth = new Uint8Array(denseStates);
    this.#fail = new Int32Array(states);
    this.#next = new Uint8Array(states);
    this.#flags = new Uint8Array(states + patterns);

    const build = new Builder(bytes, starts, order, this.#flags, this.#next);

    // The dense levels, breadth first, so states are numbered by depth and a parent before its child.
    const denseParent = new Int32Array(denseStates);
    const denseByte = new Uint8Array(denseStates);
    const levels = [0, patterns, 0]; // range of `order`, state
    let nextDense = 1;
    const groups = new Ints();
    for (let g = 0; g < levels.length; g += 3) {
      const state = levels[g + 2]!;
      const depth = this.#denseDepth[state]!;
      const hi = build.dropEnded(levels[g]!, levels[g + 1]!, depth, state);
      build.partition(levels[g]!, hi, depth, (lo, end, byte) => {
        if (depth + 1 > denseLevels) {
          // Not built yet: the transition leads to the group's trap state.
          this.#dense[state * 256 + byte] = this.#trapBase + groups.length / 5;
          for (const value of [lo, end, depth + 1, state, byte]) groups.push(value);
          return;
        }
        const child = nextDense++;
        this.#dense[state * 256 + byte] = child;
        this.#denseDepth[child] = depth + 1;
        denseParent[child] = state;
        denseByte[child] = byte;
        levels.push(lo, end, child);
      });
    }
    this.#groups = groups.array();
    this.#unbuilt = groups.length / 5;
    this.#groupHead = new Int32Array(this.#unbuilt).fill(-1);
    this.#builder = this.#unbuilt > 0 ? build : undefined;
    this.#nextState = denseStates;
    this.#built.branchSlots.push(0);
    this.#views(build);

    // Dense rows, shallowest first, get the transitions they lack from their failure state's row
    // (a transition to a group not built yet included: it is the same group's).
    const dense = this.#dense;
    for (let state = 0; state < denseStates; state++) {
      const row = state * 256;
      const fail = state === 0 ? 0 : this.#denseDepth[state] === 1 ? 0 : dense[this.#fail[denseParent[state]!]! * 256 + denseByte[state]!]!;
      this.#fail[state] = fail;
      this.#flags[state]! |= LINKED;
      this.#linkOutput(state, fail);
      for (let b = 0; b < 256; b++) if (dense[row + b] === -1) dense[row + b] = state === 0 ? 0 : dense[fail * 256 + b]!;
    }
  }

  /**
   * The state a transition to trap state `trap` stands for: its group's first state, the group
   * built first if need be. Groups are built when a scan first enters them, not with the automaton:
   * a command's first line meets a few of them, and building them all (the patterns of every secret
   * of a file, byte by byte, in code not yet optimised) was a fifth of what `run --mask` added to
   * a plain run's start-up at 10,000 values. A trap is never linked, so the scan's check for
   * unlinked states catches it at no cost per byte; the dense transition that led to it is then
   * pointed at the group itself.
   */
  #enter(trap: number, denseIndex: number): number {
    const group = trap - this.#trapBase;
    let head = this.#groupHead[group]!;
    if (head < 0) head = this.#build(group);
    if (denseIndex >= 0) this.#dense[denseIndex] = head;
    return head;
  }

  /** Builds one group's states, one run of consecutive numbers per part, depth first (so little is pending); returns its first state. */
  #build(group: number): number {
    const build = this.#builder!;
    const { branchState, branchSlots, slotByte, slotChild, head: runHead, depth: runDepth, parent: runParent, byte: runByte, linked } = this.#built;
    const g = group * 5;
    const pending = [this.#groups[g]!, this.#groups[g + 1]!, this.#groups[g + 2]!, this.#groups[g + 3]!, this.#groups[g + 4]!, -1]; // range, depth, parent state, byte, slot (-1: the group's head)
    branchSlots.length--; // the end of the last branch's slots, put back below
    let nextState = this.#nextState;
    while (pending.length > 0) {
      const slot = pending.pop()!;
      const byte = pending.pop()!;
      const parent = pending.pop()!;
      const depth = pending.pop()!;
      const hi = pending.pop()!;
      const lo = pending.pop()!;
      const head = nextState;
      if (slot < 0) this.#groupHead[group] = head;
      else slotChild.set(slot, head);
      let state = head;
      if (build.walk(lo, hi, depth, head)) {
        state = build.stop;
        this.#flags[state]! |= BRANCH;
        branchState.push(state);
        branchSlots.push(slotByte.length);
        const childDepth = build.stopDepth + 1;
        build.partition(lo, build.stopEnd, build.stopDepth, (start, end, b) => {
          pending.push(start, end, childDepth, state, b, slotByte.length);
          slotByte.push(b);
          slotChild.push(-1);
        });
      } else {
        state = build.stop;
      }
      runHead.push(head);
      runDepth.push(depth);
      runParent.push(parent);
      runByte.push(byte);
      linked.push(0);
      nextState = state + 1;
    }
    branchSlots.push(slotByte.length);
    this.#nextState = nextState;
    this.#views(build);
    // The patterns' bytes are kept only while some group still needs them.
    if (--this.#unbuilt === 0) this.#builder = undefined;
    return this.#groupHead[group]!;
  }

  #views(build: Builder): void {
    const built = this.#built;
    this.#branchState = built.branchState.array();
    this.#branchSlots = built.branchSlots.array();
    this.#slotByte = built.slotByte.array();
    this.#slotChild = built.slotChild.array();
    this.#runHead = built.head.array();
    this.#runDepth = built.depth.array();
    this.#runParent = built.parent.array();
    this.#runByte = built.byte.array();
    this.#runLinked = built.linked.array();
    this.#terminalState = build.terminals.state.array();
    this.#terminalPattern = build.terminals.pattern.array();
  }

  /**
   * Computes the failure link (and outputs) of `target` and of the states before it in its run.
   * Links are computed when a scan first reaches a state, not when the automaton is built: most
   * states of long patterns are never reached, so neither their time nor their memory is spent, and
   * building costs nothing per state but its byte and flags.
   *
   * A link is found through the parent's link and the links of shallower states; one that needs a
   * link not yet computed has it computed first, from an explicit stack of pending states whose
   * depths decrease, so hostile patterns cannot overflow the call stack. Within a run, states are
   * linked in order, so memory is read in order.
   */
  #link(target: number): void {
    // Views: building a group (see #enter) makes them anew.
    let runHead = this.#runHead;
    let runLinked = this.#runLinked;
    const dense = this.#dense;
    const denseStates = this.#denseStates;
    const failOf = this.#fail;
    const next = this.#next;
    const flags = this.#flags;
    /** Frames: a state to link (with every state before it in its run), its run, where its search stopped (-1: not started). */
    const stack = this.#pending;
    this.#pend(target);
    while (stack.length > 0) {
      const top = stack.length - 3;
      const goal = stack.at(top);
      const run = stack.at(top + 1);
      const state = runHead[run]! + runLinked[run]!;
      if (state > goal) {
        stack.length = top;
        continue;
      }
      const head = state === runHead[run];
      let x = stack.at(top + 2);
      if (x < 0) {
        const parent = head ? this.#runParent[run]! : state - 1;
        if ((flags[parent]! & LINKED) === 0) {
          this.#pend(parent);
          continue;
        }
        x = failOf[parent]!;
      }
      const byte = head ? this.#runByte[run]! : next[state - 1]!;
      // The longest suffix that `byte` continues, from x down its failure chain.
      let fail = -1;
      for (;;) {
        if (x < denseStates) {
          fail = dense[x * 256 + byte]!;
          if (fail >= this.#trapBase) {
            fail = this.#enter(fail, x * 256 + byte);
            runHead = this.#runHead;
            runLinked = this.#runLinked;
          }
          break;
        }
        const f = flags[x]!;
        if (f & CHAIN) {
          if (next[x] === byte) fail = x + 1;
        } else if (f & BRANCH) {
          fail = this.#branchChild(x, byte);
        }
        if (fail >= 0 || (f & LINKED) === 0) break;
        x = failOf[x]!;
      }
      // Blocked on a link not computed yet: x's own, or that of the state found (for its outputs).
      const blocker = fail < 0 ? x : (flags[fail]! & LINKED) === 0 ? fail : -1;
      if (blocker >= 0) {
        stack.set(top + 2, x);
        this.#pend(blocker);
        continue;
      }
      failOf[state] = fail;
      flags[state]! |= LINKED;
      this.#linkOutput(state, fail);
      runLinked[run]!++;
      stack.set(top + 2, -1);
    }
  }

  /** Puts `state` on the stack of states to link first. */
  #pend(state: number): void {
    const stack = this.#pending;
    stack.push(state);
    stack.push(search(this.#runHead, state));
    stack.push(-1);
  }

  /** Sets `state`'s output flag and link, from its failure state's (already set). */
  #linkOutput(state: number, fail: number): void {
    const flags = this.#flags[fail]!;
    if (state === 0 || (flags & OUTPUT) === 0) {
      if (this.#flags[state]! & TERMINAL) this.#flags[state]! |= OUTPUT;
      return;
    }
    this.#flags[state]! |= OUTPUT;
    this.#outLink.set(state, flags & TERMINAL ? fail : this.#outLink.get(fail));
  }

  /** The state after reading `byte` in `state`. */
  #step(state: number, byte: number): number {
    const dense = this.#dense;
    const denseStates = this.#denseStates;
    const flags = this.#flags;
    for (;;) {
      if (state < denseStates) return dense[state * 256 + byte]!;
      const f = flags[state]!;
      if (f & CHAIN) {
        if (this.#next[state] === byte) return state + 1;
      } else if (f & BRANCH) {
        const child = this.#branchChild(state, byte);
        if (child >= 0) return child;
      }
      state = this.#fail[state]!;
    }
  }

  #branchChild(state: number, byte: number): number {
    const branch = search(this.#branchState, state);
    let lo = this.#branchSlots[branch]!;
    let hi = this.#branchSlots[branch + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const b = this.#slotByte[mid]!;
      if (b === byte) return this.#slotChild[mid]!;
      if (b < byte) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * Reads `input` from `state` and returns the state it ends in. At each position where a pattern
   * ends, calls `onMatch` with the first match state (see firstMatch) and the index just after it.
   */
  scan(state: number, input: Uint8Array, onMatch: (matchState: number, end: number) => void): number {
    const dense = this.#dense;
    const denseStates = this.#denseStates;
    const flags = this.#flags;
    const length = input.length;
    for (let i = 0; i < length; i++) {
      const byte = input[i]!;
      const from = state;
      state = state < denseStates ? dense[state * 256 + byte]! : this.#step(state, byte);
      let f = flags[state]!;
      if ((f & LINKED) === 0) {
        state = this.#arrive(state, from, byte);
        f = flags[state]!;
      }
      if (f & OUTPUT) onMatch(this.firstMatch(state), i + 1);
    }
    return state;
  }

  /** `state`, reached from `from` by `byte`, linked; or, for a trap, the state it stands for, linked. */
  #arrive(state: number, from: number, byte: number): number {
    if (state >= this.#trapBase) {
      // From a deeper state the trap was read from its failure chain's dense row, not from's own.
      state = this.#enter(state, from < this.#denseStates ? from * 256 + byte : -1);
      if (this.#flags[state]! & LINKED) return state;
    }
    this.#link(state);
    return state;
  }

  /** Length of the longest pattern prefix ending at the input position that led to `state`. */
  depth(state: number): number {
    if (state < this.#denseStates) return this.#denseDepth[state]!;
    const run = search(this.#runHead, state);
    return this.#runDepth[run]! + state - this.#runHead[run]!;
  }

  /** The first state on `state`'s failure chain (itself included) at which a pattern ends, or -1. */
  firstMatch(state: number): number {
    const f = this.#flags[state]!;
    return f & TERMINAL ? state : f & OUTPUT ? this.#outLink.get(state) : -1;
  }

  /** The next match state after `matchState` (shorter patterns ending at the same position), or -1. */
  nextMatch(matchState: number): number {
    return this.#outLink.get(matchState);
  }

  /** The pattern (its index in the constructor's list) that ends at a match state. */
  patternAt(matchState: number): number {
    return this.#terminalPattern[search(this.#terminalState, matchState)]!;
  }
}

/** Index of the last element ≤ `value` in an ascending array (which holds one). */
function search(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (sorted[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The trie's construction over a range of pattern indices sharing a prefix (`order[lo..hi)`). */
class Builder {
  readonly terminals = { state: new Ints(), pattern: new Ints() };
  readonly #scratch: Int32Array;
  /** Where the patterns of the range being walked start in `bytes`. */
  readonly #at: Int32Array;
  readonly #counts = new Int32Array(257);

  constructor(
    private readonly bytes: Uint8Array,
    private readonly starts: Int32Array,
    private readonly order: Int32Array,
    private readonly flags: Uint8Array,
    private readonly next: Uint8Array,
  ) {
    this.#scratch = new Int32Array(order.length);
    this.#at = new Int32Array(order.length);
  }

  /**
   * Removes from the range the patterns `depth` bytes long (they end at `state`, which becomes a
   * terminal for the first of them) and returns the new end of the range. Where the others start
   * goes into `#at` and the shortest one's length into `shortest`: walk() needs both, and reading
   * them in the same pass saves one over every range (a fifth of the build's loops, run cold).
   */
  dropEnded(lo: number, hi: number, depth: number, state: number): number {
    const { order, starts } = this;
    const at = this.#at;
    let first = -1;
    let kept = lo;
    let shortest = Infinity;
    for (let i = lo; i < hi; i++) {
      const p = order[i]!;
      const start = starts[p]!;
      const length = starts[p + 1]! - start;
      if (length === depth) {
        if (first < 0 || p < first) first = p;
      } else {
        at[kept - lo] = start;
        if (length < shortest) shortest = length;
        order[kept++] = p;
      }
    }
    if (first >= 0) this.#terminal(state, first);
    this.shortest = shortest;
    return kept;
  }

  /** The length of the shortest pattern the last dropEnded() kept. */
  shortest = 0;

  #terminal(state: number, pattern: number): void {
    this.flags[state]! |= TERMINAL;
    this.terminals.state.push(state);
    this.terminals.pattern.push(pattern);
  }

  /** Where the last walk stopped: its last state, that state's depth, the end of the range still going on. */
  stop = 0;
  stopDepth = 0;
  stopEnd = 0;

  /**
   * Follows the range's patterns from `state` (`depth` bytes deep), one new state per byte, while
   * they go on together. Returns true where they part: the range (up to `stopEnd`, without the
   * patterns that ended) must then be partitioned at `stopDepth`. Returns false where the last one ends.
   */
  walk(lo: number, hi: number, depth: number, state: number): boolean {
    const { bytes, flags, next } = this;
    const at = this.#at;
    let count = hi - lo;
    let nextEnd = depth;
    for (;;) {
      if (depth === nextEnd) {
        count = this.dropEnded(lo, lo + count, depth, state) - lo;
        if (count <= 1) {
          this.stop = count === 0 ? state : this.chain(this.order[lo]!, depth, state);
          return false;
        }
        nextEnd = this.shortest;
      }
      const byte = bytes[at[0]! + depth]!;
      let i = 1;
      while (i < count && bytes[at[i]! + depth] === byte) i++;
      if (i < count) {
        this.stop = state;
        this.stopDepth = depth;
        this.stopEnd = lo + count;
        return true;
      }
      flags[state]! |= CHAIN;
      next[state] = byte;
      state++;
      depth++;
    }
  }

  /** The rest of one pattern from `depth`, as states numbered on from `state`; returns the last one. */
  chain(pattern: number, depth: number, state: number): number {
    const from = this.starts[pattern]! + depth;
    const to = this.starts[pattern + 1]!;
    this.next.set(this.bytes.subarray(from, to), state);
    this.flags[state]! |= CHAIN; // it may end a shorter pattern too
    this.flags.fill(CHAIN, state + 1, state + to - from);
    const last = state + to - from;
    this.#terminal(last, pattern);
    return last;
  }

  /** Orders the range by the byte at `depth` and calls `each` for every group of equal bytes, ascending. */
  partition(lo: number, hi: number, depth: number, each: (lo: number, hi: number, byte: number) => void): void {
    const { bytes, starts, order } = this;
    if (hi - lo <= SMALL_RANGE) {
      for (let i = lo + 1; i < hi; i++) {
        const p = order[i]!;
        const key = bytes[starts[p]! + depth]!;
        let j = i - 1;
        for (; j >= lo && bytes[starts[order[j]!]! + depth]! > key; j--) order[j + 1] = order[j]!;
        order[j + 1] = p;
      }
    } else {
      const counts = this.#counts.fill(0);
      for (let i = lo; i < hi; i++) counts[bytes[starts[order[i]!]! + depth]! + 1]!++;
      for (let b = 1; b <= 256; b++) counts[b]! += counts[b - 1]!;
      const scratch = this.#scratch;
      for (let i = lo; i < hi; i++) {
        const p = order[i]!;
        scratch[lo + counts[bytes[starts[p]! + depth]!]!++] = p;
      }
      order.set(scratch.subarray(lo, hi), lo);
    }
    let start = lo;
    while (start < hi) {
      const byte = bytes[starts[order[start]!]! + depth]!;
      let end = start + 1;
      while (end < hi && bytes[starts[order[end]!]! + depth] === byte) end++;
      each(start, end, byte);
      start = end;
    }
  }
}

/** A growable Int32Array. */
class Ints {
  #array = new Int32Array(64);
  length = 0;

  push(value: number): void {
    if (this.length === this.#array.length) {
      const grown = new Int32Array(this.length * 2);
      grown.set(this.#array);
      this.#array = grown;
    }
    this.#array[this.length++] = value;
  }

  at(index: number): number {
    return this.#array[index]!;
  }

  set(index: number, value: number): void {
    this.#array[index] = value;
  }

  array(): Int32Array {
    return this.#array.subarray(0, this.length);
  }
}

/** Non-negative int32 keys to int32 values, open addressing: no per-entry object and no size limit but memory. */
class IntMap {
  #keys = new Int32Array(16).fill(-1);
  #values = new Int32Array(16);
  #shift = 28;
  #size = 0;

  /** Fibonacci hashing: the high bits of the product mix all of the key's bits. */
  #slot(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.#shift;
  }

  /** The value for `key`, or -1. */
  get(key: number): number {
    const mask = this.#keys.length - 1;
    for (let i = this.#slot(key); ; i = (i + 1) & mask) {
      const k = this.#keys[i]!;
      if (k === key) return this.#values[i]!;
      if (k < 0) return -1;
    }
  }

  set(key: number, value: number): void {
    if ((this.#size + 1) * 2 > this.#keys.length) this.#grow();
    const mask = this.#keys.length - 1;
    let i = this.#slot(key);
    while (this.#keys[i]! >= 0 && this.#keys[i] !== key) i = (i + 1) & mask;
    if (this.#keys[i]! < 0) this.#size++;
    this.#keys[i] = key;
    this.#values[i] = value;
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    this.#keys = new Int32Array(keys.length * 2).fill(-1);
    this.#values = new Int32Array(keys.length * 2);
    this.#shift--;
    this.#size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i]! >= 0) this.set(keys[i]!, values[i]!);
  }
}
