// Runs the built CLI as a child process, the way users and hooks do.
import { spawnSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/envseal.js');

/** An environment without the developer's keys or git identity leaking into tests. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('ENVSEAL_') || k === 'SECRETS_MASTER_KEY' || k.startsWith('GIT_')) continue;
    env[k] = v;
  }
  return {
    ...env,
    NO_COLOR: '1',
    GIT_AUTHOR_NAME: 'Test User',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test User',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    GIT_CONFIG_NOSYSTEM: '1',
    ...extra,
  };
}

export function run(args, { cwd, env = {}, input, timeout = 30_000 } = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: cleanEnv(env),
    input,
    encoding: 'utf8',
    timeout,
  });
  if (result.error) throw result.error;
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr, output: result.stdout + result.stderr };
}

export function runAsync(args, { cwd, env = {}, stdio = 'pipe' } = {}) {
  return spawn(process.execPath, [BIN, ...args], { cwd, env: cleanEnv(env), stdio });
}

export function tempDir(prefix = 'envseal-test-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function git(cwd, ...args) {
  const result = spawnSync('git', args, { cwd, env: cleanEnv(), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** This working tree's files (committed or not; what git does not ignore), copied into a new temp dir: a fresh checkout, nothing built or installed. */
export function copyWorkingTree(prefix) {
  const dir = tempDir(prefix);
  const listed = git(ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0').filter(Boolean);
  for (const file of listed) {
    const from = path.join(ROOT, file);
    if (!fs.existsSync(from) || fs.statSync(from).isDirectory()) continue;
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, file));
  }
  return dir;
}

export function gitRepo(prefix) {
  const dir = tempDir(prefix);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test User');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  return dir;
}

/** Fails when any of `secrets` appears in `text` (also base64 and URL-encoded forms). */
export function assertNoSecrets(text, secrets, context = 'output') {
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)]) {
      assert.not.ok(text.includes(form), `${context} leaks a secret value`);
    }
  }
}

export function read(file) {
  return fs.readFileSync(file, 'utf8');
}

export function write(file, content, mode) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, mode === undefined ? undefined : { mode });
  if (mode !== undefined) fs.chmodSync(file, mode);
}

export function mode(file) {
  return fs.statSync(file).mode & 0o777;
}

export function snapshot(dir) {
  const files = {};
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    const stat = fs.lstatSync(full);
    if (stat.isFile()) files[name] = { content: fs.readFileSync(full).toString('base64'), mode: stat.mode & 0o777, mtime: stat.mtimeMs };
    else files[name] = { dir: stat.isDirectory() };
  }
  return files;
}

/** A fixed, test-only master key (never used outside tests). */
export const TEST_KEY = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';
export const OTHER_KEY = 'Z2AzOrj9hvnHfPYydy1CUvcDVWKYI4ap4nxjOHrvX5g=';

/**
 * Makes `dir` a husky 9 project the way `npm install` would: husky (this repository's own copy) and
 * envseal linked into node_modules, then husky's own setup run, with `env` for its git.
 */
export function setUpHusky(dir, env = {}) {
  write(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', devDependencies: { husky: '^9' } }));
  fs.mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules/husky'), path.join(dir, 'node_modules/husky'));
  fs.symlinkSync(BIN, path.join(dir, 'node_modules/.bin/envseal'));
  write(path.join(dir, '.gitignore'), 'node_modules/\n');
  const r = spawnSync(process.execPath, ['node_modules/husky/bin.js'], { cwd: dir, env: cleanEnv(env), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
}
