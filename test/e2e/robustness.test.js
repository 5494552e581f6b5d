// Cases an adversarial review found: concurrency, odd files where keys and paths should be, output that
// cannot be written, and plaintext that would undo newer sealed values. None may lose data, leak, or
// end in an internal error (exit 70).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, cleanEnv, gitRepo, read, run, runAsync, tempDir, write } from '../helpers/cli.js';

function sealedProject(text = 'A=1\nB=old\n') {
  const dir = gitRepo('envseal-robust-');
  write(path.join(dir, '.env'), text);
  assert.is(run(['init', '--no-hooks'], { cwd: dir }).code, 0);
  assert.is(run(['encrypt'], { cwd: dir }).code, 0);
  return dir;
}

const values = (dir) => Object.fromEntries(run(['decrypt', '--stdout'], { cwd: dir }).stdout.trim().split('\n').map((l) => l.split('=')));

test('encrypt keeps the values set made after .env was decrypted or sealed (three-way merge against the base)', () => {
  const dir = sealedProject();
  assert.is(run(['set', 'B'], { cwd: dir, input: 'new' }).code, 0);
  const merged = run(['encrypt'], { cwd: dir });
  assert.is(merged.code, 0, merged.stderr);
  assert.match(merged.stderr, /lacked \(B\)/);
  assert.is(values(dir).B, 'new', 'nothing was undone');
  assert.match(read(path.join(dir, '.env')), /^B=new$/m, '.env got the sealed change');
});

test('without a recorded base, encrypt refuses to undo values that set made after .env was written; --force seals anyway, with a backup', () => {
  const dir = sealedProject();
  fs.rmSync(path.join(dir, '..env.envseal-base'));
  const later = new Date(Date.now() + 2000);
  assert.is(run(['set', 'B'], { cwd: dir, input: 'new' }).code, 0);
  fs.utimesSync(path.join(dir, '.env.encrypted'), later, later); // set ran after .env was written
  const refused = run(['encrypt'], { cwd: dir });
  assert.is(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /older than .env.encrypted/);
  assert.match(refused.stderr, /different: B/);
  assert.match(refused.stderr, /decrypt --force/);
  assert.is(values(dir).B, 'new', 'nothing was undone');
  const forced = run(['encrypt', '--force'], { cwd: dir });
  assert.is(forced.code, 0, forced.stderr);
  assert.is(values(dir).B, 'old');
  assert.ok(fs.readdirSync(dir).some((f) => f.startsWith('.env.encrypted.backup_')), 'the newer sealed file was backed up');
});

test('concurrent set: every run that reports success has its value kept', async () => {
  const dir = sealedProject();
  const ok = [];
  for (let round = 0; round < 6; round++) {
    const runs = ['X', 'Y'].map((prefix) => {
      const name = `${prefix}${round}`;
      const child = runAsync(['set', name], { cwd: dir });
      child.stdin.end('v');
      return new Promise((resolve) => child.on('exit', (code) => resolve({ name, code })));
    });
    for (const { name, code } of await Promise.all(runs)) {
      assert.ok(code === 0 || code === 2, `set ${name} exited ${code}`);
      if (code === 0) ok.push(name);
    }
  }
  const present = values(dir);
  for (const name of ok) assert.is(present[name], 'v', `${name} was reported set and is there`);
});

test('a lock file that is still empty is a lock being taken: set waits for it, then takes it over once abandoned', () => {
  const dir = sealedProject();
  const lock = path.join(dir, '..env.encrypted.envseal-lock');
  fs.writeFileSync(lock, '');
  const started = Date.now();
  const r = run(['set', 'Z'], { cwd: dir, input: 'v' });
  assert.is(r.code, 0, r.stderr);
  assert.ok(Date.now() - started >= 1500, 'an empty lock was not treated as dead at once');
  assert.not.ok(fs.existsSync(lock), 'the lock was released');
  assert.is(values(dir).Z, 'v');
});

test('status survives an unreadable or odd sealed file and reports the others', () => {
  const dir = sealedProject();
  fs.mkdirSync(path.join(dir, 'svc'));
  fs.writeFileSync(path.join(dir, 'svc/.env.encrypted'), Buffer.from('#envseal:v1 key=0000000000000000\n\xff\n', 'latin1'));
  const all = run(['status', '--all', '--json'], { cwd: dir });
  assert.is(all.code, 4, all.stderr);
  assert.equal(JSON.parse(all.stdout).files.map((f) => f.file), ['.env.encrypted', 'svc/.env.encrypted']);
  // A history date that is not a date (in a file read without its key) is ignored, not a crash.
  fs.rmSync(path.join(dir, 'svc'), { recursive: true });
  write(path.join(dir, '.env.encrypted'), read(path.join(dir, '.env.encrypted')).replace(/"date":"[^"]*"/, '"date":"yesterday"'));
  fs.renameSync(path.join(dir, '.env.key'), path.join(dir, 'away.key'));
  const tampered = run(['status'], { cwd: dir });
  assert.ok([0, 3, 4].includes(tampered.code), `exit ${tampered.code}: ${tampered.stderr}`);
  assert.is(run(['status', '--max-age', '100000000'], { cwd: dir }).code, 2);
});

test('a key file that is a FIFO is refused at once; a symlinked key file is rotated where it lives', () => {
  const dir = sealedProject();
  const real = path.join(dir, 'real.key');
  fs.renameSync(path.join(dir, '.env.key'), real);
  spawnSync('mkfifo', ['-m', '600', path.join(dir, '.env.key')]);
  const r = spawnSync(process.execPath, [BIN, 'decrypt', '--stdout'], { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 10_000 });
  assert.is(r.status, 3, `no hang, exit 3: ${r.stderr}`);
  assert.match(r.stderr, /not a regular file/);
  fs.rmSync(path.join(dir, '.env.key'));
  fs.symlinkSync('real.key', path.join(dir, '.env.key'));
  const before = read(real);
  assert.is(run(['rotate'], { cwd: dir }).code, 0);
  assert.ok(fs.lstatSync(path.join(dir, '.env.key')).isSymbolicLink(), 'the link is kept');
  assert.is.not(read(real), before, 'the real file holds the new key');
  assert.is(run(['decrypt', '--stdout'], { cwd: dir }).code, 0);
});

test('paths that do not exist: clear errors, and nothing created on the way', () => {
  const dir = tempDir('envseal-robust-');
  const missing = run(['decrypt', '--in', 'no/such/dir/.env.encrypted', '--stdout'], { cwd: dir });
  assert.is(missing.code, 5);
  assert.not.ok(fs.existsSync(path.join(dir, 'no')), 'no directories were created');
  assert.is(run(['scan', 'missing.txt'], { cwd: dir }).code, 5);
  const repo = gitRepo('envseal-robust-');
  assert.is(run(['scan', 'missing.txt'], { cwd: repo }).code, 5, 'inside a repository too');
  assert.is(run(['hooks', 'run', 'commit-msg', path.join(repo, 'no-message')], { cwd: repo }).code, 5);
  const created = run(['init', '--key-file', 'team.key', '--no-hooks'], { cwd: repo });
  assert.is(created.code, 0, created.stderr);
  assert.ok(fs.existsSync(path.join(repo, 'team.key')), 'init --key-file creates the key there');
});

test('output that cannot be written is an I/O error (exit 5), not a finding', () => {
  if (!fs.existsSync('/dev/full')) return;
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" keygen > /dev/full`], { env: cleanEnv(), encoding: 'utf8' });
  assert.is(r.status, 5, r.stderr);
  assert.match(r.stderr, /cannot write to standard output/);
});

test('data written straight to a pipe or a file: all of it, or exit 141 when the reader goes away, with no message', () => {
  const big = Array.from({ length: 3000 }, (_, i) => `NAME_${i}=${'v'.repeat(40)}${i}`).join('\n');
  const dir = sealedProject(`${big}\n`);
  const env = cleanEnv({ NODE: process.execPath, BIN });
  const whole = spawnSync('bash', ['-c', '"$NODE" "$BIN" decrypt --stdout > out.env'], { cwd: dir, env, encoding: 'utf8' });
  assert.is(whole.status, 0, whole.stderr);
  assert.is(read(path.join(dir, 'out.env')), `${big}\n`);
  const piped = spawnSync('bash', ['-c', '"$NODE" "$BIN" decrypt --stdout | cat'], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 24 });
  assert.is(piped.stdout, `${big}\n`, 'through a pipe, past its 64 KB buffer');
  const closed = spawnSync('bash', ['-c', '"$NODE" "$BIN" decrypt --stdout | head -c 10 >/dev/null; echo "${PIPESTATUS[0]}"'], { cwd: dir, env, encoding: 'utf8' });
  assert.is(closed.stdout, '141\n');
  assert.is(closed.stderr, '');
  // A pipe whose writing end is non-blocking, read only once the writer has filled it: write(2) says
  // EAGAIN, and the rest goes through Node's stream, which waits.
  const nonBlocking = [
    'import fcntl, os, subprocess, sys, time',
    'r, w = os.pipe()',
    'fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)',
    'child = subprocess.Popen([os.environ["NODE"], os.environ["BIN"], "decrypt", "--stdout"], stdout=w)',
    'os.close(w)',
    'time.sleep(1)',
    'data = b""',
    'while chunk := os.read(r, 65536): data += chunk',
    'sys.stdout.write(f"{child.wait()} {len(data)} {hash(data) == hash(open(\'.env\', \'rb\').read())}")',
  ].join('\n');
  const slow = spawnSync('python3', ['-c', nonBlocking], { cwd: dir, env, encoding: 'utf8' });
  assert.is(slow.stdout, `0 ${big.length + 1} True`, slow.stderr);
});

test('the hook with a directory where .env should be, and a dangling hook symlink, end cleanly', () => {
  const dir = sealedProject();
  fs.rmSync(path.join(dir, '.env'));
  fs.mkdirSync(path.join(dir, '.env'));
  spawnSync('git', ['add', '.env.encrypted'], { cwd: dir });
  assert.is(run(['hooks', 'run', 'pre-commit'], { cwd: dir }).code, 0);
  const hooks = path.join(dir, '.git/hooks');
  fs.symlinkSync('/nonexistent/hook', path.join(hooks, 'pre-commit'));
  assert.is(run(['hooks', 'install', '--git'], { cwd: dir }).code, 0);
  assert.ok(fs.lstatSync(path.join(hooks, 'pre-commit.envseal-chained')).isSymbolicLink(), 'the dangling link was kept, chained');
  assert.not.ok(fs.existsSync('/nonexistent/hook'));
  assert.is(run(['hooks', 'uninstall', '--git'], { cwd: dir }).code, 0);
  assert.ok(fs.lstatSync(path.join(hooks, 'pre-commit')).isSymbolicLink(), 'and restored');
});

test.run();
