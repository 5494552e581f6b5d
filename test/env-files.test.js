// Which files an environment means, read back from their names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { envNameOf, keyFileEnv } from '../dist/env-files.js';

test('key files and sealed files name their environment', () => {
  assert.equal(keyFileEnv('/repo/.env.key'), {});
  assert.equal(keyFileEnv('apps/api/.env.production.key'), { envName: 'production' });
  for (const other of ['.env', '.env.keys', 'env.key', '.env.production.key.bak', 'x.env.key']) assert.is(keyFileEnv(other), undefined, other);
  assert.is(envNameOf('.env.staging.encrypted'), 'staging');
  assert.is(envNameOf('.env.encrypted'), undefined);
});

test.run();
