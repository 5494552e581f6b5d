/**
 * The YAML an ansible vault of variables holds, when it is flat: `KEY: value` lines at the left
 * margin, values plain, 'single-' or "double-quoted" on one line, or a literal block (`|`, `|-`, `|+`).
 * Pure, and strict: anything else (nested mappings, lists, flow collections, anchors, tags, folded or
 * multi-line flow scalars, several documents) is refused with the line, never guessed at. So is a
 * plain value YAML 1.1 (which ansible reads) would type as something else than its text: `yes` is
 * true, `0123` is 83, `~` is null; quoting says which text is meant.
 *
 * Errors name keys and line numbers only: the text is decrypted secrets.
 */
import { EnvsealError, Code } from '../errors.js';
import type { EnvEntry, EnvLine } from '../format/envfile.js';

const KEY_LINE = /^([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]+(.*))?$/;
const DOCUMENT_START = /^---(?:[ \t]+#.*)?[ \t]*$/;
const DOCUMENT_END = /^\.\.\.(?:[ \t]+#.*)?[ \t]*$/;
const TAIL = /^(?:[ \t]+#.*)?[ \t]*$/;
const BLOCK_HEADER = /^\|([-+]?)((?:[ \t]+#.*)?)[ \t]*$/;

// YAML 1.1's implicit types, as PyYAML resolves plain scalars (yaml/resolver.py).
const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const NULL = /^(?:~|null|Null|NULL)$/;
const INT = /^(?:[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$/;
/** An integer whose text is what YAML makes of it: ansible renders 5432 as 5432. */
const PLAIN_INTEGER = /^(?:0|-?[1-9][0-9]*)$/;

const DOUBLE_ESCAPES: Readonly<Record<string, string>> = { '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029' };
const HEX_ESCAPES: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/** Whether text reads as YAML rather than dotenv: a `---` or a first entry written `KEY: value`. */
export function looksLikeYaml(text: string): boolean {
  const first = text.split('\n').find((row) => row.trim() !== '' && !row.trim().startsWith('#'));
  return first !== undefined && (DOCUMENT_START.test(first) || KEY_LINE.test(first));
}

export function parseFlatYaml(text: string, label: string): EnvLine[] {
  const rows = text.split('\n');
  if (rows[rows.length - 1] === '') rows.pop();
  const lines: EnvLine[] = [];
  const seen = new Set<string>();
  const refuse = (row: number, what: string, fix = 'Write each variable as KEY: value at the start of its line (quote the value if it has special characters).'): never => {
    throw new EnvsealError(Code.IMPORT_FORMAT, `${label} line ${row + 1}: ${what}; envseal reads flat KEY: value YAML only`, fix);
  };
  let started = false;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const trimmed = row.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      lines.push({ kind: 'trivia', text: trimmed === '' ? '' : row.trimEnd(), line: i + 1 });
      continue;
    }
    if (DOCUMENT_START.test(row)) {
      if (started) refuse(i, 'a second YAML document starts here');
      started = true;
      continue;
    }
    started = true;
    if (DOCUMENT_END.test(row)) {
      const rest = rows.slice(i + 1).findIndex((r) => r.trim() !== '' && !r.trim().startsWith('#'));
      if (rest !== -1) refuse(i + 1 + rest, 'text after the end of the YAML document');
      break;
    }
    if (/^[ \t]/.test(row)) refuse(i, 'an indented line: a nested mapping, or a value over several lines', 'Keep every KEY: value at the left margin; a value of several lines goes in a literal block (KEY: |).');
    const match = KEY_LINE.exec(row);
    if (!match) refuse(i, describeNonEntry(row));
    const name = match![1]!;
    if (seen.has(name)) refuse(i, `${name} is set a second time`, `Keep one ${name}.`);
    seen.add(name);
    const parsed = parseValue(rows, i, name, refuse);
    lines.push({ kind: 'entry', name, value: parsed.value, exported: false, quote: parsed.quote, comment: parsed.comment, line: i + 1 });
    i = parsed.lastRow;
  }
  return lines;
}

function describeNonEntry(row: string): string {
  if (/^-(?:[ \t]|$)/.test(row)) return 'a list';
  if (/^['"]/.test(row)) return 'a quoted key (write the key without quotes)';
  if (/^[?{[]/.test(row)) return 'a complex key or a flow collection';
  if (/^%/.test(row)) return 'a YAML directive';
  return 'not KEY: value (a key is a letter or "_", then letters, digits, "_", "." or "-")';
}

interface Parsed {
  value: string;
  quote: EnvEntry['quote'];
  comment: string;
  /** The last row the value took (a block scalar takes several). */
  lastRow: number;
}

type Refuse = (row: number, what: string, fix?: string) => never;

function parseValue(rows: readonly string[], i: number, name: string, refuse: Refuse): Parsed {
  const rest = KEY_LINE.exec(rows[i]!)![2] ?? '';
  const single = (value: string, quote: EnvEntry['quote'], tail: string): Parsed => {
    if (!TAIL.test(tail)) refuse(i, `text after the quoted value of ${name}`);
    return { value, quote, comment: tail.trimEnd(), lastRow: i };
  };
  if (rest === '' || rest.startsWith('#')) {
    const next = rows.slice(i + 1).find((r) => r.trim() !== '' && !r.trim().startsWith('#'));
    if (next !== undefined && /^(?:[ \t]|-(?:[ \t]|$))/.test(next)) refuse(i, `${name} holds a nested mapping or list`);
    refuse(i, `${name} has no value (YAML null)`, `Write ${name}: "" for an empty value.`);
  }
  const first = rest[0]!;
  if (first === '"') {
    const { value, end } = doubleQuoted(rest, () => refuse(i, `the double-quoted value of ${name} has an escape envseal does not read`, 'Use \\\\, \\", \\n, \\t, \\r, \\xXX, \\uXXXX or \\UXXXXXXXX, or single quotes.'));
    if (end < 0) refuse(i, `the quoted value of ${name} does not end on its line`, 'Keep a quoted value on one line (\\n for a line break), or use a literal block (KEY: |).');
    return single(value, '"', rest.slice(end + 1));
  }
  if (first === "'") {
    const end = singleQuotedEnd(rest);
    if (end < 0) refuse(i, `the quoted value of ${name} does not end on its line`, "Keep a quoted value on one line, or use a literal block (KEY: |).");
    return single(rest.slice(1, end).replace(/''/g, "'"), "'", rest.slice(end + 1));
  }
  if (first === '|') return literalBlock(rows, i, name, rest, refuse);
  if (first === '>') refuse(i, `${name} is a folded block (>)`, `Use a literal block (${name}: |), whose lines are kept as written.`);
  if (first === '[' || first === '{') refuse(i, `${name} holds a flow collection`);
  if (rest.startsWith('!vault')) refuse(i, `${name} is an inline !vault value`, 'Decrypt the inline values first; envseal imports a file ansible-vault encrypted as a whole.');
  if ('&*!'.includes(first)) refuse(i, `${name} uses an anchor, alias or tag`, `Write the value of ${name} itself.`);
  if ('@`%'.includes(first) || /^[-?:](?:[ \t]|$)/.test(rest)) refuse(i, `the value of ${name} starts with a character YAML reserves`, `Quote the value of ${name}.`);
  const commentAt = rest.search(/[ \t]#/);
  const value = (commentAt < 0 ? rest : rest.slice(0, commentAt)).trim();
  if (/:(?:[ \t]|$)/.test(value)) refuse(i, `the value of ${name} holds ": "`, `Quote the value of ${name}.`);
  const type = implicitType(value);
  if (type) refuse(i, `YAML reads the value of ${name} as ${type}, not as its text`, `Quote it (${name}: '…') to mean the text as written.`);
  return { value, quote: '', comment: commentAt < 0 ? '' : rest.slice(commentAt).trimEnd(), lastRow: i };
}

/** What YAML 1.1 makes of a plain scalar other than a string, when its text would change. */
function implicitType(value: string): string | undefined {
  if (BOOL.test(value)) return 'a boolean';
  if (NULL.test(value)) return 'null';
  if (PLAIN_INTEGER.test(value)) return undefined;
  if (INT.test(value)) return 'a number';
  if (FLOAT.test(value)) return 'a number';
  if (TIMESTAMP.test(value)) return 'a date';
  if (value === '<<' || value === '=') return 'a YAML key word';
  return undefined;
}

/** The value and the index of the closing quote in `rest` (which starts with it), or end -1. */
function doubleQuoted(rest: string, badEscape: () => never): { value: string; end: number } {
  let value = '';
  for (let j = 1; j < rest.length; j++) {
    const c = rest[j]!;
    if (c === '"') return { value, end: j };
    if (c !== '\\') {
      value += c;
      continue;
    }
    const e = rest[++j];
    if (e === undefined) break;
    const digits = HEX_ESCAPES[e];
    if (digits) {
      const hex = rest.slice(j + 1, j + 1 + digits);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) badEscape();
      const code = parseInt(hex, 16);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) badEscape();
      value += String.fromCodePoint(code);
      j += digits;
    } else if (e in DOUBLE_ESCAPES) {
      value += DOUBLE_ESCAPES[e];
    } else {
      badEscape();
    }
  }
  return { value, end: -1 };
}

function singleQuotedEnd(rest: string): number {
  for (let j = 1; j < rest.length; j++) {
    if (rest[j] !== "'") continue;
    if (rest[j + 1] === "'") j++;
    else return j;
  }
  return -1;
}

/** A literal block scalar: its lines less their indentation, with the chomping the header asks for. */
function literalBlock(rows: readonly string[], i: number, name: string, rest: string, refuse: Refuse): Parsed {
  const header = BLOCK_HEADER.exec(rest);
  if (!header) refuse(i, `the block header of ${name} is not |, |- or |+ (an indentation digit is not read)`, `Write ${name}: | and indent the lines below it.`);
  const [, chomp, comment] = header! as unknown as [string, string, string];
  let indent = 0;
  const body: string[] = [];
  let lastContent = i;
  let j = i + 1;
  for (; j < rows.length; j++) {
    const row = rows[j]!;
    if (row.trim() === '') {
      body.push(indent > 0 && row.length > indent ? row.slice(indent) : '');
      continue;
    }
    const leading = /^[ \t]*/.exec(row)![0];
    if (leading.includes('\t')) refuse(j, `the block of ${name} is indented with a tab`, 'Indent with spaces.');
    if (indent === 0) indent = leading.length;
    if (indent === 0 || leading.length < indent) break;
    body.push(row.slice(indent));
    lastContent = j;
  }
  const content = body.slice(0, lastContent - i);
  const trailingBreaks = body.length - content.length;
  let value = content.join('\n');
  if (content.length > 0 && chomp !== '-') value += '\n';
  if (chomp === '+') value += '\n'.repeat(trailingBreaks);
  // Blank rows after the last line are the file's, not the value's, unless |+ keeps them.
  return { value, quote: '"', comment: comment.trimEnd(), lastRow: chomp === '+' ? j - 1 : lastContent };
}
