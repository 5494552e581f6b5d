// ansible-vault files decoded on node:crypto, against files the real ansible-vault wrote (1.1, and
// 1.2 with a vault id), with every way such a file can be wrong.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decryptVault, parseVault, vaultPassword } from '../../dist/import/ansible-vault.js';
import { tempDir } from '../helpers/cli.js';
import { needing } from '../helpers/tools.js';

const withVault = needing(test, 'ansible-vault');
const PASSWORD = 'correct horse battery staple';

/** Files ansible-vault encrypted (one run for all): name → the vault text. */
function encryptAll(plaintexts, { vaultId } = {}) {
  const dir = tempDir('envseal-vault-');
  fs.writeFileSync(path.join(dir, 'pass'), `  ${PASSWORD}\n`, { mode: 0o600 });
  const names = Object.keys(plaintexts);
  for (const name of names) fs.writeFileSync(path.join(dir, name), plaintexts[name]);
  const secret = vaultId ? ['--vault-id', `${vaultId}@pass`] : ['--vault-password-file', 'pass'];
  const r = spawnSync('ansible-vault', ['encrypt', ...secret, ...names], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Object.fromEntries(names.map((name) => [name, fs.readFileSync(path.join(dir, name), 'utf8')]));
}

const PLAINTEXTS = {
  empty: '',
  one: 'x',
  fifteen: 'A'.repeat(15),
  sixteen: 'B'.repeat(16),
  seventeen: 'C'.repeat(17),
  unicode: 'DB_PASSWORD: "héllo ✓ 日本"\n',
  dotenv: 'API_KEY=abc\nMULTI="a\nb"\n',
  binary: Buffer.from([0, 1, 2, 255, 254, 10, 13, 128]),
  long: 'K: '.concat('v'.repeat(5000), '\n'),
};
const password = vaultPassword(Buffer.from(`\t${PASSWORD} \r\n`), 'test');

withVault('files ansible-vault encrypted (1.1, and 1.2 with a vault id) decrypt to their plaintext', () => {
  for (const vaultId of [undefined, 'prod']) {
    const vaults = encryptAll(PLAINTEXTS, { vaultId });
    for (const [name, text] of Object.entries(vaults)) {
      const vault = parseVault(text, name);
      assert.is(vault.version, vaultId ? '1.2' : '1.1');
      assert.is(vault.vaultId, vaultId);
      assert.equal(decryptVault(vault, password, name), Buffer.from(PLAINTEXTS[name]), `${name} (${vault.version})`);
    }
  }
});

withVault('a wrong password, a changed HMAC or ciphertext, a truncated file: refused, each with its code', () => {
  const { sample } = encryptAll({ sample: 'SECRET: fake-value-123\n' });
  const wrong = (text, where) => assert.throws(() => decryptVault(parseVault(text, 'v.yml'), password, 'v.yml'), (e) => e.code === 'E_IMPORT_KEY_WRONG' && e.exitCode === 3, where);
  assert.throws(() => decryptVault(parseVault(sample, 'v.yml'), vaultPassword(Buffer.from('not it'), 't'), 'v.yml'), (e) => e.code === 'E_IMPORT_KEY_WRONG');
  const lines = sample.split('\n');
  const body = lines.slice(1).join('');
  const inner = Buffer.from(body, 'hex').toString('latin1').split('\n');
  const rewrap = (parts) => `${lines[0]}\n${Buffer.from(parts.join('\n'), 'latin1').toString('hex').match(/.{1,80}/g).join('\n')}\n`;
  const flip = (hex, at) => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
  wrong(rewrap([inner[0], flip(inner[1], 5), inner[2]]), 'HMAC');
  wrong(rewrap([inner[0], inner[1], flip(inner[2], 7)]), 'ciphertext');
  wrong(rewrap([flip(inner[0], 3), inner[1], inner[2]]), 'salt');
  // Cut anywhere: never opened, always a documented refusal.
  for (let cut = sample.trimEnd().length - 1; cut > 30; cut -= 13) {
    assert.throws(
      () => decryptVault(parseVault(sample.slice(0, cut), 'v.yml'), password, 'v.yml'),
      (e) => ['E_IMPORT_CORRUPT', 'E_IMPORT_KEY_WRONG'].includes(e.code),
      `cut at ${cut}`,
    );
  }
  assert.throws(() => parseVault(rewrap([inner[0], inner[1]]), 'v.yml'), (e) => e.code === 'E_IMPORT_CORRUPT' && e.exitCode === 4);
});

test('what is not an ansible-vault file of a known kind is refused as such', () => {
  const refused = (text, code, message) => assert.throws(() => parseVault(text, 'v.yml'), (e) => e.code === code && message.test(e.message));
  refused('KEY: value\n', 'E_IMPORT_FORMAT', /not an ansible-vault file/);
  refused('password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3132\n', 'E_IMPORT_FORMAT', /inline `!vault` values/);
  refused('$ANSIBLE_VAULT;1.0;AES\n3132\n', 'E_IMPORT_FORMAT', /format 1\.0, cipher AES/);
  refused('$ANSIBLE_VAULT;1.1;AES128\n3132\n', 'E_IMPORT_FORMAT', /cipher AES128/);
  refused('$ANSIBLE_VAULT;1.1;AES256\nzz\n', 'E_IMPORT_CORRUPT', /not hexadecimal/);
  refused('$ANSIBLE_VAULT;1.1;AES256\n313\n', 'E_IMPORT_CORRUPT', /not hexadecimal/);
  refused('$ANSIBLE_VAULT;1.1;AES256\n\n', 'E_IMPORT_CORRUPT', /truncated or damaged/);
});

test('a vault password is taken as ansible takes it: surrounding ASCII whitespace dropped, empty refused', () => {
  assert.equal(vaultPassword(Buffer.from(' \tpw with inner space\r\n\v'), 's'), Buffer.from('pw with inner space'));
  assert.equal(vaultPassword(Buffer.from('pässwörd\n'), 's'), Buffer.from('pässwörd'));
  assert.throws(() => vaultPassword(Buffer.from(' \n\n'), 'vault password file p'), (e) => e.code === 'E_IMPORT_KEY_MISSING' && e.exitCode === 3);
});

test.run();
