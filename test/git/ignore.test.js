// git check-ignore through the adapter: the rule that decides, where it is written, for paths that
// need not exist.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'node:path';
import { checkIgnore } from '../../dist/git/ignore.js';
import { git, gitRepo, tempDir, write } from '../helpers/cli.js';

test('each path gets the last rule that matched it: ignored, re-included, or no rule at all', () => {
  const dir = gitRepo('envseal-ignore-');
  write(path.join(dir, '.gitignore'), '.env*\n!.env.example\n');
  write(path.join(dir, 'sub/.gitignore'), '!.env.local\n');
  const excludes = path.join(tempDir('envseal-excludes-'), 'ignore');
  write(excludes, '*.key\n');
  git(dir, 'config', 'core.excludesFile', excludes);
  const verdicts = checkIgnore(dir, ['.env', '.env.example', 'README.md', 'sub/.env.local', 'a b/.env.key', '.envseal/']);
  assert.equal(verdicts, [
    { path: '.env', ignored: true, rule: { pattern: '.env*', source: '.gitignore', line: 1 } },
    { path: '.env.example', ignored: false, rule: { pattern: '!.env.example', source: '.gitignore', line: 2 } },
    { path: 'README.md', ignored: false },
    { path: 'sub/.env.local', ignored: false, rule: { pattern: '!.env.local', source: 'sub/.gitignore', line: 1 } },
    { path: 'a b/.env.key', ignored: true, rule: { pattern: '.env*', source: '.gitignore', line: 1 } },
    { path: '.envseal/', ignored: true, rule: { pattern: '.env*', source: '.gitignore', line: 1 } },
  ]);
  assert.equal(checkIgnore(dir, ['x.key'])[0].rule.source, excludes);
  assert.equal(checkIgnore(dir, []), []);
});

test.run();
