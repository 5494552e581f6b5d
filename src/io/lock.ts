/**
 * Advisory locks between envseal processes changing the same file (two `set`s, two `rotate`s):
 * without one, each reads, then replaces, and the slower silently undoes the faster. A lock is a file
 * `.<name>.envseal-lock` beside the target, created exclusively and holding the owner's pid. A lock
 * whose owner is gone (killed by a signal, a crash) is taken over, so a kill -9 never leaves the file
 * locked for good.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvsealError, Code } from '../errors.js';
import { displayPath, fileKind, ioError } from './files.js';
import { processAlive } from './pid.js';

const WAIT_MS = 10_000;
const POLL_MS = 25;

export function lockPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.envseal-lock`);
}

/** How long a lock file may stay empty (created, pid not yet written) before it counts as abandoned. */
const EMPTY_GRACE_MS = 2_000;

interface LockOwner {
  alive: boolean;
  /** The lock file's inode when it was read, so a takeover removes only the file it judged. */
  ino?: number;
}

/**
 * A lock path holding anything but a regular file was not made by envseal: a symlink (even a
 * committed one) or a FIFO would make every writer wait or spin, and removing a directory is not ours
 * to do. It is reported at once.
 */
function invalidLock(lock: string, file: string, kind: string): EnvsealError {
  return new EnvsealError(
    Code.LOCK_INVALID,
    `the lock path for ${displayPath(file)}, ${displayPath(lock)}, is ${kind}, not a lock file envseal made`,
    `Remove it (rm -r '${displayPath(lock)}'). If git tracks it, also \`git rm --cached\` it and commit: envseal's hooks block lock files.`,
  );
}

function lockOwner(lock: string, file: string): LockOwner {
  let fd: number;
  try {
    // O_NOFOLLOW and O_NONBLOCK: a symlink fails with ELOOP, and a FIFO opens without waiting.
    fd = fs.openSync(lock, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw invalidLock(lock, file, 'a symbolic link');
    if (code === 'ENOENT') return { alive: true }; // removed right now: look again
    throw ioError(e, 'read', lock);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw invalidLock(lock, file, fileKind(stat));
    const text = fs.readFileSync(fd, 'utf8').trim();
    // O_EXCL creation and the pid write are two steps; an empty file is a lock being taken, not a dead one.
    if (text === '') return { alive: Date.now() - stat.mtimeMs < EMPTY_GRACE_MS, ino: stat.ino };
    const pid = Number(text);
    if (!Number.isInteger(pid) || pid <= 0) return { alive: false, ino: stat.ino };
    return processAlive(pid) ? { alive: true } : { alive: false, ino: stat.ino };
  } finally {
    fs.closeSync(fd);
  }
}

/** Removes an abandoned lock unless another process has replaced it since it was judged. */
function removeAbandoned(lock: string, ino: number | undefined): void {
  try {
    if (fs.lstatSync(lock).ino === ino) fs.rmSync(lock, { force: true });
  } catch {
    // already gone
  }
}

const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Takes the lock for `file`, waiting up to ten seconds for another envseal to finish; returns its release. */
export function acquireLock(file: string): () => void {
  const lock = lockPath(file);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const fd = fs.openSync(lock, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return () => fs.rmSync(lock, { force: true });
    } catch (e) {
      // Named after the file the user cares about: the lock lives in the same directory, so a
      // directory that refuses the lock would refuse the file too.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(e, fs.existsSync(file) ? 'replace' : 'create', file);
    }
    const owner = lockOwner(lock, file);
    if (!owner.alive) {
      removeAbandoned(lock, owner.ino);
      continue;
    }
    if (Date.now() > deadline) {
      throw new EnvsealError(
        Code.LOCKED,
        `another envseal process is changing ${displayPath(file)} (lock ${displayPath(lock)})`,
        'Wait for it to finish and retry. If no envseal is running, delete the lock file.',
      );
    }
    sleep(POLL_MS);
  }
}

/**
 * Takes the locks of `files` in a fixed order (so two processes cannot deadlock) and returns one
 * function that releases them all. Use it with try/finally.
 */
export function lockFiles(files: readonly string[]): () => void {
  const releases: Array<() => void> = [];
  const releaseAll = (): void => {
    for (const release of releases.reverse()) release();
  };
  try {
    for (const file of [...new Set(files.map((f) => path.resolve(f)))].sort()) releases.push(acquireLock(file));
  } catch (e) {
    releaseAll();
    throw e;
  }
  return releaseAll;
}
