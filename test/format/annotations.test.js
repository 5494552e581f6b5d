// The .env.example annotation parser and the placeholder rules (pure).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { annotateEntries, isUnfilled, isWholeUnfilled, matchesFormat } from '../../dist/format/annotations.js';
import { parseEnv } from '../../dist/format/envfile.js';

const annotate = (text) => annotateEntries(parseEnv(text, 'example'));

test('annotations attach to the entry right below (comment block, no blank line) and to its inline comment', () => {
  const entries = annotate('# Section\n\n# Signing key\n# @required @min 32\nSECRET_KEY=<k>\n# @length 4\n\nPIN=<pin>\nPORT=3000 # @format int @max 65535\n');
  assert.equal(
    entries.map((e) => [e.name, e.annotations]),
    [
      ['SECRET_KEY', { required: true, min: 32 }],
      ['PIN', {}],
      ['PORT', { format: 'int', max: 65535 }],
    ],
  );
  assert.equal(entries[0].line, 5);
  assert.equal(entries[0].problems, []);
});

test('problems: unknown annotations in annotation lines, bad arguments, contradictions', () => {
  const [a, b, c, d] = annotate('# @requird\nA=1\n# @min x @format yaml\nB=1\n# @min 10 @max 5\nC=1\n# @length 3 @min 4\n# @required @optional\nD=1\n');
  assert.match(a.problems[0].message, /unknown annotation @requird/);
  assert.is(a.problems[0].line, 1);
  assert.equal(b.problems.map((p) => p.message.split(' ')[0]), ['@min', '@format']);
  assert.match(c.problems[0].message, /@min 10 is greater than @max 5/);
  assert.equal(d.problems.map((p) => p.message).sort(), ['@length 3 contradicts @min/@max', '@required and @optional contradict each other']);
});

test('prose: only known annotations count, and e-mail addresses are not annotations', () => {
  const [a] = annotate('# Ask @alice (alice@example.com), it is @required here\nA=1\n');
  assert.equal(a.annotations, { required: true });
  assert.equal(a.problems, []);
});

test('formats', () => {
  const yes = { fernet: 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=', hex: 'abcDEF09', base64: 'YWJj', base64url: 'YWJj-_', url: 'redis://:pw@h:6379/0', uuid: '123E4567-E89B-42D3-A456-426614174000', int: '+12', bool: 'Off' };
  const no = { fernet: 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4', hex: '0xab', base64: 'YWJ', base64url: 'a/b', url: 'localhost:80 x', uuid: 'not-a-uuid', int: '1e3', bool: 'nope' };
  for (const [format, value] of Object.entries(yes)) assert.ok(matchesFormat(format, value), `${format}: ${value}`);
  for (const [format, value] of Object.entries(no)) assert.not.ok(matchesFormat(format, value), `${format}: ${value}`);
});

test('placeholders', () => {
  for (const v of ['<key>', 'sk_test_<key>', 'your_api_key_here', 'YOUR-TOKEN-HERE', 'changeme', 'change-me', 'replace_me', 'xxx', 'XXXX-XXXX', 'sk_live_xxxxxxxx', '****']) assert.ok(isUnfilled(v), v);
  for (const v of ['', 'maxxed', 'postgres://u:p@h/db', 'x', 'exchange-me-not', '3000', 'W8a31-lFacrjk-V0Qeo7bPu-xxX-6dkd']) assert.not.ok(isUnfilled(v), v);
  assert.ok(isWholeUnfilled('<key>'));
  assert.not.ok(isWholeUnfilled('sk_test_<key>'));
});

test.run();
