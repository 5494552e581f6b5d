/**
 * A streaming parser for the unified diffs git prints with `-U0` (`git diff --cached`, `git log -p`):
 * for every file, the lines it adds, grouped in runs of consecutive new-file line numbers. Hooks scan
 * only what a commit adds, and a secret split over several added lines (a PEM block) stays in one run.
 * Pure: feed it bytes (or text), get files back. Memory is bounded by the largest single file's added
 * lines.
 *
 * It reads git's output as bytes, a block at a time: lines are found with a byte search, the added
 * lines of a hunk that arrived together are decoded as one text, and removed lines are never decoded.
 * A line that spans many blocks (a minified bundle of 8 MB on one line) is joined once when its end
 * arrives, so it costs its length.
 */

export interface AddedRun {
  /** 1-based line number in the new file of the run's first line. */
  start: number;
  /** The run's lines, joined with "\n" (none after the last). */
  text: string;
  /** How many lines `text` holds. */
  count: number;
}

export interface PatchFile {
  /** The commit that made the change (log output), undefined for the index. */
  commit?: string;
  /** The commit's message rather than a file (log output with a message): `path` is MESSAGE_PATH. */
  message?: true;
  path: string;
  isNew: boolean;
  binary: boolean;
  /** The blobs before and after the change, when git printed full ids (`--full-index`). */
  blobs?: { before: string; after: string };
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
const INDEX = /^index ([0-9a-f]{40,64})\.\.([0-9a-f]{40,64})(?: |$)/;
const NEWLINE = 0x0a;
const PLUS = 0x2b;
const MINUS = 0x2d;
const BACKSLASH = 0x5c;

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
  /** The pieces of a line whose end has not arrived yet. */
  #tail: Buffer[] = [];
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

  push(chunk: Uint8Array | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    if (this.#tail.length > 0) {
      const nl = bytes.indexOf(NEWLINE);
      if (nl === -1) {
        this.#tail.push(bytes);
        return;
      }
      this.#tail.push(bytes.subarray(0, nl + 1));
      const line = Buffer.concat(this.#tail);
      this.#tail = [];
      this.#lines(line, 0);
      start = nl + 1;
    }
    start = this.#lines(bytes, start);
    if (start < bytes.length) this.#tail.push(bytes.subarray(start));
  }

  end(): void {
    if (this.#tail.length > 0) {
      // The last line, without a newline: given one, it reads as any other line.
      this.#lines(Buffer.concat([...this.#tail, Buffer.from('\n')]), 0);
      this.#tail = [];
    }
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
    append(message.runs[0]!, end === -1 ? line : line.slice(0, end), 1);
    if (end === -1) return;
    this.#message = undefined;
    this.#onFile(message);
  }

  /** Reads the complete lines of `bytes` from `start`; returns where the incomplete rest begins. */
  #lines(bytes: Buffer, start: number): number {
    for (let nl = bytes.indexOf(NEWLINE, start); nl !== -1; nl = bytes.indexOf(NEWLINE, start)) {
      // Inside a hunk, line counts (not prefixes) decide what a line is: an added line may itself
      // start with "++ " or "diff --git".
      if (bytes[start] === PLUS && this.#plusLeft > 0 && !this.#message) {
        start = this.#added(bytes, start);
        continue;
      }
      this.#line(bytes, start, nl);
      start = nl + 1;
    }
    return start;
  }

  /**
   * The added lines from `start` on (as many of the hunk's as are complete here), decoded as one text;
   * returns where they end. Every line of the block starts with "+", so "\n+" inside it is a line break.
   */
  #added(bytes: Buffer, start: number): number {
    let end = start;
    let count = 0;
    while (count < this.#plusLeft && bytes[end] === PLUS) {
      const nl = bytes.indexOf(NEWLINE, end);
      if (nl === -1) break;
      count++;
      end = nl + 1;
    }
    append(this.#run!, bytes.toString('utf8', start + 1, end - 1).replaceAll('\n+', '\n'), count);
    this.#plusLeft -= count;
    return end;
  }

  /** The line `bytes[start, end)`, without its newline, outside the added lines of a hunk. */
  #line(bytes: Buffer, start: number, end: number): void {
    if (this.#message) {
      this.#messageLine(bytes.toString('utf8', start, end));
      return;
    }
    const first = start < end ? bytes[start] : undefined;
    if (first === MINUS && this.#minusLeft > 0) {
      this.#minusLeft--;
      return;
    }
    if (first === BACKSLASH) return; // "\ No newline at end of file"
    this.#header(bytes.toString('utf8', start, end));
  }

  #header(line: string): void {
    const commit = line.startsWith('\0') ? COMMIT.exec(line) : null;
    if (commit) {
      this.#flush();
      this.#commit = commit[1];
      if (commit[2] !== undefined) {
        this.#message = { commit: commit[1]!, message: true, path: MESSAGE_PATH, isNew: true, binary: false, runs: [{ start: 1, text: '', count: 0 }] };
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
    else if (line.startsWith('index ')) {
      const ids = INDEX.exec(line);
      if (ids) file.blobs = { before: ids[1]!, after: ids[2]! };
    } else if (line.startsWith('+++ ')) {
      // git ends an unquoted name that contains a space with a tab, as GNU diff does.
      const target = line.slice(4).replace(/\t$/, '');
      if (target !== '/dev/null') file.path = unquoteGitPath(target).replace(/^b\//, '');
    } else {
      const hunk = HUNK.exec(line);
      if (hunk) {
        this.#minusLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
        this.#plusLeft = hunk[3] === undefined ? 1 : Number(hunk[3]);
        this.#run = { start: Number(hunk[2]), text: '', count: 0 };
        if (this.#plusLeft > 0) file.runs.push(this.#run);
      }
    }
  }
}

/** Adds `count` lines, `text`, to the end of `run`. */
function append(run: AddedRun, text: string, count: number): void {
  run.text = run.count === 0 ? text : `${run.text}\n${text}`;
  run.count += count;
}

/** How many lines `text` holds (one more than its newlines). */
export function lineCount(text: string): number {
  let count = 1;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) count++;
  return count;
}

/**
 * How a tag's message arrives with its tag (sources.ts tagMessages): `path` names the tag.
 */
export function messageFile(label: string, text: string, commit?: string): PatchFile {
  return { ...(commit ? { commit } : {}), message: true, path: label, isNew: true, binary: false, runs: [{ start: 1, text, count: lineCount(text) }] };
}

/** Parses a whole patch at once. */
export function parsePatch(text: Uint8Array | string): PatchFile[] {
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
  const parts: string[] = [];
  let lines = 0;
  for (const run of file.runs) {
    const blank = run.start - 1 - lines;
    if (blank > 0) {
      parts.push('\n'.repeat(blank - 1)); // `blank` empty lines, once joined
      lines += blank;
    }
    if (run.count > 0) {
      parts.push(run.text);
      lines += run.count;
    }
  }
  return parts.join('\n');
}
