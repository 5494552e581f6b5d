// Every write is atomic and every failure has one wording: real files in a temp directory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { backupFile, createFileExclusive, readText, writeFileAtomic } from '../../dist/io/files.js';
import { acquireLock, lockFiles, lockPath } from '../../dist/io/lock.js';
import { walkFiles } from '../../dist/io/walk.js';
import { directoriesUpToRoot, findRepoRoot } from '../../dist/io/repo.js';
import { mode, read, tempDir, write } from '../helpers/cli.js';

const code = (fn) => {
  try {
    fn();
  } catch (e) {
    return e.code;
  }
  return undefined;
};

test('writeFileAtomic replaces content, keeps an existing mode unless forced, and leaves no temp file', () => {
  const dir = tempDir();
  const file = path.join(dir, 'f');
  writeFileAtomic(file, 'one', { mode: 0o600 });
  assert.is(mode(file), 0o600);
  fs.chmodSync(file, 0o640);
  writeFileAtomic(file, 'two', { mode: 0o600 });
  assert.is(read(file), 'two');
  assert.is(mode(file), 0o640);
  writeFileAtomic(file, 'three', { mode: 0o600, forceMode: true });
  assert.is(mode(file), 0o600);
  assert.equal(fs.readdirSync(dir), ['f']);
});

test('writeFileAtomic: a directory at the path, a missing parent or a parent that is a file; nothing written', () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'd'));
  assert.is(code(() => writeFileAtomic(path.join(dir, 'd'), 'x', { mode: 0o600 })), 'E_IS_DIRECTORY');
  assert.is(code(() => writeFileAtomic(path.join(dir, 'missing', 'f'), 'x', { mode: 0o600 })), 'E_DIR_MISSING');
  write(path.join(dir, 'file'), 'keep');
  assert.is(code(() => writeFileAtomic(path.join(dir, 'file', 'f'), 'x', { mode: 0o600 })), 'E_NOT_DIRECTORY');
  assert.equal(fs.readdirSync(dir).sort(), ['d', 'file']);
});

test('readText: strict UTF-8, BOM and CRLF normalized and reported, a missing file named', () => {
  const dir = tempDir();
  write(path.join(dir, 'crlf'), '\uFEFFA=1\r\nB=2\r\n');
  assert.equal(readText(path.join(dir, 'crlf')), { text: 'A=1\nB=2\n', hadBom: true, hadCrlf: true });
  fs.writeFileSync(path.join(dir, 'latin1'), Buffer.from([0x41, 0x3d, 0xe9, 0x0a]));
  assert.is(code(() => readText(path.join(dir, 'latin1'))), 'E_NOT_UTF8');
  assert.is(code(() => readText(path.join(dir, 'nope'))), 'E_FILE_MISSING');
});

test('backupFile: a complete copy beside the file, never replacing an older backup; private when asked', () => {
  const dir = tempDir();
  const file = path.join(dir, '.env');
  write(file, 'SECRET=1\n', 0o644);
  const now = new Date('2026-03-04T05:06:07Z');
  const first = backupFile(file, now, true);
  const second = backupFile(file, now);
  assert.is(path.basename(first), '.env.backup_20260304T050607Z');
  assert.is(path.basename(second), '.env.backup_20260304T050607Z.1');
  assert.is(mode(first), 0o600);
  assert.is(mode(second), 0o644);
  assert.is(read(first), 'SECRET=1\n');
});

test('createFileExclusive never overwrites', () => {
  const dir = tempDir();
  const file = path.join(dir, 'k');
  createFileExclusive(file, 'first', 0o600);
  assert.is(code(() => createFileExclusive(file, 'second', 0o600)), 'E_FILE_EXISTS');
  assert.is(read(file), 'first');
});

test('locks: one holder at a time, released by the returned function, a dead owner taken over', () => {
  const dir = tempDir();
  const file = path.join(dir, '.env.encrypted');
  const release = lockFiles([file, file]);
  assert.ok(fs.existsSync(lockPath(file)));
  release();
  assert.not.ok(fs.existsSync(lockPath(file)));
  // A pid that cannot be alive: the lock is abandoned, and taken.
  write(lockPath(file), '2147483646\n');
  const again = acquireLock(file);
  assert.is(read(lockPath(file)).trim(), String(process.pid));
  again();
});

test('walkFiles: regular files, skipped directories left out, symlinks not followed', () => {
  const dir = tempDir();
  write(path.join(dir, 'a', 'b.txt'), 'b');
  write(path.join(dir, 'node_modules', 'x.js'), 'x');
  write(path.join(dir, 'c.txt'), 'c');
  fs.symlinkSync(path.join(dir, 'a'), path.join(dir, 'link'));
  const files = walkFiles(dir, (name) => name === 'node_modules').map((f) => path.relative(dir, f)).sort();
  assert.equal(files, [path.join('a', 'b.txt'), 'c.txt']);
});

test('the repository root is the nearest directory with .git; outside a repository only the start', () => {
  const root = tempDir();
  fs.mkdirSync(path.join(root, '.git'));
  fs.mkdirSync(path.join(root, 'x', 'y'), { recursive: true });
  assert.is(findRepoRoot(path.join(root, 'x', 'y')), root);
  assert.equal(directoriesUpToRoot(path.join(root, 'x', 'y')), [path.join(root, 'x', 'y'), path.join(root, 'x'), root]);
  const loose = tempDir();
  if (!findRepoRoot(loose)) assert.equal(directoriesUpToRoot(loose), [loose]);
});

test.run();
