// age on node:crypto against the real thing: Debian's age CLI in both directions, for every recipient
// type, with keys made by the real ssh-keygen; passphrase-protected OpenSSH keys; refusals with reasons.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { decryptWith, encryptTo, generateIdentity, parseIdentity, parseRecipient } from '../../dist/age/index.js';
import { tempDir } from '../helpers/cli.js';
import { needing } from '../helpers/tools.js';

const dir = tempDir('envseal-age-');
function sshKey(name, ...args) {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-f', file, '-C', `${name}@test`, ...args]);
  return { file, private: fs.readFileSync(file, 'utf8'), public: fs.readFileSync(`${file}.pub`, 'utf8') };
}
const MESSAGE = Buffer.from('CURRENT_KEY_LINE\nprevious OLD_KEY_LINE\n');

const cli = needing(suite('age CLI interop'), 'age', 'ssh-keygen');

cli('X25519: envseal → age -d, and age -r → envseal', () => {
  const idFile = path.join(dir, 'x25519.txt');
  execFileSync('age-keygen', ['-o', idFile], { stdio: 'ignore' });
  const identity = parseIdentity(fs.readFileSync(idFile, 'utf8'), idFile);
  assert.is(identity.recipient.type, 'x25519');
  const ours = path.join(dir, 'ours.age');
  fs.writeFileSync(ours, encryptTo([identity.recipient], MESSAGE));
  assert.equal(execFileSync('age', ['-d', '-i', idFile, ours]), MESSAGE);
  const theirs = execFileSync('age', ['-r', identity.recipient.text], { input: MESSAGE });
  assert.equal(decryptWith(identity.unlock(), theirs), MESSAGE);
  // The public key age-keygen prints is the one envseal derives.
  assert.is(execFileSync('age-keygen', ['-y', idFile], { encoding: 'utf8' }).trim(), identity.recipient.text);
});

for (const [type, args] of [['ssh-ed25519', ['-t', 'ed25519', '-N', '']], ['ssh-rsa', ['-t', 'rsa', '-b', '3072', '-N', '']]]) {
  cli(`${type}: envseal → age -d -i key, and age -R key.pub → envseal; the fingerprint is ssh-keygen's`, () => {
    const key = sshKey(type, ...args);
    const recipient = parseRecipient(key.public);
    assert.is(recipient.type, type);
    const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${key.file}.pub`], { encoding: 'utf8' }).split(' ')[1];
    assert.is(recipient.fingerprint, fingerprint);
    const ours = path.join(dir, `${type}.age`);
    fs.writeFileSync(ours, encryptTo([recipient], MESSAGE));
    assert.equal(execFileSync('age', ['-d', '-i', key.file, ours]), MESSAGE);
    const theirs = execFileSync('age', ['-R', `${key.file}.pub`], { input: MESSAGE });
    const identity = parseIdentity(key.private, key.file);
    assert.is(identity.recipient.text, recipient.text, 'the public key is read from the private key file');
    assert.equal(decryptWith(identity.unlock(), theirs), MESSAGE);
  });
}

cli('several recipients in one file: each opens it, age and envseal alike', () => {
  const ed = sshKey('multi-ed', '-t', 'ed25519', '-N', '');
  const own = generateIdentity();
  const file = encryptTo([parseRecipient(ed.public), parseRecipient(own.recipient)], MESSAGE);
  const out = path.join(dir, 'multi.age');
  fs.writeFileSync(out, file);
  assert.equal(execFileSync('age', ['-d', '-i', ed.file, out]), MESSAGE);
  assert.equal(decryptWith(parseIdentity(own.identity, 'own').unlock(), file), MESSAGE);
});

const keys = needing(suite('OpenSSH keys and refusals'), 'ssh-keygen');

keys('a passphrase-protected key: the public key is readable before the passphrase; wrong passphrase → E_IDENTITY_PASSPHRASE', () => {
  for (const args of [['-t', 'ed25519'], ['-t', 'rsa', '-b', '2048'], ['-t', 'ed25519', '-Z', 'aes256-gcm@openssh.com']]) {
    const key = sshKey(`locked-${args.join('')}`.replace(/[^\w-]/g, ''), ...args, '-N', 'correct horse');
    const identity = parseIdentity(key.private, key.file);
    assert.ok(identity.encrypted);
    assert.is(identity.recipient.text, parseRecipient(key.public).text);
    const file = encryptTo([identity.recipient], MESSAGE);
    assert.equal(decryptWith(identity.unlock('correct horse'), file), MESSAGE);
    for (const wrong of [undefined, 'wrong horse']) {
      try {
        identity.unlock(wrong);
        assert.unreachable();
      } catch (e) {
        assert.is(e.code, 'E_IDENTITY_PASSPHRASE');
        assert.not.match(e.message, /correct horse/);
      }
    }
  }
});

keys('keys age cannot wrap to are refused, each with its reason', () => {
  const ecdsa = sshKey('ecdsa', '-t', 'ecdsa', '-N', '');
  const cases = [
    [ecdsa.public, /no age recipient type/],
    ['sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t user', /security key/],
    ['age1pq1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq', /post-quantum/],
    [sshKey('short-rsa', '-t', 'rsa', '-b', '1024', '-N', '').public, /1024 bits; age needs at least 2048/],
  ];
  for (const [line, reason] of cases) {
    try {
      parseRecipient(line);
      assert.unreachable(line);
    } catch (e) {
      assert.is(e.code, 'E_RECIPIENT_UNSUPPORTED', line);
      assert.match(e.message, reason);
    }
  }
  try {
    parseIdentity(ecdsa.private, ecdsa.file);
    assert.unreachable();
  } catch (e) {
    assert.is(e.code, 'E_IDENTITY_INVALID');
  }
  for (const bad of ['ssh-ed25519 AAAA', 'age1notavalidkey', 'hello']) {
    try {
      parseRecipient(bad);
      assert.unreachable(bad);
    } catch (e) {
      assert.is(e.code, 'E_RECIPIENT_INVALID', bad);
    }
  }
});

keys('round trips of any payload, across chunk boundaries, for every recipient type', () => {
  const ed = sshKey('rt-ed', '-t', 'ed25519', '-N', '');
  const rsa = sshKey('rt-rsa', '-t', 'rsa', '-b', '2048', '-N', '');
  const own = generateIdentity();
  const pairs = [ed, rsa].map((k) => [parseRecipient(k.public), parseIdentity(k.private, k.file).unlock()]);
  pairs.push([parseRecipient(own.recipient), parseIdentity(own.identity, 'own').unlock()]);
  const sizes = fc.oneof(fc.integer({ min: 0, max: 200 }), fc.constantFrom(65535, 65536, 65537, 131072));
  fc.assert(
    fc.property(sizes, fc.integer({ min: 0, max: 2 }), (size, which) => {
      const data = Buffer.alloc(size, size % 251);
      const [recipient, identity] = pairs[which];
      assert.equal(decryptWith(identity, encryptTo([recipient], data)), data);
    }),
    { numRuns: 30 },
  );
  // Someone else's identity gets no match, not garbage.
  try {
    decryptWith(pairs[0][1], encryptTo([pairs[2][0]], MESSAGE));
    assert.unreachable();
  } catch (e) {
    assert.is(e.code, 'E_IDENTITY_NO_MATCH');
  }
});

cli.run();
keys.run();

