// envseal set / unset: the value from stdin or a hidden prompt, never argv; a one-line change plus the MAC.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, assertNoSecrets, read, run } from '../../helpers/cli.js';
import { changedLines, lines, sealedProject, spot, values } from './helpers.js';
import { runAtTerminal } from '../../helpers/pty.js';

const SECRET = spot('secret');
const DB = spot('db');
const ENV = `# app\nSECRET_KEY=${SECRET}\nDB_PASSWORD='${DB}' # primary db\nPORT=3000\n\n# trailing comment\n`;
const SECRETS = [SECRET, DB];

const setup = () => {
  const dir = sealedProject(ENV);
  return { dir, sealed: path.join(dir, '.env.encrypted') };
};

const set = suite('set');

set('a new name from stdin is added after the last entry: one new line, the MAC line changes, nothing else but the value records', () => {
  const { dir, sealed } = setup();
  const before = lines(sealed);
  const NEW = spot('new');
  const r = run(['set', 'API_TOKEN'], { cwd: dir, input: `${NEW}\n` });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /Added API_TOKEN in \.env\.encrypted/);
  assertNoSecrets(r.output, [...SECRETS, NEW]);
  const after = lines(sealed);
  assert.is(after.length, before.length + 1);
  const inserted = after.findIndex((line) => line.startsWith('API_TOKEN=fernet:'));
  assert.is(after[inserted - 1].split('=')[0], 'PORT', 'right after the last entry, before the trailing comment');
  const withoutNew = after.filter((_, i) => i !== inserted);
  assert.equal(changedLines(before, withoutNew).map((i) => withoutNew[i].slice(0, 12)), ['#envseal:mac']);
  assert.equal(values(dir), { SECRET_KEY: SECRET, DB_PASSWORD: DB, PORT: '3000', API_TOKEN: NEW });
});

set('an existing name is replaced in place, keeping its quote style and inline comment', () => {
  const { dir, sealed } = setup();
  const before = lines(sealed);
  const NEW = spot('pw');
  const r = run(['set', 'DB_PASSWORD'], { cwd: dir, input: NEW });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /Changed DB_PASSWORD/);
  const after = lines(sealed);
  const changed = changedLines(before, after);
  assert.is(changed.length, 2);
  assert.match(after[changed[0]], /^DB_PASSWORD='fernet:[\w-]+=*' # primary db$/);
  assert.match(after[changed[1]], /^#envseal:mac /);
  const plain = run(['decrypt', '--stdout'], { cwd: dir }).stdout;
  assert.ok(plain.includes(`DB_PASSWORD='${NEW}' # primary db`), 'the plaintext keeps the quotes and comment');
});

set('exactly one trailing newline is stripped from stdin', () => {
  const { dir } = setup();
  for (const [input, expected] of [
    ['abc-value\n', 'abc-value'],
    ['abc-value\r\n', 'abc-value'],
    ['abc-value\n\n', 'abc-value\n'],
    ['abc-value', 'abc-value'],
    ['two words # not a comment\n', 'two words # not a comment'],
    ['', ''],
  ]) {
    assert.is(run(['set', 'VALUE'], { cwd: dir, input }).code, 0);
    assert.is(values(dir).VALUE, expected, JSON.stringify(input));
  }
});

set('the same value again writes nothing', () => {
  const { dir, sealed } = setup();
  const bytes = read(sealed);
  const r = run(['set', 'SECRET_KEY'], { cwd: dir, input: `${SECRET}\n` });
  assert.is(r.code, 0);
  assert.match(r.stderr, /already had that value/);
  assert.is(read(sealed), bytes);
});

set('a value on the command line is refused with exit 2, and never echoed', () => {
  const { dir, sealed } = setup();
  const bytes = read(sealed);
  const typed = spot('typed');
  for (const args of [['set', 'API_TOKEN', typed], ['set', `API_TOKEN=${typed}`], ['set', 'API_TOKEN', typed, 'more', 'words']]) {
    const r = run(args, { cwd: dir, input: 'from-stdin' });
    assert.is(r.code, 2, args.join(' '));
    assert.match(r.stderr, /refusing to take the value of API_TOKEN from the command line: arguments are visible/);
    assert.match(r.stderr, /shell history/);
    assert.not.ok(r.output.includes(typed), 'the value is not echoed');
  }
  assert.is(read(sealed), bytes);
});

set('invalid names are refused with exit 2', () => {
  const { dir } = setup();
  const r = run(['set', 'BAD NAME'], { cwd: dir, input: 'x' });
  assert.is(r.code, 2);
  assert.match(r.stderr, /not a valid variable name: it contains a space/);
  assert.not.match(r.stderr, /BAD NAME/, 'the argument is not echoed');
});

set('at a terminal the value is read from a hidden prompt and never echoed', () => {
  const { dir } = setup();
  const typed = spot('typed');
  // A pseudo-terminal so stdin is a TTY; everything the terminal would show is captured. A typo is
  // typed and erased with backspace.
  const r = runAtTerminal([process.execPath, BIN, 'set', 'TYPED_SECRET'], { cwd: dir, prompt: 'input hidden', reply: `${typed}x\x7f\r` });
  assert.is(r.code, 0, r.output);
  assert.match(r.output, /Value for TYPED_SECRET \(input hidden\)/);
  assert.not.ok(r.output.includes(typed), 'nothing typed was echoed');
  assert.is(values(dir).TYPED_SECRET, typed, 'backspace removed the extra character');
});

set('without the key: exit 3 and nothing changes; audit log records set and unset', () => {
  const { dir, sealed } = setup();
  const bytes = read(sealed);
  fs.rmSync(path.join(dir, '.env.key'));
  assert.is(run(['set', 'X'], { cwd: dir, input: 'v' }).code, 3);
  assert.is(read(sealed), bytes);

  const other = setup();
  assert.is(run(['set', 'X'], { cwd: other.dir, input: 'v' }).code, 0);
  assert.is(run(['unset', 'X'], { cwd: other.dir }).code, 0);
  const audit = read(path.join(other.dir, '.envseal', 'audit.log')).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(audit.map((a) => [a.op, a.outcome]), [['set', 'ok'], ['unset', 'ok']]);
});

set('--env targets .env.<env>.encrypted', () => {
  const { dir } = setup();
  fs.renameSync(path.join(dir, '.env.encrypted'), path.join(dir, '.env.staging.encrypted'));
  fs.renameSync(path.join(dir, '.env.key'), path.join(dir, '.env.staging.key'));
  assert.is(run(['set', 'STAGE', '--env', 'staging'], { cwd: dir, input: 'yes-staging' }).code, 0);
  assert.is(values(dir, ['--env', 'staging']).STAGE, 'yes-staging');
});

const unset = suite('unset');

unset('removes the entry: one line fewer, the MAC line changes, every other line identical but the value records', () => {
  const { dir, sealed } = setup();
  const before = lines(sealed);
  const r = run(['unset', 'DB_PASSWORD'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /Removed DB_PASSWORD from \.env\.encrypted/);
  const after = lines(sealed);
  const removedAt = before.findIndex((line) => line.startsWith('DB_PASSWORD='));
  const expected = before.filter((_, i) => i !== removedAt);
  assert.equal(changedLines(expected, after).map((i) => after[i].slice(0, 12)), ['#envseal:mac']);
  assert.equal(values(dir), { SECRET_KEY: SECRET, PORT: '3000' });
  assertNoSecrets(r.output, SECRETS);
});

unset('a name that is not there: exit 2, nothing written', () => {
  const { dir, sealed } = setup();
  const bytes = read(sealed);
  const r = run(['unset', 'NOPE'], { cwd: dir });
  assert.is(r.code, 2);
  assert.match(r.stderr, /NOPE is not in \.env\.encrypted/);
  assert.is(read(sealed), bytes);
});

set.run();
unset.run();
