// Changing a sealed file in place.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import { openForUpdate, reseal } from '../../dist/core/reseal.js';
import { read } from '../helpers/cli.js';
import { NOW, ENV, sealedProject, errorCode } from './helpers.js';

test('reseal refuses when the file changed since it was opened, and writes nothing', () => {
  const { file } = sealedProject();
  const target = openForUpdate({ file, env: ENV });
  const lines = target.opened.lines.map((l) => (l.kind === 'entry' && l.name === 'PORT' ? { ...l, value: '4000' } : l));
  fs.appendFileSync(file, '# someone else\n');
  const changed = read(file);
  assert.is(errorCode(() => reseal(target, lines, NOW)), 'E_SEALED_CHANGED');
  assert.is(read(file), changed);
});

test('reseal changes one value: the other tokens stay, the change is reported by name', () => {
  const { file } = sealedProject();
  const before = read(file);
  const target = openForUpdate({ file, env: ENV });
  const lines = target.opened.lines.map((l) => (l.kind === 'entry' && l.name === 'PORT' ? { ...l, value: '4000' } : l));
  const result = reseal(target, lines, NOW);
  assert.equal(result.changes, { added: [], changed: ['PORT'], removed: [] });
  const token = (text) => text.split('\n').find((l) => l.startsWith('API_TOKEN='));
  assert.is(token(read(file)), token(before));
});

test.run();
