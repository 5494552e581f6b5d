// What the guard knows of the team's secrets, from real files: values indexed as keyed hashes,
// unfilled placeholders and references skipped, keys known exactly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MasterKey } from '../../dist/crypto/master-key.js';
import { parseEnv } from '../../dist/format/envfile.js';
import { sealLines } from '../../dist/format/sealed.js';
import { gatherKnowledge } from '../../dist/guard/knowledge.js';
import { compileMaskRules } from '../../dist/mask/rules.js';
import { OTHER_KEY, TEST_KEY, tempDir, write } from '../helpers/cli.js';

const KEY = MasterKey.parse(TEST_KEY, 'test');

function repo() {
  const root = tempDir('envseal-knowledge-');
  fs.mkdirSync(path.join(root, '.git'));
  const text = 'STRIPE_SECRET_KEY=sk_live_51Hq8ZtK2mPqRs7\nSMTP_PASSWORD=<smtp-password>\nDB_URL=${DATABASE_URL}\nPORT=3000\n';
  write(path.join(root, '.env.encrypted'), sealLines(parseEnv(text, '.env'), KEY, { now: '2026-01-01T00:00:00Z', history: [], label: '.env' }));
  write(path.join(root, '.env.key'), `${TEST_KEY}\n`, 0o600);
  return root;
}

test('the sealed values that masking hides are team secrets; placeholders, references and public values are not', () => {
  const knowledge = gatherKnowledge(repo(), ['.env.encrypted'], {}, compileMaskRules());
  const found = (text) => knowledge.teamSecrets.find(text).length > 0;
  assert.ok(found('charge with sk_live_51Hq8ZtK2mPqRs7 today'));
  assert.not.ok(found('SMTP_PASSWORD=<smtp-password>'));
  assert.not.ok(found('url: ${DATABASE_URL}'));
  assert.not.ok(found('listen on 3000'));
});

test('the keys of every sealed file it can open are known exactly, and offered for MAC checks', () => {
  const knowledge = gatherKnowledge(repo(), ['.env.encrypted'], {}, compileMaskRules());
  assert.equal(knowledge.knownKeys, [TEST_KEY]);
  assert.is(knowledge.keysFor('.env.encrypted').current.fingerprint, KEY.fingerprint);
});

test('a sealed file no key opens teaches nothing, and breaks nothing', () => {
  const root = repo();
  fs.rmSync(path.join(root, '.env.key'));
  const knowledge = gatherKnowledge(root, ['.env.encrypted'], {}, compileMaskRules());
  assert.equal(knowledge.knownKeys, []);
  assert.is(knowledge.keysFor('.env.encrypted'), undefined);
});

test('each environment is opened with its own keys, from its key file or its variable; key files at the root are known', () => {
  const root = repo();
  const other = MasterKey.parse(OTHER_KEY, 'other');
  write(path.join(root, '.env.production.encrypted'), sealLines(parseEnv('API_SECRET=Pr0dVaLuEx7Qz2Lm9Rt4Wk8\n', '.env.production'), other, { now: '2026-01-01T00:00:00Z', history: [], label: '.env.production' }));
  const files = ['.env.encrypted', '.env.production.encrypted'];
  write(path.join(root, '.env.production.key'), `${OTHER_KEY}\n`, 0o600);
  let knowledge = gatherKnowledge(root, files, {}, compileMaskRules());
  assert.equal(knowledge.knownKeys.sort(), [TEST_KEY, OTHER_KEY].sort());
  assert.ok(knowledge.teamSecrets.find('x Pr0dVaLuEx7Qz2Lm9Rt4Wk8 y').length > 0);
  assert.is(knowledge.keysFor('.env.production.encrypted').current.fingerprint, other.fingerprint);
  fs.rmSync(path.join(root, '.env.production.key'));
  knowledge = gatherKnowledge(root, files, { ENVSEAL_MASTER_KEY_PRODUCTION: OTHER_KEY }, compileMaskRules());
  assert.equal(knowledge.knownKeys.sort(), [TEST_KEY, OTHER_KEY].sort());
  // A key file whose sealed file is not tracked is known all the same.
  write(path.join(root, '.env.staging.key'), `${OTHER_KEY}\n`, 0o600);
  knowledge = gatherKnowledge(root, ['.env.encrypted'], {}, compileMaskRules());
  assert.equal(knowledge.knownKeys.sort(), [TEST_KEY, OTHER_KEY].sort());
});

test('a file sealed with another environment\'s key still teaches its values', () => {
  const root = repo();
  write(path.join(root, '.env.staging.encrypted'), sealLines(parseEnv('API_SECRET=Pr0dVaLuEx7Qz2Lm9Rt4Wk8\n', '.env.staging'), KEY, { now: '2026-01-01T00:00:00Z', history: [], label: '.env.staging' }));
  const knowledge = gatherKnowledge(root, ['.env.encrypted', '.env.staging.encrypted'], {}, compileMaskRules());
  assert.ok(knowledge.teamSecrets.find('x Pr0dVaLuEx7Qz2Lm9Rt4Wk8 y').length > 0);
});

test.run();
