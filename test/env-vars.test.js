// Which variables hold key material (doctor warns about each), as opposed to the way to some.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { keyMaterialVariables } from '../dist/env-vars.js';

test('keys and identities count; key commands, identity files, timeouts and empty values do not', () => {
  const env = {
    ENVSEAL_MASTER_KEY: 'k',
    ENVSEAL_MASTER_KEY_PRODUCTION: 'k',
    ENVSEAL_MASTER_KEY_PREVIOUS: 'k',
    SECRETS_MASTER_KEY: 'k',
    ENVSEAL_IDENTITY: 'identity text',
    ENVSEAL_IDENTITY_CI: 'identity text',
    ENVSEAL_IDENTITY_FILE: '/home/me/id',
    ENVSEAL_IDENTITY_COMMAND: 'op read x',
    ENVSEAL_KEY_COMMAND: 'op read y',
    ENVSEAL_KEY_COMMAND_TIMEOUT: '30',
    ENVSEAL_NOW: '2026-01-01T00:00:00Z',
    MY_MASTER_KEY: 'not ours',
    ENVSEAL_MASTER_KEY_STAGING: '  ',
  };
  assert.equal(keyMaterialVariables(env), ['ENVSEAL_IDENTITY', 'ENVSEAL_IDENTITY_CI', 'ENVSEAL_MASTER_KEY', 'ENVSEAL_MASTER_KEY_PREVIOUS', 'ENVSEAL_MASTER_KEY_PRODUCTION', 'SECRETS_MASTER_KEY']);
  assert.equal(keyMaterialVariables({}), []);
});

test.run();
