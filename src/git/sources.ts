/**
 * What the hooks and `scan` read from git: the staged changes (the index, not the working tree), the
 * commits a push would send, and history, as added lines per file. Runs git directly rather than
 * through simple-git: this is the commit hook's hot path, and history must stream, not buffer.
 *
 * Every diff disables textconv and external diff drivers: envseal's own diff driver for sealed files
 * (`envseal git setup`) must not run, and what is scanned must be the committed bytes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { EnvsealError, ExitCode } from '../errors.js';
import { type PatchFile, PatchParser, parsePatch } from './patch.js';

const DIFF_FLAGS = ['-U0', '--no-renames', '--no-textconv', '--no-ext-diff', '--no-color', '--diff-filter=AMT', '--src-prefix=a/', '--dst-prefix=b/'];
const GIT_CONFIG = ['-c', 'core.quotePath=false', '-c', 'diff.noprefix=false', '-c', 'color.ui=never'];
const MAX_BUFFER = 1024 * 1024 * 1024;

function gitError(args: readonly string[], stderr: string): EnvsealError {
  const message = stderr.trim().split('\n')[0] ?? '';
  return new EnvsealError('E_GIT', ExitCode.io, `git ${args[0]} failed: ${message}`, 'Run it inside a git work tree; check `git status`.');
}

export function gitSync(cwd: string, args: readonly string[], input?: string): Buffer {
  const result = spawnSync('git', [...GIT_CONFIG, ...args], { cwd, input, maxBuffer: MAX_BUFFER });
  if (result.error) throw new EnvsealError('E_GIT_MISSING', ExitCode.io, `cannot run git: ${result.error.message}`, 'Install git and make sure it is on PATH.');
  if (result.status !== 0) throw gitError(args, result.stderr.toString('utf8'));
  return result.stdout;
}

/** Like gitSync, without blocking: independent git commands can run side by side. */
export function gitAsync(cwd: string, args: readonly string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...GIT_CONFIG, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(new EnvsealError('E_GIT_MISSING', ExitCode.io, `cannot run git: ${e.message}`, 'Install git and make sure it is on PATH.')));
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(gitError(args, Buffer.concat(err).toString('utf8')))));
  });
}

/** Files added or modified in the index, with their added lines. */
export async function stagedChanges(cwd: string): Promise<PatchFile[]> {
  return parsePatch((await gitAsync(cwd, ['diff', '--cached', ...DIFF_FLAGS])).toString('utf8'));
}

/** Repository-relative paths of tracked sealed files. */
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
 * Streams the changes of the commits selected by `revisions` (git rev-list arguments, e.g.
 * ['A..B'] or ['B', '--not', '--remotes=origin']), one file at a time, oldest commit last.
 */
export async function* commitChanges(cwd: string, revisions: readonly string[]): AsyncGenerator<PatchFile> {
  const args = [...GIT_CONFIG, 'log', '-p', '--format=%x00%H', '--no-merges', ...DIFF_FLAGS, ...revisions, '--'];
  const child = spawn('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const queue: PatchFile[] = [];
  const parser = new PatchParser((file) => queue.push(file));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdout.setEncoding('utf8');
  for await (const chunk of child.stdout) {
    parser.push(chunk as string);
    while (queue.length > 0) yield queue.shift()!;
  }
  parser.end();
  while (queue.length > 0) yield queue.shift()!;
  const code = await exited;
  if (code !== 0) throw gitError(['log'], stderr);
}

/** Paths of tracked files (or untracked, not ignored ones) matching pathspecs, for the working tree scan. */
export function listFiles(cwd: string, pathspecs: readonly string[] = []): string[] {
  return gitSync(cwd, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...pathspecs])
    .toString('utf8')
    .split('\0')
    .filter((p) => p !== '');
}

export const ZERO_SHA = /^0+$/;
