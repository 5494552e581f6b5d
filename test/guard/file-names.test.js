// File-name rules for what may be committed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyName } from '../../dist/guard/file-names.js';

test('plaintext env files, in any directory and any case, are plaintext-env-file', () => {
  for (const name of ['.env', 'app/.env.production', '.ENV', '.env ', 'prod.env', 'config/.env.local']) assert.is(classifyName(name), 'plaintext-env-file', name);
});

test('templates and files another tool encrypted are env-template', () => {
  for (const name of ['.env.example', '.env.sample', '.env.production.template', '.env.vault', '.env.sops.yaml', '.env.gpg', '.env.age']) assert.is(classifyName(name), 'env-template', name);
});

test('keys, key containers, backups and sealed files', () => {
  assert.is(classifyName('.env.key'), 'key-file');
  assert.is(classifyName('deploy/.env.production.key'), 'key-file');
  assert.is(classifyName('.env.keys'), 'key-file');
  for (const name of ['id_ed25519', 'certs/server.p12', 'android.keystore']) assert.is(classifyName(name), 'key-container', name);
  assert.is(classifyName('.env.backup_20260101T000000Z'), 'backup-file');
  assert.is(classifyName('.env.production.encrypted'), 'sealed-file');
  for (const name of ['..env.encrypted.envseal-lock', 'deploy/..env.production.key.envseal-lock', '.env.encrypted.envseal-lock']) assert.is(classifyName(name), 'lock-file', name);
  assert.is(classifyName('env.encrypted.envseal-lock'), undefined, 'a lock is a dot file');
});

test('everything else has no verdict', () => {
  for (const name of ['README.md', 'src/env.ts', 'environment.yml', 'id_ed25519.pub', 'envs/dev.json']) assert.is(classifyName(name), undefined, name);
});

test.run();
