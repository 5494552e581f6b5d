// `envseal run`: the child's environment, exit status, signals, and --mask, through the real CLI.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runAtTerminal } from '../helpers/pty.js';
import { BIN, OTHER_KEY, TEST_KEY, assertNoSecrets, cleanEnv, run, runAsync, snapshot, tempDir, write } from '../helpers/cli.js';

const STRIPE = 'sk_test_' + 'T3stOnlyNotReal' + '4eC39HqLyjWDarjt';
const PASSWORD = 's3cr3t-pw-for-tests';
const VALUES = {
  STRIPE_SECRET_KEY: STRIPE,
  DATABASE_URL: `postgres://app:${PASSWORD}@db:5432/app`,
  API_TOKEN: 'tok-short-1',
  PORT: '3000',
  DEBUG: 'true',
};
const SECRETS = [STRIPE, PASSWORD, VALUES.API_TOKEN];
const KEY_ENV = { ENVSEAL_MASTER_KEY: TEST_KEY };
const node = (code) => ['run', '--', process.execPath, '-e', code];
const PRINT_ENV = 'process.stdout.write(JSON.stringify(process.env))';

function project() {
  const dir = tempDir('envseal-run-');
  fs.mkdirSync(path.join(dir, '.git'));
  write(path.join(dir, '.env'), `${Object.entries(VALUES).map(([k, v]) => `${k}=${v}`).join('\n')}\n`);
  assert.is(run(['encrypt'], { cwd: dir, env: KEY_ENV }).code, 0);
  fs.rmSync(path.join(dir, '.env'));
  return dir;
}

const childEnv = (r) => {
  assert.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
};

// ---- environment --------------------------------------------------------------------------------

const env = suite('run: the child environment');

env('the child sees the sealed values, and no variable that holds or fetches a master key', () => {
  const dir = project();
  const r = run(node(PRINT_ENV), {
    cwd: dir,
    env: {
      ...KEY_ENV,
      ENVSEAL_MASTER_KEY_PREVIOUS: OTHER_KEY,
      ENVSEAL_MASTER_KEY_STAGING: OTHER_KEY,
      SECRETS_MASTER_KEY: TEST_KEY,
      ENVSEAL_KEY_COMMAND: 'echo not-used',
      UNRELATED: 'kept',
    },
  });
  const seen = childEnv(r);
  for (const [name, value] of Object.entries(VALUES)) assert.is(seen[name], value, name);
  assert.is(seen.UNRELATED, 'kept');
  const keyNames = Object.keys(seen).filter((n) => n.startsWith('ENVSEAL_MASTER_KEY') || n === 'SECRETS_MASTER_KEY' || n === 'ENVSEAL_KEY_COMMAND');
  assert.equal(keyNames, []);
  assert.not.ok(r.stdout.includes(TEST_KEY) || r.stdout.includes(OTHER_KEY));
  assert.is(r.stderr, '');
});

env('the key from --env ENVSEAL_MASTER_KEY_<ENV> is removed too', () => {
  const dir = tempDir('envseal-run-env-');
  fs.mkdirSync(path.join(dir, '.git'));
  write(path.join(dir, '.env.production'), 'PROD_ONLY=yes\n');
  assert.is(run(['encrypt', '--env', 'production'], { cwd: dir, env: { ENVSEAL_MASTER_KEY_PRODUCTION: OTHER_KEY } }).code, 0);
  const seen = childEnv(run(['run', '--env', 'production', '--', process.execPath, '-e', PRINT_ENV], { cwd: dir, env: { ENVSEAL_MASTER_KEY_PRODUCTION: OTHER_KEY } }));
  assert.is(seen.PROD_ONLY, 'yes');
  assert.is(seen.ENVSEAL_MASTER_KEY_PRODUCTION, undefined);
});

env('key variables are removed even when the sealed file itself sets them', () => {
  const dir = tempDir('envseal-run-keyvars-');
  fs.mkdirSync(path.join(dir, '.git'));
  write(path.join(dir, '.env'), `ENVSEAL_MASTER_KEY_OTHER=${OTHER_KEY}\nENVSEAL_KEY_COMMAND=cat key\nSECRETS_MASTER_KEY=${OTHER_KEY}\nKEPT=1\n`);
  assert.is(run(['encrypt'], { cwd: dir, env: KEY_ENV }).code, 0);
  const seen = childEnv(run(node(PRINT_ENV), { cwd: dir, env: KEY_ENV }));
  assert.is(seen.KEPT, '1');
  assert.equal(Object.keys(seen).filter((n) => n.includes('MASTER_KEY') || n.includes('KEY_COMMAND')), []);
});

env('a value no environment can hold (a NUL character) is refused with exit 4, naming it', () => {
  const dir = tempDir('envseal-run-nul-');
  fs.mkdirSync(path.join(dir, '.git'));
  write(path.join(dir, '.env'), 'GOOD=1\nBAD="a\u0000b"\n');
  assert.is(run(['encrypt'], { cwd: dir, env: KEY_ENV }).code, 0);
  const r = run(node(PRINT_ENV), { cwd: dir, env: KEY_ENV });
  assert.is(r.code, 4);
  assert.match(r.stderr, /the value of BAD contains a NUL character/);
  assert.is(r.stdout, '');
});

env('variables already set win, even when empty, unless --override', () => {
  const dir = project();
  assert.is(childEnv(run(node(PRINT_ENV), { cwd: dir, env: { ...KEY_ENV, PORT: '8080' } })).PORT, '8080');
  assert.is(childEnv(run(node(PRINT_ENV), { cwd: dir, env: { ...KEY_ENV, PORT: '' } })).PORT, '');
  assert.is(childEnv(run(['run', '--override', '--', process.execPath, '-e', PRINT_ENV], { cwd: dir, env: { ...KEY_ENV, PORT: '8080' } })).PORT, '3000');
});

env('option parsing stops at --: the command\'s own flags reach it untouched', () => {
  const dir = project();
  const args = ['--mask', '--env', 'x', '--help', '--version', '-q', '--', 'plain'];
  write(path.join(dir, 'args.cjs'), 'process.stdout.write(JSON.stringify(process.argv.slice(2)))');
  const r = run(['run', '--', process.execPath, 'args.cjs', ...args], { cwd: dir, env: KEY_ENV });
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), args);
});

env('stdin is inherited', () => {
  const dir = project();
  const r = run(node('process.stdin.pipe(process.stdout)'), { cwd: dir, env: KEY_ENV, input: 'from stdin\n' });
  assert.is(r.stdout, 'from stdin\n');
});

env('nothing is written to disk', () => {
  const dir = project();
  const before = snapshot(dir);
  assert.is(run(node(PRINT_ENV), { cwd: dir, env: KEY_ENV }).code, 0);
  assert.is(run(['run', '--mask', '--', process.execPath, '-e', PRINT_ENV], { cwd: dir, env: KEY_ENV }).code, 0);
  assert.equal(snapshot(dir), before);
});

env('without a key: exit 3 and the child never starts', () => {
  const dir = project();
  const marker = path.join(dir, 'started');
  const r = run(node(`require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`), { cwd: dir });
  assert.is(r.code, 3);
  assert.not.ok(fs.existsSync(marker));
});

env.run();

// ---- exit status and signals ----------------------------------------------------------------------

const status = suite('run: exit status and signals');

status('the child\'s exit code is envseal\'s', () => {
  const dir = project();
  assert.is(run(node('process.exit(7)'), { cwd: dir, env: KEY_ENV }).code, 7);
  assert.is(run(node('process.exit(0)'), { cwd: dir, env: KEY_ENV }).code, 0);
  assert.is(run(['run', '--mask', '--', process.execPath, '-e', 'process.exit(3)'], { cwd: dir, env: KEY_ENV }).code, 3);
});

status('a child killed by a signal makes envseal end by the same signal', () => {
  const dir = project();
  for (const signal of ['SIGKILL', 'SIGTERM']) {
    const r = run(node(`process.kill(process.pid, '${signal}')`), { cwd: dir, env: KEY_ENV });
    assert.is(r.signal, signal);
    assert.is(r.code, null);
  }
  const masked = run(['run', '--mask', '--', process.execPath, '-e', "process.kill(process.pid, 'SIGTERM')"], { cwd: dir, env: KEY_ENV });
  assert.is(masked.signal, 'SIGTERM');
});

status('a command that cannot be started: 127 when not found, 126 when not executable, as in a shell', () => {
  const dir = project();
  const missing = run(['run', '--', 'no-such-command-envseal-test'], { cwd: dir, env: KEY_ENV });
  assert.is(missing.code, 127);
  assert.match(missing.stderr, /command not found: no-such-command-envseal-test/);
  assert.match(missing.stderr, /fix:/);
  write(path.join(dir, 'not-executable.sh'), '#!/bin/sh\necho hi\n', 0o644);
  const denied = run(['run', '--', './not-executable.sh'], { cwd: dir, env: KEY_ENV });
  assert.is(denied.code, 126);
  assert.match(denied.stderr, /cannot run \.\/not-executable\.sh \(EACCES\)/);
});

status('an environment larger than the system starts a program with is exit 126 with what to do, not a crash', () => {
  const dir = project();
  // Linux takes at most 128 KB in one variable (MAX_ARG_STRLEN).
  const big = 'x'.repeat(200 * 1024);
  assert.is(run(['set', 'HUGE_BLOB'], { cwd: dir, env: KEY_ENV, input: big }).code, 0);
  for (const mask of [[], ['--mask']]) {
    const r = run(['run', ...mask, '--', process.execPath, '-e', '0'], { cwd: dir, env: KEY_ENV });
    assert.is(r.code, 126, r.stderr);
    assert.match(r.stderr, /cannot run .*: its environment and arguments are more than the system starts a program with \(E2BIG\)/);
    assert.match(r.stderr, /fix: .*config\(\)/);
    assert.not.ok(r.stderr.includes('xxxxxxxx'));
  }
});

status('run without a command is a usage error', () => {
  const dir = project();
  assert.is(run(['run'], { cwd: dir, env: KEY_ENV }).code, 2);
  assert.is(run(['run', '--'], { cwd: dir, env: KEY_ENV }).code, 2);
});

/** Starts `envseal run` on a child that traps SIGINT, SIGTERM and SIGHUP, and waits until it is ready. */
async function trapping(dir, extra = []) {
  const marker = path.join(dir, 'got-signal');
  const code = `
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2']) process.on(s, () => { require('fs').writeFileSync(${JSON.stringify(marker)}, s); process.exit(42); });
    process.stdout.write('ready\\n');
    setTimeout(() => process.exit(9), 20000);`;
  const child = runAsync(['run', ...extra, '--', process.execPath, '-e', code], { cwd: dir, env: KEY_ENV });
  let out = '';
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('ready\n')) resolve();
    });
    child.on('exit', () => reject(new Error(`exited early: ${out}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', (exitCode, signal) => resolve({ exitCode, signal })));
  return { child, marker, exited };
}

status('SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 sent to envseal reach the child; its exit code comes back', async () => {
  const dir = project();
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2']) {
    const { child, marker, exited } = await trapping(dir);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.kill(signal);
    const { exitCode } = await exited;
    assert.is(exitCode, 42, signal);
    assert.is(fs.readFileSync(marker, 'utf8'), signal);
    // SIGUSR1 would open Node's debugger, through which the key could be read.
    assert.not.match(stderr, /Debugger listening/, signal);
    fs.rmSync(marker);
  }
});

status('a child killed by SIGUSR1 ends envseal with 138, not by opening a debugger', () => {
  const dir = project();
  // A shell, not Node: SIGUSR1 opens a Node child's own debugger instead of ending it.
  const r = run(['run', '--', 'sh', '-c', 'kill -USR1 $$'], { cwd: dir, env: KEY_ENV });
  assert.is(r.code, 138, r.stderr);
  assert.not.match(r.output, /Debugger listening/);
});

status('signals are forwarded with --mask too', async () => {
  const dir = project();
  const { child, marker, exited } = await trapping(dir, ['--mask']);
  child.kill('SIGTERM');
  assert.is((await exited).exitCode, 42);
  assert.is(fs.readFileSync(marker, 'utf8'), 'SIGTERM');
});

status('Ctrl-C at a terminal reaches the child once, not a second time through envseal', () => {
  const dir = project();
  // Servers take a second Ctrl-C as "force quit": count how many SIGINTs the child gets.
  const counter = `let n = 0; process.on('SIGINT', () => { if (n++ === 0) setTimeout(() => { console.log('sigints=' + n); process.exit(0); }, 500); }); console.log('ready'); setInterval(() => {}, 1000);`;
  const r = runAtTerminal([process.execPath, BIN, 'run', '--', process.execPath, '-e', counter], { cwd: dir, env: KEY_ENV, prompt: 'ready', reply: '\x03' });
  assert.is(r.code, 0, r.output);
  assert.match(r.output, /sigints=1\b/);
  // Also when only stdout and stderr are the terminal (stdin from a file or a pipe).
  const script = `exec "$0" "$1" run -- "$0" -e "$2" </dev/null`;
  const redirected = runAtTerminal(['sh', '-c', script, process.execPath, BIN, counter], { cwd: dir, env: KEY_ENV, prompt: 'ready', reply: '\x03' });
  assert.is(redirected.code, 0, redirected.output);
  assert.match(redirected.output, /sigints=1\b/);
});

status.run();

// ---- --mask ----------------------------------------------------------------------------------------

const mask = suite('run --mask');

mask('secrets in stdout and stderr are masked, as is and in base64 and URL-encoded form; other values are not', () => {
  const dir = project();
  const code = `
    const e = process.env;
    console.log('stripe', e.STRIPE_SECRET_KEY);
    console.log('b64', Buffer.from(e.STRIPE_SECRET_KEY).toString('base64'));
    console.log('b64url', Buffer.from(e.API_TOKEN).toString('base64url'));
    console.log('url', encodeURIComponent(e.DATABASE_URL));
    console.log('basic', 'Basic ' + Buffer.from('app:' + '${PASSWORD}').toString('base64'));
    console.log('port', e.PORT, e.DEBUG);
    console.error('err', e.API_TOKEN, e.DATABASE_URL);`;
  const r = run(['run', '--mask', '--', process.execPath, '-e', code], { cwd: dir, env: KEY_ENV });
  assert.is(r.code, 0, r.stderr);
  assertNoSecrets(r.output, SECRETS);
  assert.match(r.stdout, /^stripe sk_t…arjt$/m);
  assert.match(r.stdout, /^b64 sk_t…arjt$/m);
  assert.match(r.stdout, /^b64url \*\*\*\*$/m);
  assert.match(r.stdout, /^basic Basic \S*\*\*\*\*\S*$/m);
  assert.match(r.stdout, /^port 3000 true$/m);
  assert.match(r.stdout, /^url postgres%3A%2F%2Fapp%3A\*\*\*\*%40db%3A5432%2Fapp$/m);
  assert.match(r.stderr, /^err \*\*\*\* postgres:\/\/app:\*\*\*\*@db:5432\/app$/m);
});

mask('stdout and stderr to one destination keep their order (one pipe), still masked; a missing command still says so', () => {
  const dir = project();
  const log = path.join(dir, 'combined.log');
  const fd = fs.openSync(log, 'w');
  const code = `const e = process.env; const w = (fd, s) => require('fs').writeSync(fd, s + '\\n');
    w(1, 'out1'); w(2, 'err2 ' + e.API_TOKEN); w(1, 'out3'); w(2, 'err4'); w(1, 'out5 ' + e.STRIPE_SECRET_KEY);`;
  const r = spawnSync(process.execPath, [BIN, 'run', '--mask', '--', process.execPath, '-e', code], { cwd: dir, env: cleanEnv(KEY_ENV), stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  assert.is(r.status, 0);
  const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
  assert.equal(lines.map((l) => l.split(' ')[0]), ['out1', 'err2', 'out3', 'err4', 'out5']);
  assertNoSecrets(lines.join('\n'), SECRETS);
  const fd2 = fs.openSync(log, 'w');
  const missing = spawnSync(process.execPath, [BIN, 'run', '--mask', '--', 'no-such-command-envseal-test'], { cwd: dir, env: cleanEnv(KEY_ENV), stdio: ['ignore', fd2, fd2] });
  fs.closeSync(fd2);
  assert.is(missing.status, 127);
  assert.match(fs.readFileSync(log, 'utf8'), /command not found: no-such-command-envseal-test/);
});

mask('a variable already set (no --override) is what the child prints: that value is masked too', () => {
  const dir = project();
  const shellValue = 'shell-token-value-7f3a9c21';
  const r = run(['run', '--mask', '--', process.execPath, '-e', 'console.log("token", process.env.API_TOKEN)'], { cwd: dir, env: { ...KEY_ENV, API_TOKEN: shellValue } });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^token \S+$/m);
  assertNoSecrets(r.output, [shellValue]);
});

mask('a secret written in two parts with a pause between them is still masked', () => {
  const dir = project();
  const code = `
    const s = process.env.STRIPE_SECRET_KEY;
    process.stdout.write('key=' + s.slice(0, 13));
    setTimeout(() => process.stdout.write(s.slice(13) + ' end\\n'), 300);`;
  const r = run(['run', '--mask', '--', process.execPath, '-e', code], { cwd: dir, env: KEY_ENV });
  assertNoSecrets(r.output, SECRETS);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'key=sk_t…arjt end\n');
});

mask('a secret split across many tiny writes and in base64 across writes is masked', () => {
  const dir = project();
  const code = `
    const parts = [...process.env.STRIPE_SECRET_KEY, ' ', ...Buffer.from(process.env.API_TOKEN).toString('base64'), '\\n'];
    let i = 0;
    const next = () => { if (i < parts.length) { process.stdout.write(parts[i++]); setTimeout(next, 2); } };
    next();`;
  const r = run(['run', '--mask', '--', process.execPath, '-e', code], { cwd: dir, env: KEY_ENV });
  assertNoSecrets(r.output, SECRETS);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'sk_t…arjt ****\n');
});

mask('line-buffered output stays line-buffered: a finished line arrives while the child still runs', async () => {
  const dir = project();
  const code = `process.stdout.write('first line\\n'); setTimeout(() => process.stdout.write('second\\n'), 3000);`;
  const child = runAsync(['run', '--mask', '--', process.execPath, '-e', code], { cwd: dir, env: KEY_ENV });
  const started = Date.now();
  const first = await new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out);
    });
  });
  assert.is(first, 'first line\n');
  assert.ok(Date.now() - started < 2500, 'the first line waited for the child');
  child.kill('SIGTERM');
  await new Promise((resolve) => child.on('exit', resolve));
});

mask('a reader that goes away (| head) ends the child with SIGPIPE, as a plain pipe would: exit 141', () => {
  const dir = project();
  for (const mode of ['--mask', '--override']) {
    const pipeline = `"$NODE" "$BIN" run ${mode} -- yes | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`;
    const r = spawnSync('bash', ['-c', pipeline], { cwd: dir, env: cleanEnv({ ...KEY_ENV, NODE: process.execPath, BIN }), encoding: 'utf8', timeout: 10_000 });
    assert.is(r.stdout, '141\n', `${mode}: ${r.stderr}`);
  }
});

mask('names listed in .envseal.json are masked too', () => {
  const dir = project();
  write(path.join(dir, '.envseal.json'), JSON.stringify({ mask: { sensitive: ['DEB*'] } }));
  const r = run(['run', '--mask', '--', process.execPath, '-e', 'console.log(process.env.DEBUG, process.env.PORT)'], { cwd: dir, env: KEY_ENV });
  assert.is(r.stdout, '**** 3000\n');
});

mask('key material inside a value is redacted, alone or within the value, and the rest of the value is shown', () => {
  // Built at run time, so this file holds no string a secret scanner would flag.
  const b64u = (text) => Buffer.from(text).toString('base64url');
  const jwt = [b64u('{"alg":"HS256","typ":"JWT"}'), b64u('{"sub":"user-4821","iat":1767225600}'), 'Qm9ndXNTaWduYXR1cmVGb3JUZXN0c09ubHlYeXo5'].join('.');
  const github = 'gh' + 'p_' + 'Xq4Rz8Lm2Nw6Pt0Vs3Hb7Jk1Fd5Cg9Ya2Ue4';
  const npm = 'np' + 'm_' + 'Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa';
  const dir = tempDir('envseal-run-');
  fs.mkdirSync(path.join(dir, '.git'));
  write(path.join(dir, '.env'), `AUTH_HEADER=Bearer ${jwt}\nGIT_REMOTE=https://${github}@github.com/o/r.git\nNPM_CONFIG=//registry.npmjs.org/:_authToken=${npm}\n`);
  assert.is(run(['encrypt'], { cwd: dir, env: KEY_ENV }).code, 0);
  fs.rmSync(path.join(dir, '.env'));
  const code = `
    const e = process.env;
    console.log('remote', e.GIT_REMOTE);
    console.log('token', e.GIT_REMOTE.slice(8, e.GIT_REMOTE.indexOf('@')));
    console.log('npm', e.NPM_CONFIG);
    console.log('header', e.AUTH_HEADER);
    console.error('jwt', e.AUTH_HEADER.slice('Bearer '.length));`;
  const r = run(['run', '--mask', '--', process.execPath, '-e', code], { cwd: dir, env: KEY_ENV });
  assert.is(r.code, 0, r.stderr);
  assertNoSecrets(r.output, [jwt, github, npm]);
  assert.match(r.stdout, /^remote https:\/\/ghp_…2Ue4@github\.com\/o\/r\.git$/m);
  assert.match(r.stdout, /^token ghp_…2Ue4$/m);
  assert.match(r.stdout, /^npm \/\/registry\.npmjs\.org\/:_authToken=npm_…DcBa$/m);
  assert.match(r.stdout, /^header Bear…eXo5$/m);
  assert.match(r.stderr, /^jwt eyJh…eXo5$/m);
});

mask.run();
