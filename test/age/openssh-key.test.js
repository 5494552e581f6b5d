// OpenSSH private key files from the real ssh-keygen: Ed25519 and RSA, unencrypted and with a
// passphrase (every cipher ssh-keygen -Z offers that node:crypto has), public key before passphrase.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decryptWith, encryptTo, parseIdentities, parseRecipient } from '../../dist/age/index.js';
import { assertNoSecrets, tempDir } from '../helpers/cli.js';

const dir = tempDir('envseal-age-openssh-');
const PASSPHRASE = 'correct horse battery staple';
let counter = 0;

function keygen(...args) {
  const file = path.join(dir, `key${counter++}`);
  const r = spawnSync('ssh-keygen', ['-q', '-C', 'me@test', '-f', file, ...args], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return { file, text: fs.readFileSync(file, 'utf8'), publicLine: fs.readFileSync(`${file}.pub`, 'utf8').trim() };
}
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const code = (c, pattern = /./) => (e) => e.code === c && pattern.test(e.message);
const openWith = (identity, publicLine) => decryptWith(identity, encryptTo([parseRecipient(publicLine)], Buffer.from('opened')));

/** The key file's binary form, and back: to edit a field ssh-keygen would never write. */
const body = (text) => Buffer.from(text.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64');
const armor = (bytes) => `-----BEGIN OPENSSH PRIVATE KEY-----\n${bytes.toString('base64').match(/.{1,70}/g).join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
/** Offsets of the fields before the private part: magic, cipher, kdf, kdf options, count, public key. */
function fields(bytes) {
  let at = 15;
  const out = {};
  for (const name of ['cipher', 'kdf', 'kdfOptions']) {
    const length = bytes.readUInt32BE(at);
    out[name] = { at, end: at + 4 + length };
    at += 4 + length;
  }
  at += 4;
  const length = bytes.readUInt32BE(at);
  out.publicKey = { at, end: at + 4 + length };
  return out;
}

test('unencrypted Ed25519 and RSA 3072 keys: the public key of the .pub file, and they open what was encrypted to it', () => {
  for (const args of [['-t', 'ed25519'], ['-t', 'rsa', '-b', '3072']]) {
    const key = keygen(...args, '-N', '');
    const files = parseIdentities(key.text, key.file);
    assert.is(files.length, 1);
    const [file] = files;
    assert.is(file.source, key.file);
    assert.is(file.encrypted, false);
    assert.is(file.recipient.text, parseRecipient(key.publicLine).text);
    assert.is(file.recipient.fingerprint, parseRecipient(key.publicLine).fingerprint);
    assert.equal(openWith(file.unlock(), key.publicLine), Buffer.from('opened'));
    assert.is(file.unlock(), file.unlock(), 'unlocked once');
  }
});

test('a passphrase-protected key shows its public key without the passphrase; unlocks only with the right one', () => {
  // ssh-keygen's default 16 bcrypt rounds for Ed25519; fewer for RSA, as each unlock here costs them all.
  for (const args of [['-t', 'ed25519'], ['-t', 'rsa', '-b', '3072', '-a', '4']]) {
    const key = keygen(...args, '-N', PASSPHRASE);
    const [file] = parseIdentities(key.text, key.file);
    assert.is(file.encrypted, true);
    assert.is(file.recipient.text, parseRecipient(key.publicLine).text, 'read before any passphrase');
    assert.throws(() => file.unlock(), code('E_IDENTITY_PASSPHRASE', /protected by a passphrase, and none was given/));
    assert.throws(() => file.unlock(''), code('E_IDENTITY_PASSPHRASE', /none was given/));
    for (const wrong of ['correct horse battery stapler', 'x']) {
      try {
        file.unlock(wrong);
        assert.unreachable();
      } catch (e) {
        assert.is(e.code, 'E_IDENTITY_PASSPHRASE');
        assert.ok(/passphrase for the identity in .* is wrong/.test(e.message), e.message);
        assertNoSecrets(`${e.message}\n${e.hint}`, [wrong.length > 3 ? wrong : 'xxxx', PASSPHRASE], 'the error');
      }
    }
    assert.equal(openWith(file.unlock(PASSPHRASE), key.publicLine), Buffer.from('opened'));
  }
});

test('every AES cipher ssh-keygen -Z offers unlocks; chacha20-poly1305 is refused with the command that re-encrypts', () => {
  for (const cipher of ['aes128-ctr', 'aes192-ctr', 'aes256-ctr', 'aes128-cbc', 'aes192-cbc', 'aes256-cbc', 'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com']) {
    const key = keygen('-t', 'ed25519', '-N', PASSPHRASE, '-Z', cipher, '-a', '2');
    const [file] = parseIdentities(key.text, key.file);
    assert.throws(() => file.unlock('wrong'), code('E_IDENTITY_PASSPHRASE', /wrong/), cipher);
    assert.equal(openWith(file.unlock(PASSPHRASE), key.publicLine), Buffer.from('opened'), cipher);
  }
  const key = keygen('-t', 'ed25519', '-N', PASSPHRASE, '-Z', 'chacha20-poly1305@openssh.com', '-a', '2');
  assert.throws(() => parseIdentities(key.text, 'id_chacha'), (e) => e.code === 'E_IDENTITY_INVALID' && /chacha20-poly1305@openssh.com/.test(e.message) && /ssh-keygen -p -Z aes256-ctr/.test(e.hint));
});

test('a key file asking for too many bcrypt rounds is refused before any work', () => {
  const key = keygen('-t', 'ed25519', '-N', PASSPHRASE, '-a', '16');
  const bytes = body(key.text);
  const { kdfOptions } = fields(bytes);
  bytes.writeUInt32BE(100_000, kdfOptions.end - 4);
  assert.throws(() => parseIdentities(armor(bytes), 'id'), code('E_IDENTITY_INVALID', /100000 bcrypt rounds/));
});

test('other private key formats and public keys are not identities', () => {
  const pem = keygen('-t', 'rsa', '-b', '2048', '-N', '', '-m', 'PEM');
  assert.ok(pem.text.startsWith('-----BEGIN RSA PRIVATE KEY-----'));
  assert.throws(() => parseIdentities(pem.text, 'id_rsa'), (e) => e.code === 'E_IDENTITY_INVALID' && /PEM/.test(e.message) && /ssh-keygen -p -f/.test(e.hint));
  assert.throws(() => parseIdentities(pem.publicLine, 'id_rsa.pub'), code('E_IDENTITY_INVALID', /id_rsa.pub is a public key/));
});

test('a damaged key file is refused, and the message never shows its content', () => {
  const key = keygen('-t', 'ed25519', '-N', '');
  const bytes = body(key.text);
  const other = body(keygen('-t', 'ed25519', '-N', '').text);
  const spliced = (() => {
    // The public key of another key in front of this key's private part.
    const a = fields(bytes).publicKey;
    const b = fields(other).publicKey;
    return Buffer.concat([bytes.subarray(0, a.at), other.subarray(b.at, b.end), bytes.subarray(a.end)]);
  })();
  const damaged = {
    truncated: key.text.slice(0, key.text.length / 2),
    'no END line': key.text.replace('-----END OPENSSH PRIVATE KEY-----', ''),
    'a flipped byte in the private part': armor(Buffer.from(bytes.map((b, i) => (i === bytes.length - 40 ? b ^ 0xff : b)))),
    'another key\'s public part': armor(spliced),
    'bad magic': armor(Buffer.concat([Buffer.from('openssh-key-v2\0'), bytes.subarray(15)])),
  };
  for (const [why, text] of Object.entries(damaged)) {
    try {
      parseIdentities(text, 'id_damaged')[0].unlock();
      assert.unreachable(why);
    } catch (e) {
      assert.is(e.code, 'E_IDENTITY_INVALID', `${why}: ${e.message}`);
      assert.ok(e.message.includes('id_damaged'), why);
      const lines = key.text.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
      assertNoSecrets(`${e.message}\n${e.hint}`, lines.map((l) => l.slice(10, 40)), 'the error');
    }
  }
  assert.throws(() => parseIdentities(armor(spliced), 'x')[0].unlock(), code('E_IDENTITY_INVALID', /does not match its public key/));

  // A seed that is not the public key's (both copies of the public key intact): found when a
  // stanza with the key's tag does not open, and named as such.
  const seedAt = fields(bytes).publicKey.end + 4 + 8 + (4 + 11) + (4 + 32) + 4;
  const wrongSeed = Buffer.from(bytes);
  wrongSeed[seedAt] ^= 1;
  const identity = parseIdentities(armor(wrongSeed), 'id_halves')[0].unlock();
  assert.throws(() => openWith(identity, key.publicLine), code('E_IDENTITY_INVALID', /id_halves holds a private key that does not match its public key/));
});

test.run();
