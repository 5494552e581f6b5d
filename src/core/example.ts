/**
 * `envseal example`: write or update `.env.example` from an env. Every name of the env is listed with
 * its comments and annotations and a placeholder (`<smtp-password>`) for a value; nothing of a secret
 * is ever copied:
 *   - values become placeholders, except empty values and plain settings: a number or true/false
 *     under a name that is no secret (PORT=3000, TOKEN_TTL_SECONDS=3600) stays as the default;
 *   - comments are copied with values removed from them: an assignment in a comment
 *     (`# API_KEY=...`, `# old: API_KEY=...`) gets a placeholder, and any env value, or anything shaped
 *     like key material, that appears in a comment becomes `<redacted>`. Prose that mentions a
 *     secret in some other way cannot be recognized: keep secrets out of comments.
 * An existing example is updated, not rewritten: its lines (placeholder text, defaults, annotations,
 * comments) stay as they are, names new in the env are inserted after the name they follow in the env,
 * and names the env lacks are kept and reported (remove them by hand if they are obsolete).
 */
import * as path from 'node:path';
import { loadProjectConfig } from '../project-config.js';
import { isUnfilled } from '../format/annotations.js';
import { latestEntries, renderEdited } from '../format/env-edit.js';
import { type EnvEntry, type EnvLine, type EnvTrivia, parseEnv } from '../format/envfile.js';
import { PUBLIC_MODE, displayPath, exists, readText, writeFileAtomic } from '../io/files.js';
import { MIN_SECRET_LENGTH, secretForms } from '../mask/redactor.js';
import { type MaskRules, classify, compileMaskRules, looksLikeKeyMaterial } from '../mask/rules.js';
import { readEnv } from './check.js';
import type { KeyOptions } from './open.js';

const REDACTED = '<redacted>';

/** `SMTP_PASSWORD` → `<smtp-password>`, the style of the shipped .env.example. */
export function placeholderFor(name: string): string {
  return `<${name.toLowerCase().replace(/[_.]+/g, '-')}>`;
}

/** A plain setting: a number or a boolean that is no secret by name or shape (TOKEN_TTL_SECONDS=3600). */
const PLAIN_SETTING = /^(?:-?\d{1,9}|true|false)$/;

/** Empty values stay empty; plain settings stay as defaults; everything else becomes a placeholder. */
function keepsValue(line: EnvEntry, rules: MaskRules): boolean {
  return line.value === '' || (PLAIN_SETTING.test(line.value) && classify(line.name, line.value, rules).kind === 'public');
}

export interface ExampleRequest extends KeyOptions {
  cwd: string;
  plain?: boolean;
  output: string;
}

export interface ExampleResult {
  output: string;
  envFile: string;
  source: 'sealed' | 'plain';
  created: boolean;
  written: boolean;
  /** Names added to the example. */
  added: string[];
  /** Names in the example that the env does not have (kept). */
  notInEnv: string[];
}

export function writeExample(request: ExampleRequest): ExampleResult {
  const env = readEnv(request);
  const rules = compileMaskRules(loadProjectConfig(path.dirname(env.file)).mask.sensitive);
  const label = displayPath(request.output);
  const existing = exists(request.output) ? readText(request.output).text : undefined;
  const built = buildExample(env.lines, existing === undefined ? undefined : { text: existing, lines: parseEnv(existing, label) }, rules, label);
  const result: ExampleResult = { output: request.output, envFile: env.file, source: env.source, created: existing === undefined, written: false, added: built.added, notInEnv: built.notInEnv };
  if (built.text === existing) return result;
  writeFileAtomic(request.output, built.text, { mode: PUBLIC_MODE });
  result.written = true;
  return result;
}

/** The example's text for `env`, updating `existing` when given. Pure. */
export function buildExample(env: readonly EnvLine[], existing: { text: string; lines: EnvLine[] } | undefined, rules: MaskRules, label: string): { text: string; added: string[]; notInEnv: string[] } {
  const entries = latestEntries(env);
  const redact = redactor(env, rules);
  const toExample = (line: EnvLine): EnvLine =>
    line.kind === 'trivia'
      ? { ...line, text: redact(line.text, true) }
      : { ...line, value: keepsValue(line, rules) ? line.value : placeholderFor(line.name), quote: keepsValue(line, rules) ? line.quote : '', comment: redact(line.comment, true) };

  if (!existing) {
    return { text: renderEdited('', [], env.map(toExample), label), added: entries.map((e) => e.name), notInEnv: [] };
  }

  const envValues = new Map(entries.map((entry) => [entry.name, entry]));
  // The example's own text stays, except where it holds a secret value of the env.
  let lines: EnvLine[] = existing.lines.map((line) => {
    if (line.kind === 'trivia') {
      const text = redact(line.text, false);
      return text === line.text ? line : { ...line, text };
    }
    const own = envValues.get(line.name);
    const secretHere = own !== undefined && own.value === line.value && !isUnfilled(own.value) && own.value !== '' && classify(own.name, own.value, rules).kind !== 'public';
    const comment = redact(line.comment, false);
    return secretHere || comment !== line.comment ? { ...line, ...(secretHere ? { value: placeholderFor(line.name), quote: '' as const } : {}), comment } : line;
  });
  const inExample = new Set(lines.flatMap((line) => (line.kind === 'entry' ? [line.name] : [])));
  const added: string[] = [];
  for (const entry of entries) {
    if (inExample.has(entry.name)) continue;
    lines = insertBlock(lines, env, entry, toExample);
    inExample.add(entry.name);
    added.push(entry.name);
  }
  const notInEnv = [...inExample].filter((name) => !envValues.has(name));
  return { text: renderEdited(existing.text, existing.lines, lines, label), added, notInEnv };
}

/**
 * Inserts `entry` with the comment lines right above it in the env, after the entry that precedes it
 * there (or at the end), keeping a blank line before the block when the env has one.
 */
function insertBlock(lines: EnvLine[], env: readonly EnvLine[], entry: EnvEntry, toExample: (line: EnvLine) => EnvLine): EnvLine[] {
  const index = env.indexOf(entry);
  let start = index;
  while (start > 0 && env[start - 1]!.kind === 'trivia' && (env[start - 1] as EnvTrivia).text.trim().startsWith('#')) start--;
  const block = env.slice(start, index + 1).map(toExample);
  const before = env[start - 1];
  if (before?.kind === 'trivia' && before.text.trim() === '') block.unshift({ kind: 'trivia', text: '', line: 0 });
  let at = -1;
  for (let i = start - 1; i >= 0 && at < 0; i--) {
    const line = env[i]!;
    if (line.kind === 'entry') at = lines.findLastIndex((l) => l.kind === 'entry' && l.name === line.name);
  }
  if (at < 0) {
    at = lines.length - 1;
    const last = lines[at];
    if (last && !(last.kind === 'trivia' && last.text.trim() === '') && block[0]?.kind !== 'trivia') block.unshift({ kind: 'trivia', text: '', line: 0 });
  }
  return [...lines.slice(0, at + 1), ...block, ...lines.slice(at + 1)];
}

/** `NAME=value` inside a comment (a commented-out or remembered assignment). */
const ASSIGNMENT_IN_COMMENT = /(?<![\w.-])([A-Za-z_][\w.-]*)(\s*=\s*)(?!<[^<>\s]*>)(\S+)/g;
const PLAIN_WORD = /^(?:true|false|yes|no|on|off|\d{1,5})$/i;

/**
 * Removes values from comment text. `all`: every value of the env, including values of assignments
 * in its comments (text copied from the env); otherwise only its secrets (the example's own text,
 * where a default such as 3000 is fine).
 */
function redactor(env: readonly EnvLine[], rules: MaskRules): (text: string, all: boolean) => string {
  const commented = env.flatMap((line) => [...(line.kind === 'trivia' ? line.text : line.comment).matchAll(ASSIGNMENT_IN_COMMENT)].map((m) => ({ name: m[1]!, value: m[3]!.replace(/^(['"`])(.*)\1$/, '$2') })));
  const candidates = [...latestEntries(env), ...commented];
  const formsOf = (select: (entry: { name: string; value: string }) => boolean): string[] =>
    candidates
      .filter((entry) => Array.from(entry.value).length >= MIN_SECRET_LENGTH && select(entry))
      .flatMap((entry) => secretForms(entry.value))
      .filter((form) => form.length >= MIN_SECRET_LENGTH)
      .sort((a, b) => b.length - a.length);
  const secret = (entry: { name: string; value: string }): boolean => classify(entry.name, entry.value, rules).kind !== 'public';
  const allForms = formsOf((entry) => secret(entry) || !PLAIN_WORD.test(entry.value));
  const secretOnlyForms = formsOf(secret);
  return (text, all) => {
    if (!text.includes('#')) return text;
    let out = text;
    if (all) out = out.replace(ASSIGNMENT_IN_COMMENT, (_, name: string, equals: string) => `${name}${equals}${placeholderFor(name)}`);
    for (const form of all ? allForms : secretOnlyForms) out = out.split(form).join(REDACTED);
    return out.replace(/[^\s#]+/g, (word) => (looksLikeKeyMaterial(word) ? REDACTED : word));
  };
}
