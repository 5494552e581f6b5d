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
import { walkFiles } from '../io/walk.js';
import { annotatedTags, commitChanges, listFiles, tagMessages } from '../git/sources.js';
import type { PatchFile } from '../git/patch.js';
import { findSealedFiles } from '../core/status.js';
import { type AllowList, applyAllowList, loadAllowList } from './allow.js';
import { type GuardRun, historyOptions, inspectOptions, knowledgeFor } from './guard-run.js';
import { type CheckOptions, checkBytes, checkFile } from './inspect.js';

/** The guard's knowledge for a scan: the sealed files of the whole work tree, tracked or not. */
function scanOptions(run: GuardRun, nameRules: boolean): CheckOptions {
  const sealed = findSealedFiles(run.root).map((f) => path.relative(run.root, f));
  return inspectOptions(run, knowledgeFor(run, sealed), nameRules);
}

/** `envseal scan [paths]`: files in a tree, judged by content (a local, ignored .env is expected there). */
export function scanTree(run: GuardRun, cwd: string, paths: readonly string[]): Finding[] {
  return scanWorkingTree(run.root, workingTreeFiles(cwd, paths), scanOptions(run, false), loadAllowList(run.root, run.baseline));
}

/** `envseal scan --history[=RANGE]`: every commit of `revisions` (merges and messages too), file names included. */
export function scanCommits(run: GuardRun, revisions: readonly string[], progress?: (files: number, commit: string | undefined) => void): Promise<Finding[]> {
  return scanHistory(run.root, revisions, historyOptions(run, scanOptions(run, true)), loadAllowList(run.root, run.baseline), progress);
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
  if (!fs.statSync(target).isDirectory()) into.push(target);
  else for (const file of walkFiles(target, (name) => name === 'node_modules' || name === '.git')) into.push(file);
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
    for (const finding of checkBytes(file, bytes, options)) findings.push(finding);
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
  const check = (file: PatchFile): void => {
    if (allow.ignored(file.path)) return;
    for (const finding of checkFile(file, options)) findings.push(finding);
  };
  for await (const file of commitChanges(root, revisions)) {
    progress?.(++files, file.commit);
    check(file);
  }
  // Every ref includes the tags, whose annotated messages are history too.
  if (revisions.includes('--all')) for (const file of tagMessages(root, annotatedTags(root))) check(file);
  return applyAllowList(findings, allow);
}
