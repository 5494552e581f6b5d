// What doctor reads of `envseal git setup`'s work: the words of a driver command, and the drivers' state
// in a real repository.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'node:path';
import { driverSettings, driverState, shellQuote, shellWords } from '../../dist/git/setup.js';
import { git, gitRepo, write } from '../helpers/cli.js';

test('shellWords undoes shellQuote, and refuses shell syntax it does not read', () => {
  for (const words of [['node', '/usr/bin/envseal.js'], ["/opt/it's here/node", '/a b/bin/envseal.js'], ['envseal']]) {
    assert.equal(shellWords(words.map(shellQuote).join(' ')), words);
  }
  assert.equal(shellWords("  'a'b\\ c  d "), ['ab c', 'd']);
  for (const command of ['"quoted" x', 'a $HOME', 'a; rm -rf /', "'unterminated", 'a | b']) assert.is(shellWords(command), undefined, command);
});

test('driverState: undeclared, declared but missing, foreign, and as setup writes it', () => {
  const dir = gitRepo('envseal-driver-state-');
  assert.equal(driverState(dir), { declared: false, missing: ['diff.envseal.textconv', 'merge.envseal.name', 'merge.envseal.driver'], foreign: [], commands: [] });
  write(path.join(dir, '.gitattributes'), '*.encrypted diff=envseal merge=envseal\n');
  for (const { key, value } of driverSettings("'/usr/bin/node' '/x y/envseal.js'")) git(dir, 'config', key, value);
  assert.equal(driverState(dir), { declared: true, missing: [], foreign: [], commands: [['/usr/bin/node', '/x y/envseal.js'], ['/usr/bin/node', '/x y/envseal.js']] });
  git(dir, 'config', 'merge.envseal.driver', 'other-tool %O %A %B');
  git(dir, 'config', '--unset', 'diff.envseal.textconv');
  const state = driverState(dir);
  assert.equal([state.missing, state.foreign], [['diff.envseal.textconv'], ['merge.envseal.driver']]);
});

test.run();
