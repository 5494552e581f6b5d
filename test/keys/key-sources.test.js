// Key resolution: the lookup order, previous keys, what a ring carries, and the errors that name
// every place looked in without ever showing a key.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MasterKey } from '../../dist/crypto/master-key.js';
import { resolveKeyRing, tryResolveKeyRing, findKeyFile } from '../../dist/keys/key-sources.js';
import { parseKeyFile, serializeKeyFile } from '../../dist/keys/key-file.js';
import { KeyRing } from '../../dist/keys/key-ring.js';
import { OTHER_KEY, TEST_KEY, tempDir, write } from '../helpers/cli.js';

const THIRD_KEY = MasterKey.generate().export();
const fp = (key) => MasterKey.parse(key, 'test').fingerprint;

function project() {
  const root = tempDir('envseal-keys-');
  fs.mkdirSync(path.join(root, '.git'));
  fs.mkdirSync(path.join(root, 'app', 'config'), { recursive: true });
  return root;
}

function throwsCode(fn, code) {
  try {
    fn();
  } catch (e) {
    assert.is(e.code, code, e.message);
    return e;
  }
  assert.unreachable(`expected ${code}`);
}

test('--key-file wins over a variable, a variable over the key command, the command over key files', () => {
  const root = project();
  const envFile = path.join(root, '.env');
  write(path.join(root, '.env.key'), `${TEST_KEY}\n`, 0o600);
  write(path.join(root, 'flag.key'), `${OTHER_KEY}\n`, 0o600);
  const command = `printf '%s\\n' ${THIRD_KEY}`;
  const ring = (extra) => resolveKeyRing({ envFile, env: {}, ...extra });
  assert.is(ring({ keyFile: path.join(root, 'flag.key'), env: { ENVSEAL_MASTER_KEY: THIRD_KEY } }).current.fingerprint, fp(OTHER_KEY));
  assert.is(ring({ env: { ENVSEAL_MASTER_KEY: OTHER_KEY, ENVSEAL_KEY_COMMAND: command } }).kind, 'variable');
  assert.is(ring({ env: { ENVSEAL_KEY_COMMAND: command } }).current.fingerprint, fp(THIRD_KEY));
  const fromFile = ring({});
  assert.is(fromFile.kind, 'key-file');
  assert.is(fromFile.keyFilePath, path.join(root, '.env.key'));
  assert.is(fromFile.current.fingerprint, fp(TEST_KEY));
});

test('ENVSEAL_MASTER_KEY_<ENV> comes before ENVSEAL_MASTER_KEY for that environment only', () => {
  const root = project();
  const env = { ENVSEAL_MASTER_KEY_PRODUCTION: OTHER_KEY, ENVSEAL_MASTER_KEY: TEST_KEY };
  assert.is(resolveKeyRing({ envFile: path.join(root, '.env.production'), envName: 'production', env }).source, 'ENVSEAL_MASTER_KEY_PRODUCTION');
  assert.is(resolveKeyRing({ envFile: path.join(root, '.env'), env }).source, 'ENVSEAL_MASTER_KEY');
});

test('a key file is found from the env file up to the repository root, and not above it', () => {
  const root = project();
  write(path.join(root, '.env.key'), `${TEST_KEY}\n`, 0o600);
  const deep = path.join(root, 'app', 'config', '.env');
  assert.is(findKeyFile({ envFile: deep }), path.join(root, '.env.key'));
  const outside = tempDir('envseal-keys-outer-');
  write(path.join(outside, '.env.key'), `${TEST_KEY}\n`, 0o600);
  const inner = path.join(outside, 'repo');
  fs.mkdirSync(path.join(inner, '.git'), { recursive: true });
  assert.is(findKeyFile({ envFile: path.join(inner, '.env') }), undefined);
});

test('previous keys: from the key file, then ENVSEAL_MASTER_KEY_PREVIOUS, none repeated, current first', () => {
  const root = project();
  const current = MasterKey.parse(TEST_KEY, 't');
  write(path.join(root, '.env.key'), serializeKeyFile({ current, previous: [{ key: MasterKey.parse(OTHER_KEY, 't'), retired: '2026-01-01T00:00:00Z' }] }, '.env'), 0o600);
  const ring = resolveKeyRing({ envFile: path.join(root, '.env'), env: { ENVSEAL_MASTER_KEY_PREVIOUS: `${OTHER_KEY}, ${THIRD_KEY}` } });
  assert.equal(ring.keys.map((k) => k.fingerprint), [fp(TEST_KEY), fp(OTHER_KEY), fp(THIRD_KEY)]);
  assert.is(ring.previous[0].retired, '2026-01-01T00:00:00Z');
});

test('no key anywhere: tryResolveKeyRing is undefined; resolveKeyRing names every place it looked', () => {
  const root = project();
  const lookup = { envFile: path.join(root, 'app', '.env'), envName: 'staging', env: {} };
  assert.is(tryResolveKeyRing(lookup), undefined);
  const e = throwsCode(() => resolveKeyRing(lookup), 'E_KEY_MISSING');
  assert.is(e.exitCode, 3);
  for (const place of ['ENVSEAL_MASTER_KEY_STAGING', 'ENVSEAL_MASTER_KEY', 'ENVSEAL_KEY_COMMAND', '.env.staging.key']) assert.match(e.message, place);
});

test('a key file readable by others, a directory or a FIFO at its place is refused; a malformed key is not echoed', () => {
  const root = project();
  write(path.join(root, '.env.key'), `${TEST_KEY}\n`, 0o644);
  const lookup = { envFile: path.join(root, '.env'), env: {} };
  assert.match(throwsCode(() => resolveKeyRing(lookup), 'E_KEY_FILE_PERMISSIONS').hint, 'chmod 600');
  fs.rmSync(path.join(root, '.env.key'));
  fs.mkdirSync(path.join(root, '.env.key'));
  throwsCode(() => resolveKeyRing(lookup), 'E_IS_DIRECTORY');
  const broken = 'not-a-key-but-a-secret-looking-string!!';
  const e = throwsCode(() => resolveKeyRing({ ...lookup, env: { ENVSEAL_MASTER_KEY: broken } }), 'E_KEY_MALFORMED');
  assert.not.match(e.message, broken);
});

test('a failing key command is E_KEY_COMMAND with its status', () => {
  const root = project();
  const e = throwsCode(() => resolveKeyRing({ envFile: path.join(root, '.env'), env: { ENVSEAL_KEY_COMMAND: 'exit 7' } }), 'E_KEY_COMMAND');
  assert.match(e.message, 'exited with status 7');
});

test('key files: one current key, then "previous <key> [retired=...]"; anything else is named by line', () => {
  const parsed = parseKeyFile(`# comment\n\n${TEST_KEY}\nprevious ${OTHER_KEY} retired=2026-02-02T00:00:00Z\n`, 'key file k');
  assert.is(parsed.current.fingerprint, fp(TEST_KEY));
  assert.equal(parsed.previous.map((p) => [p.key.fingerprint, p.retired]), [[fp(OTHER_KEY), '2026-02-02T00:00:00Z']]);
  const e = throwsCode(() => parseKeyFile(`${TEST_KEY}\n${OTHER_KEY}\n`, 'key file k'), 'E_KEY_FILE_SYNTAX');
  assert.match(e.message, 'line 2');
  assert.not.match(e.message, OTHER_KEY);
  const again = parseKeyFile(serializeKeyFile(parsed, '.env'), 'k');
  assert.equal(again.previous.map((p) => p.key.fingerprint), [fp(OTHER_KEY)]);
});

test('a key ring prints as fingerprints, never as keys', () => {
  const ring = KeyRing.of(MasterKey.parse(TEST_KEY, 't'), 'memory');
  assert.not.match(JSON.stringify({ ring }), TEST_KEY);
  assert.match(JSON.stringify({ ring }), fp(TEST_KEY));
});

test.run();
