// Flat YAML as ansible reads it: PyYAML (what ansible loads vars with) is the judge. Every document
// envseal accepts means to PyYAML exactly the strings envseal reads; every one it refuses for a type
// is one PyYAML types.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { looksLikeYaml, parseFlatYaml } from '../../dist/import/flat-yaml.js';
import { needing } from '../helpers/tools.js';

const withPyYaml = needing(test, 'python3-yaml');

/** PyYAML's reading of each document: {KEY: [type, text]} or {error}. */
function pyyaml(documents) {
  const script = `
import json, sys, yaml
out = []
for doc in json.load(sys.stdin):
    try:
        data = yaml.safe_load(doc)
        out.append({k: [type(v).__name__, v if isinstance(v, str) else str(v)] for k, v in data.items()} if isinstance(data, dict) else {'error': type(data).__name__})
    except Exception as e:
        out.append({'error': type(e).__name__})
print(json.dumps(out))`;
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(documents), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

const record = (lines) => Object.fromEntries(lines.filter((l) => l.kind === 'entry').map((l) => [l.name, l.value]));

const ACCEPTED = [
  'A: plain text\n',
  '---\nA: 1\nB: 5432\nC: -7\nD: 0\n',
  'A: "double \\"quoted\\" \\n \\t \\\\ \\u00e9 \\x41 \\U0001F600"\n',
  "A: 'it''s # not a comment'\n",
  'A: value # a comment\nB: a#b\n',
  'A: ""\nB: \'\'\n',
  '# comment\n\nA: x\n\n# another\nB: y\n...\n',
  'A: |\n  line one\n    indented\n  line three\nB: next\n',
  'A: |-\n  no final newline\nB: |+\n  keeps\n\n\nC: c\n',
  'A: |\n  text\n\n\nB: b\n',
  'A: https://example.com/path?x=1&y=2\nB: user@host\nC: 1.2.3.4\nD: v1.2\n',
  'A: héllo ✓ 日本\n',
  'A_B.c-d: x\n',
  'A: "yes"\nB: \'0123\'\nC: "~"\n',
  'A: -x\nB: ?x\nC: x:y\n',
];

withPyYaml('what envseal reads from flat YAML is what PyYAML reads: strings, and integers as written', () => {
  const theirs = pyyaml(ACCEPTED);
  ACCEPTED.forEach((doc, i) => {
    const ours = record(parseFlatYaml(doc, 'v.yml'));
    const expected = Object.fromEntries(Object.entries(theirs[i]).map(([k, [type, text]]) => {
      assert.ok(type === 'str' || type === 'int', `${JSON.stringify(doc)}: ${k} is a ${type}`);
      return [k, text];
    }));
    assert.equal(ours, expected, JSON.stringify(doc));
  });
});

const TYPED = [
  'A: yes\n', 'A: No\n', 'A: on\n', 'A: TRUE\n', 'A: ~\n', 'A: null\n', 'A: 0123\n', 'A: 0x1F\n', 'A: 1_000\n', 'A: +5\n',
  'A: 1.5\n', 'A: 1.50\n', 'A: 1.0e+3\n', 'A: .inf\n', 'A: .NaN\n', 'A: 1:30\n', 'A: 2001-12-14\n', 'A: 2001-12-14 21:59:43.10 -5\n', 'A: -0\n', 'A: 0b101\n',
];

withPyYaml('a plain value YAML types as something else than its text is refused, and PyYAML does type each', () => {
  const theirs = pyyaml(TYPED);
  TYPED.forEach((doc, i) => {
    assert.throws(() => parseFlatYaml(doc, 'v.yml'), (e) => e.code === 'E_IMPORT_FORMAT' && /YAML reads the value of A as/.test(e.message), doc);
    const [type, text] = theirs[i].A;
    assert.ok(type !== 'str' && !(type === 'int' && text === doc.slice(3, -1)), `${doc.trim()}: PyYAML reads ${type} ${text}`);
  });
});

const REFUSED = [
  ['A:\n  B: nested\n', /nested mapping or list/],
  ['A:\n- x\n', /A holds a nested mapping or list/],
  ['- x\n', /a list/],
  ['A: [1, 2]\n', /flow collection/],
  ['A: {b: 1}\n', /flow collection/],
  ['A: &anchor x\nB: *anchor\n', /anchor, alias or tag/],
  ['A: !!str x\n', /anchor, alias or tag/],
  ['A: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n', /inline !vault/],
  ['A: >\n  folded\n', /folded block/],
  ['A: |2\n  x\n', /indentation digit/],
  ['A: "open\n  continued"\n', /does not end on its line/],
  ["A: 'open\n", /does not end on its line/],
  ['A: plain\n  continued\n', /indented line/],
  ['A:\n', /no value \(YAML null\)/],
  ['A: x\nA: y\n', /A is set a second time/],
  ['A: x\n---\nB: y\n', /second YAML document/],
  ['A: x\n...\nB: y\n', /after the end/],
  ['"A": x\n', /quoted key/],
  ['A: a: b\n', /holds ": "/],
  ['A: "bad \\q escape"\n', /escape envseal does not read/],
  ['A: "x" trailing\n', /text after the quoted value/],
  ['A: @x\n', /reserves/],
  ['%YAML 1.1\n---\nA: x\n', /directive/],
  ['A: |\n\tx\n', /tab/],
];

test('nested, multi-line and other structures are refused with the line, never the value', () => {
  for (const [doc, message] of REFUSED) {
    assert.throws(
      () => parseFlatYaml(doc, 'vault.yml (decrypted)'),
      (e) => e.code === 'E_IMPORT_FORMAT' && e.exitCode === 4 && message.test(e.message) && /^vault\.yml \(decrypted\) line \d+: /.test(e.message) && !/nested\b.*B: nested|continued|folded\b.*\n/.test(e.message),
      JSON.stringify(doc),
    );
  }
});

test('YAML is told from dotenv by its first entry', () => {
  assert.ok(looksLikeYaml('---\nA=1\n'));
  assert.ok(looksLikeYaml('# c\n\nA: 1\n'));
  assert.not.ok(looksLikeYaml('# c\nA=1\nB: 2\n'));
  assert.not.ok(looksLikeYaml('export A=1\n'));
  assert.not.ok(looksLikeYaml('A=x: y\n'));
});

test('comments and blank lines stay, at their lines; a block keeps its header comment', () => {
  const lines = parseFlatYaml('# top\nA: x # why\n\nB: | # pem\n  l1\n', 'v');
  assert.equal(lines.map((l) => [l.kind, l.line, l.kind === 'entry' ? l.comment : l.text]), [
    ['trivia', 1, '# top'],
    ['entry', 2, ' # why'],
    ['trivia', 3, ''],
    ['entry', 4, ' # pem'],
  ]);
});

test.run();
