/**
 * What the hooks and `scan` read from git: the staged changes (the index, not the working tree), the
 * commits a push would send, and history, as added lines per file. History streams, one file at a
 * time, rather than buffering.
 *
 * Every diff disables textconv and external diff drivers: envseal's own diff driver for sealed files
 * (`envseal git setup`) must not run, and what is scanned must be the committed bytes.
 */
import { type PatchFile, PatchParser } from './patch.js';
import { gitAsync, gitStream, gitSync, gitTry } from './run.js';

// A file git shows as binary (a NUL byte, or a .gitattributes `-diff` or `binary`) has no lines in the
// patch: the guard reads its blob instead (indexBlob, commitBlob), which is also how a .gitattributes
// that calls a text file binary cannot hide it.
const DIFF_FLAGS = ['-U0', '--no-renames', '--no-textconv', '--no-ext-diff', '--no-color', '--diff-filter=AMT', '--src-prefix=a/', '--dst-prefix=b/'];

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

/** Full staged content of one path (stage 0 in the index: `:1:x` would name a conflict stage of x). */
export function indexBlob(cwd: string, path: string): Buffer {
  return gitSync(cwd, ['cat-file', 'blob', `:0:${path}`]);
}

/** The content of `path` in `commit`. */
export function commitBlob(cwd: string, commit: string, path: string): Buffer {
  return gitSync(cwd, ['cat-file', 'blob', `${commit}:${path}`]);
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

/** Whether `rev` names a commit this repository has. */
export function hasCommit(cwd: string, rev: string): boolean {
  return gitTry(cwd, ['cat-file', '-e', `${rev}^{commit}`]).status === 0;
}

export const ZERO_SHA = /^0+$/;
