// The -U0 patch parser the hooks and history scans read git through: added lines at their real line
// numbers, whatever the file names or contents look like.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MESSAGE_PATH, PatchParser, parsePatch, sparseText, unquoteGitPath } from '../../dist/git/patch.js';
import { gitRepo } from '../helpers/cli.js';

const FLAGS = ['-c', 'core.quotePath=false', 'diff', '--cached', '-U0', '--no-renames', '--no-textconv', '--no-ext-diff', '--no-color', '--diff-filter=AMT', '--src-prefix=a/', '--dst-prefix=b/'];

/** A repository where `before` (file name to content) is committed, then `after` is staged. */
function stagedOver(before, after) {
  const dir = gitRepo('envseal-patch-');
  for (const [name, content] of Object.entries(before)) fs.writeFileSync(path.join(dir, name), content);
  spawnSync('git', ['add', '.'], { cwd: dir });
  spawnSync('git', ['commit', '-qm', 'x'], { cwd: dir });
  for (const [name, content] of Object.entries(after)) fs.writeFileSync(path.join(dir, name), content);
  spawnSync('git', ['add', '.'], { cwd: dir });
  return dir;
}

function stagedPatch(dir) {
  return spawnSync('git', FLAGS, { cwd: dir, encoding: 'utf8' }).stdout;
}

test('added lines keep their line numbers; removed and context lines are not scanned', () => {
  const dir = stagedOver({ 'a.txt': 'one\ntwo\nthree\nfour\n' }, { 'a.txt': 'one\nTWO\nthree\nfour\nfive\nsix\n' });
  const [file] = parsePatch(stagedPatch(dir));
  assert.is(file.path, 'a.txt');
  assert.equal(file.runs, [{ start: 2, text: 'TWO', count: 1 }, { start: 5, text: 'five\nsix', count: 2 }]);
  assert.is(sparseText(file), '\nTWO\n\n\nfive\nsix');
});

test('content that looks like patch syntax is content: "++ ", "diff --git", "@@"', () => {
  const dir = gitRepo('envseal-patch-');
  const tricky = ['++ not a header', '+++ b/fake', 'diff --git a/x b/x', '@@ -1 +1 @@', '-- dashes', '\\ backslash'].join('\n');
  fs.writeFileSync(path.join(dir, 'tricky.txt'), `${tricky}\n`);
  spawnSync('git', ['add', '.'], { cwd: dir });
  const files = parsePatch(stagedPatch(dir));
  assert.is(files.length, 1);
  assert.equal(files[0].runs, [{ start: 1, text: tricky, count: 6 }]);
  assert.is(files[0].isNew, true);
});

test('file names with spaces, unicode, quotes and newlines; binary files are marked', () => {
  const dir = gitRepo('envseal-patch-');
  const names = ['with space.txt', 'ünï ✓.txt', 'quote"d.txt', 'new\nline.txt'];
  for (const name of names) fs.writeFileSync(path.join(dir, name), `in ${JSON.stringify(name)}\n`);
  fs.writeFileSync(path.join(dir, 'blob.bin'), Buffer.from([0, 1, 2, 3, 0, 255]));
  spawnSync('git', ['add', '.'], { cwd: dir });
  const files = parsePatch(stagedPatch(dir));
  assert.equal(files.map((f) => f.path).sort(), [...names, 'blob.bin'].sort());
  assert.is(files.find((f) => f.path === 'blob.bin').binary, true);
  for (const name of names) assert.equal(files.find((f) => f.path === name).runs[0].text, `in ${JSON.stringify(name)}`);
});

test('commit boundaries from git log -p, and chunks split anywhere', () => {
  const text = '\0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -0,0 +1,2 @@\n+one\n+two\n\0bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n\ndiff --git a/y b/y\n--- a/y\n+++ b/y\n@@ -3 +3 @@\n-old\n+new\n';
  const whole = parsePatch(text);
  assert.equal(whole.map((f) => [f.commit?.[0], f.path, f.runs]), [
    ['a', 'x', [{ start: 1, text: 'one\ntwo', count: 2 }]],
    ['b', 'y', [{ start: 3, text: 'new', count: 1 }]],
  ]);
  for (let size = 1; size < 12; size++) {
    const files = [];
    const parser = new PatchParser((f) => files.push(f));
    for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size));
    parser.end();
    assert.equal(files, whole, `chunks of ${size}`);
  }
});

test('git C-quoted paths decode to the bytes git meant', () => {
  assert.is(unquoteGitPath('"a\\tb\\nc"'), 'a\tb\nc');
  assert.is(unquoteGitPath('"\\303\\274"'), 'ü');
  assert.is(unquoteGitPath('"q\\"d"'), 'q"d');
  assert.is(unquoteGitPath('plain/path.txt'), 'plain/path.txt');
});

test("log output with messages: each commit's message, as git wrote it, then its files", () => {
  const sha1 = 'a'.repeat(40);
  const sha2 = 'b'.repeat(40);
  const log = [`\0${sha1}\0subject`, '', 'diff --git a/x b/x', '+body line', '\0', '', 'diff --git a/f b/f', '--- a/f', '+++ b/f', '@@ -0,0 +1 @@', '+added', `\0${sha2}\0one line\0`, ''].join('\n');
  const files = parsePatch(log);
  assert.equal(files.map((f) => [f.commit, f.path, Boolean(f.message), sparseText(f)]), [
    [sha1, MESSAGE_PATH, true, 'subject\n\ndiff --git a/x b/x\n+body line\n'],
    [sha1, 'f', false, 'added'],
    [sha2, MESSAGE_PATH, true, 'one line'],
  ]);
});

test('a line of megabytes, arriving in blocks of 64 KB, is one line; so is a character split between blocks', () => {
  const long = `x${'ab12'.repeat(1_500_000)}é`;
  const patch = Buffer.from(`\0${'c'.repeat(40)}\n\ndiff --git a/b.js b/b.js\nnew file mode 100644\n--- /dev/null\n+++ b/b.js\n@@ -0,0 +1,3 @@\n+${long}\n+é\n+end\n`);
  const files = [];
  const parser = new PatchParser((f) => files.push(f));
  for (let i = 0; i < patch.length; i += 65536) parser.push(patch.subarray(i, i + 65536));
  parser.end();
  assert.is(files.length, 1);
  assert.is(files[0].runs.length, 1);
  assert.is(files[0].runs[0].count, 3);
  assert.ok(files[0].runs[0].text === `${long}\né\nend`, 'the long line, then the two after it');
  const split = Buffer.from('diff --git a/u b/u\n--- a/u\n+++ b/u\n@@ -0,0 +1 @@\n+ü✓\n');
  for (let at = split.indexOf(0xc3); at < split.length - 2; at++) {
    const [file] = (() => {
      const out = [];
      const p = new PatchParser((f) => out.push(f));
      p.push(split.subarray(0, at));
      p.push(split.subarray(at));
      p.end();
      return out;
    })();
    assert.is(sparseText(file), 'ü✓', `split at byte ${at}`);
  }
});

test('with --full-index each file carries the blob ids before and after the change', () => {
  const dir = stagedOver({ 'a.txt': 'one\n' }, { 'a.txt': 'two\n', 'b.bin': Buffer.from([0, 1, 2]) });
  const blob = (spec) => spawnSync('git', ['rev-parse', spec], { cwd: dir, encoding: 'utf8' }).stdout.trim();
  const files = parsePatch(spawnSync('git', [...FLAGS, '--full-index'], { cwd: dir }).stdout);
  assert.equal(files.find((f) => f.path === 'a.txt').blobs, { before: blob('HEAD:a.txt'), after: blob(':a.txt') });
  assert.equal(files.find((f) => f.path === 'b.bin').blobs, { before: '0'.repeat(40), after: blob(':b.bin') });
  assert.is(parsePatch(stagedPatch(dir))[0].blobs, undefined, 'abbreviated ids are not kept');
});

test.run();
