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
import { BlobReader, annotatedTags, commitChanges, listFiles, tagMessages, workTreeOf } from '../git/sources.js';
import { SEALED_SUFFIX } from '../env-files.js';
import type { PatchFile } from '../git/patch.js';
import { sealedFilesAmong } from '../core/sealed-files.js';
import { type AllowList, applyAllowList, loadAllowList } from './allow.js';
import { type GuardRun, inspectOptions, knowledgeFor } from './guard-run.js';
import { type CheckOptions, CommitChecks, checkBytes } from './inspect.js';

/** The guard's knowledge for a scan: the sealed files of the whole repository (repositorySealedFiles). */
function scanOptions(run: GuardRun, nameRules: boolean): CheckOptions {
  return inspectOptions(run, knowledgeFor(run, relativeTo(run.root, repositorySealedFiles(run.root))), nameRules);
}

/**
 * A repository's sealed files as git lists them (tracked, and untracked ones not ignored): one
 * reading of the index, where walking the work tree was a sixth of a scan's time.
 */
function repositorySealedFiles(root: string): string[] {
  return sealedFilesAmong(listFiles(root, [`*${SEALED_SUFFIX}`]).map((file) => path.join(root, file)));
}

const relativeTo = (base: string, files: readonly string[]): string[] => files.map((f) => path.relative(base, f));

/** What stdin is called in findings (`envseal scan -`). */
export const STDIN_PATH = '(stdin)';

/**
 * `envseal scan [paths]`: files in a tree, judged by content (a local, ignored .env is expected
 * there), inside a repository or not (an unpacked release, a build context); `stdin` is the content
 * of `scan -`. Outside a repository the team's sealed files are the ones among the scanned files (and
 * beside stdin's reader): the directory a scan runs from may be a home directory, too big to walk.
 */
export function scanTree(run: GuardRun, cwd: string, paths: readonly string[], stdin?: Buffer): Finding[] {
  const listing = workingTreeFiles(cwd, stdin && paths.length === 0 ? [] : paths, stdin === undefined);
  const sealed = listing.repository
    ? repositorySealedFiles(listing.repository)
    : [...listing.files, ...safeList(cwd)].filter((file) => file.endsWith(SEALED_SUFFIX));
  const options = inspectOptions(run, knowledgeFor(run, [...new Set(relativeTo(run.root, sealed))]), false);
  const allow = loadAllowList(run.root, run.baseline);
  const findings = scanWorkingTree(run.root, listing.files, options, allow);
  if (stdin) for (const finding of checkBytes(STDIN_PATH, stdin, options)) if (!allow.baselined(finding)) findings.push(finding);
  return findings;
}

/** `envseal scan --history[=RANGE]`: every commit of `revisions` (merges and messages too), file names included. */
export function scanCommits(run: GuardRun, revisions: readonly string[], progress?: (files: number, commit: string | undefined) => void): Promise<Finding[]> {
  return scanHistory(run.root, revisions, scanOptions(run, true), loadAllowList(run.root, run.baseline), progress);
}

/**
 * Files under `targets` (default: the working tree, unless `whole` is false), as absolute paths: git's
 * view (tracked and untracked files, .gitignore respected) inside a work tree git recognises, every
 * file elsewhere (a `.git` that git does not take for a repository makes no repository).
 */
export function workingTreeFiles(cwd: string, targets: readonly string[], whole = true): { files: string[]; repository: string | undefined } {
  const files: string[] = [];
  const inRepo: string[] = [];
  // git is asked only when a .git is there: outside a repository a scan starts no process.
  const root = findRepoRoot(cwd) !== undefined ? workTreeOf(cwd) : undefined;
  for (const target of targets.length || !whole ? targets : ['.']) {
    const absolute = path.resolve(cwd, target);
    // A mistyped path must not pass as "no findings".
    if (!fs.existsSync(absolute)) throw ioError(Object.assign(new Error(), { code: 'ENOENT' }), 'read', absolute);
    if (root && !path.relative(root, absolute).startsWith('..')) inRepo.push(path.relative(root, absolute) || '.');
    else walk(absolute, files);
  }
  if (root && inRepo.length > 0) for (const file of listFiles(root, inRepo)) files.push(path.join(root, file));
  return { files, repository: root };
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir).map((name) => path.join(dir, name));
  } catch {
    return [];
  }
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

export function scanHistory(
  root: string,
  revisions: readonly string[],
  options: CheckOptions,
  allow: AllowList,
  progress?: (files: number, commit: string | undefined) => void,
): Promise<Finding[]> {
  let files = 0;
  return commitFindings(root, options, allow, async (check) => {
    for await (const file of commitChanges(root, revisions)) {
      progress?.(++files, file.commit);
      await check(file);
    }
    // Every ref includes the tags, whose annotated messages are history too.
    if (revisions.includes('--all')) for (const file of tagMessages(root, annotatedTags(root))) await check(file);
  });
}

/**
 * The findings of changes read from commits (history, a push): `feed` hands each file to `check`,
 * which judges it (CommitChecks, binary blobs read through one git for the whole run) unless
 * .envsealignore excludes it. The baseline applies at the end.
 */
export async function commitFindings(root: string, options: CheckOptions, allow: AllowList, feed: (check: (file: PatchFile) => Promise<void>) => Promise<void>): Promise<Finding[]> {
  const findings: Finding[] = [];
  const blobs = new BlobReader(root);
  const checks = new CommitChecks(options, (id) => blobs.read(id));
  try {
    await feed(async (file) => {
      if (!allow.ignored(file.path)) for (const finding of await checks.check(file)) findings.push(finding);
    });
  } finally {
    await blobs.close();
  }
  return applyAllowList(findings, allow);
}
