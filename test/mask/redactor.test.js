// The redactor: every form of every secret replaced, in one string or across any chunking of a stream,
// holding back only what could still be a secret.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
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


/** `bytes` cut at the positions `seeds` pick (modulo its length), as non-empty chunks in order. */
function cutAt(bytes, seeds) {
  const cuts = [...new Set(seeds.map((n) => (bytes.length ? n % bytes.length : 0)))].sort((a, b) => a - b);
  const chunks = [];
  let from = 0;
  for (const cut of cuts) {
    chunks.push(bytes.subarray(from, cut));
    from = cut;
  }
  chunks.push(bytes.subarray(from));
  return chunks.filter((c) => c.length > 0);
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

test("other languages' encoders: Python's quote, quote_plus and json.dumps, curl/Go RFC 3986, Go's and PHP's JSON", () => {
  const secrets = ['Sup3r!Secret*Pass(word)', 'p@ss/word+with spaces', 'p&ssw<rd>2024', 'pässwörd-geheim', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY'];
  const python = spawnSync('python3', ['-c', `import json, sys, urllib.parse as u
for s in json.load(sys.stdin): print(json.dumps([u.quote(s), u.quote_plus(s), u.quote(s, safe=''), json.dumps(s)]))`], { input: JSON.stringify(secrets), encoding: 'utf8' });
  assert.is(python.status, 0, python.stderr);
  const printed = python.stdout.trim().split('\n').map((line) => JSON.parse(line));
  secrets.forEach((secret, i) => {
    const r = createRedactor([secret]);
    const go = JSON.stringify(secret).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const php = printed[i][3].replace(/\//g, '\\/');
    for (const form of [...printed[i], go, php]) assertNoSecrets(r.redact(`value=${form};`), [form.replace(/^"|"$/g, '')], `${secret} as ${form}`);
  });
});

test('a multi-line secret: with CRLF line ends, and each long line on its own (indented, as YAML prints it)', () => {
  const pem = ['-----BEGIN PRIVATE KEY-----', 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgVcB', 'Zx8Qv2Lm7Np4Rt6Wy9Ab3Cd5Ef1Gh0Jk', '-----END PRIVATE KEY-----', ''].join('\n');
  const r = createRedactor([pem]);
  const crlf = r.redact(`key:\r\n${pem.replace(/\n/g, '\r\n')}done`);
  const yaml = r.redact(`key: |\n${pem.split('\n').map((line) => `    ${line}`).join('\n')}\n`);
  for (const out of [crlf, yaml]) assertNoSecrets(out, ['MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgVcB', 'Zx8Qv2Lm7Np4Rt6Wy9Ab3Cd5Ef1Gh0Jk']);
  // Short lines of a multi-line value are not masked everywhere: that would garble ordinary output.
  assert.is(createRedactor(['{\n  "a": 1\n}']).redact('{\n  "a": 1,\n  "b": 2\n}'), '{\n  "a": 1,\n  "b": 2\n}');
});

test('a stream that ends inside a secret ends with **** instead of its first part', async () => {
  const r = createRedactor([STRIPE]);
  const cut = STRIPE.slice(0, 20);
  assert.is((await streamed(r, [`token: ${cut}`])).text, 'token: ****');
  assert.is(r.redact(`prompt ${STRIPE.slice(0, 5)}`), `prompt ${STRIPE.slice(0, 5)}`, 'a few bytes that merely begin like a secret stay');
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

test('1000 secrets over 1 MB: each one found where it is', () => {
  const secrets = Array.from({ length: 1000 }, (_, i) => `secret-${i}-${'k'.repeat(20)}-${i * 7919}`);
  const r = createRedactor(secrets);
  const text = `${'log line with ordinary words, numbers 12345 and secret-ish text\n'.repeat(16000)}${secrets[500]}\n${b64(secrets[999])}\n`;
  const out = r.redact(text);
  assert.ok(out.endsWith(`${mask(secrets[500])}\n${mask(secrets[999])}\n`));
  assertNoSecrets(out, secrets);
});

/** Random text of `length` characters from the base64 alphabet: a generated secret's shape. */
const randomToken = (length, seed) => {
  let x = seed;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) & 63];
  return out;
};

test('large values: 3.5 MB of secrets are masked in text and in a stream, with no size limit hit', async () => {
  const secrets = [randomToken(1_200_000, 1), randomToken(1_200_000, 2), randomToken(1_100_000, 3), 'short-pass-1'];
  const r = createRedactor(secrets);
  const text = `a ${secrets[0]} b ${b64(secrets[1])} c ${encodeURIComponent(secrets[2])} d short-pass-1 e`;
  const expected = `a ${mask(secrets[0])} b ${mask(secrets[1])} c ${mask(secrets[2])} d **** e`;
  assert.is(r.redact(text), expected);
  const bytes = Buffer.from(text);
  const chunks = [];
  for (let at = 0; at < bytes.length; at += 65536) chunks.push(bytes.subarray(at, at + 65536));
  assert.is((await streamed(r, chunks)).text, expected);
});

test('a 1 MB value: masked whole, its base64 found inside longer base64, a cut copy hidden at the end', async () => {
  const secret = randomToken(1_000_000, 9);
  const r = createRedactor([secret]);
  assert.is(r.redact(`[${secret}]`), `[${mask(secret)}]`);
  assert.is(r.redact(secret.slice(0, 999_999)), '****');
  const header = `Authorization: Basic ${b64(`user:${secret}@`)}`;
  const hidden = r.redact(header);
  assertNoSecrets(hidden, [secret]);
  assert.ok(hidden.startsWith('Authorization: Basic ') && hidden.includes(mask(secret)) && hidden.length < 100);
  assert.is((await streamed(r, ['x ', secret.slice(0, 400_000), secret.slice(400_000), ' y'])).text, `x ${mask(secret)} y`);
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
  stream.write('waiting sk_li');
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(seen, ['waiting ']);
  stream.end();
  await new Promise((resolve) => stream.on('end', resolve));
  assert.equal(seen, ['waiting ', 'sk_li']); // too short to be taken for a cut secret: printed at the end
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
      const chunks = cutAt(bytes, cutSeeds);
      const whole = r.redact(text);
      const out = (await streamed(r, chunks)).text;
      assert.is(out, whole);
      assertNoSecrets(out, SECRETS);
      const forms = SECRETS.flatMap((s) => secretForms(s)).filter((f) => f.length >= 4);
      // A text ending in 8 or more bytes that begin a secret form ends in **** (a cut secret).
      const endsInCutSecret = forms.some((f) => Array.from({ length: f.length - 8 }, (_, n) => Buffer.from(f).subarray(0, n + 8)).some((prefix) => bytes.subarray(-prefix.length).equals(prefix)));
      if (!forms.some((f) => text.includes(f)) && !endsInCutSecret) assert.is(out, text);
    }),
    { numRuns: RUNS },
  );
});

// ---- property: the redactor equals a naive one (every occurrence of every form found by indexOf) ----

/**
 * What the redactor is specified to print: every occurrence of every form of every secret (4
 * characters or more) hidden, overlapping ones merged and named by the longest, an unfinished form of
 * 8 bytes or more at the very end hidden as ****.
 */
function naiveRedact(values, text) {
  const secrets = [...new Set(values.filter((v) => Array.from(v).length >= 4))];
  const forms = new Map(); // form bytes (latin1) -> owner, the first secret having it
  secrets.forEach((secret, owner) => {
    for (const form of secretForms(secret)) {
      const key = Buffer.from(form).toString('latin1');
      if (form.length >= 4 && !forms.has(key)) forms.set(key, owner);
    }
  });
  const replacements = secrets.map((secret) => {
    const masked = Buffer.from(mask(secret)).toString('latin1');
    return [...forms.keys()].some((form) => masked.includes(form)) ? '****' : masked;
  });
  const input = Buffer.from(text).toString('latin1');
  const matches = [];
  for (const [form, owner] of forms) {
    for (let at = input.indexOf(form); at !== -1; at = input.indexOf(form, at + 1)) matches.push({ start: at, end: at + form.length, replacement: replacements[owner] });
  }
  let tail = 0;
  for (const form of forms.keys()) for (let n = Math.min(form.length, input.length); n > tail; n--) if (input.endsWith(form.slice(0, n))) tail = n;
  if (tail >= 8) matches.push({ start: input.length - tail, end: input.length, replacement: '****', cut: true });
  // In reading order: by end, the longest first; a merged run is named by its longest match (the first of equals).
  matches.sort((a, b) => a.end - b.end || b.end - b.start - (a.end - a.start) || (a.cut ? 1 : 0) - (b.cut ? 1 : 0));
  const runs = [];
  for (const m of matches) {
    const run = { ...m, longest: m.end - m.start };
    while (runs.length > 0 && runs.at(-1).end > run.start) {
      const last = runs.pop();
      run.start = Math.min(run.start, last.start);
      if (last.longest >= run.longest) Object.assign(run, { replacement: last.replacement, longest: last.longest });
    }
    runs.push(run);
  }
  let out = '';
  let cursor = 0;
  for (const run of runs) {
    out += input.slice(cursor, run.start) + Buffer.from(run.replacement, 'latin1').toString('latin1');
    cursor = run.end;
  }
  return Buffer.from(out + input.slice(cursor), 'latin1').toString('utf8');
}

test('property: whole and streamed output equal a naive redactor, with many overlapping secrets cut anywhere', async () => {
  const alphabet = fc.constantFrom('a', 'b', '1', '2', '/', '+', '=', 'é');
  const secret = fc.oneof(fc.string({ unit: alphabet, minLength: 3, maxLength: 12 }), fc.string({ unit: alphabet, minLength: 30, maxLength: 40 }));
  await fc.assert(
    fc.asyncProperty(fc.array(secret, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 25 }), fc.array(fc.nat(), { maxLength: 8 }), async (secrets, picks, cutSeeds) => {
      // The text: pieces of secrets and of their forms, so they overlap, repeat and end cut short.
      const forms = secrets.flatMap((s) => secretForms(s));
      const text = picks.map((n) => {
        const form = forms[n % forms.length];
        return n % 3 === 0 ? form.slice(n % form.length) : n % 3 === 1 ? form.slice(0, 1 + (n % form.length)) : `${form} `;
      }).join('');
      const expected = naiveRedact(secrets, text);
      const r = createRedactor(secrets);
      assert.is(r.redact(text), expected);
      const chunks = cutAt(Buffer.from(text), cutSeeds);
      assert.is((await streamed(r, chunks)).text, expected);
    }),
    { numRuns: RUNS },
  );
});

test('a redactor given a function calls it once, when first used', () => {
  let calls = 0;
  const r = createRedactor(() => {
    calls++;
    return [PASSWORD];
  });
  r.stream();
  assert.is(calls, 0);
  assert.is(r.redact(`pw ${PASSWORD}`), 'pw ****');
  assert.is(r.redact(PASSWORD), '****');
  assert.is(calls, 1);
});

test.run();
