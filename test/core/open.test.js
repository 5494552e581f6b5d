// openSealedFile: the one read → resolve → open path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'node:path';
import { openSealedFile, tryOpenSealedFile } from '../../dist/core/open.js';
import { OTHER_KEY } from '../helpers/cli.js';
import { ENV, sealedProject, errorCode } from './helpers.js';

test('openSealedFile reads, resolves the ring and opens; the missing file is reported before the missing key', () => {
  const { dir, file } = sealedProject();
  const opened = openSealedFile({ file, env: ENV });
  assert.is(opened.ring.source, 'ENVSEAL_MASTER_KEY');
  assert.is(opened.opened.lines.find((l) => l.kind === 'entry' && l.name === 'PORT').value, '3000');
  assert.is(tryOpenSealedFile({ file, env: {} }), undefined);
  assert.is(errorCode(() => openSealedFile({ file, env: {} })), 'E_KEY_MISSING');
  assert.is(errorCode(() => openSealedFile({ file: path.join(dir, 'nope.encrypted'), env: {} })), 'E_FILE_MISSING');
  assert.is(errorCode(() => openSealedFile({ file, env: { ENVSEAL_MASTER_KEY: OTHER_KEY } })), 'E_KEY_WRONG');
});

test.run();
