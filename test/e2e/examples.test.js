// The shipped examples and docs are true: the sealed example opens with the published demo key, and the
// Python snippet in docs/FORMAT.md runs as written.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, read, run } from '../helpers/cli.js';
import { python } from '../helpers/python.js';
import { needing } from '../helpers/tools.js';

const withPython = needing(test, 'python3-cryptography');

const dotenv = createRequire(import.meta.url)('dotenv');
const format = read(path.join(ROOT, 'docs/FORMAT.md'));
const DEMO_KEY = /DEMO_KEY = "([A-Za-z0-9_-]{43}=)"/.exec(format)[1];

test('.env.encrypted.example opens with the documented demo key into exactly .env.example', () => {
  const r = run(['decrypt', '--in', '.env.encrypted.example', '--stdout'], { cwd: ROOT, env: { ENVSEAL_MASTER_KEY: DEMO_KEY } });
  assert.is(r.code, 0, r.stderr);
  assert.equal(dotenv.parse(r.stdout), dotenv.parse(read(path.join(ROOT, '.env.example'))));
  assert.is(r.stdout, read(path.join(ROOT, '.env.example')), 'comments and layout too');
});

withPython('the Python snippet in docs/FORMAT.md verifies the MAC and decrypts a value', () => {
  const snippet = [...format.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]).find((code) => code.includes('HKDF'));
  assert.ok(snippet);
  const out = python(`import os\nos.chdir(${JSON.stringify(ROOT)})\n${snippet}`);
  assert.is(out.trim(), '3000');
});

test('.env.example names the variables a realistic app needs, with placeholders only', () => {
  const example = dotenv.parse(read(path.join(ROOT, '.env.example')));
  for (const name of ['SECRET_KEY', 'ENCRYPTION_KEY', 'DATABASE_URL', 'STRIPE_SECRET_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'DEBUG', 'PORT']) {
    assert.ok(name in example, name);
  }
  for (const name of ['SECRET_KEY', 'ENCRYPTION_KEY', 'AWS_SECRET_ACCESS_KEY', 'STRIPE_WEBHOOK_SECRET']) assert.match(example[name], /<[^>]+>/, `${name} is a placeholder`);
});

test.run();
