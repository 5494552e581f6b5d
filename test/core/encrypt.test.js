// Sealing and opening files: no clobbering.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encryptFile } from '../../dist/core/encrypt.js';
import { decryptFile } from '../../dist/core/decrypt.js';
import { read, tempDir, write } from '../helpers/cli.js';
import { NOW, ENV, errorCode } from './helpers.js';

test('encrypt then decrypt round-trips; decrypt never overwrites a differing plaintext without force', () => {
  const dir = tempDir('envseal-core-');
  fs.mkdirSync(path.join(dir, '.git'));
  write(path.join(dir, '.env'), 'SECRET_KEY=a8f5f167f44f4964e6c998dee827110c\n# note\nDEBUG=0\n');
  const sealed = encryptFile({ input: path.join(dir, '.env'), output: path.join(dir, '.env.encrypted'), env: ENV, now: NOW });
  assert.ok(sealed.created && sealed.written);
  write(path.join(dir, '.env'), 'SECRET_KEY=changed-locally\n');
  assert.is(errorCode(() => decryptFile({ input: path.join(dir, '.env.encrypted'), output: path.join(dir, '.env'), env: ENV, now: NOW })), 'E_OUTPUT_EXISTS');
  const forced = decryptFile({ input: path.join(dir, '.env.encrypted'), output: path.join(dir, '.env'), env: ENV, now: NOW, force: true });
  assert.ok(forced.backup);
  assert.is(read(path.join(dir, '.env')), 'SECRET_KEY=a8f5f167f44f4964e6c998dee827110c\n# note\nDEBUG=0\n');
});

test.run();
