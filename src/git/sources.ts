/**
 * What the hooks and `scan` read from git: the staged changes (the index, not the working tree), the
 * commits a push would send, and history, as added lines per file. Runs git directly rather than
 * through simple-git: this is the commit hook's hot path, and history must stream, not buffer.
 *
 * Every diff disables textconv and external diff drivers: envseal's own diff driver for sealed files
 * (`envseal git setup`) must not run, and what is scanned must be the committed bytes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { EnvsealError, Code } from '../errors.js';
import { type PatchFile, PatchParser } from './patch.js';

// --text: a .gitattributes `-diff` or `binary` must not hide a file from the guard; truly binary
// content is recognised afterwards (a NUL byte) and skipped.
const DIFF_FLAGS = ['-U0', '--text', '--no-renames', '--no-textconv', '--no-ext-diff', '--no-color', '--diff-filter=AMT', '--src-prefix=a/', '--dst-prefix=b/'];
const GIT_CONFIG = ['-c', 'core.quotePath=false', '-c', 'diff.noprefix=false', '-c', 'color.ui=never'];
const MAX_BUFFER = 1024 * 1024 * 1024;

function gitError(args: readonly string[], stderr: string): EnvsealError {
  const message = stderr.trim().split('\n')[0] ?? '';
  return new EnvsealError(Code.GIT, `git ${args[0]} failed: ${message}`, 'Run it inside a git work tree; check `git status`.');
}

export function gitSync(cwd: string, args: readonly string[], input?: string): Buffer {
  const result = spawnSync('git', [...GIT_CONFIG, ...args], { cwd, input, maxBuffer: MAX_BUFFER });
  if (result.error) throw new EnvsealError(Code.GIT_MISSING, `cannot run git: ${result.error.message}`, 'Install git and make sure it is on PATH.');
  if (result.status !== 0) throw gitError(args, result.stderr.toString('utf8'));
  return result.stdout;
}

/** Like gitSync, without blocking: independent git commands can run side by side. */
export async function gitAsync(cwd: string, args: readonly string[]): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of gitStream(cwd, args)) out.push(chunk);
  return Buffer.concat(out);
}

/** git's stdout as it comes; throws after the last chunk when git fails. */
async function* gitStream(cwd: string, args: readonly string[]): AsyncGenerator<Buffer> {
  const child = spawn('git', [...GIT_CONFIG, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const err: Buffer[] = [];
  child.stderr.on('data', (d: Buffer) => err.push(d));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (e) => reject(new EnvsealError(Code.GIT_MISSING, `cannot run git: ${e.message}`, 'Install git and make sure it is on PATH.')));
    child.on('close', resolve);
  });
  for await (const chunk of child.stdout) yield chunk as Buffer;
  if ((await exited) !== 0) throw gitError(args, Buffer.concat(err).toString('utf8'));
}

/** A patch from git, parsed as it streams: one file at a time, so memory is bounded by the largest file. */
async function* patchFiles(cwd: string, args: readonly string[]): AsyncGenerator<PatchFile> {
  const queue: PatchFile[] = [];
  const parser = new PatchParser((file) => queue.push(file));
  const decoder = new TextDecoder();
  for await (const chunk of gitStream(cwd, args)) {
    parser.push(decoder.decode(chunk, { stream: true }));
    while (queue.length > 0) yield queue.shift()!;
  }
  parser.push(decoder.decode());
  parser.end();
  while (queue.length > 0) yield queue.shift()!;
}

/** Files added or modified in the index (what a commit would record), with their added lines. */
export function stagedChanges(cwd: string): AsyncGenerator<PatchFile> {
  return patchFiles(cwd, ['diff', '--cached', ...DIFF_FLAGS]);
}

/** Repository-relative paths of sealed files in the index: tracked ones and newly staged ones. */
export async function trackedSealedFiles(cwd: string): Promise<string[]> {
  return (await gitAsync(cwd, ['ls-files', '-z', '--', '*.encrypted']))
    .toString('utf8')
    .split('\0')
    .filter((p) => p !== '');
}

/** Full staged content of one path (`:path` in the index). */
export function indexBlob(cwd: string, path: string): Buffer {
  return gitSync(cwd, ['cat-file', 'blob', `:${path}`]);
}

export function repoRoot(cwd: string): string {
  return gitSync(cwd, ['rev-parse', '--show-toplevel']).toString('utf8').trim();
}

/**
 * The changes of the commits selected by `revisions` (git rev-list arguments, e.g. ['A..B'] or
 * ['B', '--not', '--remotes=origin']), streamed one file at a time, newest commit first.
 */
export function commitChanges(cwd: string, revisions: readonly string[]): AsyncGenerator<PatchFile> {
  return patchFiles(cwd, ['log', '-p', '--format=%x00%H', '--no-merges', ...DIFF_FLAGS, ...revisions, '--']);
}

/** Paths of tracked files (or untracked, not ignored ones) matching pathspecs, for the working tree scan. */
export function listFiles(cwd: string, pathspecs: readonly string[] = []): string[] {
  return gitSync(cwd, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...pathspecs])
    .toString('utf8')
    .split('\0')
    .filter((p) => p !== '');
}

export const ZERO_SHA = /^0+$/;
