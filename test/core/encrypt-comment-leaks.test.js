// Sealing refuses a comment that would leave one of the file's own values readable, however the
// value sits in the prose: at the end of a sentence, in quotes, joined to a word.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { encryptFile } from '../../dist/core/encrypt.js';
import { assertNoSecrets, tempDir, write } from '../helpers/cli.js';
import { NOW, ENV } from './helpers.js';

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const random = (length) => Array.from(randomBytes(length), (byte) => B62[byte % 62]).join('');

function encrypt(text) {
  const dir = tempDir('envseal-core-');
  fs.mkdirSync(path.join(dir, '.git'));
  write(path.join(dir, '.env'), text);
  const output = path.join(dir, '.env.encrypted');
  let error;
  try {
    encryptFile({ input: path.join(dir, '.env'), output, env: ENV, now: NOW });
  } catch (e) {
    error = e;
  }
  return { error, written: fs.existsSync(output) };
}

test('a comment holding a value of the file next to punctuation is refused, and nothing is written', () => {
  const password = `${random(5)}-${random(7)}`;
  for (const comment of [`# old password was ${password}.`, `# was "${password}"!`, `# \u201c${password}\u201d`, `# see pw_${password}`]) {
    const { error, written } = encrypt(`DB_PASSWORD=${password}\n${comment}\nPORT=3000\n`);
    assert.is(error?.code, 'E_PLAINTEXT_LEAK', comment.replace(password, '<S>'));
    assert.match(error.message, /DB_PASSWORD/);
    assertNoSecrets(`${error.message} ${error.fix}`, [password], 'the refusal');
    assert.not.ok(written);
  }
  const fine = encrypt(`DB_PASSWORD=${password}\n# the password rotates monthly.\n`);
  assert.is(fine.error, undefined);
  assert.ok(fine.written);
});

test.run();
