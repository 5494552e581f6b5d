/**
 * The one place envseal starts git. Everything else in src/git/ says what to ask git; this module says
 * how: with settings that make git's output the same on every machine, one error for "git is not
 * installed", one for "not a git work tree", and one for a git command that failed.
 *
 * git is run directly, not through simple-git: the commit hook's hot path cannot afford a library
 * load, history must stream rather than buffer, and the few questions envseal asks need no more than
 * spawn.
 */
import type { ChildProcessByStdio, SpawnSyncReturns } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { EnvsealError, Code } from '../errors.js';
import { displayPath } from '../io/files.js';

/** Paths unquoted as UTF-8, a/ and b/ prefixes whatever the user's diff.noprefix, no colour codes. */
const GIT_CONFIG = ['-c', 'core.quotePath=false', '-c', 'diff.noprefix=false', '-c', 'color.ui=never'];
const MAX_BUFFER = 1024 * 1024 * 1024;

// node:child_process loads on first use: commands that never run git do not pay for it.
const childProcess = (): typeof import('node:child_process') => process.getBuiltinModule('node:child_process');

const missing = (e: Error): EnvsealError => new EnvsealError(Code.GIT_MISSING, `cannot run git: ${e.message}`, 'Install git and make sure it is on PATH.');

export function gitFailed(cwd: string, args: readonly string[], stderr: string): EnvsealError {
  const message = stderr.trim().split('\n')[0] ?? '';
  return new EnvsealError(Code.GIT, `git ${args.slice(0, 2).join(' ')} failed in ${displayPath(cwd) || '.'}: ${message}`, 'Run it inside a git work tree; check `git status`.');
}

export interface GitResult {
  status: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs git and returns what it said, whatever its exit status (only a missing git throws). */
export function gitTry(cwd: string, args: readonly string[], input?: string): GitResult {
  const result: SpawnSyncReturns<Buffer> = childProcess().spawnSync('git', [...GIT_CONFIG, ...args], { cwd, input, maxBuffer: MAX_BUFFER });
  if (result.error) throw missing(result.error);
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

/** Runs git and returns its stdout; a non-zero exit is E_GIT. */
export function gitSync(cwd: string, args: readonly string[], input?: string): Buffer {
  const result = gitTry(cwd, args, input);
  if (result.status !== 0) throw gitFailed(cwd, args, result.stderr);
  return result.stdout;
}

/** The most git output read in one synchronous call; gitRead streams anything larger. */
const SYNC_READ_LIMIT = 4 * 1024 * 1024;

/**
 * git's stdout, like gitStream, for output that is usually small (the staged changes of a commit): one
 * synchronous read, which spares the commit hook the pipes, streams and event-loop turns of a spawn
 * (a few milliseconds of its start-up). When the output is larger than SYNC_READ_LIMIT, git runs again
 * and its output is streamed, so what is held at once stays bounded as with gitStream.
 */
export async function* gitRead(cwd: string, args: readonly string[]): AsyncGenerator<Buffer> {
  const result = childProcess().spawnSync('git', [...GIT_CONFIG, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: SYNC_READ_LIMIT });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOBUFS') {
    yield* gitStream(cwd, args);
    return;
  }
  if (result.error) throw missing(result.error);
  if (result.status !== 0) throw gitFailed(cwd, args, result.stderr.toString('utf8'));
  yield result.stdout;
}

/** The work tree's root as git sees it (GIT_DIR and GIT_WORK_TREE included); E_NOT_A_REPO outside one. */
export function workTreeRoot(cwd: string): string {
  const result = gitTry(cwd, ['rev-parse', '--show-toplevel']);
  if (result.status !== 0) throw notARepository(cwd);
  return result.stdout.toString('utf8').trim();
}

export function notARepository(cwd: string): EnvsealError {
  return new EnvsealError(Code.NOT_A_REPO, `${displayPath(cwd) || '.'} is not inside a git work tree`, 'Run it inside the repository (after `git init` or `git clone`).');
}

/** How far a GitSession reads ahead of its reader: git keeps working while envseal judges what came. */
const READ_AHEAD = 16 * 1024 * 1024;

/**
 * A git process whose output is read as it comes, by line, by length or in whatever pieces arrive,
 * with its stdin open for questions (`cat-file --batch`: one process for many blobs, where one per
 * blob would cost a git start-up each). Output is taken from the pipe whenever the event loop runs,
 * up to READ_AHEAD bytes before a read takes them, so git is not held up by a full pipe while the
 * reader works.
 */
export class GitSession {
  readonly #child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly #exited: Promise<number | null>;
  #failure: EnvsealError | undefined;
  readonly #stderr: Buffer[] = [];
  readonly #args: readonly string[];
  readonly #cwd: string;
  /** What git has said that no read has taken yet, and the reader waiting for more. */
  #buffered: Buffer[] = [];
  #size = 0;
  #wake: (() => void) | undefined;
  #ended = false;

  constructor(cwd: string, args: readonly string[]) {
    this.#cwd = cwd;
    this.#args = args;
    this.#child = childProcess().spawn('git', [...GIT_CONFIG, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stderr.on('data', (d: Buffer) => this.#stderr.push(d));
    this.#child.stdout.on('data', (d: Buffer) => {
      this.#buffered.push(d);
      this.#size += d.length;
      if (this.#size > READ_AHEAD) this.#child.stdout.pause();
      this.#wake?.();
    });
    this.#child.stdout.on('end', () => {
      this.#ended = true;
      this.#wake?.();
    });
    this.#exited = new Promise((resolve) => {
      this.#child.on('close', resolve);
      this.#child.on('error', (e) => {
        this.#failure = missing(e);
        this.#ended = true;
        this.#wake?.();
        resolve(null);
      });
    });
    // A write after git exited fails the next read instead (with git's own message).
    this.#child.stdin.on('error', () => undefined);
  }

  write(text: string): void {
    this.#child.stdin.write(text);
  }

  /** No more questions: git sees the end of its stdin. */
  endInput(): void {
    this.#child.stdin.end();
  }

  /** The next line git prints, without its newline. */
  async readLine(): Promise<Buffer> {
    for (;;) {
      const nl = this.#peek().indexOf(10);
      if (nl !== -1) return this.#take(nl + 1).subarray(0, nl);
      await this.#more(true);
    }
  }

  /** The next `length` bytes git prints. */
  async read(length: number): Promise<Buffer> {
    while (this.#size < length) await this.#more(true);
    return this.#take(length);
  }

  /** The next piece of git's output as it arrived (waiting for one), undefined at the end of its output. */
  async readSome(): Promise<Buffer | undefined> {
    while (this.#size === 0) if (!(await this.#more(false))) return undefined;
    const piece = this.#buffered.shift()!;
    this.#taken(piece.length);
    return piece;
  }

  /** Waits for git to exit; a non-zero exit is E_GIT. */
  async close(): Promise<void> {
    this.endInput();
    await this.#exitedWell();
  }

  /** Waits for git to exit; throws what it failed with. */
  async #exitedWell(): Promise<void> {
    const status = await this.#exited;
    if (this.#failure) throw this.#failure;
    if (status !== 0) throw gitFailed(this.#cwd, this.#args, Buffer.concat(this.#stderr).toString('utf8'));
  }

  /** Stops reading: git, if still writing, ends on a closed pipe as it would under `| head`. */
  abandon(): void {
    this.#child.stdout.destroy();
    this.#child.stdin.destroy();
  }

  #peek(): Buffer {
    if (this.#buffered.length > 1) this.#buffered = [Buffer.concat(this.#buffered)];
    return this.#buffered[0] ?? Buffer.alloc(0);
  }

  #take(length: number): Buffer {
    const all = this.#peek();
    this.#buffered = length < all.length ? [all.subarray(length)] : [];
    this.#taken(length);
    return all.subarray(0, length);
  }

  #taken(length: number): void {
    this.#size -= length;
    if (this.#size <= READ_AHEAD && this.#child.stdout.isPaused()) this.#child.stdout.resume();
  }

  /** Waits for more output; at its end, false, or (when more was `needed`) the error git ended with. */
  async #more(needed: boolean): Promise<boolean> {
    if (this.#ended) {
      await this.#exitedWell();
      if (needed) throw gitFailed(this.#cwd, this.#args, 'git ended its output early');
      return false;
    }
    await new Promise<void>((resolve) => (this.#wake = resolve));
    this.#wake = undefined;
    return true;
  }
}

/**
 * git's stdout as it comes, read ahead of its reader (GitSession); throws at the end when git fails.
 * Between chunks the event loop turns once, so git's output is taken from the pipe while the reader
 * judges what came (an async generator's own awaits are microtasks, which let no pipe be read).
 */
export async function* gitStream(cwd: string, args: readonly string[]): AsyncGenerator<Buffer> {
  const git = new GitSession(cwd, args);
  git.endInput();
  try {
    for (let chunk = await git.readSome(); chunk !== undefined; chunk = await git.readSome()) {
      yield chunk;
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    git.abandon();
  }
}
