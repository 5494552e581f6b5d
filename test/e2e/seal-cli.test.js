// The main job through the real CLI: init, encrypt, decrypt, keygen; where the key comes from; what
// is written, with which mode, and what is never overwritten.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { ROOT, TEST_KEY, assertNoSecrets, cleanEnv, gitRepo, mode, read, run, snapshot as snapshotAll, tempDir, write } from '../helpers/cli.js';
import { COMMANDS } from '../../dist/cli/spec.js';

const dotenv = createRequire(import.meta.url)('dotenv');

// Fake values, assembled at run time so no scanner mistakes this file for a leak.
const SECRETS = {
  SECRET_KEY: 'fake-django-secret-' + 'k3y0123456789',
  DB_PASSWORD: 'fake-db-' + 'pa55word',
  STRIPE_SECRET_KEY: 'sk_' + 'test_' + 'FAKE0000000000000000',
  AWS_SECRET_ACCESS_KEY: 'fakeAwsSecret' + '0000000000000000000000000000',
};
const ENV_TEXT = [
  '# Application settings (fake values for tests)',
  `SECRET_KEY=${SECRETS.SECRET_KEY}`,
  `DATABASE_URL="postgres://app:${SECRETS.DB_PASSWORD}@localhost:5432/app" # local db`,
  '',
  `export STRIPE_SECRET_KEY='${SECRETS.STRIPE_SECRET_KEY}'`,
  `AWS_SECRET_ACCESS_KEY=${SECRETS.AWS_SECRET_ACCESS_KEY}`,
  'TLS_CERT="-----BEGIN FAKE CERT-----',
  'MIIBfakefakefake',
  '-----END FAKE CERT-----"',
  'DEBUG=false',
  'PORT=8080',
  '',
].join('\n');
const SECRET_VALUES = Object.values(SECRETS);

/** The directory's files, without envseal's own audit log (.envseal/, which records failures too). */
function snapshot(dir) {
  const { '.envseal': _auditLog, ...files } = snapshotAll(dir);
  return files;
}

const newKey = () => `${randomBytes(32).toString('base64url')}=`;
const fingerprint = (key) => createHash('sha256').update(Buffer.from(key, 'base64url')).digest('hex').slice(0, 16);
const headerFingerprint = (file) => /^#envseal:v1 key=([0-9a-f]{16})$/m.exec(read(file))?.[1];
const writeKeyFile = (file, key) => write(file, `${key}\n`, 0o600);

function ok(result, context = '') {
  assert.is(result.code, 0, `${context} exit ${result.code}: ${result.stderr}`);
  return result;
}

/** A repo with .env and a key in ENVSEAL_MASTER_KEY. */
function project(text = ENV_TEXT) {
  const dir = gitRepo('envseal-cli-');
  write(path.join(dir, '.env'), text);
  return { dir, env: { ENVSEAL_MASTER_KEY: TEST_KEY } };
}

// ---- init ----------------------------------------------------------------------------------------

test('init: key file 0600, .gitignore rules, says what it did, never prints the key', () => {
  const dir = gitRepo('envseal-init-');
  const result = ok(run(['init'], { cwd: dir }), 'init');
  const keyFile = path.join(dir, '.env.key');
  assert.is(mode(keyFile), 0o600);
  const key = read(keyFile).split('\n').find((l) => l.trim() !== '' && !l.startsWith('#'));
  assert.match(key, /^[A-Za-z0-9_-]{43}=$/);
  assert.ok(result.stderr.includes('.env.key') && result.stderr.includes(fingerprint(key)), result.stderr);
  assert.ok(/gitignore/.test(result.stderr));
  assertNoSecrets(result.output, [key]);
  const gitignore = read(path.join(dir, '.gitignore')).split('\n');
  for (const rule of ['.env', '.env.local', '.env.*.local', '.env.key', '.env.*.key', '*.backup_*', '!.env.example', '!.env.encrypted']) {
    assert.ok(gitignore.includes(rule), `.gitignore has ${rule}`);
  }
});

test('init is idempotent: a second run changes nothing and says so', () => {
  const dir = gitRepo('envseal-init-');
  write(path.join(dir, '.gitignore'), 'node_modules/\n');
  ok(run(['init'], { cwd: dir }));
  const before = snapshot(dir);
  const second = ok(run(['init'], { cwd: dir }));
  assert.equal(snapshot(dir), before);
  assert.ok(/existing master key/i.test(second.stderr), second.stderr);
  assert.ok(/already/.test(second.stderr), second.stderr);
  assert.ok(read(path.join(dir, '.gitignore')).startsWith('node_modules/\n'), 'existing rules kept');
});

test('init + git check-ignore: plaintext, keys and backups are ignored; sealed files and examples are not', () => {
  const dir = gitRepo('envseal-ignore-');
  ok(run(['init'], { cwd: dir }));
  ok(run(['init', '--env', 'production'], { cwd: dir }));
  const ignored = ['.env', '.env.production', '.env.key', '.env.production.key', '.env.local', '.env.production.local', '.env.backup_20260101T000000Z', '.env.encrypted.backup_20260101T000000Z', 'apps/web/.env', 'apps/web/.env.key'];
  const committed = ['.env.example', '.env.encrypted', '.env.production.encrypted', 'apps/web/.env.encrypted', '.env.production.example'];
  for (const file of [...ignored, ...committed]) write(path.join(dir, file), 'X=1\n');
  const checkIgnore = (file) => spawnSync('git', ['check-ignore', '-q', file], { cwd: dir, env: cleanEnv() }).status;
  for (const file of ignored) assert.is(checkIgnore(file), 0, `${file} is ignored`);
  for (const file of committed) assert.is(checkIgnore(file), 1, `${file} is not ignored`);
});

test('init --env production creates .env.production.key', () => {
  const dir = gitRepo('envseal-init-');
  ok(run(['init', '--env', 'production'], { cwd: dir }));
  assert.is(mode(path.join(dir, '.env.production.key')), 0o600);
  assert.not.ok(fs.existsSync(path.join(dir, '.env.key')));
});

test('init when a sealed file exists but no key: no key is created, the user is told what to get', () => {
  const { dir, env } = project();
  ok(run(['encrypt'], { cwd: dir, env }));
  const clone = gitRepo('envseal-clone-');
  fs.copyFileSync(path.join(dir, '.env.encrypted'), path.join(clone, '.env.encrypted'));
  const result = ok(run(['init'], { cwd: clone }));
  assert.not.ok(fs.existsSync(path.join(clone, '.env.key')), 'no new key that could not open the file');
  assert.ok(result.stderr.includes(fingerprint(TEST_KEY)), 'names the key the file needs');
  assert.ok(result.stderr.includes('ENVSEAL_MASTER_KEY') && result.stderr.includes('.env.key'), result.stderr);
  assert.ok(fs.existsSync(path.join(clone, '.gitignore')), '.gitignore is still set up');
  // With the key in place, init uses it.
  writeKeyFile(path.join(clone, '.env.key'), TEST_KEY);
  assert.ok(ok(run(['init'], { cwd: clone })).stderr.includes(fingerprint(TEST_KEY)));
});

// ---- encrypt / decrypt ---------------------------------------------------------------------------

test('encrypt then decrypt: the same .env back, mode 0600; nothing secret printed or sealed in plaintext', () => {
  const dir = gitRepo('envseal-rt-');
  ok(run(['init'], { cwd: dir }));
  const key = read(path.join(dir, '.env.key')).split('\n').find((l) => /^[A-Za-z0-9_-]{43}=$/.test(l));
  write(path.join(dir, '.env'), ENV_TEXT, 0o600);
  const encrypted = ok(run(['encrypt'], { cwd: dir }));
  assert.ok(/Sealed 7 values from \.env into \.env\.encrypted/.test(encrypted.stderr), encrypted.stderr);
  const sealed = read(path.join(dir, '.env.encrypted'));
  for (const secret of SECRET_VALUES) assert.not.ok(sealed.includes(secret), 'plaintext in the sealed file');
  assert.equal(Object.keys(dotenv.parse(sealed)), Object.keys(dotenv.parse(ENV_TEXT)));
  assert.is(headerFingerprint(path.join(dir, '.env.encrypted')), fingerprint(key));
  fs.rmSync(path.join(dir, '.env'));
  const decrypted = ok(run(['decrypt'], { cwd: dir }));
  assert.is(read(path.join(dir, '.env')), ENV_TEXT);
  assert.is(mode(path.join(dir, '.env')), 0o600);
  const stdout = ok(run(['decrypt', '--stdout'], { cwd: dir }));
  assert.is(stdout.stdout, ENV_TEXT);
  assertNoSecrets(encrypted.output + decrypted.output + stdout.stderr, [...SECRET_VALUES, key]);
});

test('re-encrypting an unchanged .env writes nothing; changing one value changes one line plus the MAC, and dates only that value', () => {
  const { dir, env: keyEnv } = project();
  const at = (iso) => ({ ...keyEnv, ENVSEAL_NOW: iso });
  const sealedPath = path.join(dir, '.env.encrypted');
  ok(run(['encrypt'], { cwd: dir, env: at('2026-01-01T00:00:00Z') }));
  const first = read(sealedPath);
  const before = snapshot(dir);
  const again = ok(run(['encrypt'], { cwd: dir, env: at('2026-01-15T00:00:00Z') }));
  assert.ok(/up to date/.test(again.stderr), again.stderr);
  assert.equal(snapshot(dir), before, 'not even rewritten');
  write(path.join(dir, '.env'), ENV_TEXT.replace('PORT=8080', 'PORT=9090'));
  const changed = ok(run(['encrypt'], { cwd: dir, env: at('2026-02-01T00:00:00Z') }));
  assert.ok(/changed \(PORT\)/.test(changed.stderr), changed.stderr);
  const a = first.split('\n');
  const b = read(sealedPath).split('\n');
  assert.is(b.length, a.length);
  const differing = a.flatMap((line, i) => (line === b[i] ? [] : [b[i].split('=')[0].split(' ')[0]]));
  assert.equal(differing, ['PORT', '#envseal:mac']);
  // The new token's timestamp is the value's date; the others keep theirs.
  const dates = Object.fromEntries(JSON.parse(ok(run(['show', '--ages', '--json'], { cwd: dir, env: at('2026-02-01T00:00:00Z') })).stdout).map((v) => [v.name, v.changed]));
  assert.is(dates.PORT, '2026-02-01T00:00:00Z');
  assert.ok(Object.entries(dates).every(([name, date]) => name === 'PORT' || date === '2026-01-01T00:00:00Z'), JSON.stringify(dates));
});

test('--env production: .env.production -> .env.production.encrypted -> .env.production', () => {
  const dir = gitRepo('envseal-prod-');
  const key = newKey();
  const env = { ENVSEAL_MASTER_KEY_PRODUCTION: key };
  write(path.join(dir, '.env.production'), ENV_TEXT);
  const encrypted = ok(run(['encrypt', '--env', 'production'], { cwd: dir, env }));
  assert.ok(encrypted.stderr.includes('.env.production.encrypted') && encrypted.stderr.includes('ENVSEAL_MASTER_KEY_PRODUCTION'), encrypted.stderr);
  assert.is(headerFingerprint(path.join(dir, '.env.production.encrypted')), fingerprint(key));
  assert.not.ok(fs.existsSync(path.join(dir, '.env.encrypted')));
  fs.rmSync(path.join(dir, '.env.production'));
  ok(run(['decrypt', '--env', 'production'], { cwd: dir, env }));
  assert.is(read(path.join(dir, '.env.production')), ENV_TEXT);
  assert.not.ok(fs.existsSync(path.join(dir, '.env')));
  // The production key file is .env.production.key.
  const viaFile = gitRepo('envseal-prod-');
  writeKeyFile(path.join(viaFile, '.env.production.key'), key);
  fs.copyFileSync(path.join(dir, '.env.production.encrypted'), path.join(viaFile, '.env.production.encrypted'));
  assert.is(ok(run(['decrypt', '--env', 'production', '--stdout'], { cwd: viaFile })).stdout, ENV_TEXT);
});

test('--in and --out name any files', () => {
  const dir = gitRepo('envseal-io-');
  write(path.join(dir, 'config/app.env'), ENV_TEXT);
  const env = { ENVSEAL_MASTER_KEY: TEST_KEY };
  ok(run(['encrypt', '--in', 'config/app.env', '--out', 'config/app.sealed'], { cwd: dir, env }));
  ok(run(['decrypt', '--in', 'config/app.sealed', '--out', 'out.env'], { cwd: dir, env }));
  assert.is(read(path.join(dir, 'out.env')), ENV_TEXT);
});

// ---- key sources ---------------------------------------------------------------------------------

test('each key source on its own', () => {
  const dir = gitRepo('envseal-keys-');
  write(path.join(dir, '.env'), ENV_TEXT);
  const outside = tempDir('envseal-keystore-');
  const sealedWith = (args, env) => {
    fs.rmSync(path.join(dir, '.env.encrypted'), { force: true });
    const result = ok(run(['encrypt', ...args], { cwd: dir, env }), JSON.stringify(args));
    return [headerFingerprint(path.join(dir, '.env.encrypted')), result];
  };
  for (const variable of ['ENVSEAL_MASTER_KEY', 'SECRETS_MASTER_KEY']) {
    const key = newKey();
    const [fp, result] = sealedWith([], { [variable]: key });
    assert.is(fp, fingerprint(key), variable);
    assert.ok(result.stderr.includes(`from ${variable}`), result.stderr);
    assertNoSecrets(result.output, [key, ...SECRET_VALUES]);
  }
  // Whitespace around a key (a pasted newline) is trimmed.
  const padded = newKey();
  assert.is(sealedWith([], { ENVSEAL_MASTER_KEY: `  ${padded}\n` })[0], fingerprint(padded));
  // A key command (vault, pass, 1Password): its stdout is the key.
  const commandKey = newKey();
  write(path.join(outside, 'vault-key'), `${commandKey}\n`, 0o600);
  const [commandFp, commandResult] = sealedWith([], { ENVSEAL_KEY_COMMAND: `cat '${path.join(outside, 'vault-key')}'` });
  assert.is(commandFp, fingerprint(commandKey));
  assert.ok(commandResult.stderr.includes('ENVSEAL_KEY_COMMAND'));
  assertNoSecrets(commandResult.output, [commandKey]);
  // --key-file, anywhere.
  const flagKey = newKey();
  writeKeyFile(path.join(outside, 'team.key'), flagKey);
  assert.is(sealedWith(['--key-file', path.join(outside, 'team.key')], {})[0], fingerprint(flagKey));
  // The key file next to the env file.
  const fileKey = newKey();
  writeKeyFile(path.join(dir, '.env.key'), fileKey);
  const [fileFp, fileResult] = sealedWith([], {});
  assert.is(fileFp, fingerprint(fileKey));
  assert.ok(fileResult.stderr.includes('key file .env.key'), fileResult.stderr);
});

test('a key file in a parent directory up to the repository root is found (monorepo), not above it', () => {
  const outer = tempDir('envseal-outer-');
  const repo = path.join(outer, 'repo');
  fs.mkdirSync(repo);
  spawnSync('git', ['init', '-q', repo], { env: cleanEnv() });
  const rootKey = newKey();
  writeKeyFile(path.join(repo, '.env.key'), rootKey);
  const app = path.join(repo, 'apps/web');
  write(path.join(app, '.env'), ENV_TEXT);
  ok(run(['encrypt'], { cwd: app }));
  assert.is(headerFingerprint(path.join(app, '.env.encrypted')), fingerprint(rootKey));
  // From the root too, with --in.
  ok(run(['decrypt', '--in', 'apps/web/.env.encrypted', '--stdout'], { cwd: repo }));

  // A key file above the repository root belongs to something else: not used.
  fs.renameSync(path.join(repo, '.env.key'), path.join(outer, '.env.key'));
  const result = run(['decrypt', '--stdout'], { cwd: app });
  assert.is(result.code, 3, result.stderr);
  assert.ok(/no master key found/.test(result.stderr), result.stderr);
  assert.is(result.stdout, '');
});

test('precedence: --key-file, ENVSEAL_MASTER_KEY_<ENV>, ENVSEAL_MASTER_KEY, SECRETS_MASTER_KEY, ENVSEAL_KEY_COMMAND, key file', () => {
  const dir = gitRepo('envseal-prec-');
  write(path.join(dir, '.env.production'), ENV_TEXT);
  const outside = tempDir('envseal-keystore-');
  const keys = Array.from({ length: 6 }, newKey);
  writeKeyFile(path.join(outside, 'flag.key'), keys[0]);
  write(path.join(outside, 'vault-key'), `${keys[4]}\n`, 0o600);
  writeKeyFile(path.join(dir, '.env.production.key'), keys[5]);
  const sources = [
    { args: ['--key-file', path.join(outside, 'flag.key')] },
    { env: { ENVSEAL_MASTER_KEY_PRODUCTION: keys[1] } },
    { env: { ENVSEAL_MASTER_KEY: keys[2] } },
    { env: { SECRETS_MASTER_KEY: keys[3] } },
    { env: { ENVSEAL_KEY_COMMAND: `cat '${path.join(outside, 'vault-key')}'` } },
    {}, // the key file is always there
  ];
  for (let first = 0; first < sources.length; first++) {
    const active = sources.slice(first);
    const args = active.flatMap((s) => s.args ?? []);
    const env = Object.assign({}, ...active.map((s) => s.env ?? {}));
    fs.rmSync(path.join(dir, '.env.production.encrypted'), { force: true });
    const result = ok(run(['encrypt', '--env', 'production', ...args], { cwd: dir, env }), `source ${first}`);
    assert.is(headerFingerprint(path.join(dir, '.env.production.encrypted')), fingerprint(keys[first]), `source ${first} wins`);
    assertNoSecrets(result.output, keys);
  }
  // ENVSEAL_MASTER_KEY_PRODUCTION is for --env production only.
  write(path.join(dir, '.env'), ENV_TEXT);
  const wrongEnv = run(['encrypt'], { cwd: dir, env: { ENVSEAL_MASTER_KEY_PRODUCTION: keys[1] } });
  assert.is(wrongEnv.code, 3, wrongEnv.stderr);
});

test('a key file that others can read is refused with the chmod fix (exit 3)', () => {
  const { dir } = project();
  const key = newKey();
  write(path.join(dir, '.env.key'), `${key}\n`, 0o644);
  const before = snapshot(dir);
  const result = run(['encrypt'], { cwd: dir });
  assert.is(result.code, 3, result.stderr);
  assert.ok(result.stderr.includes('chmod 600 .env.key'), result.stderr);
  assert.ok(result.stderr.includes('0644'), result.stderr);
  assert.equal(snapshot(dir), before);
  assertNoSecrets(result.output, [key, ...SECRET_VALUES]);
  fs.chmodSync(path.join(dir, '.env.key'), 0o640);
  assert.is(run(['encrypt'], { cwd: dir }).code, 3, 'group-readable is refused too');
  fs.chmodSync(path.join(dir, '.env.key'), 0o600);
  ok(run(['encrypt'], { cwd: dir }));
});

test('a malformed key names its source and never prints the key', () => {
  const { dir } = project();
  const bad = 'this-is-not-a-valid-key-' + 'but-looks-secret-0000';
  for (const [env, source] of [
    [{ ENVSEAL_MASTER_KEY: bad }, 'ENVSEAL_MASTER_KEY'],
    [{ SECRETS_MASTER_KEY: bad }, 'SECRETS_MASTER_KEY'],
    [{ ENVSEAL_MASTER_KEY: TEST_KEY.slice(0, 30) }, 'ENVSEAL_MASTER_KEY'],
  ]) {
    const result = run(['encrypt'], { cwd: dir, env });
    assert.is(result.code, 3, result.stderr);
    assert.ok(result.stderr.includes(source) && /malformed/.test(result.stderr), result.stderr);
    assert.ok(/fix:/.test(result.stderr));
    assertNoSecrets(result.output, [bad, TEST_KEY.slice(0, 30)]);
  }
  write(path.join(dir, '.env.key'), `${bad}\n`, 0o600);
  const fromFile = run(['encrypt'], { cwd: dir });
  assert.is(fromFile.code, 3);
  assert.ok(fromFile.stderr.includes('key file .env.key'), fromFile.stderr);
  assertNoSecrets(fromFile.output, [bad]);
  assert.not.ok(fs.existsSync(path.join(dir, '.env.encrypted')));
});

test('no key: the error lists exactly what to set for this environment', () => {
  const dir = gitRepo('envseal-nokey-');
  write(path.join(dir, '.env.production'), ENV_TEXT);
  const result = run(['encrypt', '--env', 'production'], { cwd: dir });
  assert.is(result.code, 3);
  assert.ok(result.stderr.includes('ENVSEAL_MASTER_KEY_PRODUCTION'), result.stderr);
  assert.ok(result.stderr.includes('.env.production.key'), result.stderr);
  assert.ok(/fix: Set ENVSEAL_MASTER_KEY_PRODUCTION/.test(result.stderr), result.stderr);
  assert.ok(result.stderr.includes('envseal init --env production'), result.stderr);
  assert.not.ok(fs.existsSync(path.join(dir, '.env.production.encrypted')));
  write(path.join(dir, '.env'), ENV_TEXT);
  const plain = run(['encrypt'], { cwd: dir });
  assert.is(plain.code, 3);
  assert.not.ok(plain.stderr.includes('ENVSEAL_MASTER_KEY_PRODUCTION'), 'only what this environment needs');
});

// ---- decrypt never clobbers ----------------------------------------------------------------------

test('decrypt refuses to overwrite a differing .env (exit 2, untouched); --force keeps a 0600 backup', () => {
  const { dir, env } = project();
  ok(run(['encrypt'], { cwd: dir, env }));
  const local = ENV_TEXT.replace('DEBUG=false', 'DEBUG=true # my local change');
  write(path.join(dir, '.env'), local, 0o640);
  const before = snapshot(dir);
  const refused = run(['decrypt'], { cwd: dir, env });
  assert.is(refused.code, 2, refused.stderr);
  assert.ok(/already exists and differs/.test(refused.stderr) && /--force/.test(refused.stderr), refused.stderr);
  assert.equal(snapshot(dir), before, '.env untouched, nothing else written');
  assertNoSecrets(refused.output, SECRET_VALUES);

  const forced = ok(run(['decrypt', '--force'], { cwd: dir, env, }));
  assert.is(read(path.join(dir, '.env')), ENV_TEXT);
  assert.is(mode(path.join(dir, '.env')), 0o600);
  const backups = fs.readdirSync(dir).filter((f) => f.startsWith('.env.backup_'));
  assert.is(backups.length, 1, backups.join());
  assert.match(backups[0], /^\.env\.backup_\d{8}T\d{6}Z$/);
  assert.is(read(path.join(dir, backups[0])), local);
  assert.is(mode(path.join(dir, backups[0])), 0o600);
  assert.ok(forced.stderr.includes(backups[0]), forced.stderr);
  assertNoSecrets(forced.output, SECRET_VALUES);
});

test('decrypt onto an identical .env changes nothing; a fresh .env is 0600 whatever the umask', () => {
  const { dir, env } = project();
  ok(run(['encrypt'], { cwd: dir, env }));
  const before = snapshot(dir);
  const same = ok(run(['decrypt'], { cwd: dir, env }));
  assert.ok(/up to date/.test(same.stderr), same.stderr);
  assert.equal(snapshot(dir), before);
  fs.rmSync(path.join(dir, '.env'));
  const result = spawnSync('/bin/sh', ['-c', `umask 000 && exec "${process.execPath}" "${path.join(ROOT, 'bin/envseal.js')}" decrypt`], { cwd: dir, env: cleanEnv(env), encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr);
  assert.is(mode(path.join(dir, '.env')), 0o600);
});

// ---- keygen, version, help -----------------------------------------------------------------------

test('keygen prints a new 44-character key on stdout, its fingerprint on stderr', () => {
  const a = ok(run(['keygen']));
  const b = ok(run(['keygen']));
  const key = a.stdout.trim();
  assert.match(key, /^[A-Za-z0-9_-]{43}=$/);
  assert.is(Buffer.from(key, 'base64url').length, 32);
  assert.is.not(b.stdout.trim(), key);
  assert.ok(a.stderr.includes(fingerprint(key)), a.stderr);
  assert.not.ok(a.stderr.includes(key));
  // The printed key works.
  const { dir } = project();
  ok(run(['encrypt'], { cwd: dir, env: { ENVSEAL_MASTER_KEY: key } }));
});

test('encrypt refuses to leave a secret readable in a comment, and writes nothing', () => {
  const stripe = `sk_live_${'51HxYzAbCdEfGhIjKlMnOpQr'}`;
  for (const [text, what] of [
    [`# old key: ${stripe}\nAPI=1\n`, 'Stripe'],
    [`DB_PASSWORD=Tr0ub4dor-and-3-more # was Tr0ub4dor-and-3-more before\n`, 'DB_PASSWORD'],
    [`# ${TEST_KEY}\nA=1\n`, 'master key'],
  ]) {
    const { dir, env } = project(text);
    const r = run(['encrypt'], { cwd: dir, env });
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, /comment would stay readable/);
    assert.match(r.stderr, new RegExp(what, 'i'));
    assert.not.ok(fs.existsSync(path.join(dir, '.env.encrypted')));
    assertNoSecrets(r.output, [stripe, 'Tr0ub4dor-and-3-more', TEST_KEY]);
  }
  // An explicit allow, and ordinary comments, seal fine.
  const { dir, env } = project(`# example format: ${stripe} envseal:allow\n# Port the app listens on\nPORT=3000 # default 3000\n`);
  ok(run(['encrypt'], { cwd: dir, env }));
});

test('--version matches package.json', () => {
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.is(ok(run(['--version'])).stdout.trim(), version);
});

test('--help of every command shows its examples; the top-level help lists commands and exit codes', () => {
  const top = ok(run(['--help']));
  for (const spec of COMMANDS) assert.ok(top.stdout.includes(`envseal ${spec.path[0]}`), `top-level help lists ${spec.path[0]}`);
  assert.ok(/Exit codes:/.test(top.stdout) && /3 key missing or wrong/.test(top.stdout));
  const squash = (s) => s.replace(/\s+/g, ' ');
  for (const spec of COMMANDS) {
    const help = ok(run([...spec.path, '--help']), spec.path.join(' '));
    const examples = help.stdout.split('Examples:')[1];
    assert.ok(spec.examples.length > 0 && examples, `${spec.path.join(' ')} --help has examples`);
    for (const [command, description] of spec.examples) {
      // Help wraps long lines into columns, so compare the command's first words and the description's.
      const start = command.split(' ').slice(0, 3).join(' ');
      assert.ok(examples.includes(start), `${spec.path.join(' ')} --help shows "${start}"`);
      assert.ok(squash(examples).includes(squash(description).split(' ').slice(0, 2).join(' ')), `${spec.path.join(' ')}: "${description}"`);
    }
  }
});

test.run();
