// Bypass attempts against the guard (issue 12, "No quiet bypasses"), each through a real commit or push
// with the hooks installed by `envseal hooks install`; `--no-verify` only where the hook before is
// skipped on purpose and the next one must still stop the secret.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, OTHER_KEY, assertNoSecrets, cleanEnv, gitRepo, read, run, tempDir, write } from '../helpers/cli.js';

const BIN_DIR = tempDir('envseal-bin-');
fs.symlinkSync(BIN, path.join(BIN_DIR, 'envseal'));
const ENV = { PATH: `${BIN_DIR}:${process.env.PATH}` };

// Built at run time so this file holds no secret-looking literal.
const GITHUB = `ghp_${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}`;
const TEAM_SECRET = `tEaM-s3cr3t-Value-${'9f8e7d6c5b4a'}`;
const PROD_SECRET = `Pr0d${'VaLuE'}x7Qz2Lm9Rt4Wk8`;
// A key with neither "-" nor "_": nothing but exact knowledge finds it.
const PROD_KEY = OTHER_KEY;
const SECRETS = [GITHUB, TEAM_SECRET, PROD_SECRET, PROD_KEY];

function git(dir, ...args) {
  return spawnSync('git', args, { cwd: dir, env: cleanEnv(ENV), encoding: 'utf8' });
}

function gitOk(dir, ...args) {
  const r = git(dir, ...args);
  assert.is(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function envseal(dir, args, extra = {}) {
  return run(args, { cwd: dir, env: { ...ENV, ...extra.env }, input: extra.input });
}

/** A repository with a sealed default env, the hooks installed, and a first commit. */
function project() {
  const dir = gitRepo('envseal-bypass-');
  write(path.join(dir, '.env'), `SECRET_KEY=${TEAM_SECRET}\nPORT=3000\n`);
  assert.is(envseal(dir, ['init']).code, 0);
  assert.is(envseal(dir, ['encrypt']).code, 0);
  gitOk(dir, 'add', '.gitignore', '.env.encrypted');
  gitOk(dir, 'commit', '-qm', 'Seal env');
  return dir;
}

/** A production environment sealed with its own key, from a key file or (keyFile: false) a variable. */
function addProduction(dir, { keyFile = true } = {}) {
  write(path.join(dir, '.env.production'), `API_SECRET=${PROD_SECRET}\nREGION=eu-west-1\n`);
  const env = keyFile ? {} : { ENVSEAL_MASTER_KEY_PRODUCTION: PROD_KEY };
  if (keyFile) write(path.join(dir, '.env.production.key'), `${PROD_KEY}\n`, 0o600);
  const r = envseal(dir, ['encrypt', '--env', 'production'], { env });
  assert.is(r.code, 0, r.stderr);
  gitOk(dir, 'add', '.env.production.encrypted');
  gitOk(dir, 'commit', '-qm', 'Seal production');
  return env;
}

function stage(dir, file, content) {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), content);
  gitOk(dir, 'add', '-f', '--', file);
}

function commit(dir, args = ['-qm', 'change'], env = {}) {
  const r = spawnSync('git', ['commit', ...args], { cwd: dir, env: cleanEnv({ ...ENV, ...env }), encoding: 'utf8' });
  return { code: r.status, output: r.stdout + r.stderr };
}

function bareRemote(dir) {
  const remote = tempDir('envseal-remote-');
  gitOk(remote, 'init', '-q', '--bare', '-b', 'main');
  gitOk(dir, 'remote', 'add', 'origin', remote);
  gitOk(dir, 'push', '-q', 'origin', 'main');
  return remote;
}

function push(dir, ...args) {
  const r = git(dir, 'push', 'origin', ...(args.length ? args : ['main']));
  return { code: r.status, output: r.stdout + r.stderr };
}

function assertBlocked(result, pattern, context) {
  assert.is.not(result.code, 0, `${context}: should be blocked\n${result.output}`);
  if (pattern) assert.match(result.output, pattern, context);
  assertNoSecrets(result.output, SECRETS, context);
}

const knowledge = suite('every environment is known');

knowledge("a production key without - or _ in a commit message is blocked, from a key file or a variable", () => {
  for (const keyFile of [true, false]) {
    const dir = project();
    const env = addProduction(dir, { keyFile });
    stage(dir, 'a.txt', 'fine\n');
    assertBlocked(commit(dir, ['-qm', `rotate to ${PROD_KEY}`], env), /envseal-master-key-exact/, `key from ${keyFile ? 'a key file' : 'a variable'}`);
  }
});

knowledge('a production value pasted into code is blocked once .env.production is gone', () => {
  const dir = project();
  addProduction(dir);
  fs.rmSync(path.join(dir, '.env.production'));
  stage(dir, 'notes.txt', `ask ops for ${PROD_SECRET} before the release\n`);
  assertBlocked(commit(dir), /team-secret.*API_SECRET/, 'production value');
});

knowledge.run();

const binary = suite('binary files');

const PNG_HEAD = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const keyOf = (dir) => read(path.join(dir, '.env.key')).split('\n').find((l) => l && !l.startsWith('#'));

function coreDump(payload) {
  const header = Buffer.alloc(64);
  header.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  header.writeUInt16LE(4, 16); // ET_CORE
  return Buffer.concat([header, Buffer.alloc(4096), payload, Buffer.alloc(512)]);
}

binary('a UTF-16 text file meets every rule: env content, tokens', () => {
  const dir = project();
  const bom = Buffer.from([0xff, 0xfe]);
  stage(dir, 'config/settings.txt', Buffer.concat([bom, Buffer.from('DB_HOST=db.internal\r\nDB_USER=app\r\nDB_PASSWORD=Zk3pR9vQ2mT7x\r\n', 'utf16le')]));
  assertBlocked(commit(dir), /plaintext-env-content/, 'UTF-16LE env content');
  gitOk(dir, 'reset', '-q');
  stage(dir, 'notes.txt', Buffer.from(`token ${GITHUB}\n`, 'utf16le').swap16());
  assertBlocked(commit(dir), /github-token/, 'UTF-16BE without a BOM');
});

binary("a team value appended to a PNG, a master key in UTF-16 inside binary data, a core dump under any name", () => {
  const dir = project();
  stage(dir, 'logo.png', Buffer.concat([PNG_HEAD, Buffer.from([0, 0, 0, 0, 0xae, 0x42, 0x60, 0x82]), Buffer.from(`\n${TEAM_SECRET}\n`)]));
  assertBlocked(commit(dir), /logo\.png.*team-secret.*SECRET_KEY.*binary content as UTF-8/, 'PNG');
  gitOk(dir, 'reset', '-q');
  stage(dir, 'data.bin', Buffer.concat([Buffer.from([1, 2, 3, 0, 0xff]), Buffer.from(keyOf(dir), 'utf16le'), Buffer.from([0, 9, 0])]));
  assertBlocked(commit(dir), /data\.bin.*envseal-master-key-exact.*UTF-16LE/, 'key in UTF-16 in binary');
  gitOk(dir, 'reset', '-q');
  stage(dir, 'tmp/app-crash', coreDump(Buffer.from(`ENVSEAL_MASTER_KEY=${keyOf(dir)}\0`)));
  assertBlocked(commit(dir), /tmp\/app-crash.*core-dump/, 'core dump');
  assert.is(envseal(dir, ['scan']).code, 1, 'a tree scan finds the core dump too');
});

binary('a committed envseal lock file is blocked', () => {
  const dir = project();
  stage(dir, '..env.encrypted.envseal-lock', '4242\n');
  assertBlocked(commit(dir), /lock-file/, 'lock file');
});

binary('pre-push stops a binary file holding a team value committed with --no-verify; scan --history finds it', () => {
  const dir = project();
  const remote = bareRemote(dir);
  stage(dir, 'blob.bin', Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(TEAM_SECRET, 'utf16le'), Buffer.from([0])]));
  gitOk(dir, 'commit', '-qm', 'binary', '--no-verify');
  assertBlocked(push(dir), /blob\.bin.*team-secret/, 'push');
  assert.match(envseal(dir, ['scan', '--history']).stderr, /blob\.bin.*team-secret/);
  assert.ok(remote);
});

binary.run();
