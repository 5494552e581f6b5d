// scripts/test.js, the runner behind `npm test`: a run cannot pass when a suite's setup threw, and a
// skipped test says why (and fails the run under CI).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT, cleanEnv } from '../helpers/cli.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/runner');

function runner(dir, env = {}) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/test.js'), '--dir', path.join(FIXTURES, dir)], { env: cleanEnv({ CI: '', ...env }), encoding: 'utf8' });
  return { code: r.status, output: r.stdout + r.stderr };
}

test('a suite whose test.before throws fails the run, with the error and the tests that never ran', () => {
  const r = runner('failing-setup');
  assert.is(r.code, 1);
  assert.match(r.output, 'test.before threw, so 2 of 2 tests never ran');
  assert.match(r.output, 'setup failed on purpose');
});

test('a test needing an absent tool is skipped with the reason; the run passes', () => {
  const r = runner('skipping', { ENVSEAL_TEST_HIDE_TOOLS: 'age' });
  assert.is(r.code, 0, r.output);
  assert.match(r.output, 'needs age: age is not available here (apt-get install age');
  assert.match(r.output, /Passed: +1\n +Skipped: +1/);
});

test('under CI=true a skipped test fails the run', () => {
  const r = runner('skipping', { ENVSEAL_TEST_HIDE_TOOLS: 'age', CI: 'true' });
  assert.is(r.code, 1);
  assert.match(r.output, 'CI=true');
});

test.run();
