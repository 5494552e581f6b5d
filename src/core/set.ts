/**
 * `envseal set` and `envseal unset`: change one name in a sealed file without opening it anywhere but
 * in memory. The value arrives from the caller (stdin or a hidden prompt), never from argv. Only the
 * changed line and the MAC line differ afterwards.
 */
import { EnvsealError, Code } from '../errors.js';
import { type Assignment, assignValue, removeName } from '../format/env-edit.js';
import { looksLikeKeyMaterial } from '../mask/rules.js';
import { openForUpdate, reseal } from './reseal.js';
import type { KeyOptions } from './open.js';

/** dotenv's name grammar. */
const NAME = /^[\w.-]+$/;

/**
 * Refuses a name dotenv would not read, without echoing it: `set NAME=value`, or a value pasted where
 * the name goes, would otherwise put a secret on the terminal. The offending characters are enough to fix it.
 */
export function validateName(name: string, { existing = false }: { existing?: boolean } = {}): void {
  // A name already in a file (get, unset) may look like a value: an older envseal stored such names.
  if (NAME.test(name) && (existing || !looksLikePastedValue(name))) return;
  if (NAME.test(name)) {
    throw new EnvsealError(
      Code.USAGE_NAME,
      'that looks like a secret value, not a variable name (not repeated here); nothing was stored',
      'Give the name first, then type or pipe the value: `envseal set STRIPE_SECRET_KEY`. If that was a real secret, your shell history now holds it: consider it exposed and rotate it.',
    );
  }
  const bad = [...new Set(name.replace(/[\w.-]/g, ''))].slice(0, 3).map((c) => (c === ' ' ? 'a space' : JSON.stringify(c)));
  const why = name === '' ? ': it is empty' : name.includes('=') ? ': it contains "=", as in NAME=value' : `: it contains ${bad.join(', ')}`;
  throw new EnvsealError(Code.USAGE_NAME, `that is not a valid variable name${why}`, 'Use letters, digits, "_", "." and "-", e.g. DATABASE_URL. Values never go on the command line.');
}

/** UPPER_SNAKE words: how variables are named, even when a word is SECRET or KEY. */
const CONVENTIONAL_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

/**
 * A token pasted where the name goes (`set sk_live_…`). Conventional names pass, except one long
 * run of capitals and digits without a word break, which is how access key ids look (AKIA…).
 */
function looksLikePastedValue(name: string): boolean {
  if (CONVENTIONAL_NAME.test(name) && (name.includes('_') || name.length < 16)) return false;
  return looksLikeKeyMaterial(name);
}

/**
 * A name as messages may show it: not at all when it looks like a value (a token, or one of the file's
 * own values) pasted where the name goes, since the message would print it.
 */
export function nameForMessage(name: string, values: Iterable<string>): string {
  return looksLikeKeyMaterial(name) || [...values].includes(name) ? 'the name given (not repeated: it looks like a value)' : name;
}

export interface SetRequest extends KeyOptions {
  file: string;
  name: string;
  /** Secret: never put it in a message. */
  value: string;
  /** A deliberate roll-back: the value may be one the name held before. */
  allowReuse?: boolean;
  now: Date;
}

export interface SetResult {
  file: string;
  name: string;
  fingerprint: string;
  action: Assignment;
  written: boolean;
  /** How many entries of the name the file has (more than one: only the last, the one dotenv uses, was set). */
  occurrences: number;
}

export function setValue(request: SetRequest): SetResult {
  validateName(request.name);
  const target = openForUpdate(request);
  const { lines, action } = assignValue(target.opened.lines, request.name, request.value);
  const result = reseal(target, lines, request.now, { allowReuse: Boolean(request.allowReuse) });
  const occurrences = lines.filter((line) => line.kind === 'entry' && line.name === request.name).length;
  return { file: request.file, name: request.name, fingerprint: result.fingerprint, action, written: result.written, occurrences };
}

export interface UnsetRequest extends KeyOptions {
  file: string;
  name: string;
  now: Date;
}

export interface UnsetResult {
  file: string;
  name: string;
  fingerprint: string;
  /** Entries removed (a name listed twice is removed twice). */
  removed: number;
}

export function unsetValue(request: UnsetRequest): UnsetResult {
  validateName(request.name, { existing: true });
  const target = openForUpdate(request);
  const { lines, removed } = removeName(target.opened.lines, request.name);
  if (removed === 0) {
    const values = target.opened.lines.flatMap((line) => (line.kind === 'entry' ? [line.value] : []));
    throw new EnvsealError(Code.NAME_MISSING, `${nameForMessage(request.name, values)} is not in ${target.label}; nothing changed`, 'Check the name (names are case-sensitive) and --env.');
  }
  const result = reseal(target, lines, request.now);
  return { file: request.file, name: request.name, fingerprint: result.fingerprint, removed };
}
