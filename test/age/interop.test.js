// Interop with the age CLI (Debian's age 1.1.1) in both directions, for each recipient type: files
// envseal writes, age reads, and the other way round (binary and armored). Only this catches a
// mistake both sides of envseal share, such as a swapped HKDF salt.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decryptWith, encryptTo, parseIdentities, parseRecipient } from '../../dist/age/index.js';
import { tempDir } from '../helpers/cli.js';
import { needing } from '../helpers/tools.js';

const withAge = needing(test, 'age');
let dir;

withAge.before(() => {
  dir = tempDir('envseal-age-interop-');
});
withAge.after(() => fs.rmSync(dir, { recursive: true, force: true }));

function tool(command, args, input) {
  const r = spawnSync(command, args, { input, cwd: dir });
  assert.is(r.status, 0, `${command} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A private key file made by the real tool, and its public key line. */
function keyPair(kind) {
  const file = path.join(dir, `${kind}-${randomBytes(4).toString('hex')}`);
  if (kind === 'x25519') {
    tool('age-keygen', ['-o', file]);
    return { file, publicLine: tool('age-keygen', ['-y', file]).toString().trim() };
  }
  const args = kind === 'ssh-rsa' ? ['-t', 'rsa', '-b', '3072'] : ['-t', 'ed25519'];
  tool('ssh-keygen', [...args, '-N', '', '-C', `${kind}@interop`, '-q', '-f', file]);
  return { file, publicLine: fs.readFileSync(`${file}.pub`, 'utf8').trim() };
}

const SIZES = [0, 1, 100, 64 * 1024, 64 * 1024 + 1, 200_000];

for (const kind of ['x25519', 'ssh-ed25519', 'ssh-rsa']) {
  withAge(`${kind}: envseal encrypts, age -d decrypts`, () => {
    const { file, publicLine } = keyPair(kind);
    for (const size of SIZES) {
      const plaintext = randomBytes(size);
      const encrypted = path.join(dir, 'to-age.age');
      fs.writeFileSync(encrypted, encryptTo([parseRecipient(publicLine)], plaintext));
      assert.equal(tool('age', ['-d', '-i', file, encrypted]), plaintext, `${size} bytes`);
    }
  });

  withAge(`${kind}: age encrypts (binary and armored, with another recipient), envseal decrypts`, () => {
    const { file, publicLine } = keyPair(kind);
    const other = keyPair('x25519');
    const identity = parseIdentities(fs.readFileSync(file, 'utf8'), file)[0].unlock();
    for (const size of SIZES) {
      const plaintext = randomBytes(size);
      for (const armor of [[], ['-a']]) {
        const input = path.join(dir, 'plain');
        fs.writeFileSync(input, plaintext);
        const encrypted = tool('age', [...armor, '-r', other.publicLine, '-r', publicLine, input]);
        assert.equal(decryptWith(identity, encrypted), plaintext, `${size} bytes ${armor.join('')}`);
      }
    }
  });
}

withAge('a passphrase-protected ssh-ed25519 key opens what age encrypted to its .pub', () => {
  const file = path.join(dir, 'protected');
  tool('ssh-keygen', ['-t', 'ed25519', '-N', 'pass phrase', '-q', '-f', file]);
  const input = path.join(dir, 'plain');
  fs.writeFileSync(input, 'for the protected key');
  const encrypted = tool('age', ['-R', `${file}.pub`, input]);
  const [identity] = parseIdentities(fs.readFileSync(file, 'utf8'), file);
  assert.equal(decryptWith(identity.unlock('pass phrase'), encrypted), Buffer.from('for the protected key'));
});

withAge('age-keygen identity files parse to the public key age-keygen -y prints', () => {
  const { file, publicLine } = keyPair('x25519');
  const [parsed] = parseIdentities(fs.readFileSync(file, 'utf8'), file);
  assert.is(parsed.recipient.text, publicLine);
});

withAge.run();
