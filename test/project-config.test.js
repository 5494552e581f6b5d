// .envseal.json: found from a directory up to the repository root, defaults without one, strict about typos.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir, write } from './helpers/cli.js';
import { loadProjectConfig } from '../dist/project-config.js';

function repo() {
  const dir = tempDir('envseal-config-');
  fs.mkdirSync(path.join(dir, '.git'));
  return dir;
}

const failure = (fn) => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.unreachable('expected an error');
};

test('defaults when there is no .envseal.json', () => {
  const config = loadProjectConfig(repo());
  assert.equal(config, { mask: { sensitive: [] }, rotation: { values: [] }, guard: { inlineAllow: true } });
});

test('the nearest file from the env file\'s directory up to the repository root wins', () => {
  const root = repo();
  const sub = path.join(root, 'services', 'api');
  fs.mkdirSync(sub, { recursive: true });
  write(path.join(root, '.envseal.json'), JSON.stringify({ mask: { sensitive: ['ROOT_*'] }, rotation: { maxAgeDays: 30 } }));
  assert.equal(loadProjectConfig(sub).mask.sensitive, ['ROOT_*']);
  assert.is(loadProjectConfig(sub).rotation.maxAgeDays, 30);
  assert.is(loadProjectConfig(sub).file, path.join(root, '.envseal.json'));
  write(path.join(root, 'services', '.envseal.json'), JSON.stringify({ mask: { sensitive: ['SERVICE'] } }));
  assert.equal(loadProjectConfig(sub).mask.sensitive, ['SERVICE']);
});

test('nothing above the repository root is read', () => {
  const outer = tempDir('envseal-config-outer-');
  write(path.join(outer, '.envseal.json'), '{ not json');
  const inner = path.join(outer, 'repo');
  fs.mkdirSync(path.join(inner, '.git'), { recursive: true });
  assert.equal(loadProjectConfig(inner).mask.sensitive, []);
});

test('malformed files are refused with exit 4, naming the file and the setting', () => {
  const cases = [
    ['{ "mask": ', 'not valid JSON'],
    ['[]', 'JSON object'],
    ['{ "masks": {} }', 'unknown setting "masks"'],
    ['{ "mask": { "sensitve": ["X"] } }', 'unknown setting "mask.sensitve"'],
    ['{ "mask": { "sensitive": "X" } }', '"mask.sensitive" must be a list'],
    ['{ "mask": { "sensitive": [1] } }', '"mask.sensitive" must be a list'],
    ['{ "rotation": { "maxAgeDays": 0 } }', 'from 1 to 36500'],
    ['{ "rotation": { "maxAgeDays": 1000000000 } }', 'from 1 to 36500'],
    ['{ "rotation": [] }', '"rotation" must be an object'],
    ['{ "guard": { "inlineAllow": "no" } }', '"guard.inlineAllow" must be true or false'],
    ['{ "guard": { "baseline": "" } }', '"guard.baseline" must be a file path'],
    ['{ "guard": { "allow": true } }', 'unknown setting "guard.allow"'],
  ];
  for (const [text, expected] of cases) {
    const dir = repo();
    write(path.join(dir, '.envseal.json'), text);
    const error = failure(() => loadProjectConfig(dir));
    assert.is(error.exitCode, 4, text);
    assert.ok(error.message.includes('.envseal.json') && error.message.includes(expected), `${text}: ${error.message}`);
    assert.ok(error.hint, text);
  }
});

test('guard settings: inline allows can be forbidden, a baseline named', () => {
  const dir = repo();
  write(path.join(dir, '.envseal.json'), JSON.stringify({ guard: { inlineAllow: false, baseline: 'ci/baseline.json' } }));
  assert.equal(loadProjectConfig(dir).guard, { inlineAllow: false, baseline: 'ci/baseline.json' });
});

test('$schema is allowed', () => {
  const dir = repo();
  write(path.join(dir, '.envseal.json'), JSON.stringify({ $schema: './schema.json', mask: { sensitive: ['A'] } }));
  assert.equal(loadProjectConfig(dir).mask.sensitive, ['A']);
});

test.run();
