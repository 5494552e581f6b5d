/**
 * A streaming parser for the unified diffs git prints with `-U0` (`git diff --cached`, `git log -p`):
 * for every file, the lines it adds, grouped in runs of consecutive new-file line numbers. Hooks scan
 * only what a commit adds, and a secret split over several added lines (a PEM block) stays in one run.
 * Pure: feed it text, get files back. Memory is bounded by the largest single file's added lines.
 */

export interface AddedRun {
  /** 1-based line number in the new file of the run's first line. */
  start: number;
  lines: string[];
}

export interface PatchFile {
  /** The commit that made the change (log output), undefined for the index. */
  commit?: string;
  /** The commit's message rather than a file (log output with a message): `path` is MESSAGE_PATH. */
  message?: true;
  path: string;
  isNew: boolean;
  binary: boolean;
  runs: AddedRun[];
}

/**
 * A commit's header in envseal's log format (sources.ts): `\0<sha>`, or `\0<sha>\0<message>\0` when
 * the message is asked for. git refuses NUL bytes in messages, so the first one after the message ends it.
 */
const COMMIT = /^\x00([0-9a-f]{40,64})(?:\x00(.*))?$/;

/** What a commit message is called in findings. */
export const MESSAGE_PATH = 'commit message';
const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Decodes git's C-style quoted path ("a\tb", octal escapes for bytes) into a string. */
export function unquoteGitPath(text: string): string {
  if (!text.startsWith('"')) return text;
  const bytes: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '"': 34, '\\': 92 };
  for (let i = 1; i < text.length - 1; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
      continue;
    }
    const next = text[++i]!;
    if (next >= '0' && next <= '7') {
      bytes.push(parseInt(text.slice(i, i + 3), 8));
      i += 2;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The new-side path from `diff --git a/P b/P` (used when no `+++` line follows, e.g. binary files). */
function pathFromHeader(rest: string): string {
  if (rest.startsWith('"')) {
    const second = rest.lastIndexOf(' "');
    return unquoteGitPath(rest.slice(second + 1)).replace(/^b\//, '');
  }
  // Without renames both sides name the same path: "a/P b/P".
  const half = (rest.length - 5) / 2;
  return rest.slice(2, 2 + half);
}

export class PatchParser {
  readonly #onFile: (file: PatchFile) => void;
  #pending = '';
  #commit: string | undefined;
  #file: PatchFile | undefined;
  #run: AddedRun | undefined;
  #minusLeft = 0;
  #plusLeft = 0;
  /** The message being read, until its closing NUL. */
  #message: PatchFile | undefined;

  constructor(onFile: (file: PatchFile) => void) {
    this.#onFile = onFile;
  }

  push(chunk: string): void {
    const text = this.#pending + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      this.#line(text.slice(start, nl));
      start = nl + 1;
    }
    this.#pending = text.slice(start);
  }

  end(): void {
    if (this.#pending !== '') this.#line(this.#pending);
    this.#pending = '';
    if (this.#message) this.#onFile(this.#message); // cut short: what arrived is still checked
    this.#message = undefined;
    this.#flush();
  }

  #flush(): void {
    if (this.#file) this.#onFile(this.#file);
    this.#file = undefined;
    this.#run = undefined;
    this.#minusLeft = this.#plusLeft = 0;
  }

  #messageLine(line: string): void {
    const message = this.#message!;
    const end = line.indexOf('\0');
    message.runs[0]!.lines.push(end === -1 ? line : line.slice(0, end));
    if (end === -1) return;
    this.#message = undefined;
    this.#onFile(message);
  }

  #line(line: string): void {
    if (this.#message) {
      this.#messageLine(line);
      return;
    }
    if (this.#plusLeft > 0 || this.#minusLeft > 0) {
      // Inside a hunk, line counts (not prefixes) decide what a line is: an added line may itself
      // start with "++ " or "diff --git".
      if (line.startsWith('+') && this.#plusLeft > 0) {
        this.#run!.lines.push(line.slice(1));
        this.#plusLeft--;
        return;
      }
      if (line.startsWith('-') && this.#minusLeft > 0) {
        this.#minusLeft--;
        return;
      }
      if (line.startsWith('\\')) return; // "\ No newline at end of file"
    }
    if (line.startsWith('\\')) return;
    const commit = COMMIT.exec(line);
    if (commit) {
      this.#flush();
      this.#commit = commit[1];
      if (commit[2] !== undefined) {
        this.#message = { commit: commit[1]!, message: true, path: MESSAGE_PATH, isNew: true, binary: false, runs: [{ start: 1, lines: [] }] };
        this.#messageLine(commit[2]);
      }
      return;
    }
    if (line.startsWith('diff --git ')) {
      this.#flush();
      this.#file = { ...(this.#commit ? { commit: this.#commit } : {}), path: pathFromHeader(line.slice('diff --git '.length)), isNew: false, binary: false, runs: [] };
      return;
    }
    const file = this.#file;
    if (!file) return;
    if (line.startsWith('new file mode')) file.isNew = true;
    else if (line.startsWith('Binary files ') || line === 'GIT binary patch') file.binary = true;
    else if (line.startsWith('+++ ')) {
      // git ends an unquoted name that contains a space with a tab, as GNU diff does.
      const target = line.slice(4).replace(/\t$/, '');
      if (target !== '/dev/null') file.path = unquoteGitPath(target).replace(/^b\//, '');
    } else {
      const hunk = HUNK.exec(line);
      if (hunk) {
        this.#minusLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
        this.#plusLeft = hunk[3] === undefined ? 1 : Number(hunk[3]);
        this.#run = { start: Number(hunk[2]), lines: [] };
        if (this.#plusLeft > 0) file.runs.push(this.#run);
      }
    }
  }
}

/**
 * How a tag's message arrives with its tag (sources.ts tagMessages): `path` names the tag.
 */
export function messageFile(label: string, text: string, commit?: string): PatchFile {
  return { ...(commit ? { commit } : {}), message: true, path: label, isNew: true, binary: false, runs: [{ start: 1, lines: text.split('\n') }] };
}

/** Parses a whole patch text at once. */
export function parsePatch(text: string): PatchFile[] {
  const files: PatchFile[] = [];
  const parser = new PatchParser((f) => files.push(f));
  parser.push(text);
  parser.end();
  return files;
}

/**
 * The added lines of a file as text, other lines blank, so detector line numbers are file line numbers.
 */
export function sparseText(file: PatchFile): string {
  const out: string[] = [];
  for (const run of file.runs) {
    while (out.length < run.start - 1) out.push('');
    for (const line of run.lines) out.push(line); // not push(...lines): a 50 MB file exceeds the argument limit
  }
  return out.join('\n');
}
