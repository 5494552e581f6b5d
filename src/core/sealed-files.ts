/**
 * Which files are sealed files: under a project (status --all, scan, rotate --all, doctor) or directly
 * in one directory (--all-envs). Its own module, light on imports: decrypt and the other commands that
 * name files load it, and must not load status, the policy checks and the detector behind them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SEALED_SUFFIX } from '../env-files.js';
import { walkFiles } from '../io/walk.js';

/** The files under `dir` envseal looks at for environments: not inside node_modules, .git or other dot-directories. */
export function projectFiles(dir: string): string[] {
  return walkFiles(dir, (name) => name === 'node_modules' || name.startsWith('.'));
}

/** Sealed files under `dir`. */
export function findSealedFiles(dir: string): string[] {
  return sealedFilesAmong(projectFiles(dir));
}

export function sealedFilesAmong(files: readonly string[]): string[] {
  return files.filter((file) => file.endsWith(SEALED_SUFFIX) && isSealedFile(file)).sort();
}

/** The sealed files directly in `dir`, one per environment (`--all-envs`). */
export function sealedFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => name.startsWith('.env') && name.endsWith(SEALED_SUFFIX)).map((name) => path.join(dir, name)).filter(isSealedFile).sort();
}

/** True for an unreadable or odd *.encrypted too (a FIFO, opened without waiting): its status then says why. */
function isSealedFile(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch {
    return true;
  }
  try {
    if (!fs.fstatSync(fd).isFile()) return true;
    const head = Buffer.alloc(12);
    fs.readSync(fd, head, 0, 12, 0);
    return head.toString('latin1').startsWith('#envseal:v') || head.toString('latin1').startsWith('gAAAAA');
  } finally {
    fs.closeSync(fd);
  }
}
