// `envseal import` through the built CLI, from files the real tools wrote: dotenvx's CLI (the
// devDependency) and Debian's ansible-vault. What dotenvx itself reads from its files is the
// reference for what envseal must seal; every refusal writes nothing and leaks nothing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, OTHER_KEY, ROOT, TEST_KEY, assertNoSecrets, cleanEnv, read, run, snapshot, tempDir, write } from '../helpers/cli.js';
import { runAtTerminal } from '../helpers/pty.js';
import { needing } from '../helpers/tools.js';

const DOTENVX = path.join(ROOT, 'node_modules/.bin/dotenvx');
const KEYS = { ENVSEAL_MASTER_KEY: TEST_KEY, ENVSEAL_MASTER_KEY_PRODUCTION: OTHER_KEY };

function dotenvx(args, cwd, env = {}) {
  const r = spawnSync(DOTENVX, args, { cwd, env: cleanEnv({ DOTENVX_NO_UPDATE: 'true', ...env }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dotenvx ${args[0]} failed: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** What dotenvx itself hands an application from `file`, without its public key. */
function dotenvxReads(cwd, file) {
  const { DOTENV_PUBLIC_KEY: _, DOTENV_PUBLIC_KEY_PRODUCTION: __, ...values } = JSON.parse(dotenvx(['get', '-f', file], cwd));
  return values;
}

const sealedValues = (cwd, envName) => {
  const r = run(['export', '--format', 'json', ...(envName ? ['--env', envName] : [])], { cwd, env: KEYS });
  assert.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
};

/** Fake values only; the shapes that differ between dotenv dialects. */
const SECRETS = {
  API_SECRET: 'fake-api-secret-7f3a9c',
  MULTI: 'line one\nline two\n  indented',
  QUOTED: 'it has "double" and \'single\' quotes',
  UNICODE: 'héllo wörld ✓ 日本 🔑',
  SPACES: '  padded both sides  ',
  DOLLAR_LITERAL: 'p@ss$',
  HASH: 'a#not-a-comment',
};

/** A dotenvx project as dotenvx's CLI makes one: .env encrypted from a written file, .env.production by `set`. */
function makeDotenvxProject() {
  const dir = tempDir('envseal-dotenvx-');
  write(path.join(dir, '.env'), [
    '# written by hand, then `dotenvx encrypt`',
    'PORT=3000',
    `API_SECRET=${SECRETS.API_SECRET}`,
    `MULTI="line one\\nline two\\n  indented"`,
    `QUOTED='${SECRETS.QUOTED}'`,
    `UNICODE=${SECRETS.UNICODE}`,
    'EMPTY=',
    `SPACES="${SECRETS.SPACES}"`,
    `DOLLAR_LITERAL=${SECRETS.DOLLAR_LITERAL}`,
    `HASH="${SECRETS.HASH}"`,
    'export EXPORTED=yes',
    '',
  ].join('\n'));
  dotenvx(['encrypt'], dir);
  for (const [name, value] of [['DB_PASSWORD', 'fake-prod-db-pw-5521'], ['MULTI', SECRETS.MULTI], ['UNICODE', SECRETS.UNICODE], ['EMPTY', '']]) {
    dotenvx(['set', name, value, '-f', '.env.production'], dir);
  }
  dotenvx(['set', 'PUBLIC_URL', 'https://example.com', '-f', '.env.production', '--plain'], dir);
  return dir;
}

/** dotenvx takes a second a run: the project is made once, and each test gets a copy. */
const SEED = makeDotenvxProject();
function dotenvxProject() {
  const dir = tempDir('envseal-dotenvx-');
  fs.cpSync(SEED, dir, { recursive: true });
  return dir;
}

const privateKeys = (dir) => [...read(path.join(dir, '.env.keys')).matchAll(/^DOTENV_PRIVATE_KEY\w*=(\w+)$/gm)].map((m) => m[1]);
const noLeak = (dir) => [...Object.values(SECRETS), 'fake-prod-db-pw-5521', ...privateKeys(dir), TEST_KEY, OTHER_KEY];

/** A refusal: its exit code and message, a fix line, nothing written or changed, no secret shown. */
function refused(args, { cwd, env = KEYS, code, message, fix, secrets = [] }) {
  const before = snapshot(cwd);
  const r = run(args, { cwd, env });
  assert.is(r.code, code, `exit ${r.code}, expected ${code}: ${r.stderr}`);
  assert.match(r.stderr, message);
  const fixLine = r.stderr.split('\n').find((l) => l.startsWith('  fix: '));
  assert.ok(fixLine, r.stderr);
  if (fix) assert.match(fixLine, fix);
  assert.is(r.stdout, '');
  const { '.envseal': _audit, ...after } = snapshot(cwd);
  const { '.envseal': _auditBefore, ...same } = before;
  assert.equal(after, same, 'nothing written, changed or removed');
  assertNoSecrets(r.output, secrets);
  return r;
}

// ---- dotenvx ------------------------------------------------------------------------------------

const dx = suite('dotenvx');

dx('every dotenvx file here is sealed into its own .encrypted, holding exactly what dotenvx reads from it', () => {
  const dir = dotenvxProject();
  const before = snapshot(dir);
  const r = run(['import', '--from', 'dotenvx'], { cwd: dir, env: KEYS });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /Imported 10 values from \.env \(dotenvx\) into \.env\.encrypted, key [0-9a-f]{16} from ENVSEAL_MASTER_KEY; verified/);
  assert.match(r.stderr, /Imported 5 values from \.env\.production \(dotenvx\) into \.env\.production\.encrypted, key [0-9a-f]{16} from ENVSEAL_MASTER_KEY_PRODUCTION/);
  assert.match(r.stderr, /Not imported: DOTENV_PUBLIC_KEY \(dotenvx's public key/);
  assert.match(r.stderr, /Not imported: DOTENV_PUBLIC_KEY_PRODUCTION/);
  assert.match(r.stderr, /In the clear in dotenvx's file, imported as they were \(now sealed\): PUBLIC_URL\./);
  assert.match(r.stderr, /Nothing was deleted\. .*you can remove: \.env, \.env\.production, \.env\.keys\./);
  assertNoSecrets(r.output, noLeak(dir));
  for (const name of ['.env', '.env.production', '.env.keys']) assert.equal(snapshot(dir)[name], before[name], `${name} untouched`);

  assert.equal(sealedValues(dir), dotenvxReads(dir, '.env'));
  assert.equal(sealedValues(dir, 'production'), dotenvxReads(dir, '.env.production'));
  assert.is(sealedValues(dir).MULTI, SECRETS.MULTI);
  assert.is(sealedValues(dir).EMPTY, '');
  const sealed = read(path.join(dir, '.env.encrypted'));
  assert.match(sealed, /^# written by hand, then `dotenvx encrypt`$/m, 'comments are kept');
  assert.not.match(sealed, /DOTENV_PUBLIC_KEY|#\/-{5}/, "dotenvx's banner and public key are not");
  assert.match(sealed, /"reason":"imported from dotenvx \(\.env\)"/);
});

dx('keys from DOTENV_PRIVATE_KEY_<ENV> in the environment; one file with --env; --out elsewhere', () => {
  const dir = dotenvxProject();
  const [, productionKey] = privateKeys(dir);
  fs.rmSync(path.join(dir, '.env.keys'));
  const r = run(['import', '--from', 'dotenvx', '--env', 'production', '--out', 'prod.encrypted'], { cwd: dir, env: { ...KEYS, DOTENV_PRIVATE_KEY_PRODUCTION: productionKey } });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /into prod\.encrypted/);
  assert.match(r.stderr, /you can remove: \.env\.production\./);
  assert.match(r.stderr, /The dotenvx keys came from DOTENV_PRIVATE_KEY_PRODUCTION: remove it from CI settings/);
  assert.not.ok(fs.existsSync(path.join(dir, '.env.encrypted')), 'only the file asked for');
  assertNoSecrets(r.output, [productionKey, 'fake-prod-db-pw-5521']);
  const shown = run(['export', '--format', 'json', '--in', 'prod.encrypted', '--env', 'production'], { cwd: dir, env: KEYS });
  assert.is(JSON.parse(shown.stdout).DB_PASSWORD, 'fake-prod-db-pw-5521');
});

dx('an existing sealed file is replaced only with --force, after a backup', () => {
  const dir = dotenvxProject();
  write(path.join(dir, '.env.encrypted'), 'not ours\n');
  refused(['import', '--from', 'dotenvx'], { cwd: dir, code: 2, message: /\.env\.encrypted already exists; import does not replace a sealed file unasked/, fix: /--force/, secrets: noLeak(dir) });
  const r = run(['import', '--from', 'dotenvx', '--force'], { cwd: dir, env: KEYS });
  assert.is(r.code, 0, r.stderr);
  const backup = fs.readdirSync(dir).find((f) => f.startsWith('.env.encrypted.backup_'));
  assert.is(read(path.join(dir, backup)), 'not ours\n');
  assert.match(r.stderr, new RegExp(`The previous \\.env\\.encrypted was kept as ${backup.replace(/\./g, '\\.')}`));
});

dx('a wrong, missing or malformed private key, a changed value, a missing file: refused, nothing written', () => {
  const dir = dotenvxProject();
  const secrets = noLeak(dir);
  const keysFile = path.join(dir, '.env.keys');
  const keys = read(keysFile);
  const other = tempDir('envseal-dotenvx-other-');
  dotenvx(['set', 'X', 'y'], other);
  write(keysFile, read(path.join(other, '.env.keys')));
  refused(['import', '--from', 'dotenvx', '--in', '.env'], { cwd: dir, code: 3, message: /DOTENV_PRIVATE_KEY from \.env\.keys is not the private key of \.env: the file's DOTENV_PUBLIC_KEY is [0-9a-f]{8}…/, fix: /--env-keys-file/, secrets: [...secrets, ...privateKeys(other)] });
  write(keysFile, keys.replace(/^DOTENV_PRIVATE_KEY=\w+$/m, 'DOTENV_PRIVATE_KEY=abc123'));
  refused(['import', '--from', 'dotenvx', '--in', '.env'], { cwd: dir, code: 3, message: /DOTENV_PRIVATE_KEY from \.env\.keys is not a dotenvx private key/, secrets });
  fs.rmSync(keysFile);
  refused(['import', '--from', 'dotenvx', '--in', '.env'], { cwd: dir, code: 3, message: /no dotenvx private key for \.env: looked for DOTENV_PRIVATE_KEY in \.env\.keys and in the environment/, fix: /--env-keys-file/, secrets });
  write(keysFile, keys);
  const env = read(path.join(dir, '.env'));
  const token = /^API_SECRET=encrypted:(\S+)$/m.exec(env)[1];
  const blob = Buffer.from(token, 'base64');
  blob[blob.length - 3] ^= 1;
  write(path.join(dir, '.env'), env.replace(token, blob.toString('base64')));
  refused(['import', '--from', 'dotenvx', '--in', '.env'], { cwd: dir, code: 4, message: /\.env line \d+: API_SECRET does not decrypt with DOTENV_PRIVATE_KEY from \.env\.keys, this file's private key/, secrets });
  refused(['import', '--from', 'dotenvx', '--in', 'nope.env'], { cwd: dir, code: 5, message: /nope\.env does not exist/, secrets });
  refused(['import', '--from', 'dotenvx'], { cwd: tempDir(), code: 5, message: /no dotenvx files in/, fix: /--in/ });
  refused(['import'], { cwd: dir, code: 2, message: /`import` needs --from/, fix: /--from dotenvx, --from ansible-vault, --from fernet/ });
});

dx('a value dotenvx would expand at load time is refused by name; a fresh repository is sent to `envseal init`', () => {
  const dir = tempDir('envseal-dotenvx-expand-');
  write(path.join(dir, '.env'), 'HOST=db.internal\nDATABASE_URL="postgres://app:fake-pw-${HOST}@x"\n');
  dotenvx(['encrypt'], dir);
  refused(['import', '--from', 'dotenvx'], { cwd: dir, env: {}, code: 3, message: /no master key found for \.env\.encrypted/, fix: /envseal init/ });
  const r = refused(['import', '--from', 'dotenvx'], { cwd: dir, code: 4, message: /dotenvx expands \$\{…\} and \$NAME.*so DATABASE_URL would change meaning/, fix: /dotenvx set NAME/, secrets: ['fake-pw-'] });
  assert.not.match(r.stderr, /HOST=|db\.internal/);
});

dx('`encrypt` refuses a dotenvx file and points to import; a value that only starts with "encrypted:" is sealed', () => {
  const dir = dotenvxProject();
  refused(['encrypt', '--env', 'production'], { cwd: dir, code: 2, message: /\.env\.production holds dotenvx ciphertexts \(encrypted:…\) as the values of DB_PASSWORD, MULTI, UNICODE, EMPTY/, fix: /envseal import --from dotenvx --in \.env\.production/, secrets: noLeak(dir) });
  const plain = tempDir('envseal-not-dotenvx-');
  write(path.join(plain, '.env'), 'NOTE=encrypted:hello\nB64=encrypted:aGVsbG8gd29ybGQ=\n');
  const r = run(['encrypt'], { cwd: plain, env: KEYS });
  assert.is(r.code, 0, r.stderr);
  assert.is(sealedValues(plain).NOTE, 'encrypted:hello');
});

// ---- ansible-vault ------------------------------------------------------------------------------

const vault = needing(suite('ansible-vault'), 'ansible-vault');
const VAULT_PASSWORD = 'fake vault pass 42';
const YAML = `---
# secrets for the app
DB_PASSWORD: "fake-db-pass-\\u00e9-9"
API_TOKEN: tok_fake_0a1b2c
PORT: 5432
QUOTED: 'it''s "quoted"'
TLS_KEY: |
  -----BEGIN FAKE KEY-----
  bm90IGEga2V5
  -----END FAKE KEY-----
EMPTY: ""
`;
const YAML_VALUES = { DB_PASSWORD: 'fake-db-pass-é-9', API_TOKEN: 'tok_fake_0a1b2c', PORT: '5432', QUOTED: 'it\'s "quoted"', TLS_KEY: '-----BEGIN FAKE KEY-----\nbm90IGEga2V5\n-----END FAKE KEY-----\n', EMPTY: '' };
const VAULT_SECRETS = ['fake-db-pass-', 'tok_fake_0a1b2c', 'bm90IGEga2V5', VAULT_PASSWORD, TEST_KEY, OTHER_KEY];

/** A directory with `name` encrypted by ansible-vault (1.1, or 1.2 with a vault id) and its password file. */
function vaultProject(content, { name = 'vault.yml', vaultId } = {}) {
  const dir = tempDir('envseal-vault-');
  write(path.join(dir, 'vault-pass'), `${VAULT_PASSWORD}\n`, 0o600);
  write(path.join(dir, name), content);
  const secret = vaultId ? ['--vault-id', `${vaultId}@vault-pass`] : ['--vault-password-file', 'vault-pass'];
  const r = spawnSync('ansible-vault', ['encrypt', ...secret, name], { cwd: dir, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return dir;
}

vault('a YAML vault ansible-vault encrypted (1.1, and 1.2 with a vault id) is sealed with exactly its values', () => {
  for (const vaultId of [undefined, 'prod']) {
    const dir = vaultProject(YAML, { vaultId });
    assert.match(read(path.join(dir, 'vault.yml')), vaultId ? /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/ : /^\$ANSIBLE_VAULT;1\.1;AES256\n/);
    const before = read(path.join(dir, 'vault.yml'));
    const r = run(['import', '--from', 'ansible-vault', '--in', 'vault.yml', '--vault-password-file', 'vault-pass'], { cwd: dir, env: KEYS });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stderr, /Imported 6 values from vault\.yml \(the ansible vault\) into \.env\.encrypted, key [0-9a-f]{16} from ENVSEAL_MASTER_KEY; verified/);
    assert.match(r.stderr, /you can remove: vault\.yml\./);
    assertNoSecrets(r.output, VAULT_SECRETS);
    assert.is(read(path.join(dir, 'vault.yml')), before, 'the vault is untouched');
    assert.equal(sealedValues(dir), YAML_VALUES);
    assert.match(read(path.join(dir, '.env.encrypted')), /^# secrets for the app$/m);
  }
});

vault('a dotenv vault, the password through a pipe, into --env production', () => {
  const dir = vaultProject('# prod\nAPI_TOKEN=tok_fake_0a1b2c\nMULTI="a\\nb"\n', { name: 'prod.env.vault' });
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" import --from ansible-vault --in prod.env.vault --env production --vault-password-file <(cat vault-pass)`], { cwd: dir, env: cleanEnv(KEYS), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /into \.env\.production\.encrypted, key [0-9a-f]{16} from ENVSEAL_MASTER_KEY_PRODUCTION/);
  assert.equal(sealedValues(dir, 'production'), { API_TOKEN: 'tok_fake_0a1b2c', MULTI: 'a\nb' });
  assertNoSecrets(r.stdout + r.stderr, VAULT_SECRETS);
});

vault('ANSIBLE_VAULT_PASSWORD_FILE, as ansible reads it, gives the password when no --vault-password-file is passed', () => {
  const dir = vaultProject(YAML);
  const r = run(['import', '--from', 'ansible-vault', '--in', 'vault.yml'], { cwd: dir, env: { ...KEYS, ANSIBLE_VAULT_PASSWORD_FILE: path.join(dir, 'vault-pass') } });
  assert.is(r.code, 0, r.stderr);
  assert.equal(sealedValues(dir), YAML_VALUES);
  assertNoSecrets(r.output, VAULT_SECRETS);
});

vault('without a password file the password is asked at a terminal, hidden; without a terminal the fix names the flag', () => {
  const dir = vaultProject(YAML);
  refused(['import', '--from', 'ansible-vault', '--in', 'vault.yml'], { cwd: dir, code: 3, message: /no vault password for vault\.yml, and no terminal to ask at/, fix: /--vault-password-file/ });
  const typed = runAtTerminal([process.execPath, BIN, 'import', '--from', 'ansible-vault', '--in', 'vault.yml'], { cwd: dir, env: KEYS, prompt: 'input hidden', reply: `${VAULT_PASSWORD}\r` });
  assert.is(typed.code, 0, typed.output);
  assert.match(typed.output, /Vault password for vault\.yml \(input hidden\)/);
  assertNoSecrets(typed.output, VAULT_SECRETS);
  assert.equal(sealedValues(dir), YAML_VALUES);
});

vault('a wrong password, a changed or truncated vault, nested YAML, an executable password file: refused, nothing written', () => {
  const dir = vaultProject(YAML);
  const args = ['import', '--from', 'ansible-vault', '--in', 'vault.yml', '--vault-password-file', 'vault-pass'];
  write(path.join(dir, 'wrong-pass'), 'not the password\n', 0o600);
  refused([...args.slice(0, -1), 'wrong-pass'], { cwd: dir, code: 3, message: /the vault password does not open vault\.yml: the HMAC does not match/, secrets: [...VAULT_SECRETS, 'not the password'] });
  const text = read(path.join(dir, 'vault.yml'));
  // One hex digit of the ciphertext changed, under the outer hex layer: still well-formed.
  const [header, ...body] = text.trimEnd().split('\n');
  const inner = Buffer.from(body.join(''), 'hex').toString('latin1');
  const changed = inner.slice(0, -1) + (inner.endsWith('0') ? '1' : '0');
  write(path.join(dir, 'vault.yml'), `${header}\n${Buffer.from(changed, 'latin1').toString('hex').match(/.{1,80}/g).join('\n')}\n`);
  refused(args, { cwd: dir, code: 3, message: /HMAC does not match \(a wrong password, or the file was changed/, secrets: VAULT_SECRETS });
  write(path.join(dir, 'vault.yml'), text.slice(0, text.length - 37));
  refused(args, { cwd: dir, code: 4, message: /vault\.yml is truncated or damaged/, fix: /Restore the file/, secrets: VAULT_SECRETS });
  write(path.join(dir, 'vault.yml'), text);
  fs.chmodSync(path.join(dir, 'vault-pass'), 0o700);
  refused(args, { cwd: dir, code: 2, message: /vault-pass is executable/, fix: /--vault-password-file <\(vault-pass\)/, secrets: VAULT_SECRETS });
  fs.chmodSync(path.join(dir, 'vault-pass'), 0o600);
  refused([...args.slice(0, 4), 'missing.yml', ...args.slice(5)], { cwd: dir, code: 5, message: /missing\.yml does not exist/ });
  refused(['import', '--from', 'ansible-vault'], { cwd: dir, code: 2, message: /needs the vault file: --in FILE/ });

  const nested = vaultProject('db:\n  password: fake-nested-pw-3\n');
  refused(args, { cwd: nested, code: 4, message: /vault\.yml \(decrypted\) line 1: db holds a nested mapping or list; envseal reads flat KEY: value YAML only/, secrets: ['fake-nested-pw-3', VAULT_PASSWORD] });
  const typed = vaultProject('DEBUG: yes\n');
  refused(args, { cwd: typed, code: 4, message: /YAML reads the value of DEBUG as a boolean/, fix: /Quote it/ });
});

// ---- fernet -------------------------------------------------------------------------------------

const fernet = suite('fernet');

fernet('a token elsewhere becomes the env\'s sealed file; the token is left as it was', () => {
  const dir = tempDir('envseal-fernet-');
  const token = spawnSync(process.execPath, ['--input-type=module', '-e', `
    import { FernetKey, encrypt } from ${JSON.stringify(path.join(ROOT, 'dist/crypto/fernet.js'))};
    process.stdout.write(encrypt(FernetKey.fromString(${JSON.stringify(TEST_KEY)}), 'OLD_SECRET=fake-legacy-77\\n'));`], { encoding: 'utf8' }).stdout;
  write(path.join(dir, 'secrets.enc'), token);
  const r = run(['import', '--from', 'fernet', '--in', 'secrets.enc'], { cwd: dir, env: KEYS });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /Imported 1 value from secrets\.enc \(the Fernet token\) into \.env\.encrypted/);
  assert.match(r.stderr, /you can remove: secrets\.enc\./);
  assert.is(read(path.join(dir, 'secrets.enc')), token);
  assert.is(sealedValues(dir).OLD_SECRET, 'fake-legacy-77');
  refused(['import', '--from', 'fernet', '--in', '.env.encrypted', '--out', 'again.encrypted'], { cwd: dir, code: 2, message: /already an envseal sealed file/ });
  refused(['import', '--from', 'fernet', '--in', 'secrets.enc'], { cwd: dir, code: 2, message: /\.env\.encrypted already exists/, fix: /--force/ });
});

dx.run();
vault.run();
fernet.run();
