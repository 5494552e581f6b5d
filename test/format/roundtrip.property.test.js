// Property tests of the round trip on generated .env files: whatever dotenv reads from a file, it
// reads the same from the file envseal gives back, with comments, blank lines and order kept.
// ENVSEAL_PROPERTY_RUNS=20000 runs the pure properties longer (a failure prints the seed to replay).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { TEST_KEY, assertNoSecrets, run, tempDir } from '../helpers/cli.js';
import { MasterKey } from '../../dist/crypto/master-key.js';
import { assertDotenvEquivalent, parseEnv, toRecord } from '../../dist/format/envfile.js';
import { KeyRing } from '../../dist/keys/key-ring.js';
import { changeDates, openSealed, renderPlaintext, sealLines } from '../../dist/format/sealed.js';

const dotenv = createRequire(import.meta.url)('dotenv');
const key = MasterKey.parse(TEST_KEY, 'test key');
const RUNS = Number(process.env.ENVSEAL_PROPERTY_RUNS ?? 300);

// ---- generators ----------------------------------------------------------------------------------

const plainChars = [...'abcdefXYZ0189 _-./:@=,;!?%&*()[]{}<>+~^|$'];
const unicode = ['é', 'ß', '中文', '🚀', 'Ω', 'ü', '\u00a0', 'ñ'];
const text = (extra) => fc.string({ unit: fc.constantFrom(...plainChars, ...unicode, ...extra), maxLength: 16 });

const QUOTES = ['"', "'", '`'];
/** Value source text per quote style: anything the quote can carry, including `#`, other quotes, newlines. */
const valueSource = {
  '': text(['\\', ...QUOTES]),
  '"': text(['#', "'", '`', '\n', '\\n', '\\r', '\\']),
  "'": text(['#', '"', '`', '\n', '\\n', '\\']),
  '`': text(['#', '"', "'", '\n', '\\n', '\\']),
};

const NAMES = ['DATABASE_URL', 'SECRET_KEY', 'API_TOKEN', 'PORT', 'DEBUG', 'app.name', 'feature-flag', 'X'];

const entryArb = fc.record({
  kind: fc.constant('entry'),
  exported: fc.boolean(),
  name: fc.constantFrom(...NAMES), // a small pool, so names repeat
  separator: fc.constantFrom('=', '=', ' = ', '= ', ': '),
  quote: fc.constantFrom('', '"', "'", '`'),
  comment: fc.option(text(['#', ...QUOTES]).map((c) => ` # ${c}`), { nil: '' }),
}).chain((e) => valueSource[e.quote].map((source) => ({ ...e, source })));

const triviaArb = fc.oneof(
  fc.constantFrom('', '', '   '),
  text(['#', ...QUOTES]).map((c) => `# ${c}`),
  text(['#']).map((c) => `  #${c}`),
);

const fileArb = fc.record({
  lines: fc.array(fc.oneof({ weight: 3, arbitrary: entryArb }, { weight: 1, arbitrary: triviaArb.map((t) => ({ kind: 'trivia', text: t })) }), { maxLength: 14 }),
  finalNewline: fc.boolean(),
});

function renderGenerated({ lines, finalNewline }) {
  const out = lines.map((l) => {
    if (l.kind === 'trivia') return l.text;
    // Bare values are trimmed by dotenv; generate them already trimmed so a separator's space is not ambiguous.
    const source = l.quote === '' ? l.source.trim() : l.source;
    return `${l.exported ? 'export ' : ''}${l.name}${l.separator}${l.quote}${source}${l.quote}${l.comment}`;
  });
  return out.join('\n') + (finalNewline && out.length > 0 ? '\n' : '');
}

/**
 * Only files dotenv itself reads line for line: every generated entry is an entry dotenv sees, with
 * the value it was written with. (A bare value starting with a quote can, for example, pair with a
 * quote lines below and swallow them; dotenv then reads a different file than the one generated.)
 * Names are made unique for this check, so a repeated name cannot hide a swallowed line.
 */
function dotenvReadsAsGenerated(generated) {
  const expected = {};
  const lines = generated.lines.map((l, i) => {
    if (l.kind !== 'entry') return l;
    let value = l.quote === '' ? l.source.trim() : l.source;
    if (l.quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    expected[`N${i}`] = value;
    return { ...l, name: `N${i}` };
  });
  return JSON.stringify(dotenv.parse(renderGenerated({ ...generated, lines }))) === JSON.stringify(expected);
}

const envFileArb = fileArb.map((generated) => ({ generated, source: renderGenerated(generated) })).filter(({ generated }) => dotenvReadsAsGenerated(generated));

// ---- helpers -------------------------------------------------------------------------------------

const layout = (lines) => lines.map((l) => (l.kind === 'trivia' ? ['trivia', l.text] : ['entry', l.name, l.exported, l.comment]));

function sealOpen(source, previous) {
  const lines = parseEnv(source, '.env');
  const sealed = sealLines(lines, key, { now: '2026-01-01T00:00:00Z', history: [], label: '.env', ...(previous ? { previous } : {}) });
  const opened = openSealed(sealed, KeyRing.of(key, 'test key'), '.env.encrypted');
  return { lines, sealed, opened, plaintext: renderPlaintext(opened, '.env.encrypted') };
}

// ---- properties ----------------------------------------------------------------------------------

test('pure round trip: dotenv reads the same values; comments, blank lines and order survive', () => {
  fc.assert(
    fc.property(envFileArb, ({ source }) => {
      const { lines, sealed, opened, plaintext } = sealOpen(source);
      assertDotenvEquivalent(source, lines, '.env');
      assert.equal(dotenv.parse(plaintext), dotenv.parse(source));
      assert.equal(toRecord(opened.lines), dotenv.parse(source));
      assert.equal(layout(parseEnv(plaintext, '.env')), layout(lines));
      // The sealed file is itself a dotenv file with the same names, and no plaintext value in it.
      assert.equal(Object.keys(dotenv.parse(sealed)), Object.keys(dotenv.parse(source)));
      for (const value of Object.values(dotenv.parse(sealed))) assert.ok(value.startsWith('fernet:'));
      // Opening what was opened and written back gives the same text again (a fixed point).
      assert.is(sealOpen(plaintext).plaintext, plaintext);
    }),
    { numRuns: RUNS },
  );
});

test('any generated text, even one dotenv misreads: refused as a syntax error, or round-trips exactly', () => {
  const anyText = fc.oneof(
    fileArb.map(renderGenerated),
    fc.string({ unit: fc.constantFrom('A', 'B', '=', ':', ' ', '#', '"', "'", '`', '\\', '\n', 'n', 'export '), maxLength: 40 }),
  );
  fc.assert(
    fc.property(anyText, (source) => {
      let result;
      try {
        result = sealOpen(source);
      } catch (e) {
        // dotenv skips lines it cannot read; envseal refuses them instead of carrying them along.
        assert.is(e.code, 'E_ENV_SYNTAX', `${e.code}: ${e.message}`);
        assert.is(e.exitCode, 4);
        return;
      }
      assertDotenvEquivalent(source, result.lines, '.env');
      assert.equal(dotenv.parse(result.plaintext), dotenv.parse(source));
      assert.equal(layout(parseEnv(result.plaintext, '.env')), layout(result.lines));
    }),
    { numRuns: RUNS },
  );
});

test('re-sealing an unchanged file is byte-identical', () => {
  fc.assert(
    fc.property(envFileArb, ({ source }) => {
      const first = sealOpen(source);
      const again = sealLines(parseEnv(source, '.env'), key, { now: '2026-01-01T00:00:00Z', history: [], label: '.env', previous: first.opened });
      assert.is(again, first.sealed);
    }),
    { numRuns: RUNS },
  );
});

test('changing one value changes exactly that line, the MAC line and the value records', () => {
  const changeArb = envFileArb
    .filter(({ generated }) => generated.lines.some((l) => l.kind === 'entry'))
    .chain(({ generated, source }) => {
      const indices = generated.lines.flatMap((l, i) => (l.kind === 'entry' ? [i] : []));
      return fc.record({ at: fc.constantFrom(...indices), replacement: valueSource['"'] }).map((change) => ({ generated, source, ...change }));
    });
  fc.assert(
    fc.property(changeArb, ({ generated, source, at, replacement }) => {
      const changedLines = generated.lines.map((l, i) => (i === at ? { ...l, quote: '"', source: replacement } : l));
      const changed = { ...generated, lines: changedLines };
      const changedSource = renderGenerated(changed);
      fc.pre(dotenvReadsAsGenerated(changed));
      const before = parseEnv(source, '.env');
      const after = parseEnv(changedSource, '.env');
      // Generated lines map one to one onto parsed lines, except a blank last line without a final newline.
      fc.pre(before.length === generated.lines.length && after.length === generated.lines.length);
      fc.pre(before[at].value !== after[at].value);

      const first = sealLines(before, key, { history: [], label: '.env', now: '2026-01-01T00:00:00Z' });
      const previous = openSealed(first, KeyRing.of(key, 'test key'), '.env.encrypted');
      const second = sealLines(after, key, { history: [], label: '.env', previous, now: '2026-02-01T00:00:00Z' });
      const records = /^#envseal:(?:expires|earlier) /;
      const a = first.split('\n').filter((line) => !records.test(line));
      const b = second.split('\n').filter((line) => !records.test(line));
      assert.is(b.length, a.length, 'every entry is one sealed line, whatever its value');
      const differing = a.flatMap((line, i) => (line === b[i] ? [] : [i]));
      const macLine = a.length - 2;
      // Line 0 is the header, so entry `at` is sealed line 1 + at (a multi-line value takes one sealed line).
      assert.equal(differing, [1 + at, macLine]);
      assert.ok(b[1 + at].includes(after[at].name));
      // Only the changed name gets the new date (its token's timestamp).
      const dates = changeDates(openSealed(second, KeyRing.of(key, 'test key'), '.env.encrypted').lines);
      const name = after[at].name;
      const lastOf = (lines) => lines.filter((l) => l.kind === 'entry' && l.name === name).at(-1);
      if (lastOf(after) === after[at]) assert.is(dates.get(name), Date.parse('2026-02-01T00:00:00Z'));
      for (const [other, date] of dates) if (other !== name) assert.is(date, Date.parse('2026-01-01T00:00:00Z'));
    }),
    { numRuns: RUNS },
  );
});

test('through the real CLI: encrypt then decrypt --stdout reads back the same (25 generated files)', () => {
  const dir = tempDir('envseal-prop-');
  const env = { ENVSEAL_MASTER_KEY: TEST_KEY };
  fc.assert(
    fc.property(envFileArb, fc.constantFrom('', '\r\n', 'bom'), ({ source }, variant) => {
      const onDisk = variant === '\r\n' ? source.replace(/\n/g, '\r\n') : variant === 'bom' ? `\uFEFF${source}` : source;
      fs.writeFileSync(path.join(dir, '.env'), onDisk);
      fs.rmSync(path.join(dir, '.env.encrypted'), { force: true });
      const encrypted = run(['encrypt'], { cwd: dir, env });
      assert.is(encrypted.code, 0, encrypted.stderr);
      const sealed = fs.readFileSync(path.join(dir, '.env.encrypted'), 'utf8');
      assert.equal(Object.keys(dotenv.parse(sealed)), Object.keys(dotenv.parse(source)));
      const decrypted = run(['decrypt', '--stdout'], { cwd: dir, env });
      assert.is(decrypted.code, 0, decrypted.stderr);
      assert.equal(dotenv.parse(decrypted.stdout), dotenv.parse(onDisk));
      assert.equal(layout(parseEnv(decrypted.stdout, '.env')), layout(parseEnv(source, '.env')));
      const values = Object.values(dotenv.parse(source)).filter((v) => v.trim().length >= 6);
      assertNoSecrets(encrypted.output + decrypted.stderr, [...values, TEST_KEY]);
      for (const value of values) assert.not.ok(sealed.includes(value), 'a value is in the sealed file in plaintext');
    }),
    { numRuns: 25 },
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test.run();
