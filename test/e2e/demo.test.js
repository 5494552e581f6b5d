// `npm run demo`, the README's first command, is also a smoke test of the whole job: keep it passing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT, cleanEnv } from '../helpers/cli.js';

test('the demo plays every step and exits 0, printing no plaintext secret', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/demo.js')], { cwd: ROOT, env: cleanEnv(), encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Demo complete\./);
  for (const step of ['Set up the repository', 'Seal it', 'Try to commit the plaintext .env', 'Rotate the master key', 'A teammate clones and decrypts', 'Deploy: run a command']) {
    assert.ok(r.stdout.includes(step), step);
  }
  // Generated secrets are 64 url-safe characters: none may appear in what the demo printed.
  assert.not.ok(/SECRET_KEY=[A-Za-z0-9_-]{64}/.test(r.stdout + r.stderr));
});

test.run();
