/**
 * `envseal check`: is an environment complete and sane, compared with `.env.example`? Every finding
 * names the variable and the rule, never the value, so the report is safe in CI logs.
 *
 * The rules (docs/WORKFLOW.md has the reference):
 *   missing      a name of the example is not in the env (error; not for `@optional` names)
 *   extra        a name of the env is not in the example (warning)
 *   placeholder  a value is still a placeholder: `<...>`, `your_..._here`, `changeme`, `xxx` (error)
 *   required     an `@required` name is empty (error)
 *   duplicate    a name is set twice in the env (error) or in the example (warning)
 *   min, max, length, format   the example's annotations (error)
 *   annotation   an annotation in the example that cannot be read (error)
 *   low-entropy  a secret-looking name with a weak value: fewer than 16 characters, or under 3 bits
 *                of Shannon entropy per character (error)
 *   reused       a secret's value is also in another env's sealed file (error)
 *   sample       a secret still holds the example's sample value, which everyone who reads the
 *                example knows (error)
 * `--strict` turns warnings into errors.
 */
import { createHmac, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvsealError, Code } from '../errors.js';
import { envNameOf, plainFileName, sealedFileName } from '../env-files.js';
import { type AnnotatedEntry, annotateEntries, isUnfilled, matchesFormat } from '../format/annotations.js';
import { latestEntries } from '../format/env-edit.js';
import { type EnvEntry, type EnvLine, assertDotenvEquivalent, parseEnv } from '../format/envfile.js';
import { displayPath, exists, readText } from '../io/files.js';
import { loadProjectConfig } from '../project-config.js';
import { shannonEntropy } from '../detect/entropy.js';
import { type MaskRules, classify, compileMaskRules } from '../mask/rules.js';
import { isSecretLookingName } from '../secret-names.js';
import { type KeyOptions, openSealedFile, tryOpenSealedFile } from './open.js';

export type Severity = 'error' | 'warning';
export type CheckRule = 'missing' | 'extra' | 'placeholder' | 'required' | 'duplicate' | 'min' | 'max' | 'length' | 'format' | 'annotation' | 'low-entropy' | 'reused' | 'sample';

export interface CheckFinding {
  severity: Severity;
  rule: CheckRule;
  name: string;
  /** Names the variable and the rule; never a value. */
  message: string;
  /** The file the finding is about (display path). */
  file: string;
  line?: number;
}

export const DEFAULT_EXAMPLE = '.env.example';
const SEALED_ENV = /^\.env(?:\..+)?\.encrypted$/;
const WEAK_MIN_LENGTH = 16;
const WEAK_MIN_BITS_PER_CHAR = 3;

function isWeakSecret(value: string): boolean {
  return Array.from(value).length < WEAK_MIN_LENGTH || shannonEntropy(value) < WEAK_MIN_BITS_PER_CHAR;
}

export interface EnvSource {
  file: string;
  source: 'sealed' | 'plain';
  lines: EnvLine[];
}

/**
 * The env to look at: the sealed file when a key for it is available (unless `plain`), else the
 * plaintext file. Holds plaintext values: memory only.
 */
export function readEnv(request: KeyOptions & { cwd: string; plain?: boolean }): EnvSource {
  const sealed = path.join(request.cwd, sealedFileName(request.envName));
  const plain = path.join(request.cwd, plainFileName(request.envName));
  if (!request.plain && exists(sealed)) {
    // Without a key here the plaintext is checked when there is one; otherwise the missing key is the error.
    const opened = exists(plain) ? tryOpenSealedFile({ ...request, file: sealed }) : openSealedFile({ ...request, file: sealed });
    if (opened) return { file: sealed, source: 'sealed', lines: opened.opened.lines };
  }
  if (!exists(plain)) {
    throw new EnvsealError(
      Code.FILE_MISSING,
      request.plain ? `${displayPath(plain)} does not exist` : `nothing to check: neither ${displayPath(sealed)} nor ${displayPath(plain)} exists`,
      'Run it in the directory that holds the env files, or pass --env.',
    );
  }
  const { text } = readText(plain);
  const lines = parseEnv(text, displayPath(plain));
  assertDotenvEquivalent(text, lines, displayPath(plain));
  return { file: plain, source: 'plain', lines };
}

export interface CheckRequest extends KeyOptions {
  cwd: string;
  plain?: boolean;
  /** The example file; when not given, `.env.example` if it exists. */
  example?: string;
  strict?: boolean;
}

export interface CheckReport {
  file: string;
  source: 'sealed' | 'plain';
  example?: string;
  findings: CheckFinding[];
  errors: number;
  warnings: number;
  /** Other envs' sealed files compared for reused secrets, and those that could not be opened here. */
  compared: string[];
  notCompared: Array<{ file: string; reason: string }>;
}

export function checkEnvironment(request: CheckRequest): CheckReport {
  const env = readEnv(request);
  const exampleFile = request.example ?? path.join(request.cwd, DEFAULT_EXAMPLE);
  let example: RuleInput['example'];
  if (request.example !== undefined || exists(exampleFile)) {
    const label = displayPath(exampleFile);
    example = { label, entries: annotateEntries(parseEnv(readText(exampleFile).text, label)) };
  }
  const others = otherEnvs(env.file, request);
  const rules = compileMaskRules(loadProjectConfig(path.dirname(env.file)).mask.sensitive);
  const findings = evaluateRules({
    env: { label: displayPath(env.file), lines: env.lines },
    ...(example ? { example } : {}),
    reuse: findReuse(env.lines, others.opened, rules),
    isSecret: (name, value) => {
      const sensitivity = classify(name, value, rules);
      // Masking hides API_KEY_HEADER=X-Api-Key in case it holds the key; check's own names policy decides here.
      return sensitivity.kind === 'secret' && (sensitivity.reason !== 'name' || isSecretLookingName(name));
    },
  });
  if (request.strict) for (const finding of findings) finding.severity = 'error';
  return {
    file: env.file,
    source: env.source,
    ...(example ? { example: exampleFile } : {}),
    findings,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    compared: others.opened.map((o) => o.file),
    notCompared: others.skipped,
  };
}

export interface OtherEnv {
  file: string;
  label: string;
  lines: EnvLine[];
}

/** Every other env's sealed file in the same directory that the keys here open. */
function otherEnvs(envFile: string, request: CheckRequest): { opened: OtherEnv[]; skipped: Array<{ file: string; reason: string }> } {
  const dir = path.dirname(envFile);
  const own = path.join(dir, sealedFileName(request.envName));
  const opened: OtherEnv[] = [];
  const skipped: Array<{ file: string; reason: string }> = [];
  for (const name of fs.readdirSync(dir).filter((n) => SEALED_ENV.test(n)).sort()) {
    const file = path.join(dir, name);
    if (file === own) continue;
    const envName = envNameOf(file);
    try {
      const other = tryOpenSealedFile({ env: request.env, file, ...(envName ? { envName } : {}) });
      if (!other) {
        skipped.push({ file, reason: 'no key for it here' });
        continue;
      }
      opened.push({ file, label: other.label, lines: other.opened.lines });
    } catch (e) {
      if (!(e instanceof EnvsealError)) throw e;
      skipped.push({ file, reason: e.code === Code.KEY_WRONG ? 'sealed with a key that is not here' : `cannot be opened (${e.code})` });
    }
  }
  return { opened, skipped };
}

export interface Reuse {
  name: string;
  otherName: string;
  /** Display path of the other env's sealed file. */
  otherFile: string;
}

/**
 * Secrets of `lines` whose value is also a value in another env. Values are compared as HMACs under a
 * key made for this run only, so no table of values or plain hashes exists even in memory.
 */
export function findReuse(lines: readonly EnvLine[], others: readonly OtherEnv[], rules: MaskRules): Reuse[] {
  const runKey = randomBytes(32);
  const digest = (value: string): string => createHmac('sha256', runKey).update(value).digest('hex');
  const index = new Map<string, Array<{ name: string; file: string }>>();
  for (const other of others) {
    for (const entry of latestEntries(other.lines)) {
      if (entry.value === '') continue;
      const key = digest(entry.value);
      index.set(key, [...(index.get(key) ?? []), { name: entry.name, file: other.label }]);
    }
  }
  const found: Reuse[] = [];
  for (const entry of latestEntries(lines)) {
    if (entry.value === '' || classify(entry.name, entry.value, rules).kind !== 'secret') continue;
    for (const match of index.get(digest(entry.value)) ?? []) found.push({ name: entry.name, otherName: match.name, otherFile: match.file });
  }
  return found;
}

export interface RuleInput {
  env: { label: string; lines: readonly EnvLine[] };
  example?: { label: string; entries: readonly AnnotatedEntry[] };
  reuse: readonly Reuse[];
  /** Whether a value is a secret (masking's answer, with the project's rules). */
  isSecret: (name: string, value: string) => boolean;
}

/** Every rule over an env and its example. Pure. */
export function evaluateRules(input: RuleInput): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const envLabel = input.env.label;
  const add = (severity: Severity, rule: CheckRule, name: string, message: string, file = envLabel, line?: number): void =>
    void findings.push({ severity, rule, name, message, file, ...(line !== undefined ? { line } : {}) });

  const entries = input.env.lines.filter((line): line is EnvEntry => line.kind === 'entry');
  for (const [name, lines] of groupLines(entries)) {
    if (lines.length > 1) add('error', 'duplicate', name, `${name} is set ${lines.length} times (lines ${lines.join(', ')}); dotenv uses the last`, envLabel, lines[lines.length - 1]);
  }
  const values = new Map(latestEntries(entries).map((entry) => [entry.name, entry]));

  const specs = new Map<string, AnnotatedEntry>();
  if (input.example) {
    const { label } = input.example;
    for (const [name, lines] of groupLines(input.example.entries)) {
      if (lines.length > 1) add('warning', 'duplicate', name, `${name} is listed ${lines.length} times in ${label} (lines ${lines.join(', ')})`, label, lines[lines.length - 1]);
    }
    for (const spec of input.example.entries) {
      specs.set(spec.name, spec);
      for (const problem of spec.problems) add('error', 'annotation', spec.name, `${label} line ${problem.line} (${spec.name}): ${problem.message}`, label, problem.line);
    }
    for (const spec of specs.values()) {
      if (!values.has(spec.name) && !spec.annotations.optional) add('error', 'missing', spec.name, `${spec.name} is in ${label} but not in ${envLabel}`);
    }
    for (const entry of values.values()) {
      if (!specs.has(entry.name)) add('warning', 'extra', entry.name, `${entry.name} is not in ${label}`, envLabel, entry.line);
    }
  }

  for (const entry of values.values()) {
    const { name, value, line } = entry;
    const annotations = specs.get(name)?.annotations ?? {};
    if (value === '') {
      if (annotations.required) add('error', 'required', name, `${name} is required (@required) but empty`, envLabel, line);
      continue;
    }
    if (isUnfilled(value)) {
      add('error', 'placeholder', name, `${name} still holds a placeholder`, envLabel, line);
      continue;
    }
    const { format, min, max, length } = annotations;
    if (format && !matchesFormat(format, value)) add('error', 'format', name, `${name} is not a valid ${format} value (@format ${format})`, envLabel, line);
    const numeric = format === 'int';
    if (!numeric || matchesFormat('int', value)) {
      const measure = numeric ? Number(value) : Array.from(value).length;
      const unit = numeric ? '' : ' characters';
      if (min !== undefined && measure < min) add('error', 'min', name, `${name} is ${numeric ? 'less than' : 'shorter than'} @min ${min}${unit}`, envLabel, line);
      if (max !== undefined && measure > max) add('error', 'max', name, `${name} is ${numeric ? 'greater than' : 'longer than'} @max ${max}${unit}`, envLabel, line);
    }
    const sample = specs.get(name)?.value;
    if (sample !== undefined && sample === value && !isUnfilled(sample) && input.isSecret(name, value)) {
      add('error', 'sample', name, `${name} still holds the sample value from ${input.example!.label}: anyone who can read the example knows it`, envLabel, line);
    }
    if (length !== undefined && Array.from(value).length !== length) add('error', 'length', name, `${name} is not exactly @length ${length} characters long`, envLabel, line);
    const describedAsPlain = format === 'int' || format === 'bool' || format === 'url';
    if (!describedAsPlain && isSecretLookingName(name) && isWeakSecret(value)) {
      add('error', 'low-entropy', name, `${name} looks like a secret but its value is weak (fewer than ${WEAK_MIN_LENGTH} characters or under ${WEAK_MIN_BITS_PER_CHAR} bits of entropy per character)`, envLabel, line);
    }
  }

  for (const reuse of input.reuse) {
    add('error', 'reused', reuse.name, `${reuse.name} in ${envLabel} has the same value as ${reuse.otherName} in ${reuse.otherFile}: every environment needs its own secrets`, envLabel, values.get(reuse.name)?.line);
  }
  return findings;
}

function groupLines(entries: ReadonlyArray<{ name: string; line: number }>): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const entry of entries) groups.set(entry.name, [...(groups.get(entry.name) ?? []), entry.line]);
  return groups;
}
