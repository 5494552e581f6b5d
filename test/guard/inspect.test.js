// The guard's judgement of one changed file, on synthetic patches: no git needed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inspectOptions } from '../../dist/guard/guard-run.js';
import { checkBytes, checkFile } from '../../dist/guard/inspect.js';
import { TeamSecretIndex } from '../../dist/detect/team-secrets.js';

const knowledge = { teamSecrets: TeamSecretIndex.build([]), knownKeys: [], keysFor: () => undefined };
const run = { root: '/nowhere', env: {}, inlineAllow: true };
const patch = (path, text, extra = {}) => ({ path, isNew: true, binary: false, runs: [{ start: 1, text, count: text.split('\n').length }], ...extra });
const rules = (path, text, nameRules = true) => checkFile(patch(path, text), inspectOptions(run, knowledge, nameRules)).map((f) => f.rule);

test('a plaintext env file is blocked whole by its name, once', () => {
  assert.equal(rules('.env', 'DB_PASSWORD=Zk3pR9vQ2mT7\nAPI_KEY=sk_live_1234'), ['plaintext-env-file']);
  assert.equal(rules('.env.example', 'DB_PASSWORD=<db-password>\nPORT=3000'), []);
});

test('without name rules (a tree scan) a local .env is judged by content only', () => {
  assert.not.ok(rules('.env', 'PORT=3000\nDEBUG=true', false).includes('plaintext-env-file'));
});

test('env file content under another name: three NAME=value lines with a real password', () => {
  const text = 'DB_HOST=db.internal\nDB_USER=app\nDB_PASSWORD=Zk3pR9vQ2mT7x\n';
  assert.ok(rules('deploy/prod.vars', text).includes('plaintext-env-content'));
  assert.not.ok(rules('deploy/prod.vars', text.replace('Zk3pR9vQ2mT7x', '${DB_PASSWORD}')).includes('plaintext-env-content'));
  assert.not.ok(rules('deploy/prod.vars', text.replace('DB_PASSWORD=Zk3pR9vQ2mT7x', 'DB_PASSWORD=Zk3pR9vQ2mT7x # envseal:allow')).includes('plaintext-env-content'));
  assert.not.ok(rules('src/config.py', text).includes('plaintext-env-content'), 'source code is not an env file');
});

test('a hand-edited sealed file: a plaintext value among fernet: values is blocked', () => {
  assert.equal(rules('.env.encrypted', 'A=fernet:gAAAAAB\n  B=plain\n#envseal:mac 00'), ['sealed-file-plaintext']);
});

test('a binary change whose blob cannot be read is judged by its name only', () => {
  assert.equal(checkFile(patch('blob.bin', 'x', { binary: true }), inspectOptions(run, knowledge, true)), []);
  assert.equal(checkFile(patch('.env', '', { binary: true }), inspectOptions(run, knowledge, true)).map((f) => f.rule), ['plaintext-env-file']);
});

const bytesRules = (path, bytes, nameRules = true) => checkBytes(path, bytes, inspectOptions(run, knowledge, nameRules)).map((f) => f.rule);

test('whole contents: UTF-16 text meets every rule, a core dump is blocked by its header, a lock file by its name', () => {
  const token = `ghp_${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}`;
  assert.ok(bytesRules('notes.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`token: ${token}\r\n`, 'utf16le')])).includes('github-token'));
  assert.ok(bytesRules('vars.txt', Buffer.from('DB_HOST=db.internal\nDB_USER=app\nDB_PASSWORD=Zk3pR9vQ2mT7x\n', 'utf16le')).includes('plaintext-env-content'));
  const core = Buffer.alloc(4096);
  core.set([0x7f, 0x45, 0x4c, 0x46, 2, 1]);
  core.writeUInt16LE(4, 16);
  assert.equal(bytesRules('crash/dump-1234', core), ['core-dump']);
  assert.equal(bytesRules('core', core, false), ['core-dump'], 'in a tree scan too');
  assert.equal(rules('env.encrypted.envseal-lock', ''), [], 'not a lock: no leading dot');
  assert.equal(rules('config/..env.encrypted.envseal-lock', '12345'), ['lock-file']);
});

test.run();
