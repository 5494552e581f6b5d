// Large values through the real CLI: `show` with 3.3 MB of secret values and `run --mask` with 1.75 MB
// (as much as an environment can pass to a command) mask them all, where the automaton once ran out of
// Map entries and exited 70.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_KEY, assertNoSecrets, run, tempDir, write } from '../helpers/cli.js';
import { mask } from '../../dist/mask/mask.js';

const KEY_ENV = { ENVSEAL_MASTER_KEY: TEST_KEY };

/** `length` characters of the base64 alphabet from a seeded generator: a generated secret's shape. */
function token(length, seed) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let x = seed;
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) & 63];
  return out;
}

function sealed(values) {
  const dir = tempDir('envseal-large-');
  fs.mkdirSync(path.join(dir, '.git'));
  write(path.join(dir, '.env'), `${Object.entries(values).map(([name, value]) => `${name}=${value}`).join('\n')}\nPORT=3000\n`);
  const encrypt = run(['encrypt', '-q'], { cwd: dir, env: KEY_ENV, timeout: 120_000 });
  assert.is(encrypt.code, 0, encrypt.stderr);
  fs.rmSync(path.join(dir, '.env'));
  return dir;
}

test('show: 3.3 MB of secret values, each shown masked, none leaked', () => {
  const values = { BIG_SECRET_0: token(1_100_000, 1), BIG_SECRET_1: token(1_100_000, 2), BIG_SECRET_2: token(1_100_000, 3) };
  const dir = sealed(values);
  const show = run(['show'], { cwd: dir, env: KEY_ENV, timeout: 120_000 });
  assert.is(show.code, 0, show.stderr);
  for (const [name, value] of Object.entries(values)) assert.match(show.stdout, new RegExp(`${name}\\s+${mask(value).replace(/[+/]/g, '\\$&')}\\s+yes`));
  assert.match(show.stdout, /PORT\s+3000\s+no/);
  assertNoSecrets(show.output, Object.values(values));
});

test('show and get: a single 1 MB value', () => {
  const value = token(1_000_000, 4);
  const dir = sealed({ LARGE_TOKEN: value });
  const show = run(['show', '--json'], { cwd: dir, env: KEY_ENV, timeout: 120_000 });
  assert.is(show.code, 0, show.stderr);
  assert.equal(JSON.parse(show.stdout).find((v) => v.name === 'LARGE_TOKEN'), { name: 'LARGE_TOKEN', value: mask(value), sensitive: true, reason: 'name' });
  const get = run(['get', 'LARGE_TOKEN'], { cwd: dir, env: KEY_ENV, timeout: 120_000 });
  assert.is(get.code, 0, get.stderr);
  assert.is(get.stdout, `${mask(value)}\n`);
});

test('run --mask: 14 values of 125 KB printed as is and base64-encoded come out masked', () => {
  const values = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`API_TOKEN_${i}`, token(125_000, 10 + i)]));
  const dir = sealed(values);
  const script = 'printf "%s\\n" "$API_TOKEN_3"; printf "%s" "$API_TOKEN_7" | base64 -w0; echo; echo done';
  const result = run(['run', '--mask', '--', 'sh', '-c', script], { cwd: dir, env: KEY_ENV, timeout: 120_000 });
  assert.is(result.code, 0, result.stderr);
  assert.is(result.stdout, `${mask(values.API_TOKEN_3)}\n${mask(values.API_TOKEN_7)}\ndone\n`);
  assertNoSecrets(result.output, Object.values(values));
});

test.run();
