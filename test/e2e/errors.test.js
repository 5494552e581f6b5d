// Every expected failure through the real CLI: the exit code, a message that says what happened and
// how to fix it, nothing written or clobbered, and no secret value or key in the output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { BIN, OTHER_KEY, TEST_KEY, assertNoSecrets, cleanEnv, read, run, snapshot as snapshotAll, tempDir, write } from '../helpers/cli.js';

const SECRETS = {
  SECRET_KEY: 'fake-secret-' + 'value-0123456789',
  DB_PASSWORD: 'fake-db-' + 'pa55word-42',
  API_TOKEN: 'fake-api-' + 'token-abcdef',
};
const ENV_TEXT = [
  '# fake values for tests',
  `SECRET_KEY=${SECRETS.SECRET_KEY}`,
  `DATABASE_URL="postgres://app:${SECRETS.DB_PASSWORD}@localhost/app"`,
  `API_TOKEN='${SECRETS.API_TOKEN}'`,
  'DEBUG=false',
  '',
].join('\n');
const LOCAL_ENV = ENV_TEXT.replace('DEBUG=false', 'DEBUG=true # local change');
const KEY_ENV = { ENVSEAL_MASTER_KEY: TEST_KEY };
const NO_LEAK = [...Object.values(SECRETS), TEST_KEY, OTHER_KEY];
const fingerprint = (key) => createHash('sha256').update(Buffer.from(key, 'base64url')).digest('hex').slice(0, 16);

/** Sealed once, copied into each test's directory. */
const SEALED = (() => {
  const dir = tempDir('envseal-err-seed-');
  write(path.join(dir, '.env'), ENV_TEXT);
  const result = run(['encrypt'], { cwd: dir, env: KEY_ENV });
  if (result.code !== 0) throw new Error(result.stderr);
  return read(path.join(dir, '.env.encrypted'));
})();
const SEALED_LINES = SEALED.split('\n');
const lineIndex = (name) => SEALED_LINES.findIndex((l) => l.startsWith(`${name}=`));

/**
 * A directory with the sealed file and a local .env that differs from it (so clobbering would show);
 * null for either means no such file.
 */
function workspace({ sealed = SEALED, env = LOCAL_ENV } = {}) {
  const dir = tempDir('envseal-err-');
  if (sealed !== null) write(path.join(dir, '.env.encrypted'), sealed);
  if (env !== null) write(path.join(dir, '.env'), env, 0o600);
  return dir;
}

/** Every file under `dir` (one level of subdirectories too), without envseal's own audit log. */
function snapshot(dir) {
  const { '.envseal': _auditLog, ...files } = snapshotAll(dir);
  for (const [name, entry] of Object.entries(files)) if (entry.dir) files[name] = { dir: true, files: snapshotAll(path.join(dir, name)) };
  return files;
}

/**
 * Runs the CLI and asserts a clean failure: the exit code, the message and its fix line, an empty
 * stdout, no stack trace, no file written or changed, no secret in the output.
 */
function fails(args, { cwd, env = KEY_ENV, code, message, fix, runner = run }) {
  const before = snapshot(cwd);
  const result = runner(args, { cwd, env });
  assert.is(result.code, code, `exit ${result.code}, expected ${code}: ${result.stderr}`);
  assert.match(result.stderr, /^envseal: error: /);
  assert.match(result.stderr, message);
  const fixLine = result.stderr.split('\n').find((l) => l.startsWith('  fix: '));
  assert.ok(fixLine, `a fix line in: ${result.stderr}`);
  if (fix) assert.match(fixLine, fix);
  assert.is(result.stdout, '', 'nothing on stdout');
  assert.not.match(result.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  assert.not.match(result.stderr, /internal error/);
  assert.equal(snapshot(cwd), before, 'no file written, changed or removed');
  assertNoSecrets(result.output, NO_LEAK);
  return result;
}

// ---- sealed file damaged or not ours -------------------------------------------------------------

test('wrong key: exit 3, both fingerprints, .env untouched even with --force', () => {
  const dir = workspace();
  for (const args of [['decrypt'], ['decrypt', '--force'], ['decrypt', '--stdout']]) {
    const result = fails(args, {
      cwd: dir,
      env: { ENVSEAL_MASTER_KEY: OTHER_KEY },
      code: 3,
      message: /\.env\.encrypted was sealed with key [0-9a-f]{16}, but the key from ENVSEAL_MASTER_KEY is/,
      fix: /Get the key with that fingerprint/,
    });
    assert.ok(result.stderr.includes(fingerprint(TEST_KEY)) && result.stderr.includes(fingerprint(OTHER_KEY)));
  }
  // encrypt over a file sealed with another key does not silently re-key it either.
  write(path.join(dir, '.env'), ENV_TEXT, 0o600);
  fails(['encrypt'], { cwd: dir, env: { ENVSEAL_MASTER_KEY: OTHER_KEY }, code: 3, message: /is sealed with key/, fix: /--rekey/ });
});

test('the exit code stays documented when nobody reads the message (stderr closed early)', () => {
  const dir = workspace();
  // `2>&1 >/dev/null | true`: the reader of stderr is gone before envseal writes to it.
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" decrypt --stdout 2>&1 >/dev/null | true; echo "\${PIPESTATUS[0]}"`], {
    cwd: dir,
    env: cleanEnv({ ENVSEAL_MASTER_KEY: OTHER_KEY }),
    encoding: 'utf8',
  });
  assert.is(r.stdout.trim(), '3', r.stderr);
});

test('truncated file: exit 4', () => {
  for (const cut of [SEALED.length - 20, Math.floor(SEALED.length / 2), 40]) {
    const dir = workspace({ sealed: SEALED.slice(0, cut) });
    fails(['decrypt', '--force'], { cwd: dir, code: 4, message: /truncated/, fix: /Restore it from git/ });
  }
  // Cut inside the header: no longer recognizable as sealed.
  fails(['decrypt'], { cwd: workspace({ sealed: SEALED.slice(0, 10) }), code: 4, message: /is not an envseal sealed file/, fix: /envseal encrypt/ });
});

test('one flipped bit: exit 4 (in a token, a name, a comment, the history)', () => {
  const flip = (text, index) => text.slice(0, index) + String.fromCharCode(text.charCodeAt(index) ^ 0x01) + text.slice(index + 1);
  const offsets = [
    SEALED.indexOf('fernet:') + 40, // inside a token
    SEALED.indexOf('SECRET_KEY='), // a name
    SEALED.indexOf('# fake') + 3, // a comment
    SEALED.indexOf('"event"') + 3, // the history line
  ];
  for (const offset of offsets) {
    const dir = workspace({ sealed: flip(SEALED, offset) });
    fails(['decrypt', '--force'], { cwd: dir, code: 4, message: /failed its integrity check/, fix: /Restore it from git/ });
  }
});

test('MAC line removed: exit 4', () => {
  const withoutMac = `${SEALED_LINES.filter((l) => !l.startsWith('#envseal:mac')).join('\n')}`;
  fails(['decrypt', '--force'], { cwd: workspace({ sealed: withoutMac }), code: 4, message: /no "#envseal:mac" line/, fix: /Restore it from git/ });
});

test('two values swapped between names: exit 4', () => {
  const a = lineIndex('SECRET_KEY');
  const b = lineIndex('DEBUG');
  const token = (line) => /fernet:[A-Za-z0-9_=-]+/.exec(line)[0];
  const lines = [...SEALED_LINES];
  lines[a] = SEALED_LINES[a].replace(token(SEALED_LINES[a]), token(SEALED_LINES[b]));
  lines[b] = SEALED_LINES[b].replace(token(SEALED_LINES[b]), token(SEALED_LINES[a]));
  fails(['decrypt', '--force'], { cwd: workspace({ sealed: lines.join('\n') }), code: 4, message: /failed its integrity check/ });
});

test('an empty or plaintext file given to decrypt: exit 4, not sealed', () => {
  fails(['decrypt', '--force'], { cwd: workspace({ sealed: '' }), code: 4, message: /\.env\.encrypted is not an envseal sealed file/, fix: /envseal encrypt --in/ });
  fails(['decrypt', '--in', '.env', '--out', 'out.env'], { cwd: workspace(), code: 4, message: /\.env is not an envseal sealed file/ });
});

// ---- input quirks --------------------------------------------------------------------------------

test('non-UTF-8 input: exit 4 for encrypt and decrypt, with the conversion fix', () => {
  const latin1 = Buffer.concat([Buffer.from('CITY=M'), Buffer.from([0xfc]), Buffer.from(`nchen\nSECRET_KEY=${SECRETS.SECRET_KEY}\n`)]);
  const dir = workspace({ sealed: null, env: null });
  fs.writeFileSync(path.join(dir, '.env'), latin1);
  fails(['encrypt'], { cwd: dir, code: 4, message: /\.env is not UTF-8 text/, fix: /iconv/ });
  assert.not.ok(fs.existsSync(path.join(dir, '.env.encrypted')));
  const sealedDir = workspace({ sealed: null });
  fs.writeFileSync(path.join(sealedDir, '.env.encrypted'), Buffer.concat([Buffer.from(SEALED.slice(0, 60)), Buffer.from([0xff, 0xfe]), Buffer.from(SEALED.slice(60))]));
  fails(['decrypt', '--force'], { cwd: sealedDir, code: 4, message: /\.env\.encrypted is not UTF-8 text/ });
});

test('BOM and CRLF input: sealed with a note, values unchanged; a BOM/CRLF-converted sealed file still opens', () => {
  for (const [variant, bytes, note] of [
    ['bom', `\uFEFF${ENV_TEXT}`, /byte-order mark; it was ignored/],
    ['crlf', ENV_TEXT.replace(/\n/g, '\r\n'), /CRLF line endings; the sealed file uses LF/],
  ]) {
    const dir = workspace({ sealed: null, env: null });
    write(path.join(dir, '.env'), bytes);
    const result = run(['encrypt'], { cwd: dir, env: KEY_ENV });
    assert.is(result.code, 0, `${variant}: ${result.stderr}`);
    assert.match(result.stderr, note);
    assert.is(read(path.join(dir, '.env')), bytes, 'the input is left as it was');
    const sealed = read(path.join(dir, '.env.encrypted'));
    assert.not.ok(sealed.includes('\r') || sealed.includes('\uFEFF'));
    const opened = run(['decrypt', '--stdout'], { cwd: dir, env: KEY_ENV });
    assert.is(opened.code, 0, opened.stderr);
    assert.is(opened.stdout, ENV_TEXT);
    assertNoSecrets(result.output + opened.stderr, NO_LEAK);
  }
  // git with autocrlf, or an editor, may convert the sealed file itself: line endings are not an edit.
  for (const converted of [SEALED.replace(/\n/g, '\r\n'), `\uFEFF${SEALED}`]) {
    const dir = workspace({ sealed: converted, env: null });
    const opened = run(['decrypt', '--stdout'], { cwd: dir, env: KEY_ENV });
    assert.is(opened.code, 0, opened.stderr);
    assert.is(opened.stdout, ENV_TEXT);
  }
});

test('an empty .env seals to a file with no values that opens to nothing', () => {
  const dir = workspace({ sealed: null, env: '' });
  const result = run(['encrypt'], { cwd: dir, env: KEY_ENV });
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stderr, /Sealed 0 values/);
  const opened = run(['decrypt', '--stdout'], { cwd: dir, env: KEY_ENV });
  assert.is(opened.code, 0, opened.stderr);
  assert.is(opened.stdout, '');
});

test('a .env line envseal cannot carry: exit 4 naming the line, nothing sealed', () => {
  const dir = workspace({ sealed: null, env: `A=1\nthis line has ${SECRETS.API_TOKEN}\n` });
  fails(['encrypt'], { cwd: dir, code: 4, message: /\.env line 2 is not NAME=value/, fix: /comment it out/ });
});

// ---- paths ---------------------------------------------------------------------------------------

test('a directory where a file should be: input and output, exit 5', () => {
  const dir = workspace();
  fs.mkdirSync(path.join(dir, 'config'));
  fails(['encrypt', '--in', 'config'], { cwd: dir, code: 5, message: /config is a directory, not a file/, fix: /path of a file/ });
  fails(['decrypt', '--in', 'config'], { cwd: dir, code: 5, message: /config is a directory, not a file/ });
  fails(['encrypt', '--out', 'config'], { cwd: dir, code: 5, message: /config is a directory, not a file/ });
  fails(['decrypt', '--out', 'config', '--force'], { cwd: dir, code: 5, message: /config is a directory, not a file/ });
});

test('a missing input: exit 5 naming it', () => {
  const dir = workspace({ sealed: null });
  fails(['decrypt'], { cwd: dir, code: 5, message: /\.env\.encrypted does not exist/, fix: /Check the path/ });
  fails(['encrypt', '--in', 'nope.env'], { cwd: dir, code: 5, message: /nope\.env does not exist/ });
});

test('an output path whose parent is a file, or does not exist: exit 5', () => {
  const dir = workspace();
  write(path.join(dir, 'notes.txt'), 'not a directory\n');
  fails(['decrypt', '--out', 'notes.txt/.env'], { cwd: dir, code: 5, message: /cannot (create|write) notes\.txt\/\.env: a parent of it is a file/, fix: /Check the path/ });
  fails(['encrypt', '--out', 'notes.txt/.env.encrypted'], { cwd: dir, code: 5, message: /a parent of it is a file/ });
  fails(['decrypt', '--out', 'missing/dir/.env'], { cwd: dir, code: 5, message: /its directory does not exist/, fix: /Create the directory/ });
});

// ---- permissions ---------------------------------------------------------------------------------

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const NOBODY = 65534;

/**
 * Runs the CLI as an unprivileged user. Root reads and writes through any mode bits, so as root the
 * permission tests run the CLI as uid 65534 in a directory handed to that user.
 */
function runUnprivileged(args, { cwd, env }) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: cleanEnv(env),
    encoding: 'utf8',
    ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, output: result.stdout + result.stderr };
}

function giveAway(dir) {
  if (!isRoot) return;
  for (const entry of [dir, ...fs.readdirSync(dir, { recursive: true }).map((f) => path.join(dir, f))]) fs.chownSync(entry, NOBODY, NOBODY);
}

/** Whether mode bits actually stop the (possibly unprivileged) CLI from reading `file`. */
function modeBitsApply(file) {
  const probe = spawnSync('/bin/sh', ['-c', `cat '${file}' > /dev/null 2>&1`], isRoot ? { uid: NOBODY, gid: NOBODY } : {});
  return !probe.error && probe.status !== 0; // an error: privileges cannot be dropped here
}

test('unreadable input: exit 5, permission denied', () => {
  const dir = workspace();
  fs.chmodSync(path.join(dir, '.env.encrypted'), 0o000);
  fs.chmodSync(path.join(dir, '.env'), 0o000);
  giveAway(dir);
  if (!modeBitsApply(path.join(dir, '.env'))) {
    // Mode bits do not stop this user (root without a way to drop privileges): nothing to test here.
    return;
  }
  fails(['decrypt', '--force', '--stdout'], { cwd: dir, code: 5, message: /permission denied: cannot read \.env\.encrypted/, fix: /ls -l/, runner: runUnprivileged });
  fails(['encrypt', '--force'], { cwd: dir, code: 5, message: /permission denied: cannot read \.env/, runner: runUnprivileged });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('unwritable output directory: exit 5, permission denied, nothing left behind', () => {
  const dir = workspace({ env: null });
  fs.mkdirSync(path.join(dir, 'locked'));
  write(path.join(dir, 'locked/.env'), LOCAL_ENV, 0o600);
  giveAway(dir);
  fs.chmodSync(path.join(dir, 'locked'), 0o555);
  const probe = spawnSync('/bin/sh', ['-c', `touch '${path.join(dir, 'locked/probe')}' 2>/dev/null`], isRoot ? { uid: NOBODY, gid: NOBODY } : {});
  if (probe.error || probe.status === 0) {
    // The directory's mode does not stop this user (see runUnprivileged): nothing to test here.
    fs.rmSync(path.join(dir, 'locked/probe'), { force: true });
    return;
  }
  fails(['decrypt', '--out', 'locked/new.env'], { cwd: dir, code: 5, message: /permission denied: cannot create locked\/new\.env/, fix: /ls -ld locked/, runner: runUnprivileged });
  // Replacing an existing file needs the directory too (atomic rename): the old file stays as it was.
  fails(['decrypt', '--out', 'locked/.env', '--force'], { cwd: dir, code: 5, message: /permission denied/, runner: runUnprivileged });
  assert.is(read(path.join(dir, 'locked/.env')), LOCAL_ENV);
  fails(['encrypt', '--in', 'locked/.env', '--out', 'locked/.env.encrypted'], { cwd: dir, code: 5, message: /permission denied: cannot create locked\/\.env\.encrypted/, runner: runUnprivileged });
  fs.chmodSync(path.join(dir, 'locked'), 0o755);
  fs.rmSync(dir, { recursive: true, force: true });
});

test.run();
