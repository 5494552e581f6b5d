// The recipients file format: parse what a union merge can leave, render canonically, MACs keyed from the master key.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MasterKey } from '../../dist/crypto/master-key.js';
import { macValid, parseRecipients, renderRecipients, signed } from '../../dist/format/recipients.js';

const KEY = MasterKey.generate();
const OTHER = MasterKey.generate();
const grant = (name, recipient = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${name.padEnd(43, 'x')}`) =>
  signed({ kind: 'recipient', name, recipient, granted: '2026-12-02T10:00:00Z', by: 'Bob Smith', age: 'YWdlLWVuY3J5cHRpb24ub3JnL3YxCg==' }, KEY);
const tombstone = (name) => signed({ kind: 'revoked', name, fingerprint: 'SHA256:abc', date: '2026-12-03T10:00:00Z', by: 'Bob', reason: 'left the team' }, KEY);

test('renders sorted, one header; parses back to the same records; MACs verify only under their key', () => {
  const text = renderRecipients(KEY.fingerprint, [grant('zoe'), tombstone('carol'), grant('alice', 'age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq')]);
  const lines = text.trim().split('\n');
  assert.is(lines[0], `#envseal:recipients v1 key=${KEY.fingerprint}`);
  assert.equal(lines.slice(1).map((l) => l.split(' ').slice(0, 2).join(' ')), ['#envseal:recipient alice', '#envseal:recipient zoe', '#envseal:revoked carol']);
  assert.match(text, /by=Bob%20Smith/);
  assert.match(text, /reason=left%20the%20team/);
  const parsed = parseRecipients(text, '.env.recipients');
  assert.equal(parsed.keys, [KEY.fingerprint]);
  assert.equal(parsed.problems, []);
  assert.equal(parsed.lines.map((l) => [l.kind, l.name]), [['recipient', 'alice'], ['recipient', 'zoe'], ['revoked', 'carol']]);
  assert.is(parsed.lines[1].by, 'Bob Smith');
  assert.is(parsed.lines[2].reason, 'left the team');
  assert.is(renderRecipients(KEY.fingerprint, parsed.lines), text, 'canonical');
  for (const line of parsed.lines) {
    assert.ok(macValid(line, KEY));
    assert.not.ok(macValid(line, OTHER));
  }
});

test('a forged or edited line fails its MAC; an unreadable line is a problem, not a record', () => {
  const text = renderRecipients(KEY.fingerprint, [grant('alice')]);
  const forged = parseRecipients(text.replace('alice', 'mallory'), 'f').lines[0];
  assert.not.ok(macValid(forged, KEY));
  const garbage = parseRecipients(`${text}#envseal:recipient broken line\nnot a record\n# a comment\n`, 'f');
  assert.equal(garbage.problems.map((p) => p.line), [3, 4]);
  assert.is(garbage.lines.length, 1);
});

test('what a union merge leaves: two headers are both kept, identical lines once', () => {
  const a = renderRecipients(KEY.fingerprint, [grant('alice')]);
  const b = renderRecipients(OTHER.fingerprint, [grant('bob')]);
  const merged = parseRecipients(`${a}${b}${a}`, 'f');
  assert.equal(merged.keys, [KEY.fingerprint, OTHER.fingerprint]);
  assert.equal(merged.lines.map((l) => l.name), ['alice', 'bob']);
});

test('names are restricted, so a line cannot smuggle fields', () => {
  const text = renderRecipients(KEY.fingerprint, [grant('alice')]).replace('recipient alice', 'recipient al=ice');
  assert.is(parseRecipients(text, 'f').lines.length, 0);
});

test.run();
