// Changing a sealed file in place.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openForUpdate, reseal } from '../../dist/core/reseal.js';
import { read } from '../helpers/cli.js';
import { NOW, ENV, sealedProject, errorCode } from './helpers.js';

const withPort = (target, value) =>
  target.opened.lines.map((l) => (l.kind === 'entry' && l.name === 'PORT' ? { ...l, value } : l));

test('reseal refuses when another writer changed the same name since it was opened, and writes nothing', () => {
  const { file } = sealedProject();
  const target = openForUpdate({ file, env: ENV });
  const lines = withPort(target, '4000');
  const other = openForUpdate({ file, env: ENV });
  reseal(other, withPort(other, '5000'), NOW);
  const changed = read(file);
  assert.is(errorCode(() => reseal(target, lines, NOW)), 'E_SEALED_CHANGED');
  assert.is(read(file), changed);
});

test('reseal changes one value: the other tokens stay, the change is reported by name', () => {
  const { file } = sealedProject();
  const before = read(file);
  const target = openForUpdate({ file, env: ENV });
  const result = reseal(target, withPort(target, '4000'), NOW);
  assert.equal(result.changes, { added: [], changed: ['PORT'], removed: [] });
  const token = (text) => text.split('\n').find((l) => l.startsWith('API_TOKEN='));
  assert.is(token(read(file)), token(before));
});

test.run();
