// The diff view of a sealed file: masked with the key, hidden without, never failing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'node:path';
import { textconv } from '../../dist/core/textconv.js';
import { assertNoSecrets, write } from '../helpers/cli.js';
import { ENV, sealedProject } from './helpers.js';

test('the diff view masks every value with the key, hides them without it, and never fails', () => {
  const { dir, file } = sealedProject();
  const withKey = textconv({ file, cwd: dir, env: ENV });
  assert.match(withKey, /PORT=\S+ +\(value [0-9a-f]{12}\)/);
  assertNoSecrets(withKey, ['tok-4f1c9a2b7e5d3c8a', '3000']);
  assert.match(textconv({ file, cwd: dir, env: {} }), /PORT {2}\(sealed, token [0-9a-f]{12}\)/);
  write(path.join(dir, 'junk'), 'not sealed at all\n');
  assert.match(textconv({ file: path.join(dir, 'junk'), cwd: dir, env: ENV }), 'not shown: not an envseal sealed file');
});

test.run();
