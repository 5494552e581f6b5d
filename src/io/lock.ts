/**
 * Advisory locks between envseal processes changing the same file (two `set`s, two `rotate`s):
 * without one, each reads, then replaces, and the slower silently undoes the faster. A lock is a file
 * `.<name>.envseal-lock` beside the target, created exclusively and holding the owner's pid. A lock
 * whose owner is gone (killed by a signal, a crash) is taken over, so a kill -9 never leaves the file
 * locked for good.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvsealError, ExitCode } from '../errors.js';
import { displayPath, ioError } from './files.js';

const WAIT_MS = 10_000;
const POLL_MS = 25;

export function lockPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.envseal-lock`);
}

function ownerAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(lock, 'utf8').trim());
  } catch {
    return true; // being written or removed right now: treat as held and look again
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
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
    if (!ownerAlive(lock)) {
      fs.rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new EnvsealError(
        'E_LOCKED',
        ExitCode.io,
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
