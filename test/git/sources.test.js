// What the guard reads from git, against real repositories: blobs by id through one long-lived
// `git cat-file --batch`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BlobReader } from '../../dist/git/sources.js';
import { gitRepo } from '../helpers/cli.js';

function blobOf(dir, bytes) {
  fs.writeFileSync(path.join(dir, 'f'), bytes);
  return spawnSync('git', ['hash-object', '-w', 'f'], { cwd: dir, encoding: 'utf8' }).stdout.trim();
}

test('blobs are read by id, whole and in order, also when asked for all at once', async () => {
  const dir = gitRepo('envseal-sources-');
  const contents = [Buffer.from([0, 10, 10, 0, 255]), Buffer.alloc(0), Buffer.alloc(3 * 1024 * 1024, 'line\n'), Buffer.from('plain text\n')];
  const ids = contents.map((bytes) => blobOf(dir, bytes));
  const reader = new BlobReader(dir);
  const together = await Promise.all([...ids, ...ids].map((id) => reader.read(id)));
  assert.equal(together.map((b) => b.toString('base64')), [...contents, ...contents].map((b) => b.toString('base64')));
  assert.equal(await reader.read(ids[3]), contents[3]);
  await reader.close();
});

test('a blob git does not have is E_GIT, and the reader still answers the next question', async () => {
  const dir = gitRepo('envseal-sources-');
  const id = blobOf(dir, 'kept\n');
  const reader = new BlobReader(dir);
  try {
    await reader.read('1'.repeat(40));
    assert.unreachable('a missing blob reads as nothing');
  } catch (e) {
    assert.is(e.code, 'E_GIT');
  }
  assert.is((await reader.read(id)).toString(), 'kept\n');
  await reader.close();
});

test('a reader never asked starts no git, and closes at once', async () => {
  await new BlobReader('/nonexistent-directory').close();
});

test.run();
