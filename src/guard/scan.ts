/**
 * `envseal scan`: the guard over the working tree (files judged by content; a local, ignored .env is
 * expected there), or over history (file names and added lines of every commit, streamed one file at a
 * time so memory stays bounded by the largest file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../detect/types.js';
import { findRepoRoot } from '../io/repo.js';
import { ioError } from '../io/files.js';
import { commitChanges, listFiles } from '../git/sources.js';
import type { PatchFile } from '../git/patch.js';
import { type AllowList, applyAllowList } from './allow.js';
import { type CheckOptions, checkFile } from './check.js';

/** Git's own test for binary content: a NUL byte in the first 8000 bytes. */
export function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

/**
 * Files under `targets` (default: the working tree), as absolute paths: git's view (tracked and
 * untracked files, .gitignore respected) inside a repository, every file elsewhere.
 */
export function workingTreeFiles(cwd: string, targets: readonly string[]): string[] {
  const files: string[] = [];
  const inRepo: string[] = [];
  const root = findRepoRoot(cwd);
  for (const target of targets.length ? targets : ['.']) {
    const absolute = path.resolve(cwd, target);
    // A mistyped path must not pass as "no findings".
    if (!fs.existsSync(absolute)) throw ioError(Object.assign(new Error(), { code: 'ENOENT' }), 'read', absolute);
    if (root && !path.relative(root, absolute).startsWith('..')) inRepo.push(path.relative(root, absolute) || '.');
    else walk(absolute, files);
  }
  if (root && inRepo.length > 0) for (const file of listFiles(root, inRepo)) files.push(path.join(root, file));
  return files;
}

function walk(target: string, into: string[]): void {
  if (!fs.statSync(target).isDirectory()) {
    into.push(target);
    return;
  }
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(target, { withFileTypes: true });
  } catch {
    return; // not listable by this user: git would not show it either
  }
  for (const entry of entries) {
    if (entry.isDirectory() && (entry.name === 'node_modules' || entry.name === '.git')) continue;
    if (entry.isDirectory() || entry.isFile()) walk(path.join(target, entry.name), into);
  }
}

/** `files` are absolute; findings name them relative to `base` (the repository root or the working directory). */
export function scanWorkingTree(base: string, files: readonly string[], options: CheckOptions, allow: AllowList): Finding[] {
  const findings: Finding[] = [];
  for (const absolute of files) {
    const relative = path.relative(base, absolute);
    const file = relative.startsWith('..') ? absolute : relative;
    if (allow.ignored(file)) continue;
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(absolute);
    } catch {
      continue; // deleted since listing, a broken symlink, unreadable: nothing to scan
    }
    if (isBinary(bytes)) continue;
    const patch: PatchFile = { path: file, isNew: true, binary: false, runs: [{ start: 1, lines: bytes.toString('utf8').split(/\r?\n/) }] };
    for (const finding of checkFile(patch, options)) findings.push(finding);
  }
  return applyAllowList(findings, allow);
}

export async function scanHistory(
  root: string,
  revisions: readonly string[],
  options: CheckOptions,
  allow: AllowList,
  progress?: (files: number, commit: string | undefined) => void,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  let files = 0;
  for await (const file of commitChanges(root, revisions)) {
    progress?.(++files, file.commit);
    if (allow.ignored(file.path)) continue;
    for (const finding of checkFile(file, options)) findings.push(finding);
  }
  return applyAllowList(findings, allow);
}
