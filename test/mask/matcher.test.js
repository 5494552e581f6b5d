// The byte automaton: every occurrence of every pattern, and the longest pattern prefix in progress,
// exactly as a naive search finds them, however the input is cut and however many patterns share
// prefixes, overlap or contain one another.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { PatternList, PatternMatcher } from '../../dist/mask/matcher.js';

const RUNS = Number(process.env.ENVSEAL_PROPERTY_RUNS ?? 300);

/** Patterns and texts are latin1 strings: one character per byte, any byte. */
const bytesOf = (text) => Buffer.from(text, 'latin1');

function matcherOf(patterns) {
  const bytes = patterns.map(bytesOf);
  const starts = new Int32Array(bytes.length + 1);
  bytes.forEach((b, i) => (starts[i + 1] = starts[i] + b.length));
  return new PatternMatcher({ bytes: Buffer.concat(bytes), starts });
}

/** Per end position: the patterns (first index of equal ones) ending there, longest first. */
function naiveMatches(patterns, input) {
  const first = new Map();
  patterns.forEach((p, id) => p !== '' && !first.has(p) && first.set(p, id));
  const text = input.toString('latin1');
  const out = [];
  for (let end = 1; end <= text.length; end++) {
    const here = [...first].filter(([p]) => p.length <= end && text.endsWith(p, end)).map(([p, id]) => [p.length, id]);
    here.sort((a, b) => b[0] - a[0]);
    if (here.length > 0) out.push([end, here.map(([, id]) => id)]);
  }
  return out;
}

/** Length of the longest suffix of `input` that begins some pattern. */
function naiveDepth(patterns, input) {
  const text = input.toString('latin1');
  let deepest = 0;
  for (const p of patterns) {
    for (let length = Math.min(p.length, text.length); length > deepest; length--) {
      if (text.endsWith(p.slice(0, length))) {
        deepest = length;
        break;
      }
    }
  }
  return deepest;
}

/** Reads `chunks` in turn; returns the matches as naiveMatches does, and the depth after each chunk. */
function scanned(matcher, chunks) {
  const out = [];
  const depths = [];
  let state = 0;
  let offset = 0;
  for (const chunk of chunks) {
    state = matcher.scan(state, chunk, (first, end) => {
      const here = [];
      for (let m = first; m >= 0; m = matcher.nextMatch(m)) here.push(matcher.patternAt(m));
      out.push([offset + end, here]);
    });
    offset += chunk.length;
    depths.push(matcher.depth(state));
  }
  return { matches: out, depths };
}

function cut(bytes, seeds) {
  const cuts = [...new Set(seeds.map((n) => (bytes.length ? n % bytes.length : 0)))].sort((a, b) => a - b);
  const chunks = [];
  let from = 0;
  for (const at of cuts) {
    chunks.push(bytes.subarray(from, at));
    from = at;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

function check(patterns, text, seeds) {
  const matcher = matcherOf(patterns);
  const input = bytesOf(text);
  const chunks = cut(input, seeds);
  const { matches, depths } = scanned(matcher, chunks);
  assert.equal(matches, naiveMatches(patterns, input));
  let consumed = 0;
  chunks.forEach((chunk, i) => {
    consumed += chunk.length;
    assert.is(depths[i], naiveDepth(patterns, input.subarray(0, consumed)), `depth after ${consumed} bytes`);
  });
}

// Patterns and texts over a few letters, so they overlap, repeat and contain one another all the time.
const letters = (max) => fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 1, maxLength: max });

test('property: matches and depths equal a naive search, over any chunking (small alphabet, many overlaps)', () => {
  fc.assert(
    fc.property(fc.array(letters(7), { minLength: 1, maxLength: 40 }), letters(120), fc.array(fc.nat(), { maxLength: 10 }), (patterns, text, seeds) => {
      check(patterns, text, seeds);
    }),
    { numRuns: RUNS },
  );
});

test('property: any bytes, long patterns sharing prefixes with one another', () => {
  const byteString = (max) => fc.uint8Array({ minLength: 1, maxLength: max }).map((b) => Buffer.from(b).toString('latin1'));
  fc.assert(
    fc.property(fc.array(byteString(30), { minLength: 1, maxLength: 20 }), fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 40 }), (patterns, seeds, picks) => {
      // Patterns extended from each other's prefixes, and a text made of their pieces.
      const all = [...patterns, ...patterns.map((p, i) => p.slice(0, 1 + (i % p.length)) + patterns[(i + 1) % patterns.length])];
      const text = picks.map((n) => all[n % all.length].slice(0, 1 + (n % 40))).join('');
      check(all, text, seeds);
    }),
    { numRuns: RUNS },
  );
});

test('property: one automaton scanning text after text agrees with a naive search for each (parts of it are built as scans first reach them)', () => {
  fc.assert(
    fc.property(fc.array(letters(9), { minLength: 1, maxLength: 60 }), fc.array(letters(40), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 4 }), (patterns, texts, seeds) => {
      const matcher = matcherOf(patterns);
      for (const text of texts) {
        const input = bytesOf(text);
        const chunks = cut(input, seeds);
        const { matches, depths } = scanned(matcher, chunks);
        assert.equal(matches, naiveMatches(patterns, input));
        assert.is(depths.at(-1), naiveDepth(patterns, input));
      }
    }),
    { numRuns: RUNS },
  );
});

test('many patterns: past the dense rows, states with many children and long shared prefixes', () => {
  // More than 4096 two-byte prefixes: only the first level keeps dense rows.
  const patterns = [];
  for (let i = 0; i < 6000; i++) patterns.push(String.fromCharCode(i % 256, (i * 7) % 256) + `shared-prefix-${i % 50}-` + String.fromCharCode(i % 251) + 'tail');
  const text = patterns.filter((_, i) => i % 97 === 0).join('~') + patterns[5999].slice(0, 20);
  check(patterns, text, [13, 400, 1999]);
  // And fewer: the second level is dense too.
  check(patterns.slice(0, 300), patterns.slice(0, 300).filter((_, i) => i % 7 === 0).join(''), [5, 77]);
});

test('one long pattern, and patterns that are prefixes of it', () => {
  let seed = 7;
  const long = Array.from({ length: 200_000 }, () => String.fromCharCode(97 + ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) % 26)).join('');
  const patterns = [long, long.slice(0, 1000), long.slice(0, 12), long.slice(500, 900)];
  const matcher = matcherOf(patterns);
  const input = bytesOf(`xx${long}yy${long.slice(0, 150_000)}`);
  const { matches, depths } = scanned(matcher, cut(input, [7, 100_001, 250_000]));
  const ends = matches.map(([end, ids]) => `${end}:${ids.join(',')}`);
  assert.ok(ends.includes(`${2 + 12}:2`) && ends.includes(`${2 + 1000}:1`) && ends.includes(`${2 + 900}:3`) && ends.includes(`${2 + 200_000}:0`));
  assert.is(depths.at(-1), 150_000, 'a cut copy of the long pattern is still in progress');
});

test('empty and repeated patterns are ignored; the first of equal ones is reported', () => {
  const matcher = matcherOf(['', 'abcd', 'abcd', 'bc']);
  const { matches } = scanned(matcher, [bytesOf('xabcdx')]);
  assert.equal(matches, [[4, [3]], [5, [1]]]);
  const none = matcherOf([]);
  assert.equal(scanned(none, [bytesOf('anything')]), { matches: [], depths: [0] });
});

test('PatternList packs text as UTF-8, one pattern after another', () => {
  const list = new PatternList();
  assert.is(list.add('ab'), 0);
  assert.is(list.add('pässwörd'.repeat(200)), 1);
  const { bytes, starts } = list.packed();
  assert.equal([...starts], [0, 2, 2 + Buffer.byteLength('pässwörd'.repeat(200))]);
  assert.is(Buffer.from(bytes.subarray(2)).toString('utf8'), 'pässwörd'.repeat(200));
});

test.run();
