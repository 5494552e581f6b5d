// The merge driver, per name, on real files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'node:path';
import { parseEnv } from '../../dist/format/envfile.js';
import { sealLines } from '../../dist/format/sealed.js';
import { openSealedFile } from '../../dist/core/open.js';
import { mergeSealedFiles } from '../../dist/core/merge.js';
import { write } from '../helpers/cli.js';
import { KEY, NOW, ENV, history, sealedProject } from './helpers.js';

test('the merge driver takes one-sided changes from both sides and reports a name both changed', () => {
  const base = sealedProject('A=1\nB=2\nC=3\n');
  const versions = { ours: 'A=1\nB=20\nC=30\n', theirs: 'A=10\nB=2\nC=31\n' };
  for (const [side, text] of Object.entries(versions)) write(path.join(base.dir, side), sealLines(parseEnv(text, '.env'), KEY, { now: '2026-01-01T00:00:00Z', history, label: side }));
  const result = mergeSealedFiles({ base: base.file, ours: path.join(base.dir, 'ours'), theirs: path.join(base.dir, 'theirs'), repoFile: base.file, label: '.env.encrypted', env: ENV, now: NOW });
  assert.equal(result, { conflicts: ['C'], fromTheirs: ['A'] });
  const merged = openSealedFile({ file: path.join(base.dir, 'ours'), env: ENV }).opened.lines.filter((l) => l.kind === 'entry').map((l) => `${l.name}=${l.value}`);
  assert.equal(merged, ['A=10', 'B=20', 'C=30']);
});

test.run();
