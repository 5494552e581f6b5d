/**
 * What the hooks and `scan` read from git: the staged changes (the index, not the working tree), the
 * commits a push would send, and history, as added lines per file. History streams, one file at a
 * time, rather than buffering.
 *
 * Every diff disables textconv and external diff drivers: envseal's own diff driver for sealed files
 * (`envseal git setup`) must not run, and what is scanned must be the committed bytes.
 */
import { type PatchFile, PatchParser, messageFile } from './patch.js';
import { GitSession, gitFailed, gitRead, gitStream, gitSync, gitTry } from './run.js';

// A file git shows as binary (a NUL byte, or a .gitattributes `-diff` or `binary`) has no lines in the
// patch: the guard reads its blob instead (indexBlob, BlobReader), which is also how a .gitattributes
// that calls a text file binary cannot hide it.
const DIFF_FLAGS = ['-U0', '--no-renames', '--no-textconv', '--no-ext-diff', '--no-color', '--diff-filter=AMT', '--src-prefix=a/', '--dst-prefix=b/'];

/**
 * A patch from git, parsed as it streams: one file at a time, so memory is bounded by the largest file
 * (and GitSession's read-ahead).
 */
async function* patchFiles(chunks: AsyncIterable<Buffer>): AsyncGenerator<PatchFile> {
  const queue: PatchFile[] = [];
  const parser = new PatchParser((file) => queue.push(file));
  for await (const chunk of chunks) {
    parser.push(chunk);
    while (queue.length > 0) yield queue.shift()!;
  }
  parser.end();
  while (queue.length > 0) yield queue.shift()!;
}

/** Files added or modified in the index (what a commit would record), with their added lines. */
export function stagedChanges(cwd: string): AsyncGenerator<PatchFile> {
  return patchFiles(gitRead(cwd, ['diff', '--cached', ...DIFF_FLAGS]));
}

/** Repository-relative paths of sealed files in the index: tracked ones and newly staged ones. */
export async function trackedSealedFiles(cwd: string): Promise<string[]> {
  return gitSync(cwd, ['ls-files', '-z', '--', '*.encrypted'])
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

const BATCH = ['cat-file', '--batch'];

/**
 * Blobs by id (PatchFile.blobs), through one `git cat-file --batch` started on the first read and
 * kept for the whole scan: a history with thousands of binary changes starts one git, not thousands.
 * A blob git does not have is E_GIT: a scan must not pass over content it could not read.
 */
export class BlobReader {
  readonly #cwd: string;
  #session: GitSession | undefined;
  /** Answers arrive in the order of the questions: each read waits for the one before. */
  #last: Promise<unknown> = Promise.resolve();

  constructor(cwd: string) {
    this.#cwd = cwd;
  }

  read(id: string): Promise<Buffer> {
    const answer = this.#last.then(() => this.#ask(id));
    this.#last = answer.catch(() => undefined);
    return answer;
  }

  async close(): Promise<void> {
    await this.#last;
    await this.#session?.close();
  }

  async #ask(id: string): Promise<Buffer> {
    this.#session ??= new GitSession(this.#cwd, BATCH);
    this.#session.write(`${id}\n`);
    const header = (await this.#session.readLine()).toString('utf8');
    const size = Number(header.split(' ')[2]);
    if (!Number.isInteger(size)) throw gitFailed(this.#cwd, BATCH, header); // "<id> missing"
    return (await this.#session.read(size + 1)).subarray(0, size);
  }
}

/**
 * The changes and messages of the commits selected by `revisions` (git rev-list arguments, e.g.
 * ['A..B'] or ['B', '--not', '--remotes=origin']), streamed one file at a time, newest commit first.
 * Each commit's message comes first (PatchFile.message), then its files.
 *
 * A merge shows what it adds beyond merging its parents (a resolution, or an "evil merge" that slips
 * in new lines): the difference between git's own re-merge of the parents and the merge as committed.
 * git before 2.36 has no re-merge; there a merge is compared with each parent, which shows more than it
 * adds but hides nothing.
 */
export function commitChanges(cwd: string, revisions: readonly string[]): AsyncGenerator<PatchFile> {
  const merges = supportsRemergeDiff(cwd) ? '--remerge-diff' : '-m';
  // Full blob ids: a binary file's blob is read by id, and the same change seen again is known as such.
  return patchFiles(gitStream(cwd, ['log', '-p', '--format=%x00%H%x00%B%x00', merges, '--full-index', ...DIFF_FLAGS, ...revisions, '--']));
}

let remergeDiff: boolean | undefined;

function supportsRemergeDiff(cwd: string): boolean {
  if (remergeDiff === undefined) {
    const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(gitSync(cwd, ['version']).toString('utf8')) ?? []).slice(1).map(Number);
    remergeDiff = major > 2 || (major === 2 && minor >= 36);
  }
  return remergeDiff;
}

/** Annotated tags (tag objects) under refs/tags, by object name. */
export function annotatedTags(cwd: string): string[] {
  return gitSync(cwd, ['for-each-ref', '--format=%(objecttype) %(objectname)', 'refs/tags'])
    .toString('utf8')
    .split('\n')
    .filter((line) => line.startsWith('tag '))
    .map((line) => line.slice(4));
}

/**
 * The messages of those of `objects` that are tag objects (a lightweight tag or a commit has none),
 * each as a message file named after its tag, through one `git cat-file --batch`.
 */
export function tagMessages(cwd: string, objects: readonly string[]): PatchFile[] {
  if (objects.length === 0) return [];
  const out = gitSync(cwd, BATCH, `${objects.join('\n')}\n`);
  const files: PatchFile[] = [];
  for (let at = 0; at < out.length; ) {
    const headerEnd = out.indexOf(10, at);
    const [object, type, size] = out.subarray(at, headerEnd).toString('utf8').split(' ');
    if (type === undefined || size === undefined) {
      at = headerEnd + 1; // "<name> missing"
      continue;
    }
    const body = out.subarray(headerEnd + 1, headerEnd + 1 + Number(size)).toString('utf8');
    at = headerEnd + 1 + Number(size) + 1;
    if (type !== 'tag') continue;
    const split = body.indexOf('\n\n');
    const name = /^tag (.*)$/m.exec(split === -1 ? body : body.slice(0, split))?.[1] ?? object!;
    files.push(messageFile(`tag ${name} message`, split === -1 ? '' : body.slice(split + 2), object));
  }
  return files;
}

/** Paths of tracked files (or untracked, not ignored ones) matching pathspecs, for the working tree scan. */
export function listFiles(cwd: string, pathspecs: readonly string[] = []): string[] {
  return gitSync(cwd, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...pathspecs])
    .toString('utf8')
    .split('\0')
    .filter((p) => p !== '');
}

/** The settings git's message cleanup depends on: commit.cleanup, and the comment string unless `auto`. */
export function messageCleanupConfig(cwd: string): { cleanup?: string; commentString?: string } {
  const out = gitTry(cwd, ['config', '--get-regexp', '^(commit\\.cleanup|core\\.comment(char|string))$']).stdout.toString('utf8');
  const settings: { cleanup?: string; commentString?: string } = {};
  for (const line of out.split('\n')) {
    const space = line.indexOf(' ');
    if (space === -1) continue;
    const [key, value] = [line.slice(0, space).toLowerCase(), line.slice(space + 1)];
    if (key === 'commit.cleanup') settings.cleanup = value.toLowerCase();
    else if (value !== 'auto') settings.commentString = value;
  }
  return settings;
}

/** The work tree git sees at `cwd` (GIT_DIR and GIT_WORK_TREE included), undefined when git sees none. */
export function workTreeOf(cwd: string): string | undefined {
  const result = gitTry(cwd, ['rev-parse', '--show-toplevel']);
  const root = result.stdout.toString('utf8').trim();
  return result.status === 0 && root !== '' ? root : undefined;
}

/** Whether `rev` names a commit this repository has. */
export function hasCommit(cwd: string, rev: string): boolean {
  return gitTry(cwd, ['cat-file', '-e', `${rev}^{commit}`]).status === 0;
}

export const ZERO_SHA = /^0+$/;
