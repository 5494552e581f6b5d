// Two teammates sharing a remote, through the built CLI and real git: pulls are never silently
// undone, both sides are named, fresh clones get the merge drivers, concurrent writers all land.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, assertNoSecrets, cleanEnv, git, read, run, runAsync, tempDir, write } from '../helpers/cli.js';

const SMTP = 'smtp-Fz4qT8wLp2Rk9Xv3Nb6Y';
const SECRETS = [SMTP];

/** A bare remote; Alice's clone with a sealed .env, its drivers and attributes pushed; Bob's fresh clone with the key. */
function team({ setup = true } = {}) {
  const remote = path.join(tempDir('envseal-remote-'), 'app.git');
  git(path.dirname(remote), 'init', '-q', '--bare', '-b', 'main', remote);
  const alice = clone(remote, 'alice');
  write(path.join(alice, '.env'), 'PORT=3000\nSMTP_PASSWORD=old-password-value\n');
  assert.is(run(['init', '--no-hooks'], { cwd: alice }).code, 0);
  assert.is(run(['encrypt'], { cwd: alice }).code, 0);
  if (setup) assert.is(run(['git', 'setup'], { cwd: alice }).code, 0);
  git(alice, 'add', '-A');
  git(alice, 'commit', '-q', '-m', 'sealed env');
  git(alice, 'push', '-q', 'origin', 'main');
  const bob = clone(remote, 'bob');
  fs.copyFileSync(path.join(alice, '.env.key'), path.join(bob, '.env.key')); // handed over out of band
  fs.chmodSync(path.join(bob, '.env.key'), 0o600);
  return { remote, alice, bob };
}

function clone(remote, who) {
  const dir = path.join(tempDir(`envseal-${who}-`), 'app');
  git(path.dirname(dir), 'clone', '-q', remote, dir);
  git(dir, 'config', 'user.name', who);
  git(dir, 'config', 'user.email', `${who}@example.com`);
  return dir;
}

const values = (dir, extra = []) => Object.fromEntries(run(['decrypt', '--stdout', ...extra], { cwd: dir }).stdout.trim().split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const setValue = (dir, name, value) => {
  const r = run(['set', name], { cwd: dir, input: value });
  assert.is(r.code, 0, r.stderr);
};
const commitAndPush = (dir, message) => {
  git(dir, 'commit', '-q', '-am', message);
  git(dir, 'push', '-q', 'origin', 'main');
};

/** Alice changes SMTP_PASSWORD and pushes; Bob, who decrypted before, pulls without decrypting. */
function alicePushesWhileBobHasOldEnv() {
  const t = team();
  assert.is(run(['decrypt'], { cwd: t.bob }).code, 0);
  setValue(t.alice, 'SMTP_PASSWORD', SMTP);
  commitAndPush(t.alice, 'new smtp password');
  git(t.bob, 'pull', '-q', '--ff-only');
  return t;
}

test('a pull is never undone: Bob edits PORT in his older .env, encrypt keeps Alice\'s SMTP_PASSWORD', () => {
  const { bob } = alicePushesWhileBobHasOldEnv();
  const status = run(['status'], { cwd: bob });
  assert.match(status.stdout, /sealed.*SMTP_PASSWORD/, status.stdout);
  fs.writeFileSync(path.join(bob, '.env'), read(path.join(bob, '.env')).replace('PORT=3000', 'PORT=4000'));
  const sealed = run(['encrypt'], { cwd: bob });
  assert.is(sealed.code, 0, sealed.stderr);
  assert.not.match(sealed.stderr, /changed \(PORT, SMTP_PASSWORD\)|SMTP_PASSWORD.*changed/);
  const after = values(bob);
  assert.is(after.PORT, '4000');
  assert.is(after.SMTP_PASSWORD, SMTP, 'Alice\'s value was kept');
  assert.match(read(path.join(bob, '.env')), new RegExp(`^SMTP_PASSWORD=${SMTP}$`, 'm'), 'and written back into .env');
  assertNoSecrets(sealed.output + status.output, SECRETS);
});

test('a name both changed is refused and listed; --force keeps the local value and still merges the rest', () => {
  const { bob } = alicePushesWhileBobHasOldEnv();
  fs.writeFileSync(path.join(bob, '.env'), 'PORT=4000\nSMTP_PASSWORD=bobs-own-password\n');
  const status = run(['status'], { cwd: bob });
  assert.match(status.stdout, /conflict.*SMTP_PASSWORD/, status.stdout);
  const before = read(path.join(bob, '.env.encrypted'));
  const refused = run(['encrypt'], { cwd: bob });
  assert.is(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /SMTP_PASSWORD/);
  assert.not.match(refused.stderr, /PORT/, 'only the name both sides changed is listed');
  assert.is(read(path.join(bob, '.env.encrypted')), before, 'nothing was written');
  const forced = run(['encrypt', '--force'], { cwd: bob });
  assert.is(forced.code, 0, forced.stderr);
  assert.equal(values(bob), { PORT: '4000', SMTP_PASSWORD: 'bobs-own-password' });
  assertNoSecrets(refused.output + forced.output, [...SECRETS, 'bobs-own-password']);
});

test('after a pull with no local edits, a plain decrypt refreshes .env without --force', () => {
  const { bob } = alicePushesWhileBobHasOldEnv();
  const r = run(['decrypt'], { cwd: bob });
  assert.is(r.code, 0, r.stderr);
  assert.match(read(path.join(bob, '.env')), new RegExp(`^SMTP_PASSWORD=${SMTP}$`, 'm'));
  // With an edit of its own, .env is still protected.
  fs.appendFileSync(path.join(bob, '.env'), 'LOCAL_ONLY=1\n');
  setValue(bob, 'PORT', '5000');
  const refused = run(['decrypt'], { cwd: bob });
  assert.is(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /edits of its own/);
  assert.match(read(path.join(bob, '.env')), /LOCAL_ONLY=1/);
});

test('run and config() name the edits in .env that were never sealed, and never their values', () => {
  const { bob } = team();
  assert.is(run(['decrypt'], { cwd: bob }).code, 0);
  fs.writeFileSync(path.join(bob, '.env'), read(path.join(bob, '.env')).replace('PORT=3000', 'PORT=4000'));
  const r = run(['run', '--', process.execPath, '-e', 'console.log(process.env.PORT)'], { cwd: bob });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout.trim(), '3000', 'run delivers the sealed values');
  assert.match(r.stderr, /PORT/);
  assert.match(r.stderr, /encrypt/);
  const lib = path.join(bob, 'app.mjs');
  write(lib, `import { config } from ${JSON.stringify(path.join(ROOT, 'dist/index.js'))};\nconsole.log(config().parsed.PORT);\n`);
  // The library loaded as an app loads it, outside the CLI.
  const app = spawnSync(process.execPath, [lib], { cwd: bob, encoding: 'utf8', env: cleanEnv() });
  assert.is(app.stdout.trim(), '3000');
  assert.match(app.stderr, /PORT/);
  assert.not.match(app.stderr, /4000/);
});

test('init in a fresh clone configures the drivers .gitattributes asks for; concurrent changes then merge per name', () => {
  const { alice, bob } = team();
  const init = run(['init', '--no-hooks'], { cwd: bob });
  assert.is(init.code, 0, init.stderr);
  assert.match(init.stderr + init.stdout, /merge drivers/);
  assert.match(git(bob, 'config', '--get', 'merge.envseal.driver'), /merge/);
  setValue(alice, 'SMTP_PASSWORD', SMTP);
  commitAndPush(alice, 'alice: smtp');
  setValue(bob, 'PORT', '4000');
  git(bob, 'commit', '-q', '-am', 'bob: port');
  git(bob, 'pull', '-q', '--no-rebase', '--no-edit');
  assert.equal(values(bob), { PORT: '4000', SMTP_PASSWORD: SMTP });
});

test('a sealed file merged without the drivers (conflict markers) is reported as a merge conflict, with the fix', () => {
  const { alice, bob } = team({ setup: false });
  setValue(alice, 'SMTP_PASSWORD', SMTP);
  commitAndPush(alice, 'alice: smtp');
  setValue(bob, 'PORT', '4000');
  git(bob, 'commit', '-q', '-am', 'bob: port');
  git(bob, 'fetch', '-q');
  try {
    git(bob, 'merge', '-q', '--no-edit', 'origin/main');
  } catch {
    // the MAC line conflicts without the driver
  }
  assert.match(read(path.join(bob, '.env.encrypted')), /^<<<<<<< /m);
  const r = run(['decrypt', '--stdout'], { cwd: bob });
  assert.is(r.code, 4, r.stderr);
  assert.match(r.stderr, /conflict markers/);
  assert.match(r.stderr, /git checkout --merge -- \.env\.encrypted/);
  assert.not.match(r.stderr, /edited by hand/);
  // The fix works as written: the drivers, then the checkout.
  assert.is(run(['git', 'setup'], { cwd: bob }).code, 0);
  git(bob, 'checkout', '--merge', '--', '.env.encrypted');
  assert.equal(values(bob), { PORT: '4000', SMTP_PASSWORD: SMTP });
});

test('init keeps plaintext, keys and core dumps out of git, and out of a Docker build context', () => {
  const { bob } = team();
  write(path.join(bob, 'Dockerfile'), 'FROM node:20\nCOPY . .\n');
  assert.is(run(['init', '--no-hooks'], { cwd: bob }).code, 0);
  const ignored = (file) => {
    if (!fs.existsSync(path.join(bob, file))) write(path.join(bob, file), 'x');
    return spawnSync('git', ['check-ignore', '-q', file], { cwd: bob }).status === 0;
  };
  for (const file of ['.env', '.env.key', 'core', 'core.12345', 'sub/core.9']) assert.ok(ignored(file), `${file} is ignored`);
  for (const file of ['core.js', 'lib/core/index.js', '.env.example', '.env.encrypted']) assert.not.ok(ignored(file), `${file} is not ignored`);
  // Docker reads .dockerignore with Go's filepath.Match plus **: these lines are what a COPY . . leaves out.
  const docker = read(path.join(bob, '.dockerignore')).split('\n');
  for (const rule of ['**/.env', '**/.env.*', '**/.env.key', '**/.env.*.key', '!**/.env.example', '!**/.env.encrypted']) assert.ok(docker.includes(rule), rule);
  assert.is(run(['init', '--no-hooks'], { cwd: bob }).code, 0);
  assert.is(read(path.join(bob, '.dockerignore')).split('\n').filter((l) => l === '**/.env').length, 1, 'idempotent');
});

test('20 parallel `set`s on one file all land', async () => {
  const { bob } = team();
  const runs = Array.from({ length: 20 }, (_, i) => {
    const child = runAsync(['set', `NAME_${i}`], { cwd: bob });
    child.stdin.end(`value-${i}`);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    return new Promise((resolve) => child.on('exit', (code) => resolve({ i, code, stderr })));
  });
  for (const { i, code, stderr } of await Promise.all(runs)) assert.is(code, 0, `set NAME_${i}: ${stderr}`);
  const after = values(bob);
  for (let i = 0; i < 20; i++) assert.is(after[`NAME_${i}`], `value-${i}`);
  assert.is(after.SMTP_PASSWORD, 'old-password-value');
});

test('an edit kept after a failure is sealed three ways: a change made meanwhile is not reverted', () => {
  const { bob } = team();
  const editor = path.join(bob, '..', 'bad-editor.sh');
  write(editor, '#!/bin/sh\nsed -i "s/^PORT=.*/PORT=7000/" "$1"\necho "not a valid line" >> "$1"\n', 0o755);
  const failed = run(['edit'], { cwd: bob, env: { EDITOR: editor } });
  assert.is(failed.code, 4, failed.stderr);
  const kept = /kept in (\S+) \(mode 0600\)/.exec(failed.stderr)?.[1];
  assert.ok(kept, failed.stderr);
  setValue(bob, 'SMTP_PASSWORD', SMTP); // meanwhile
  fs.writeFileSync(kept, read(kept).replace('not a valid line\n', ''));
  // The command the error gives, as given.
  const command = /seal it with `envseal ([^`]+)`/.exec(failed.stderr)?.[1];
  assert.ok(command, failed.stderr);
  const sealed = run(command.split(' '), { cwd: bob });
  assert.is(sealed.code, 0, sealed.stderr);
  assert.equal(values(bob), { PORT: '7000', SMTP_PASSWORD: SMTP });
  fs.rmSync(path.dirname(kept), { recursive: true, force: true });
});

test('status --all --check without any key fails (exit 3), even where a file was tampered with', () => {
  const { bob } = team();
  fs.rmSync(path.join(bob, '.env.key'));
  const ok = run(['status', '--all'], { cwd: bob });
  assert.is(ok.code, 0, 'without --check, a missing key is information');
  const check = run(['status', '--all', '--check'], { cwd: bob });
  assert.is(check.code, 3, check.stdout + check.stderr);
  const sealed = path.join(bob, '.env.encrypted');
  fs.writeFileSync(sealed, read(sealed).replace(/^(PORT=fernet:gAAAAA)./m, '$1Z'));
  assert.ok([3, 4].includes(run(['status', '--all', '--check'], { cwd: bob }).code));
});

test.run();
