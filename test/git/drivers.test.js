// The pure parts of the git drivers: the per-name three-way merge, change markers, the textconv view,
// and the conflict notes of envseal edit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MasterKey } from '../../dist/crypto/master-key.js';
import { parseEnv, toRecord } from '../../dist/format/envfile.js';
import { mergeEnv, renderTextconv, stripConflictNotes, tokenMarker, valueMarker, withConflictNotes } from '../../dist/git/drivers.js';
import { TEST_KEY, OTHER_KEY } from '../helpers/cli.js';

const env = (text) => parseEnv(text, 'test');
const merge = (base, ours, theirs) => mergeEnv(env(base), env(ours), env(theirs));
const render = (lines) => lines.map((l) => (l.kind === 'trivia' ? l.text : `${l.name}=${l.value}`)).join('\n');

test('one-sided changes are taken from either side; equal changes are not conflicts', () => {
  const base = 'A=1\nB=2\nC=3\n';
  const m = merge(base, 'A=10\nB=2\nC=30\n', 'A=1\nB=20\nC=30\n');
  assert.equal(toRecord(m.lines), { A: '10', B: '20', C: '30' });
  assert.equal(m.conflicts, []);
  assert.equal(m.fromTheirs, ['B']);
});

test('the same name changed differently on both sides is a conflict that keeps ours', () => {
  const m = merge('A=1\nB=2\n', 'A=ours\nB=2\n', 'A=theirs\nB=22\n');
  assert.equal(m.conflicts, ['A']);
  assert.equal(toRecord(m.lines), { A: 'ours', B: '22' });
});

test('deletions: one-sided deletion is taken; deleted on one side and changed on the other is a conflict', () => {
  assert.equal(toRecord(merge('A=1\nB=2\n', 'A=1\n', 'A=1\nB=2\n').lines), { A: '1' });
  assert.equal(toRecord(merge('A=1\nB=2\n', 'A=1\nB=2\n', 'A=1\n').lines), { A: '1' });
  const m = merge('A=1\nB=2\n', 'A=1\n', 'A=1\nB=changed\n');
  assert.equal(m.conflicts, ['B']);
  assert.equal(toRecord(m.lines), { A: '1' });
});

test('a name only theirs added goes after its predecessor in theirs, with its comment block; layout from ours', () => {
  const m = merge('A=1\n\nZ=9\n', '# ours header\nA=1\n\nZ=9\n', 'A=1\n# new one\n# @required\nNEW=x\n\nZ=9\n');
  assert.is(render(m.lines), '# ours header\nA=1\n# new one\n# @required\nNEW=x\n\nZ=9');
});

test('add/add without a base: the same value merges, different values conflict', () => {
  assert.equal(merge('', 'A=1\n', 'A=1\nB=2\n').conflicts, []);
  assert.equal(toRecord(merge('', 'A=1\n', 'A=1\nB=2\n').lines), { A: '1', B: '2' });
  assert.equal(merge('', 'A=1\n', 'A=2\n').conflicts, ['A']);
});

test('a replaced value keeps ours\' inline comment and export', () => {
  const m = merge('export A=1 # note\n', 'export A=1 # note\n', 'A=2\n');
  const [line] = m.lines;
  assert.equal([line.value, line.exported, line.comment], ['2', true, ' # note']);
});

test('value markers are keyed: stable for a value, different per value, name and key; never the value', () => {
  const key = MasterKey.parse(TEST_KEY, 'test');
  const other = MasterKey.parse(OTHER_KEY, 'test');
  const m = valueMarker(key, 'A', 'secret-value');
  assert.match(m, /^[0-9a-f]{12}$/);
  assert.is(valueMarker(key, 'A', 'secret-value'), m);
  assert.is.not(valueMarker(key, 'A', 'secret-valuf'), m);
  assert.is.not(valueMarker(key, 'B', 'secret-value'), m);
  assert.is.not(valueMarker(other, 'A', 'secret-value'), m);
  assert.match(tokenMarker('gAAAAAtoken'), /^[0-9a-f]{12}$/);
});

test('textconv view: notes, history, comments, masked entries and markers', () => {
  const text = renderTextconv({
    notes: ['sealed with key abc'],
    history: [{ date: '2026-01-01T00:00:00Z', event: 'rotated', key: 'k2', previousKey: 'k1', reason: 'offboarding', envseal: '0.1.0' }],
    lines: [{ kind: 'trivia', text: '# app', line: 1 }, { kind: 'entry', name: 'A', shown: '****', marker: '0123' }, { kind: 'entry', name: 'B', marker: '4567' }],
  });
  assert.is(text, '# envseal: sealed with key abc\n# envseal history: 2026-01-01T00:00:00Z rotated key k2 (from key k1, reason: offboarding)\n# app\nA=****  (value 0123)\nB  (sealed, token 4567)\n');
});

test('conflict notes show theirs above ours and are stripped on save', () => {
  const ours = env('A=ours\nB=1\n');
  const theirs = env('A="the irs"\n');
  const lines = withConflictNotes(ours, theirs, ['A', 'B']);
  const text = render(lines);
  assert.match(text, /# envseal-merge: A was changed on both branches; the line below is ours/);
  assert.match(text, /# envseal-merge: theirs: A="the irs"\nA=ours/);
  assert.match(text, /# envseal-merge: theirs removed B\.\nB=1/);
  assert.is(stripConflictNotes(`${text}\n`), 'A=ours\nB=1\n');
});

test.run();
