/**
 * `envseal edit`: open a sealed file in the user's editor and seal the result, like `rails
 * credentials:edit`, `sops` and `ansible-vault edit`.
 *
 * The plaintext exists only in a private temp file: a fresh 0700 directory (under $XDG_RUNTIME_DIR,
 * a tmpfs, when there is one) holding one 0600 file. That directory is removed on success, on no
 * change, when the editor fails or is killed before anything was edited, and on SIGINT, SIGTERM or
 * SIGHUP sent to envseal (the handler kills the editor, removes the directory, then re-raises the
 * signal). An edit is never lost silently: once the editor has exited successfully, any failure to
 * seal the result either reopens the editor (at a terminal, when the problem is in the text) or keeps
 * the file (0600) and says where in the error. The editor gets envseal's environment without the
 * variables that hold or fetch a master key.
 *
 * During a conflicted `git merge` of the file (see docs/WORKFLOW.md), the temp file also shows, above
 * each conflicting name, the value the other branch has; those note lines are dropped on save.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvsealError, ExitCode, Code } from '../errors.js';
import { plainNameFor } from '../env-files.js';
import { type EnvLine, assertDotenvEquivalent, parseEnv, renderEnv } from '../format/envfile.js';
import { type OpenedFile, openSealed } from '../format/sealed.js';
import { mergeEnv, stripConflictNotes, withConflictNotes } from '../git/drivers.js';
import { mergeStages } from '../git/merge-stages.js';
import { PRIVATE_MODE, displayPath, ioError } from '../io/files.js';
import { processAlive } from '../io/pid.js';
import { decodeUtf8, normalizeNewlines } from '../text.js';
import type { ChangeSummary } from './changes.js';
import { recordBase } from './base.js';
import { withoutKeyVariables } from './child-env.js';
import { openForUpdate, reseal } from './reseal.js';
import type { KeyOptions, SealedFileOpened } from './open.js';

export interface EditRequest extends KeyOptions {
  file: string;
  now: Date;
  /** A deliberate roll-back: values may return to ones their names held before. */
  allowReuse?: boolean;
  /** The editor as a shell command ($VISUAL, $EDITOR or vi); may carry arguments (`code --wait`). */
  editor: string;
  /** Directory for the private temp directory. */
  tempRoot: string;
  /** Asked when the edited file cannot be sealed: true reopens the editor. Absent when nobody can answer. */
  reopen?: (problem: EnvsealError) => Promise<boolean>;
  /**
   * Told where an earlier, unsealed edit was kept when a signal ends envseal while the reopened editor
   * runs. The process ends right after, so this is the only chance to say where the edit is.
   */
  keptAtSignal?: (kept: EnvsealError) => void;
}

export interface EditResult {
  file: string;
  fingerprint: string;
  /** False when the edit changed nothing: nothing was written. */
  written: boolean;
  changes: ChangeSummary;
  /** Names in conflict in an unfinished merge, shown with the other branch's value. */
  conflicts: string[];
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** Words without shell operators and no leading VAR=value: safe to run with `exec`. */
const SIMPLE_COMMAND = /^(?![A-Za-z_]\w*=)[^;&|<>()`$\n]+$/;

export async function editSealedFile(request: EditRequest): Promise<EditResult> {
  const target = openForUpdate(request);
  const conflict = mergeConflicts(target);
  const shown = conflict ? withConflictNotes(target.opened.lines, conflict.theirs, conflict.names) : target.opened.lines;
  const original = renderEnv(shown, target.label);
  const base = { file: request.file, fingerprint: target.ring.current.fingerprint, conflicts: conflict?.names ?? [] };
  const editorEnv = withoutKeyVariables(request.env);
  const workspace = PrivateWorkspace.create(request.tempRoot, path.basename(plainNameFor(request.file)), (file) =>
    request.keptAtSignal?.(kept(new EnvsealError(Code.SIGNALLED, 'envseal was stopped by a signal'), file)),
  );
  // A kept edit records the version it was made from, so sealing it later merges three ways and
  // keeps whatever changed in the sealed file meanwhile (core/base.ts).
  const kept = (problem: EnvsealError, file: string): EnvsealError => {
    recordBase(file, target.file, target.text);
    return keptError(problem, file, target, request.envName);
  };
  const keepEdit = (problem: EnvsealError): EnvsealError => {
    const file = workspace.keep();
    return file === undefined ? problem : kept(problem, file);
  };
  try {
    workspace.write(original);
    for (let reopened = false; ; reopened = true) {
      if (reopened) workspace.holdsUnsealedEdit = true;
      try {
        await workspace.runEditor(request.editor, editorEnv);
      } catch (error) {
        if (!(error instanceof EnvsealError)) throw error;
        // A reopened editor works on an earlier edit that was not sealed: failing now must not lose it.
        if (reopened) throw keepEdit(new EnvsealError(error.code, error.message));
        throw new EnvsealError(error.code, `${error.message}; nothing was changed`, error.hint);
      }
      let problem: EnvsealError;
      try {
        const edited = workspace.read();
        if (edited === original) return { ...base, written: false, changes: { added: [], changed: [], removed: [] } };
        const result = reseal(target, parseEdited(edited, target.label), request.now, { allowReuse: Boolean(request.allowReuse) });
        return { ...base, written: result.written, changes: result.changes };
      } catch (error) {
        problem = asEnvsealError(error);
      }
      if (fixableInEditor(problem) && request.reopen && (await request.reopen(problem))) continue;
      throw keepEdit(problem);
    }
  } finally {
    workspace.dispose();
  }
}

/**
 * A problem in the edited text (its syntax or encoding, a secret in a comment) is fixed in the editor;
 * the others (the sealed file changed meanwhile, a lock, I/O) are not.
 */
function fixableInEditor(problem: EnvsealError): boolean {
  return problem.exitCode === ExitCode.integrity || problem.exitCode === ExitCode.findings;
}

/** Any failure, as an error that can say where the edit is kept. */
function asEnvsealError(error: unknown): EnvsealError {
  if (error instanceof EnvsealError) return error;
  // A bug in envseal. Its message could quote the edited text, so only its type is named.
  const name = error instanceof Error ? error.name : typeof error;
  return new EnvsealError(Code.INTERNAL, `internal error (${name}) while sealing your edit; this is a bug in envseal, please report it`);
}

function parseEdited(text: string, label: string): EnvLine[] {
  const body = stripConflictNotes(text);
  const where = `your edit of ${label}`;
  const lines = parseEnv(body, where);
  assertDotenvEquivalent(body, lines, where);
  return lines;
}

function keptError(cause: EnvsealError, kept: string, target: SealedFileOpened, envName: string | undefined): EnvsealError {
  // The kept file is outside the project, where no key file is looked for: name the key explicitly.
  const keyFlag = target.ring.keyFilePath ? ` --key-file ${displayPath(target.ring.keyFilePath)}` : envName ? ` --env ${envName}` : '';
  const reseal = `envseal encrypt --in ${kept} --out ${target.label}${keyFlag}`;
  return new EnvsealError(
    cause.code,
    `${cause.message}. ${target.label} was not changed; your edit is kept in ${kept} (mode 0600)`,
    `${cause.hint ? `${cause.hint} ` : ''}Fix that file and seal it with \`${reseal}\`, then delete it (rm -r ${path.dirname(kept)}).`,
  );
}

/**
 * The other branch's lines and the conflicting names when `target` is unmerged in git (a merge
 * stopped on it), undefined otherwise or when the stages cannot be opened with the same keys.
 */
function mergeConflicts(target: SealedFileOpened): { theirs: EnvLine[]; names: string[] } | undefined {
  const stages = mergeStages(target.file);
  if (!stages) return undefined;
  const open = (text: string | undefined, n: number): OpenedFile | undefined => {
    if (text === undefined) return undefined;
    try {
      return openSealed(normalizeNewlines(text).text, target.ring, `${target.label} (merge stage ${n})`);
    } catch {
      return undefined;
    }
  };
  const [ours, theirs] = [open(stages.ours, 2), open(stages.theirs, 3)];
  if (!ours || !theirs) return undefined;
  const names = mergeEnv(open(stages.base, 1)?.lines ?? [], ours.lines, theirs.lines).conflicts;
  return names.length > 0 ? { theirs: theirs.lines, names } : undefined;
}

/** Workspaces are `envseal-edit-<pid>-XXXXXX`: the pid tells a later run whether its owner is gone. */
const WORKSPACE_PREFIX = 'envseal-edit-';
/** In a workspace kept on purpose (its path was given to the user): never removed automatically. */
const KEPT_MARKER = '.kept';

/**
 * Removes the workspaces under `root` that an `edit` killed with SIGKILL (or a crash) left behind:
 * no signal handler ran, so its plaintext would stay forever. Abandoned means: ours, not kept on
 * purpose, and its envseal process is gone. Returns the directories removed.
 */
export function removeAbandonedWorkspaces(root: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(/^envseal-edit-(\d+)-/.exec(name)?.[1]);
    if (!pid || processAlive(pid)) continue;
    const dir = path.join(root, name);
    try {
      const stat = fs.lstatSync(dir);
      if (!stat.isDirectory() || stat.uid !== process.getuid?.() || fs.existsSync(path.join(dir, KEPT_MARKER))) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}

/** A 0700 temp directory with one 0600 file, removed on every way out unless deliberately kept. */
class PrivateWorkspace {
  readonly dir: string;
  readonly file: string;
  /** Set once the file holds an edit the user saved but that could not be sealed: a signal then keeps it. */
  holdsUnsealedEdit = false;
  readonly #keptAtSignal: ((file: string) => void) | undefined;
  #editor: ReturnType<typeof spawn> | undefined;
  #active = true;
  readonly #onSignal = (signal: NodeJS.Signals): void => {
    this.#editor?.kill('SIGTERM');
    const kept = this.holdsUnsealedEdit ? this.keep() : undefined;
    if (kept === undefined) this.dispose();
    else this.#keptAtSignal?.(kept);
    // With its handler gone, the signal now does what it would have done: end the process.
    process.kill(process.pid, signal);
  };

  private constructor(dir: string, name: string, keptAtSignal: ((file: string) => void) | undefined) {
    this.dir = dir;
    this.file = path.join(dir, name);
    this.#keptAtSignal = keptAtSignal;
    for (const signal of SIGNALS) process.once(signal, this.#onSignal);
  }

  static create(root: string, name: string, keptAtSignal?: (file: string) => void): PrivateWorkspace {
    let dir: string;
    try {
      dir = fs.mkdtempSync(path.join(root, `${WORKSPACE_PREFIX}${process.pid}-`));
      fs.chmodSync(dir, 0o700);
    } catch (e) {
      throw ioError(e, 'create', path.join(root, `${WORKSPACE_PREFIX}*`));
    }
    return new PrivateWorkspace(dir, name, keptAtSignal);
  }

  write(text: string): void {
    let fd: number | undefined;
    try {
      fd = fs.openSync(this.file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, PRIVATE_MODE);
      fs.fchmodSync(fd, PRIVATE_MODE);
      fs.writeFileSync(fd, text);
    } catch (e) {
      throw ioError(e, 'create', this.file);
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  read(): string {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(this.file);
    } catch (e) {
      throw ioError(e, 'read', this.file);
    }
    const text = decodeUtf8(bytes);
    if (text === undefined) throw new EnvsealError(Code.NOT_UTF8, 'the edited file is not UTF-8 text', 'Save it as UTF-8.');
    return normalizeNewlines(text).text;
  }

  /**
   * Runs the editor on the file as `sh -c '<editor> "$1"' sh <file>`: the editor may carry arguments,
   * and the path is the shell's $1, never spliced into the command. A plain command is exec'd, so the
   * editor is the child envseal stops on a signal (not a shell that would leave it running).
   */
  runEditor(editor: string, env: Readonly<Record<string, string>>): Promise<void> {
    return new Promise((resolve, reject) => {
      const command = SIMPLE_COMMAND.test(editor) ? `exec ${editor} "$1"` : `${editor} "$1"`;
      const child = spawn('/bin/sh', ['-c', command, 'sh', this.file], { stdio: 'inherit', env });
      this.#editor = child;
      child.once('error', (e) => reject(new EnvsealError(Code.EDITOR_FAILED, `could not start the editor (${e.message})`, 'Set $EDITOR (or $VISUAL) to an editor command, e.g. EDITOR="code --wait".')));
      child.once('exit', (code, signal) => {
        this.#editor = undefined;
        if (code === 0) return resolve();
        const how = signal ? `was killed by ${signal}` : code === 127 ? 'was not found (exit status 127)' : `exited with status ${code}`;
        reject(new EnvsealError(Code.EDITOR_FAILED, `the editor (${editor}) ${how}`, 'Fix the editor command ($VISUAL or $EDITOR) or save and quit normally, then run `envseal edit` again.'));
      });
    });
  }

  /**
   * Keeps the file (the only way out that leaves plaintext behind) and returns its path; undefined
   * when the editor removed it, leaving nothing to keep.
   */
  keep(): string | undefined {
    try {
      fs.chmodSync(this.file, PRIVATE_MODE);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    }
    try {
      fs.writeFileSync(path.join(this.dir, KEPT_MARKER), '');
    } catch {
      // Unmarked, a kept edit looks abandoned once envseal exits; the user was told its path anyway.
    }
    this.#release();
    return this.file;
  }

  dispose(): void {
    if (!this.#active) return;
    this.#release();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  #release(): void {
    this.#active = false;
    for (const signal of SIGNALS) process.removeListener(signal, this.#onSignal);
  }
}
