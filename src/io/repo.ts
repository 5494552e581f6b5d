import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The enclosing git work tree's root, found by looking for `.git` (a directory, or a file in worktrees
 * and submodules) without running git: this is on every command's path.
 */
export function findRepoRoot(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Directories from `start` up to the repository root (inclusive), or just `start` outside a repository. */
export function directoriesUpToRoot(start: string): string[] {
  const from = path.resolve(start);
  const root = findRepoRoot(from);
  if (!root) return [from];
  const dirs: string[] = [];
  for (let dir = from; ; dir = path.dirname(dir)) {
    dirs.push(dir);
    if (dir === root || path.dirname(dir) === dir) return dirs;
  }
}
