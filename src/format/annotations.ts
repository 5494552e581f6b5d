/**
 * What a `.env.example` says about each variable beyond its name: annotations in the comments above an
 * entry (or in its inline comment), and whether a value is still a placeholder. Pure: parsed lines in,
 * rules out. docs/WORKFLOW.md is the reference.
 *
 *   # JWT signing key.
 *   # @required @min 32
 *   SECRET_KEY=<64-char-random>
 *   PORT=3000  # @format int @min 1 @max 65535
 *   # @rotate 90d @grace 48h
 *   JWT_SECRET=<64-char-random>
 *
 * A comment belongs to the entry right below it when no blank line separates them. In a comment line
 * whose first word starts with "@", every word starting with "@" must be a known annotation (so a typo
 * such as `@requird` is reported, not ignored); elsewhere in prose only known annotations count, so
 * "ask @alice" is just text.
 */
import type { EnvLine } from './envfile.js';
import { DURATION_EXAMPLES, parseDuration } from '../duration.js';

export const VALUE_FORMATS = ['fernet', 'hex', 'base64', 'base64url', 'url', 'uuid', 'int', 'bool'] as const;
export type ValueFormat = (typeof VALUE_FORMATS)[number];

export interface Annotations {
  /** Must be present and non-empty. */
  required?: boolean;
  /** May be absent from an env: a missing name is not reported. */
  optional?: boolean;
  /** Minimum length in characters; with `@format int`, the minimum number. */
  min?: number;
  /** Maximum length in characters; with `@format int`, the maximum number. */
  max?: number;
  /** Exact length in characters. */
  length?: number;
  format?: ValueFormat;
  /** Maximum age of the value before it must be rotated, in milliseconds. */
  rotate?: number;
  /** How long `generate --rotate` keeps the old value as NAME_PREVIOUS, in milliseconds. */
  grace?: number;
}

export interface AnnotationProblem {
  line: number;
  message: string;
}

export interface AnnotatedEntry {
  name: string;
  line: number;
  /** The example's value: a placeholder or a default. */
  value: string;
  annotations: Annotations;
  problems: AnnotationProblem[];
}

interface CommentLine {
  text: string;
  line: number;
}

const TOKEN = /(?<=^|\s)@([A-Za-z][\w-]*)/g;
const NUMERIC = new Set(['min', 'max', 'length']);
const FLAGS = new Set(['required', 'optional']);
const DURATIONS = new Set(['rotate', 'grace']);

/** Annotations of every entry, in file order (a name listed twice appears twice). */
export function annotateEntries(lines: readonly EnvLine[]): AnnotatedEntry[] {
  const entries: AnnotatedEntry[] = [];
  let block: CommentLine[] = [];
  for (const line of lines) {
    if (line.kind === 'trivia') {
      const text = line.text.trim();
      block = text.startsWith('#') ? [...block, { text, line: line.line }] : [];
      continue;
    }
    const inline = line.comment.trim();
    const comments = inline.startsWith('#') ? [...block, { text: inline, line: line.line }] : block;
    entries.push({ name: line.name, line: line.line, value: line.value, ...parseAnnotationComments(comments) });
    block = [];
  }
  return entries;
}

/** Reads the annotations out of comment lines (each with its leading "#"). */
function parseAnnotationComments(comments: readonly CommentLine[]): Pick<AnnotatedEntry, 'annotations' | 'problems'> {
  const annotations: Annotations = {};
  const problems: AnnotationProblem[] = [];
  for (const comment of comments) {
    const body = comment.text.replace(/^#+/, '');
    const strict = body.trimStart().startsWith('@');
    for (const match of body.matchAll(TOKEN)) {
      const word = match[1]!.toLowerCase();
      const argument = /^\s+(\S+)/.exec(body.slice(match.index + match[0].length))?.[1];
      const problem = (message: string): void => void problems.push({ line: comment.line, message });
      if (FLAGS.has(word)) {
        annotations[word as 'required' | 'optional'] = true;
      } else if (NUMERIC.has(word)) {
        const n = argument !== undefined && /^\d+$/.test(argument) ? Number(argument) : undefined;
        if (n === undefined) problem(`@${word} needs a whole number, e.g. @${word} 32`);
        else annotations[word as 'min' | 'max' | 'length'] = n;
      } else if (DURATIONS.has(word)) {
        const ms = argument !== undefined ? parseDuration(argument) : undefined;
        if (ms === undefined) problem(`@${word} needs a duration (${DURATION_EXAMPLES}), e.g. @${word} ${word === 'rotate' ? '90d' : '48h'}`);
        else annotations[word as 'rotate' | 'grace'] = ms;
      } else if (word === 'format') {
        const format = VALUE_FORMATS.find((f) => f === argument?.toLowerCase());
        if (!format) problem(`@format needs one of ${VALUE_FORMATS.join(', ')}`);
        else annotations.format = format;
      } else if (strict) {
        problem(`unknown annotation @${match[1]} (known: @required, @optional, @min, @max, @length, @format, @rotate, @grace)`);
      }
    }
  }
  const where = comments[comments.length - 1]?.line ?? 0;
  if (annotations.required && annotations.optional) problems.push({ line: where, message: '@required and @optional contradict each other' });
  if (annotations.min !== undefined && annotations.max !== undefined && annotations.min > annotations.max) {
    problems.push({ line: where, message: `@min ${annotations.min} is greater than @max ${annotations.max}` });
  }
  const { length } = annotations;
  if (length !== undefined && ((annotations.min ?? 0) > length || (annotations.max ?? length) < length)) {
    problems.push({ line: where, message: `@length ${length} contradicts @min/@max` });
  }
  return { annotations, problems };
}

const FORMAT_TESTS: Record<ValueFormat, (value: string) => boolean> = {
  fernet: (v) => /^[A-Za-z0-9_-]{43}=$/.test(v) && Buffer.from(v, 'base64url').length === 32,
  hex: (v) => /^[0-9a-fA-F]+$/.test(v),
  base64: (v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && v.length % 4 === 0,
  base64url: (v) => /^[A-Za-z0-9_-]+={0,2}$/.test(v),
  // scheme://..., as URLs in env files are (https://, postgres://, redis://, sqlite:///path).
  url: (v) => /^[a-z][a-z0-9+.-]*:\/\/\S*$/i.test(v) && URL.canParse(v),
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  int: (v) => /^[+-]?\d+$/.test(v),
  bool: (v) => /^(?:true|false|1|0|yes|no|on|off)$/i.test(v),
};

export function matchesFormat(format: ValueFormat, value: string): boolean {
  return FORMAT_TESTS[format](value);
}

/**
 * Unfilled placeholders: values that say "not filled in yet", which `check` reports and `generate`
 * fills. Narrower than the detector's "not a secret" (detect/not-secrets.ts, isPlaceholderOrReference),
 * which also accepts references such as `${VAR}`: `<anything>` anywhere in the value
 * (`<64-char-random>`, `sk_test_<key>`, `postgres://app:<password>@db/app`), `your_..._here`,
 * `changeme` / `replace_me`, x's as the whole value (`xxx`, `XXXX-XXXX`) or as its last segment after a
 * prefix (`sk_live_xxxxxxxx`), and `***`.
 */
const PLACEHOLDERS: readonly RegExp[] = [
  /<[^<>\n]+>/,
  /your[_-][\w-]*[_-]here/i,
  /(?<![a-z0-9])(?:change|replace)[_-]?me(?![a-z0-9])/i,
  // Only a whole value of x's (`xxx`, `XXXX-XXXX`) or a trailing run after a prefix (`sk_live_xxxx`):
  // random tokens contain `-xxx-` often enough to matter.
  /^(?:x{3,}[-_.]?)+$/i,
  /[-_.:]x{4,}$/i,
  /^\*{3,}$/,
];

export function isUnfilled(value: string): boolean {
  return PLACEHOLDERS.some((re) => re.test(value));
}

/** A placeholder that is the whole value (`<key>`, `changeme`), as opposed to one inside a structured value (`sk_test_<key>`). */
export function isWholeUnfilled(value: string): boolean {
  return /^<[^<>\n]+>$/.test(value) || /^your[_-][\w-]*[_-]here$/i.test(value) || /^(?:change|replace)[_-]?me$/i.test(value) || /^(?:x{3,}[-_.]?)+$/i.test(value) || /^\*{3,}$/.test(value);
}
