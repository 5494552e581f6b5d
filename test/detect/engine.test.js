// The engine: fingerprints, inline allows, exact master keys, overlaps, excerpts, options, speed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { randomBytes } from 'node:crypto';
import { ROOT, TEST_KEY, OTHER_KEY, assertNoSecrets } from '../helpers/cli.js';
import { detect, formatJson, formatSarif, formatText, KNOWN_KEY_RULE } from '../../dist/detect/index.js';
import { KeywordSet } from '../../dist/detect/keywords.js';
import { secretSpans } from '../../dist/detect/engine.js';
import { builtinRules } from '../../dist/detect/rules.js';
import fc from 'fast-check';

const fingerprintKey = Buffer.alloc(32, 2);
const scan = (text, options = {}) => detect(text, { file: 'src/app.js', fingerprintKey, ...options });

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const random = (length) => Array.from(randomBytes(length), (byte) => B62[byte % 62]).join('');
const githubToken = () => `ghp_${random(36)}`;

test('secretSpans finds what detect finds, without inline allows, as spans of the text', () => {
  const dir = path.join(ROOT, 'test/fixtures/detect/rules');
  let compared = 0;
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const entry = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    for (const sample of [...entry.positives, ...entry.negatives]) {
      const text = Array.isArray(sample.text) ? sample.text.join('\n') : sample.text;
      const secrets = scan(text, { file: sample.file, inlineAllow: false }).map((f) => f.secret).sort();
      const spans = secretSpans(text, { file: sample.file });
      assert.equal(spans.map(([start, end]) => text.slice(start, end)).sort(), secrets, `${entry.rule}: ${sample.name}`);
      assert.ok(spans.every(([start], i) => i === 0 || spans[i - 1][1] <= start), 'sorted and disjoint');
      compared += secrets.length;
    }
  }
  assert.ok(compared > 100, `only ${compared} findings compared`);
  const allowed = 'token = "ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8" // envseal:allow';
  assert.is(scan(allowed).length, 0);
  assert.is(secretSpans(allowed, { file: 'src/app.js' }).length, 1);
});

test('fingerprints: rule, file and a keyed hash of the secret, unchanged when lines move', () => {
  const token = githubToken();
  const before = scan(`const a = 1;\nconst token = "${token}";\n`);
  const after = scan(`// a new header\n\n\nconst a = 1;\n\nconst  token =   "${token}";\n`);
  assert.is(before[0].line, 2);
  assert.is(after[0].line, 6);
  assert.is(before[0].fingerprint, after[0].fingerprint);
  assert.match(before[0].fingerprint, /^github-token:src\/app\.js:[0-9a-f]{16}$/);
  assert.not.ok(before[0].fingerprint.includes(token.slice(4, 12)));
});

test('fingerprints differ by file, by secret and by fingerprint key', () => {
  const token = githubToken();
  const text = `TOKEN=${token}`;
  const base = scan(text)[0].fingerprint;
  assert.is.not(scan(text, { file: 'other.js' })[0].fingerprint, base);
  assert.is.not(scan(`TOKEN=${githubToken()}`)[0].fingerprint, base);
  assert.is.not(scan(text, { fingerprintKey: Buffer.alloc(32, 3) })[0].fingerprint, base);
  assert.is(scan(text)[0].fingerprint, base);
});

test('the secret stays in memory: not enumerable, not in JSON or util.inspect of a finding', () => {
  const token = githubToken();
  const [finding] = scan(`TOKEN=${token}`);
  assert.is(finding.secret, token);
  assert.not.ok(Object.keys(finding).includes('secret'));
  assertNoSecrets(JSON.stringify(finding), [token], 'JSON of a finding');
  assertNoSecrets(util.inspect(finding), [token], 'util.inspect of a finding');
  assertNoSecrets(JSON.stringify({ ...finding }), [token], 'a spread copy');
});

test('inline allow: on the line, or in a comment on the line above; not from code above; can be disabled', () => {
  const token = githubToken();
  assert.equal(scan(`TOKEN=${token} # envseal:allow test fixture`), []);
  assert.equal(scan(`// envseal:allow: documented sample\nconst token = "${token}";`), []);
  assert.equal(scan(`# envseal:allow\nTOKEN=${token}`, { file: '.env' }), []);
  assert.is(scan(`const note = "envseal:allow";\nconst token = "${token}";`).length, 1);
  assert.is(scan(`// envseal:allow\n\nconst token = "${token}";`).length, 1);
  assert.is(scan(`TOKEN=${token} # envseal:allow`, { inlineAllow: false }).length, 1);
  assert.is(scan(`# envseal:allow\nTOKEN=${token}`, { inlineAllow: false }).length, 1);
});

test('exact master keys: raw, unpadded, re-encoded, inside a base64 blob; current and previous named', () => {
  const knownKeys = [TEST_KEY, OTHER_KEY];
  const forms = {
    raw: `key = "${TEST_KEY}"`,
    unpadded: `key=${TEST_KEY.slice(0, 43)}&x=1`,
    standardAlphabet: `k ${TEST_KEY.replace(/-/g, '+').replace(/_/g, '/')}`,
    urlEncoded: `?key=${encodeURIComponent(TEST_KEY)}`,
    base64: `KEY_B64: ${Buffer.from(TEST_KEY).toString('base64')}`,
    inBlob: `data: ${Buffer.from(`# keys\nENVSEAL_MASTER_KEY=${TEST_KEY}\n`).toString('base64')}`,
    inBlobShifted: `data: ${Buffer.from(`#k\nKEY=${TEST_KEY}\n`).toString('base64')}`,
    hex: `bytes ${Buffer.from(TEST_KEY, 'base64url').toString('hex')}`,
  };
  for (const [form, text] of Object.entries(forms)) {
    const findings = scan(text, { knownKeys });
    assert.equal(findings.map((f) => f.rule), [KNOWN_KEY_RULE], form);
    assert.is(findings[0].description, 'envseal master key (the current key)', form);
    assert.is(findings[0].kind, 'master-key');
  }
  assert.is(scan(`old: ${OTHER_KEY}`, { knownKeys })[0].description, 'envseal master key (the previous key)');
  assert.equal(scan(`fingerprint ${TEST_KEY.slice(0, 16)}`, { knownKeys }), []);
  assert.equal(scan(`k = "${TEST_KEY}" // envseal:allow`, { knownKeys }).map((f) => f.rule), [KNOWN_KEY_RULE], 'never allowed inline');
});

test("the Fernet spec's example key in docs is not a finding, unless it is a known key of this repository", () => {
  // TEST_KEY is the key of the Fernet specification's test vectors.
  const readme = `f = Fernet(b"${TEST_KEY}")\nvar secret = new fernet.Secret("${TEST_KEY}");\n`;
  assert.equal(scan(readme, { file: 'README.md' }), []);
  assert.equal(scan(readme, { file: 'README.md', knownKeys: [TEST_KEY] }).map((f) => f.rule), [KNOWN_KEY_RULE, KNOWN_KEY_RULE]);
  assert.equal(scan(`f = Fernet(b"${OTHER_KEY}")`, { file: 'app.py' }).map((f) => f.rule), ['envseal-master-key']);
});

test('overlapping rules report one finding, the most specific', () => {
  const token = githubToken();
  // github-token, generic-secret (GITHUB_TOKEN=...) and url-password all cover this token.
  const findings = scan(`GITHUB_TOKEN=${token}\nremote = https://x:${token}@github.com/org/repo.git\n`, { file: '.env' });
  assert.equal(findings.map((f) => [f.rule, f.line]), [['github-token', 1], ['github-token', 2]]);
});

test('a generic candidate covered by a better one is judged only when that one is dropped', () => {
  // A token format spanning [0, 64) over the master key at [10, 54), and a generic match at [61, 81)
  // overlapping the format's span but not the key: the key drops the format, so the generic match
  // is judged and kept. Without the key the format stands, and the generic check never runs.
  const calls = [];
  const format = { id: 'wide-format', description: 'a wide token', pattern: /WIDE\S{60}/ };
  const generic = {
    id: 'wide-generic',
    description: 'a generic value',
    kind: 'generic',
    pattern: /(?<=\S{50})GEN\S{17}/,
    validate: (secret) => calls.push(secret) > 0,
  };
  const text = `WIDE:-----${TEST_KEY}q7Zp2LmGEN${'y'.repeat(17)}`;
  assert.is(text.indexOf(TEST_KEY), 10);
  const rules = [generic, format];
  const withKey = detect(text, { file: 'a.txt', fingerprintKey, rules, knownKeys: [TEST_KEY] });
  assert.equal(withKey.map((f) => f.rule), [KNOWN_KEY_RULE, 'wide-generic']);
  assert.is(calls.length, 1);
  calls.length = 0;
  const withoutKey = detect(text, { file: 'a.txt', fingerprintKey, rules });
  assert.equal(withoutKey.map((f) => f.rule), ['wide-format']);
  assert.is(calls.length, 0, 'the covered generic candidate was never judged');
});

test('excerpts mask every secret on the line, cut long lines, and neutralise control characters', () => {
  const a = githubToken();
  const b = `sk_live_${random(40)}`;
  const findings = scan(`config = {"gh": "${a}", "stripe": "${b}"}`, { file: 'x.json' });
  assert.is(findings.length, 2);
  for (const finding of findings) assertNoSecrets(finding.maskedExcerpt, [a.slice(4), b.slice(8)], 'excerpt');
  const long = `var x=${'a'.repeat(5000)};var token="${a}";${'b'.repeat(5000)}`;
  const [inLong] = scan(long, { file: 'bundle.min.js' });
  assert.ok(inLong.maskedExcerpt.length <= 162, `excerpt is ${inLong.maskedExcerpt.length} characters`);
  assert.ok(inLong.maskedExcerpt.includes('ghp_\u2026'));
  assert.is(inLong.column, long.indexOf(a) + 1);
  const [escaped] = scan(`\u001b[31mTOKEN=${a}\u001b[0m\r\n`, { file: '.env' });
  assert.not.ok(/[\u0000-\u001f]/.test(escaped.maskedExcerpt), JSON.stringify(escaped.maskedExcerpt));
});

test('CRLF files: lines and columns as in LF files', () => {
  const token = githubToken();
  const [finding] = scan(`first\r\nsecond\r\nTOKEN=${token}\r\n`, { file: '.env' });
  assert.is(finding.line, 3);
  assert.is(finding.column, 7);
  assert.is(finding.maskedExcerpt, 'TOKEN=ghp_\u2026');
});

test('binary text (a NUL in the first 8000 characters) is skipped', () => {
  assert.equal(scan(`\u0000PNG\u0000TOKEN=${githubToken()}`), []);
});

test('custom rules: keywords gate the rule, validate sees the match, the secret group is reported', () => {
  let calls = 0;
  const rule = {
    id: 'acme-key',
    description: 'ACME key',
    pattern: /acme_key=(\w+)/,
    keywords: ['acme_key'],
    secretGroup: 1,
    validate: (secret, context) => {
      calls++;
      assert.is(context.text.slice(context.start, context.end), secret);
      assert.is(context.file, 'a.cfg');
      return secret !== 'rejected';
    },
  };
  const found = detect('x\nacme_key=Q2w9Zk\nacme_key=rejected', { file: 'a.cfg', fingerprintKey, rules: [rule] });
  assert.equal(found.map((f) => [f.rule, f.line, f.column, f.secret, f.kind]), [['acme-key', 2, 10, 'Q2w9Zk', 'credential']]);
  assert.is(calls, 2);
  calls = 0;
  // The keyword is absent: the pattern (which would match) never runs.
  const gated = { ...rule, pattern: /Q2w9Zk/, secretGroup: undefined };
  assert.equal(detect('Q2w9Zk', { file: 'a.cfg', fingerprintKey, rules: [gated] }), []);
  assert.is(calls, 0);
});

test('keywords: one pass finds every keyword, ignoring ASCII case, overlapping ones and non-ASCII ones too', () => {
  const set = KeywordSet.build(['key', 'monkey', 'sk-ant-', 'sk-', 'clé', '://']);
  assert.equal([...set.present('a MONKEY said SK-ANT-x')], [1, 1, 1, 1, 0, 0]);
  assert.equal([...set.present('la Clé: https://x')], [0, 0, 0, 0, 1, 1]);
  assert.equal([...set.present('k e y, sk_')], [0, 0, 0, 0, 0, 0]);
  // Non-ASCII characters are read by their low 7 bits: "\u016bey" reads as "key". That can only report a
  // keyword present that is not (costing one pattern pass), never hide one that is.
  assert.equal([...set.present('\u016bey')], [1, 0, 0, 0, 0, 0]);
  assert.equal([...set.present('\u016b\u016bKey')], [1, 0, 0, 0, 0, 0]);
});

test('keywords: texts searched before the automaton is built (short ones position by position, long ones keyword by keyword) get its answer exactly', () => {
  const ruleKeywords = [...new Set(builtinRules.flatMap((rule) => [rule, ...(rule.variants ?? [])]).flatMap((form) => form.keywords ?? []))];
  // Case changes, and characters whose low 7 bits are a keyword's letters (\u016b reads as k, \u212a,
  // the Kelvin sign, as * though it lowercases to k), other non-ASCII text, a surrogate pair.
  const piece = fc.oneof(
    fc.constantFrom(...ruleKeywords).chain((k) => fc.constantFrom(k, k.toUpperCase(), k[0].toUpperCase() + k.slice(1), k.slice(1), k.slice(0, -1))),
    fc.constantFrom('\u016b', '\u212a', '\u00e9', 'K', 'é', 'İ', 'clé', '\ud83d\udd11', '=', '_', '-', ' ', '\n', 'ghp', 'sk', 'xoxb'),
    fc.string({ maxLength: 6 }),
  );
  const text = fc.array(piece, { maxLength: 30 }).map((pieces) => pieces.join(''));
  const keywords = fc.oneof(fc.constant(ruleKeywords), fc.array(fc.oneof(fc.constantFrom(...ruleKeywords), fc.constantFrom('clé', 'ké', 'k', 'key', '')), { minLength: 1, maxLength: 12 }));
  fc.assert(
    fc.property(keywords, fc.array(text, { minLength: 1, maxLength: 4 }), (words, texts) => {
      const searched = KeywordSet.build(words, Infinity);
      const automaton = KeywordSet.build(words, 0);
      for (const t of texts) {
        assert.equal([...searched.present(t)], [...automaton.present(t)], JSON.stringify(t));
        const long = `${t}${' '.repeat(520)}${t}`;
        assert.equal([...searched.present(long)], [...automaton.present(long)], JSON.stringify(long));
      }
    }),
    { numRuns: 300 },
  );
  // The default: the automaton is built once half a megabyte has been searched, and answers from then on.
  const set = KeywordSet.build(['key', 'monkey']);
  assert.equal([...set.present('MONKEY')], [1, 1]);
  assert.equal([...set.present(`${' '.repeat(600_000)}key`)], [1, 0]);
  assert.equal([...set.present('\u016bey')], [1, 0]);
});

test('rule variants: each form runs under its own keywords, with its own secret group, as one rule', () => {
  const rule = {
    id: 'acme-password',
    description: 'ACME password',
    pattern: /acme-cli --pw (\w+)/,
    keywords: ['acme-cli'],
    secretGroup: 1,
    variants: [{ pattern: /ACME_PW: (\w+)/, keywords: ['acme_pw'], secretGroup: 1 }],
    validate: (secret) => secret !== 'rejected',
  };
  const found = detect('acme-cli --pw Q2w9Zk\nACME_PW: Zk9Q2w\nACME_PW: rejected', { file: 'a.sh', fingerprintKey, rules: [rule] });
  assert.equal(found.map((f) => [f.rule, f.line, f.secret]), [['acme-password', 1, 'Q2w9Zk'], ['acme-password', 2, 'Zk9Q2w']]);
  // Each form is gated by its own keywords: without "acme-cli" the first form never runs.
  const gated = { ...rule, pattern: /(Q2w9Zk)/, variants: [] };
  assert.equal(detect('Q2w9Zk', { file: 'a.sh', fingerprintKey, rules: [gated] }), []);
});

test('200k findings in one file: detection and every report format complete (no argument-list overflow)', () => {
  // Random tokens spell a placeholder word ("dUMMy") about once in a million: letters without x and y cannot.
  const token = () => Array.from(randomBytes(36), (byte) => 'ABCDEFGHIJKLMNOPQRSTUVWabcdefghijklmnopqrstuvw0123456789'[byte % 56]).join('');
  const lines = Array.from({ length: 200_000 }, (_, i) => `t${i} = "npm_${token()}"`);
  const findings = detect(lines.join('\n'), { file: 'tokens.txt', fingerprintKey });
  assert.is(findings.length, 200_000);
  assert.is(findings[199_999].line, 200_000);
  assert.ok(formatText(findings).length > 0);
  assert.ok(formatJson(findings).length > 0);
  assert.ok(formatSarif(findings).length > 0);
});

test('a minified line holding thousands of findings stays linear, with bounded excerpts', () => {
  // Without x and y, no random token spells a placeholder word ("dUMMy"), which would not be a finding.
  const tokens = Array.from({ length: 20000 }, () => `ghp_${Array.from(randomBytes(36), (byte) => 'ABCDEFGHIJKLMNOPQRSTUVWabcdefghijklmnopqrstuvw0123456789'[byte % 56]).join('')}`);
  const findings = scan(`var t=[${tokens.map((t) => `"${t}"`).join(',')}];`, { file: 'bundle.min.js' });
  assert.is(findings.length, tokens.length);
  assert.ok(findings.every((f) => f.line === 1 && f.maskedExcerpt.length <= 162));
  assert.is(findings[12345].column, `var t=[${tokens.slice(0, 12345).map((t) => `"${t}",`).join('')}"`.length + 1);
});

test('performance smoke: 5 MB of source text with secrets sprinkled in', () => {
  const sources = fs
    .readdirSync(path.join(ROOT, 'src/detect'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => fs.readFileSync(path.join(ROOT, 'src/detect', name), 'utf8'));
  const chunk = sources.join('\n');
  const tokens = [];
  let text = '';
  while (text.length < 5_000_000) {
    const token = githubToken();
    tokens.push(token);
    text += `${chunk}\nconst leaked = "${token}";\n`;
  }
  const started = process.hrtime.bigint();
  const findings = detect(text, { file: 'big.ts', fingerprintKey }).filter((f) => f.rule === 'github-token');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`    5 MB scanned in ${(seconds * 1000).toFixed(0)} ms (${(text.length / 1e6 / seconds).toFixed(0)} MB/s)`);
  assert.equal(findings.map((f) => f.secret), tokens);
});

test.run();
