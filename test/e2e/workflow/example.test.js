// envseal example: every name, comments and annotations, placeholders, and never any part of a value,
// whether the value sits in an entry, a comment, a commented-out line or an existing example.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertNoSecrets, mode, read, run, tempDir, write } from '../../helpers/cli.js';
import { dotenv, sealedProject, spot } from './helpers.js';

const example = suite('example');

/** An env whose every value is easy to spot, some of them also in comments. */
function spotEnv() {
  const v = { SECRET_KEY: spot('sk'), DB_PASSWORD: spot('db'), APP_NAME: spot('app'), OLD: spot('old'), PORT: '8443' };
  const text = [
    '# Application',
    `APP_NAME=${v.APP_NAME}`,
    'PORT=8443',
    '',
    '# Signing key (rotated; was ' + v.OLD + ')',
    '# @required @min 32',
    `SECRET_KEY=${v.SECRET_KEY}`,
    `# DB_PASSWORD=${v.OLD}`,
    `DB_PASSWORD="${v.DB_PASSWORD}" # same as ${v.APP_NAME}`,
    'EMPTY=',
    '',
  ].join('\n');
  return { v, text, all: [...Object.values(v).filter((x) => x !== '8443')] };
}

example('from a plaintext env: every name, comments and annotations, placeholders, no secret anywhere; a plain number stays as the default', () => {
  const dir = tempDir('envseal-example-');
  const { text, all } = spotEnv();
  write(path.join(dir, '.env'), text);
  const r = run(['example'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  const out = read(path.join(dir, '.env.example'));
  assertNoSecrets(out, all, '.env.example');
  assertNoSecrets(r.output, all);
  assert.not.ok(/SPOT/.test(out), out);
  assert.is(mode(path.join(dir, '.env.example')), 0o644);
  assert.equal(out.split('\n'), [
    '# Application',
    'APP_NAME=<app-name>',
    'PORT=8443',
    '',
    '# Signing key (rotated; was <redacted>)',
    '# @required @min 32',
    'SECRET_KEY=<secret-key>',
    '# DB_PASSWORD=<db-password>',
    'DB_PASSWORD=<db-password> # same as <redacted>',
    'EMPTY=',
    '',
  ]);
  assert.equal(Object.keys(dotenv.parse(out)), ['APP_NAME', 'PORT', 'SECRET_KEY', 'DB_PASSWORD', 'EMPTY']);
});

example('from the sealed file, with no plaintext on disk', () => {
  const { text, all } = spotEnv();
  // encrypt refuses comments that repeat a value or hold an assignment, so a sealed file has none; the
  // plaintext case above covers how comments are redacted.
  const dir = sealedProject(text.replace(/^# DB_PASSWORD=.*\n/m, '').replace(/ # same as .*$/m, '').replace(/ \(rotated; was .*\)/, ''));
  const r = run(['example'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /from \.env\.encrypted \(sealed\)/);
  assertNoSecrets(read(path.join(dir, '.env.example')), all);
  assert.not.ok(fs.existsSync(path.join(dir, '.env')));
});

example('updating an existing example keeps its lines, annotations and placeholder text; adds new names in place; reports the rest', () => {
  const dir = tempDir('envseal-example-');
  const secret = spot('s');
  const fresh = spot('f');
  write(path.join(dir, '.env'), `PORT=3000\n# Stripe\nSTRIPE_SECRET_KEY=${secret}\n\n# Brand new, see ${fresh}\n# @required\nNEW_TOKEN=${fresh}\nDEBUG=true\n`);
  const existing = '# Server\n# @format int\nPORT=3000\n\n# @required\nSTRIPE_SECRET_KEY=sk_test_<key>\n\n# Gone from the env\nLEGACY_URL=<url>\n';
  write(path.join(dir, '.env.example'), existing);
  const r = run(['example'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /added NEW_TOKEN, DEBUG/);
  assert.match(r.stderr, /not in \.env .*: LEGACY_URL/);
  const out = read(path.join(dir, '.env.example'));
  assert.is(out, '# Server\n# @format int\nPORT=3000\n\n# @required\nSTRIPE_SECRET_KEY=sk_test_<key>\n\n# Brand new, see <redacted>\n# @required\nNEW_TOKEN=<new-token>\nDEBUG=true\n\n# Gone from the env\nLEGACY_URL=<url>\n');
  assertNoSecrets(out, [secret, fresh]);

  const again = run(['example'], { cwd: dir });
  assert.match(again.stderr, /is up to date/);
  assert.is(read(path.join(dir, '.env.example')), out);
});

example('a secret of the env found in an existing example is replaced; the example\'s own defaults stay', () => {
  const dir = tempDir('envseal-example-');
  const pasted = spot('pasted');
  write(path.join(dir, '.env'), `API_KEY=${pasted}\nPORT=3000\n`);
  write(path.join(dir, '.env.example'), `API_KEY=${pasted} # oops ${pasted}\nPORT=3000\n`);
  assert.is(run(['example'], { cwd: dir }).code, 0);
  assert.is(read(path.join(dir, '.env.example')), 'API_KEY=<api-key> # oops <redacted>\nPORT=3000\n');
});

example('--out writes elsewhere; --env reads another env', () => {
  const dir = tempDir('envseal-example-');
  write(path.join(dir, '.env.staging'), 'STAGING_ONLY=abc-123-value\n');
  const r = run(['example', '--env', 'staging', '--out', 'staging.example'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.is(read(path.join(dir, 'staging.example')), 'STAGING_ONLY=<staging-only>\n');
  assert.not.ok(fs.existsSync(path.join(dir, '.env.example')));
});

example.run();
