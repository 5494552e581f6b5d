// The redactor: every form of every secret replaced, in one string or across any chunking of a stream,
// holding back only what could still be a secret.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { assertNoSecrets } from '../helpers/cli.js';
import { createRedactor, secretForms } from '../../dist/mask/redactor.js';
import { mask } from '../../dist/mask/mask.js';

const RUNS = Number(process.env.ENVSEAL_PROPERTY_RUNS ?? 300);
const STRIPE = 'sk_' + 'live_' + 'Zx81Qm2Lp0Rt7Vb4Nc6Wd3Ye5Uf9Gh1J';
const PASSWORD = 'hunter2-päss';
const b64 = (text) => Buffer.from(text).toString('base64');
const b64url = (text) => Buffer.from(text).toString('base64url');

/**
 * Feeds `chunks` (Buffers or strings) through a stream. Returns the bytes that came out after each
 * write and at the end (`steps`), and all of it decoded (`text`).
 */
async function streamed(redactor, chunks) {
  const stream = redactor.stream();
  const steps = [];
  let current = [];
  stream.on('data', (data) => current.push(data));
  const step = () => {
    steps.push(Buffer.concat(current));
    current = [];
  };
  for (const chunk of chunks) {
    stream.write(chunk);
    await new Promise((resolve) => setImmediate(resolve));
    step();
  }
  const ended = new Promise((resolve) => stream.on('end', resolve));
  stream.end();
  await ended;
  step();
  return { steps: steps.map((b) => b.toString('utf8')), text: Buffer.concat(steps).toString('utf8') };
}

test('replaces a secret with its masked form, wherever it appears', () => {
  const r = createRedactor([STRIPE, PASSWORD]);
  assert.is(r.redact(`key=${STRIPE} pw=${PASSWORD}; again ${STRIPE}`), `key=${mask(STRIPE)} pw=****; again ${mask(STRIPE)}`);
  assert.is(r.redact('nothing secret here'), 'nothing secret here');
});

test('base64 (standard and url-safe, padded or not) and inside longer base64 at every alignment', () => {
  const secret = 'p>s?s~w:o/r+d-1234'; // characters whose base64 differs between the two alphabets
  const r = createRedactor([secret]);
  for (const form of [b64(secret), b64url(secret), b64(secret).replace(/=+$/, ''), b64url(secret) + '=']) {
    const out = r.redact(`token: ${form}.`);
    assert.ok(out.startsWith('token: ****'), form);
    assertNoSecrets(out, [secret]);
  }
  for (const prefix of ['user:', 'ab:', 'a:']) {
    const header = `Authorization: Basic ${b64(prefix + secret + '@tail')}`;
    const out = r.redact(header);
    assert.ok(out.includes('****'), prefix);
    for (const fragment of secretForms(secret)) if (fragment.length >= 8) assert.not.ok(out.includes(fragment), `${prefix} ${fragment}`);
  }
});

test('URL-encoded (either hex case, form encoding) and JSON-escaped forms', () => {
  const secret = 'a b/c?d&e=f "quoted" ü\nline2';
  const r = createRedactor([secret]);
  const forms = [
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    new URLSearchParams({ q: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ];
  for (const form of forms) assert.is(r.redact(`<${form}>`), '<****>', form);
  assert.is(r.redact(JSON.stringify({ secret })), '{"secret":"****"}');
});

test('secrets shorter than 4 characters are not redacted', () => {
  const r = createRedactor(['abc', '42', '']);
  assert.is(r.redact('abc 42 abcd'), 'abc 42 abcd');
});

test('overlapping secrets are hidden together: no byte of either is printed', () => {
  const r = createRedactor(['abcdef12', 'ef12ghij', 'cdef']);
  const out = r.redact('xx abcdef12ghij yy');
  assert.is(out, 'xx **** yy');
});

test('a masked form that would spell another secret becomes ****', () => {
  const long = 'ABCD' + 'x'.repeat(30) + 'WXYZ';
  assert.is(createRedactor([long]).redact(long), 'ABCD…WXYZ');
  assert.is(createRedactor([long, 'ABCD']).redact(long), '****');
});

test('many secrets cost little: 1000 secrets over 1 MB', () => {
  const secrets = Array.from({ length: 1000 }, (_, i) => `secret-${i}-${'k'.repeat(20)}-${i * 7919}`);
  const started = performance.now();
  const r = createRedactor(secrets);
  const text = `${'log line with ordinary words, numbers 12345 and secret-ish text\n'.repeat(16000)}${secrets[500]}\n`;
  const out = r.redact(text);
  const elapsed = performance.now() - started;
  assert.ok(out.endsWith(`${mask(secrets[500])}\n`));
  assert.ok(elapsed < 5000, `took ${elapsed.toFixed(0)} ms`);
});

test('stream: output that cannot be part of a secret is written at once; a line is written whole', async () => {
  const r = createRedactor([STRIPE]);
  const out = (await streamed(r, ['first line\n', 'partial sk_li', 've_Zx81Qm2Lp0', 'Rt7Vb4Nc6Wd3Ye5Uf9Gh1J and more\n', 'tail'])).steps;
  assert.is(out[0], 'first line\n');
  assert.is(out[1], 'partial '); // "sk_li" could be the start of the key: held back
  assert.is(out[2], '');
  assert.is(out[3], `${mask(STRIPE)} and more\n`);
  assert.is(out[4], 'tail');
  assert.is(out[5], '');
});

test('stream: held-back bytes are not flushed on a timer, only when the next chunk or the end decides', async () => {
  const r = createRedactor([STRIPE]);
  const stream = r.stream();
  const seen = [];
  stream.on('data', (d) => seen.push(d.toString()));
  stream.write('waiting sk_live_Zx81');
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(seen, ['waiting ']);
  stream.end();
  await new Promise((resolve) => stream.on('end', resolve));
  assert.equal(seen, ['waiting ', 'sk_live_Zx81']); // not a secret after all: printed at the end
});

test('stream: a secret split inside a multi-byte character is still found', async () => {
  const r = createRedactor([PASSWORD]);
  const bytes = Buffer.from(`pw ${PASSWORD}!`);
  const cut = bytes.indexOf(Buffer.from('ä')) + 1; // between the two bytes of ä
  const out = await streamed(r, [bytes.subarray(0, cut), bytes.subarray(cut)]);
  assert.is(out.text, 'pw ****!');
});

// ---- property: any chunking gives the same output as redacting the whole text, and no secret leaks ----

const SECRETS = [STRIPE, PASSWORD, 'abcd1234', 'cd1234ef', 'multi\nline-secret'];
const pieces = [
  ...SECRETS,
  ...SECRETS.map(b64),
  ...SECRETS.map(encodeURIComponent),
  ...SECRETS.map((s) => s.slice(0, Math.ceil(s.length / 2))), // prefixes: partial matches that fail
  ...SECRETS.map((s) => s.slice(1)),
  ' ', '\n', 'x', 'plain words', 'ä', 'a', 'sk_', 'abc',
];

test('property: any chunking of the stream gives exactly redact(text), and no secret survives', async () => {
  const r = createRedactor(SECRETS);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 8 }), async (parts, cutSeeds) => {
      const text = parts.join('');
      const bytes = Buffer.from(text);
      const cuts = [...new Set(cutSeeds.map((n) => (bytes.length ? n % bytes.length : 0)))].sort((a, b) => a - b);
      const chunks = [];
      let from = 0;
      for (const cut of cuts) {
        chunks.push(bytes.subarray(from, cut));
        from = cut;
      }
      chunks.push(bytes.subarray(from));
      const whole = r.redact(text);
      const out = (await streamed(r, chunks.filter((c) => c.length > 0))).text;
      assert.is(out, whole);
      assertNoSecrets(out, SECRETS);
      if (!SECRETS.some((s) => secretForms(s).some((f) => f.length >= 4 && text.includes(f)))) assert.is(out, text);
    }),
    { numRuns: RUNS },
  );
});

test.run();
