/**
 * `envseal scan`: the guard over the working tree (files judged by content; a local, ignored .env is
 * expected there), or over history (file names and added lines of every commit, streamed one file at a
 * time so memory stays bounded by the largest file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../detect/types.js';
import { findRepoRoot } from '../io/repo.js';
import { commitChanges, listFiles } from '../git/sources.js';
import type { PatchFile } from '../git/patch.js';
import { type AllowList, applyAllowList } from './allow.js';
import { type CheckOptions, checkFile } from './check.js';

/** Git's own test for binary content: a NUL byte in the first 8000 bytes. */
export function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

/** Files under `targets` (default: the working tree), relative to `base`: git's view when in a repository. */
export function workingTreeFiles(cwd: string, targets: readonly string[]): { base: string; files: string[] } {
  const root = findRepoRoot(cwd);
  if (root) {
    const specs = targets.map((t) => path.relative(root, path.resolve(cwd, t)) || '.');
    return { base: root, files: listFiles(root, specs) };
  }
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== '.git') walk(full);
      } else if (entry.isFile()) files.push(path.relative(cwd, full));
    }
  };
  for (const target of targets.length ? targets : ['.']) {
    const absolute = path.resolve(cwd, target);
    if (fs.statSync(absolute).isDirectory()) walk(absolute);
    else files.push(path.relative(cwd, absolute));
  }
  return { base: cwd, files };
}

export function scanWorkingTree(base: string, files: readonly string[], options: CheckOptions, allow: AllowList): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    if (allow.ignored(file)) continue;
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path.join(base, file));
    } catch {
      continue; // deleted since listing, a broken symlink, unreadable: nothing to scan
    }
    if (isBinary(bytes)) continue;
    const patch: PatchFile = { path: file, isNew: true, binary: false, runs: [{ start: 1, lines: bytes.toString('utf8').split(/\r?\n/) }] };
    findings.push(...checkFile(patch, options));
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
    findings.push(...checkFile(file, options));
  }
  return applyAllowList(findings, allow);
}
