/**
 * A layout-preserving model of a .env file: entries, comments and blank lines in order, so a file can
 * be sealed and opened again without losing its shape.
 *
 * Entries are found with dotenv's own line grammar (the LINE expression of dotenv's parser) and values
 * get dotenv's semantics (trim, strip matching quotes, expand \n and \r inside double quotes). Callers
 * that need a guarantee compare `toRecord(parseEnv(text))` with `dotenv.parse(text)`
 * (see `assertDotenvEquivalent`), so a file whose meaning envseal cannot reproduce is refused rather
 * than silently changed.
 */
import { createRequire } from 'node:module';
import { EnvsealError, Code } from '../errors.js';

export type Quote = '' | "'" | '"' | '`';

export interface EnvEntry {
  kind: 'entry';
  name: string;
  value: string;
  exported: boolean;
  /** Quote style of the value in the source, reused when the value is written back. */
  quote: Quote;
  /** Whatever followed the value on its last line (spaces and an inline `# comment`), verbatim. */
  comment: string;
  /** 1-based line of the entry's first line in the source. */
  line: number;
}

export interface EnvTrivia {
  kind: 'trivia';
  /** A blank line or a comment line, without its newline. */
  text: string;
  line: number;
}

export type EnvLine = EnvEntry | EnvTrivia;

// dotenv's LINE grammar, with the `d` flag so the value's position is known.
const LINE =
  /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/dgm;

const INLINE_TAIL = /^[^\S\n]*(?:#.*)?$/;

/** The value dotenv assigns to a raw value as matched by LINE. */
export function dotenvValue(raw: string): { value: string; quote: Quote } {
  let value = raw.trim();
  const first = value[0];
  const stripped = value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2');
  const quote: Quote = stripped !== value && (first === "'" || first === '"' || first === '`') ? first : '';
  value = stripped;
  if (first === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
  return { value, quote };
}

/** One line read as an assignment, tolerantly (see scanAssignments). */
export interface AssignmentLine {
  /** 0-based index of the line in the text. */
  index: number;
  name: string;
  /** The value as dotenv gives it, an inline comment dropped. */
  value: string;
  /** Written as .env files write it: `NAME=value` with an upper-case name and no space before `=`. */
  envStyle: boolean;
}

const ASSIGNMENT_LINE = /^(?:export\s+)?([A-Za-z_][\w.-]*)([ \t]*[=:][ \t]*)(.*)$/;
const ENV_STYLE_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * The assignments among `text`'s lines, each line read on its own and nothing refused: for text that
 * is only part of a file (the lines a commit adds) or no valid .env at all, where parseEnv would
 * refuse. Comment lines and blank lines are skipped. What the guard uses to see env files in
 * whatever it scans; never used to read a file envseal seals or opens.
 */
export function scanAssignments(text: string): AssignmentLine[] {
  const found: AssignmentLine[] = [];
  text.split('\n').forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = ASSIGNMENT_LINE.exec(trimmed);
    if (!match) return;
    const [, name, separator, raw] = match as unknown as [string, string, string, string];
    const value = dotenvValue(raw.startsWith('#') ? '' : raw.replace(/\s+#.*$/, '')).value;
    found.push({ index, name, value, envStyle: separator.startsWith('=') && ENV_STYLE_NAME.test(name) });
  });
  return found;
}

const lineNumberAt = (text: string, index: number, from = 0, base = 1): number => {
  let line = base;
  for (let i = text.indexOf('\n', from); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
};

/**
 * Parses LF-normalized text. Lines that are neither entries, comments nor blank are refused: dotenv
 * ignores them, but envseal would otherwise carry them into a committed file in plaintext.
 */
/** `firstLine`: the line number of the text's first line, when it is part of a larger file. */
export function parseEnv(text: string, label: string, firstLine = 1): EnvLine[] {
  const lines: EnvLine[] = [];
  let cursor = 0;
  let cursorLine = firstLine;

  const takeTrivia = (end: number): void => {
    if (end <= cursor) return;
    const chunk = text.slice(cursor, end);
    const parts = chunk.split('\n');
    if (chunk.endsWith('\n')) parts.pop();
    for (const part of parts) {
      const trimmed = part.trim();
      if (trimmed !== '' && !trimmed.startsWith('#')) {
        throw new EnvsealError(
          Code.ENV_SYNTAX,
          `${label} line ${cursorLine} is not NAME=value, a comment or a blank line`,
          'Fix the line or comment it out with "#". (dotenv ignores such lines; envseal refuses them rather than copy them into a sealed file in plaintext.)',
        );
      }
      lines.push({ kind: 'trivia', text: part, line: cursorLine });
      cursorLine++;
    }
  };

  LINE.lastIndex = 0;
  for (let m = LINE.exec(text); m !== null; m = LINE.exec(text)) {
    if (m[0].length === 0) {
      LINE.lastIndex++;
      continue;
    }
    const indices = m.indices!;
    const leading = /^\s*/.exec(m[0])![0].length;
    const start = m.index + leading;
    // Trivia before the entry ends at the start of the entry's own line.
    const entryLineStart = text.lastIndexOf('\n', start - 1) + 1;
    if (text.slice(entryLineStart, start).trim() !== '') {
      throw new EnvsealError(Code.ENV_SYNTAX, `${label} line ${lineNumberAt(text, start, cursor, cursorLine)} could not be parsed`, 'Put each NAME=value on its own line.');
    }
    takeTrivia(entryLineStart);
    const valueSpan = indices[2];
    // An unquoted value's match includes the spaces before an inline comment; they belong to the comment.
    const valueEnd = valueSpan ? valueSpan[0] + m[2]!.trimEnd().length : indices[1]![1] + (/^\s*[=:]/.exec(text.slice(indices[1]![1]))?.[0].length ?? 0);
    let lineEnd = text.indexOf('\n', valueEnd);
    if (lineEnd === -1) lineEnd = text.length;
    const tail = text.slice(valueEnd, lineEnd);
    if (!INLINE_TAIL.test(tail)) {
      throw new EnvsealError(Code.ENV_SYNTAX, `${label} line ${cursorLine} has text after its value that is not a comment`, 'Quote the value or start the trailing text with " #".');
    }
    const { value, quote } = dotenvValue(m[2] ?? '');
    const head = text.slice(start, indices[1]![0]);
    lines.push({
      kind: 'entry',
      name: m[1]!,
      value,
      exported: head.startsWith('export'),
      quote,
      comment: tail,
      line: cursorLine,
    });
    cursorLine = lineNumberAt(text, lineEnd, entryLineStart, cursorLine) + 1;
    cursor = Math.min(lineEnd + 1, text.length);
    if (LINE.lastIndex < cursor) LINE.lastIndex = cursor;
  }
  takeTrivia(text.length);
  return lines;
}

/** The value each name has (dotenv's: the last entry wins), as a Map: cheaper than toRecord for many names. */
export function latestValues(lines: readonly EnvLine[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of lines) if (line.kind === 'entry') values.set(line.name, line.value);
  return values;
}

/** The values a dotenv loader would see: the last entry of a name wins. */
export function toRecord(lines: readonly EnvLine[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const line of lines) {
    if (line.kind !== 'entry') continue;
    // A variable named __proto__ must be a value, not a prototype (assignment would set the prototype).
    if (line.name === '__proto__') Object.defineProperty(record, line.name, { value: line.value, enumerable: true, writable: true, configurable: true });
    else record[line.name] = line.value;
  }
  return record;
}

const QUOTE_ORDER: readonly Quote[] = ['', '"', "'", '`'];

function quoted(value: string, quote: Quote): string {
  return `${quote}${value}${quote}`;
}

function candidates(value: string, preferred: Quote, escapeNewlines: boolean): string[] {
  const all = [preferred, ...QUOTE_ORDER.filter((q) => q !== preferred)].map((q) => quoted(value, q));
  // Double quotes can also carry CR and literal newlines as escapes.
  if (!value.includes('\\n') && !value.includes('\\r')) {
    const escaped = quoted(value.replace(/\n/g, '\\n').replace(/\r/g, '\\r'), '"');
    if (escapeNewlines && /[\n\r]/.test(value)) all.unshift(escaped);
    else all.push(escaped);
  }
  return all;
}

/**
 * A value that leaves a quote open (a bare `"x`, or `'x\'` whose last quote is escaped) is closed by
 * the first later line ending in that quote, so it is tried with the worst such lines after it: a
 * rendering that reads back here reads back whatever follows it in a file.
 */
const CLOSING_LINES = '\n"\n\'\n`\n';

/**
 * Writes `value` so dotenv reads it back exactly wherever it stands in a file, preferring the quote
 * style it had (and, with `escapeNewlines`, one line with \n escapes). Returns undefined when no
 * quoting does that (see renderEnv for the rest).
 */
export function renderValue(value: string, preferred: Quote, escapeNewlines = false): string | undefined {
  // The common case needs no trial parse: a bare value that starts with no quote and holds no
  // newline, CR or '#' reads back as itself whatever follows it.
  if (preferred === '' && PLAIN_BARE.test(value)) return value;
  return candidates(value, preferred, escapeNewlines).find((candidate) => readsBackAs(candidate, value, CLOSING_LINES));
}

const PLAIN_BARE = /^[^\s'"`#](?:[^\r\n#]*[^\s#])?$/;

/** Whether dotenv reads `X=<rendered>` followed by `after` (the rest of the line, then the next lines) as `value`. */
function readsBackAs(rendered: string, value: string, after: string): boolean {
  if (value === '') return rendered.length <= 2;
  // dotenv turns CR and CRLF into LF before parsing, so a literal CR would not survive a file.
  const head = `X=${rendered}`.replace(/\r\n?/g, '\n');
  LINE.lastIndex = 0;
  const m = LINE.exec(`${head}${after}`);
  LINE.lastIndex = 0;
  if (!m || m.index !== 0 || m[1] !== 'X') return false;
  const end = m.indices![2]?.[1] ?? -1;
  return end === head.length && dotenvValue(m[2] ?? '').value === value;
}

/**
 * The .env text of `lines`: entries re-quoted as they were, trivia verbatim. Throws when a value
 * cannot be written so that dotenv reads it back.
 *
 * A quoted value ending in a backslash has no quoting that reads back whatever follows it: a later
 * line ending in the same quote extends it. So lines are rendered from the last one up and such a
 * value is checked against the text that really follows it; if that text closes it, the file is
 * rendered once more with multi-line values on one line (\n escapes), which closes nothing.
 */
export function renderEnv(lines: readonly EnvLine[], label: string): string {
  const first = renderFromBottom(lines, false);
  if (typeof first === 'string') return first;
  const second = renderFromBottom(lines, true);
  if (typeof second === 'string') return second;
  throw new EnvsealError(
    Code.ENV_UNREPRESENTABLE,
    `${label} line ${first.line}: the value of ${first.name} cannot be written so that dotenv reads it back unchanged`,
    'Change the value so one quoting can hold it: no backslash at the end of a quoted value, and not all three quote characters together with a newline.',
  );
}

/** The text, or the entry that could not be rendered. */
function renderFromBottom(lines: readonly EnvLine[], escapeNewlines: boolean): string | EnvEntry {
  const out: string[] = [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (line.kind === 'trivia') {
      out.push(line.text);
      continue;
    }
    let rendered = renderValue(line.value, line.quote, escapeNewlines);
    if (rendered === undefined) {
      const after = `${line.comment}\n${joinLines([...out].reverse())}`;
      rendered = candidates(line.value, line.quote, escapeNewlines).find((candidate) => readsBackAs(candidate, line.value, after));
    }
    if (rendered === undefined) return line;
    out.push(renderEntry(line, rendered));
  }
  return joinLines(out.reverse());
}

export function renderEntry(entry: Pick<EnvEntry, 'name' | 'exported' | 'comment'>, renderedValue: string): string {
  return `${entry.exported ? 'export ' : ''}${entry.name}=${renderedValue}${entry.comment}`;
}

/** Joins lines into file text: LF line endings, a final newline. */
export function joinLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

type DotenvParse = (src: string) => Record<string, string>;
let dotenvParse: DotenvParse | undefined;

/**
 * Refuses text whose meaning to dotenv differs from envseal's reading of it, so sealing and opening
 * never change what an application loads. dotenv is loaded on first use only (start-up matters).
 */
export function assertDotenvEquivalent(text: string, lines: readonly EnvLine[], label: string): void {
  dotenvParse ??= (createRequire(import.meta.url)('dotenv') as { parse: DotenvParse }).parse;
  const expected = dotenvParse(text);
  const actual = latestValues(lines);
  const expectedNames = Object.keys(expected);
  const names = expectedNames.length === actual.size ? expectedNames : new Set([...expectedNames, ...actual.keys()]);
  for (const name of names) {
    if (expected[name] !== actual.get(name)) {
      throw new EnvsealError(
        Code.ENV_AMBIGUOUS,
        `${label}: envseal reads ${name} differently from dotenv`,
        `Quote the value of ${name} (or split the line) so its meaning is unambiguous, then retry.`,
      );
    }
  }
}
