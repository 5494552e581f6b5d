/**
 * `envseal generate`: fill placeholders with fresh random values of the right type, or rotate one.
 *
 * Which file (docs/WORKFLOW.md):
 *   1. the plaintext `.env` (or `.env.<env>`) when it exists, made 0600 when written; seal it
 *      afterwards with `envseal encrypt`;
 *   2. else the sealed file, re-sealed in place (no plaintext is written anywhere);
 *   3. else a new `.env` (0600) copied from `.env.example`, then filled.
 * Real values are never touched without --force (and only the names listed). `--rotate NAME` keeps
 * the old value as NAME_PREVIOUS, until `--finish NAME` removes it; both change the sealed file when
 * there is one, since that is where a grace window (`--grace`, or `@grace` in the example) and the
 * markers that refuse a reused value are recorded. Values are never returned to the caller: only names and types.
 *
 * All randomness comes from node:crypto. Characters are drawn without modulo bias: from a 64-character
 * alphabet one random byte's low 6 bits, otherwise crypto.randomInt (rejection sampling).
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { encodeBase64Url } from '../crypto/fernet.js';
import { isSecretLookingName, nameWords } from '../secret-names.js';
import { EnvsealError, Code } from '../errors.js';
import { plainFileName, sealedFileName } from '../env-files.js';
import { type AnnotatedEntry, type Annotations, annotateEntries, isUnfilled, isWholeUnfilled } from '../format/annotations.js';
import { assignValue, latestEntries, removeName, renderEdited } from '../format/env-edit.js';
import { PREVIOUS_SUFFIX } from '../format/value-records.js';
import { isoSeconds } from './history.js';
import { type EnvLine, assertDotenvEquivalent, parseEnv, toRecord } from '../format/envfile.js';
import { PRIVATE_MODE, displayPath, exists, readText, writeFileAtomic } from '../io/files.js';
import { DEFAULT_EXAMPLE } from './check.js';
import { type ResealOptions, openForUpdate, reseal } from './reseal.js';
import type { KeyOptions, SealedFileOpened } from './open.js';
import { validateName } from './set.js';

export const SECRET_TYPES = ['token', 'hex', 'base64', 'fernet', 'password', 'uuid'] as const;
export type SecretType = (typeof SECRET_TYPES)[number];

export interface SecretSpec {
  type: SecretType;
  /** Characters. */
  length: number;
}

const DEFAULT_LENGTH: Record<SecretType, number> = { token: 64, hex: 64, base64: 44, fernet: 44, password: 24, uuid: 36 };
const FIXED_LENGTH = new Set<SecretType>(['fernet', 'uuid']);
const MIN_LENGTH = 8;
const MAX_LENGTH = 4096;

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const PASSWORD_CLASSES = ['ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz', '0123456789', '!%*+-./:=?@^_~'];
const PASSWORD_WORDS = new Set(['password', 'passwords', 'passwd', 'pwd', 'pass', 'passphrase']);

/** A fresh random value. */
export function generateSecret(spec: SecretSpec): string {
  switch (spec.type) {
    case 'token':
      // 256 is a multiple of 64, so the low 6 bits of a random byte pick a character uniformly.
      return Array.from(randomBytes(spec.length), (byte) => URL_SAFE[byte & 63]).join('');
    case 'hex':
      return randomBytes(Math.ceil(spec.length / 2)).toString('hex').slice(0, spec.length);
    case 'base64':
      return randomBytes((spec.length / 4) * 3).toString('base64');
    case 'fernet':
      return encodeBase64Url(randomBytes(32));
    case 'uuid':
      return randomUUID();
    case 'password':
      return password(spec.length);
  }
}

/** One character of every class, the rest from all of them, shuffled (Fisher-Yates). */
function password(length: number): string {
  const all = PASSWORD_CLASSES.join('');
  const pick = (alphabet: string): string => alphabet[randomInt(alphabet.length)]!;
  const chars = [...PASSWORD_CLASSES.map(pick), ...Array.from({ length: length - PASSWORD_CLASSES.length }, () => pick(all))];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

export interface SpecOverride {
  type?: SecretType;
  length?: number;
}

/** Refuses --type/--length combinations that cannot be honoured. */
export function validateOverride(override: SpecOverride): void {
  const { type, length } = override;
  if (length === undefined) return;
  const usage = (message: string, hint: string): EnvsealError => new EnvsealError(Code.USAGE_LENGTH, message, hint);
  if (!Number.isInteger(length) || length < MIN_LENGTH || length > MAX_LENGTH) throw usage(`--length ${length} is not a whole number from ${MIN_LENGTH} to ${MAX_LENGTH}`, 'For example: --length 64.');
  if (type && FIXED_LENGTH.has(type) && length !== DEFAULT_LENGTH[type]) throw usage(`a ${type} is always ${DEFAULT_LENGTH[type]} characters; --length does not apply`, 'Drop --length.');
  checkLength(type ?? 'token', length, '--length');
}

function checkLength(type: SecretType, length: number, where: string): void {
  if (type === 'base64' && length % 4 !== 0) {
    throw new EnvsealError(Code.USAGE_LENGTH, `${where} ${length} is not a multiple of 4, which base64 needs`, 'Use a multiple of 4 (44 characters hold 33 random bytes), or --type token.');
  }
}

/**
 * The kind of value `name` needs: --type and --length first, then the example's annotations, then the
 * name. Undefined when nothing says the value is a secret envseal can make (a URL, a number, an id
 * issued by a provider), unless the name was asked for explicitly (then a token).
 */
export function inferSpec(name: string, annotations: Annotations, override: SpecOverride, explicit: boolean): SecretSpec | undefined {
  const type = override.type ?? inferType(name, annotations, explicit);
  if (!type) return undefined;
  if (FIXED_LENGTH.has(type)) return { type, length: DEFAULT_LENGTH[type] };
  let length = override.length ?? annotations.length;
  if (length === undefined) {
    length = Math.max(DEFAULT_LENGTH[type], annotations.min ?? 0);
    if (annotations.max !== undefined) length = Math.min(length, annotations.max);
  }
  checkLength(type, length, `${name}: @length`);
  return { type, length };
}

function inferType(name: string, annotations: Annotations, explicit: boolean): SecretType | undefined {
  switch (annotations.format) {
    case 'fernet':
    case 'uuid':
    case 'hex':
    case 'base64':
      return annotations.format;
    case 'base64url':
      return 'token';
    case 'url':
    case 'int':
    case 'bool':
      return undefined;
  }
  const words = nameWords(name);
  const last = words[words.length - 1];
  if (last === 'uuid') return 'uuid';
  // PASSWORD_MIN_LENGTH and TOKEN_TTL_SECONDS are numbers about a secret, not secrets.
  const secretLooking = isSecretLookingName(name);
  if (secretLooking && words.some((word) => PASSWORD_WORDS.has(word))) return 'password';
  if (explicit || annotations.length !== undefined || annotations.min !== undefined) return 'token';
  // An id is issued by a provider; a header (`Bearer <token>`) has a shape of its own.
  if (last === 'id' || last === 'header') return undefined;
  return secretLooking ? 'token' : undefined;
}

export interface GenerateRequest extends KeyOptions, SpecOverride {
  cwd: string;
  /** Names to fill (or add); empty: every placeholder that can be generated. */
  names: string[];
  /** Replace this name's value, keeping the old one as <name>_PREVIOUS. */
  rotate?: string;
  /** With `rotate`: how long <name>_PREVIOUS is kept, in milliseconds (default: the example's @grace). */
  grace?: number;
  /** Remove <name>_PREVIOUS: the grace window of a rotation is over. */
  finish?: string;
  /** Replace real values of the listed names. */
  force: boolean;
  /** The example with annotations (default .env.example). */
  example?: string;
  now: Date;
}

export type GeneratedAction = 'filled' | 'added' | 'replaced' | 'rotated';

export interface Generated extends SecretSpec {
  name: string;
  action: GeneratedAction;
}

export interface GenerateResult {
  file: string;
  target: 'plain' | 'sealed';
  /** The plaintext file was created from the example. */
  created: boolean;
  generated: Generated[];
  /** Not generated; `requested` when the name was asked for (the command then fails). */
  skipped: Array<{ name: string; reason: string; requested: boolean }>;
  /** Names still holding a placeholder afterwards (to fill by hand). */
  placeholdersLeft: string[];
  /** Where the old value of a rotated name now is. */
  previousName?: string;
  /** When the grace window of previousName ends (ISO 8601), when one was set. */
  previousExpires?: string;
  /** `--finish`: the NAME_PREVIOUS removed, and whether its recorded window had not ended yet. */
  finished?: { name: string; early: boolean; expires?: string };
  written: boolean;
  fingerprint?: string;
}

interface Workfile {
  file: string;
  target: 'plain' | 'sealed';
  created: boolean;
  lines: EnvLine[];
  sourceText?: string;
  sealed?: SealedFileOpened;
}

export function generateValues(request: GenerateRequest): GenerateResult {
  validateRequest(request);
  const examplePath = path.resolve(request.cwd, request.example ?? DEFAULT_EXAMPLE);
  const work = openWorkfile(request, examplePath);
  const specs = new Map<string, AnnotatedEntry>();
  for (const entry of annotateEntries(work.lines)) specs.set(entry.name, entry);
  if (exists(examplePath)) for (const entry of annotateEntries(parseEnv(readText(examplePath).text, displayPath(examplePath)))) specs.set(entry.name, entry);
  const annotationsOf = (name: string): Annotations => specs.get(name)?.annotations ?? {};

  const result: GenerateResult = { file: work.file, target: work.target, created: work.created, generated: [], skipped: [], placeholdersLeft: [], written: false };
  if (request.finish !== undefined) return finishRotation(request, request.finish, work, result);
  let lines = work.lines;
  let expires: Map<string, string> | undefined;
  const current = toRecord(lines);
  const make = (name: string, explicit: boolean): { spec: SecretSpec; value: string } | undefined => {
    const spec = inferSpec(name, annotationsOf(name), request, explicit);
    return spec ? { spec, value: generateSecret(spec) } : undefined;
  };

  if (request.rotate !== undefined) {
    const name = request.rotate;
    const old = current[name];
    if (old === undefined || old === '' || isUnfilled(old)) {
      throw new EnvsealError(Code.ROTATE_NOTHING, `${name} has no value in ${displayPath(work.file)} to rotate`, `Give it a first value with \`envseal generate ${name}\`.`);
    }
    const made = make(name, true);
    if (!made) throw notGeneratable(name, annotationsOf(name));
    result.previousName = `${name}${PREVIOUS_SUFFIX}`;
    lines = assignValue(lines, result.previousName, old, { after: name }).lines;
    lines = assignValue(lines, name, made.value).lines;
    result.generated.push({ name, ...made.spec, action: 'rotated' });
    const grace = request.grace ?? annotationsOf(name).grace;
    if (grace !== undefined && work.sealed) {
      result.previousExpires = isoSeconds(new Date(request.now.getTime() + grace));
      expires = new Map([[result.previousName, result.previousExpires]]);
    }
  } else if (request.names.length > 0) {
    for (const name of request.names) {
      const old = current[name];
      const action: GeneratedAction | undefined = old === undefined ? 'added' : old === '' || isUnfilled(old) ? 'filled' : request.force ? 'replaced' : undefined;
      if (!action) {
        result.skipped.push({ name, requested: true, reason: 'it has a value; add --force to replace it, or use --rotate to keep the old one as NAME_PREVIOUS' });
        continue;
      }
      const made = make(name, true);
      if (!made) {
        result.skipped.push({ name, requested: true, reason: notGeneratable(name, annotationsOf(name)).message });
        continue;
      }
      lines = assignValue(lines, name, made.value).lines;
      result.generated.push({ name, ...made.spec, action });
    }
  } else {
    for (const entry of latestEntries(lines)) {
      const { name, value } = entry;
      const empty = value === '';
      if (!empty && !isUnfilled(value)) continue;
      if (!empty && !isWholeUnfilled(value)) {
        result.skipped.push({ name, requested: false, reason: 'its placeholder is part of a structured value (a vendor prefix or a URL): fill it in by hand' });
        continue;
      }
      const made = make(name, false);
      if (!made) {
        if (!empty) result.skipped.push({ name, requested: false, reason: 'nothing says it is a secret envseal can make (it may be issued by a provider): fill it in by hand, or name it to get a random token' });
        continue;
      }
      lines = assignValue(lines, name, made.value).lines;
      result.generated.push({ name, ...made.spec, action: 'filled' });
    }
  }

  result.placeholdersLeft = latestEntries(lines).filter((entry) => isUnfilled(entry.value)).map((entry) => entry.name);
  if (result.generated.length === 0 && !work.created) return result;
  return writeWork(work, lines, request.now, result, { ...(request.rotate !== undefined ? { rotating: request.rotate } : {}), ...(expires ? { expires } : {}) });
}

/** Re-seals the sealed file in place, or writes the plaintext (0600), with `lines`. */
function writeWork(work: Workfile, lines: readonly EnvLine[], now: Date, result: GenerateResult, options: ResealOptions = {}): GenerateResult {
  if (work.sealed) {
    const sealed = reseal(work.sealed, lines, now, options);
    result.written = sealed.written;
    result.fingerprint = sealed.fingerprint;
  } else {
    // Now it holds secrets: private even when it was readable by all before (a `cp .env.example .env`).
    writeFileAtomic(work.file, renderEdited(work.sourceText!, work.lines, lines, displayPath(work.file)), { mode: PRIVATE_MODE, forceMode: true });
    result.written = true;
  }
  return result;
}

/** `--finish NAME`: removes NAME_PREVIOUS, the end of a rotation's grace window. */
function finishRotation(request: GenerateRequest, name: string, work: Workfile, result: GenerateResult): GenerateResult {
  const previousName = `${name}${PREVIOUS_SUFFIX}`;
  const { lines, removed } = removeName(work.lines, previousName);
  if (removed === 0) {
    throw new EnvsealError(Code.FINISH_NOTHING, `${displayPath(work.file)} keeps no ${previousName}: there is no rotation of ${name} to finish`, `Start one with \`envseal generate --rotate ${name}\`.`);
  }
  const expires = work.sealed?.opened.records.expires.get(previousName);
  result.finished = { name: previousName, early: expires !== undefined && request.now.getTime() < Date.parse(expires), ...(expires ? { expires } : {}) };
  return writeWork(work, lines, request.now, result);
}

function validateRequest(request: GenerateRequest): void {
  const single = [request.rotate, request.finish].filter((n): n is string => n !== undefined);
  for (const name of [...request.names, ...single]) validateName(name);
  const flag = request.rotate !== undefined ? '--rotate' : '--finish';
  if (single.length > 1 || (single.length > 0 && (request.names.length > 0 || request.force))) {
    throw new EnvsealError(Code.USAGE, `${flag} takes one name and cannot be combined with other names, --force, or the other of --rotate and --finish`, `Run \`envseal generate ${flag} ${single[0]}\` on its own.`);
  }
  if (request.grace !== undefined && request.rotate === undefined) {
    throw new EnvsealError(Code.USAGE, '--grace sets how long a rotated value\'s NAME_PREVIOUS is kept, so it needs --rotate', 'For example: envseal generate --rotate JWT_SECRET --grace 48h');
  }
  if (request.force && request.names.length === 0) {
    throw new EnvsealError(Code.USAGE, '--force replaces real values, so it needs the names to replace', 'For example: envseal generate SECRET_KEY --force');
  }
  validateOverride(request);
}

/**
 * The file generate changes: the plaintext env when it exists, else the sealed one when that exists,
 * else a new plaintext env. A rotation (`rotating`: --rotate, --finish) changes the sealed file
 * whenever there is one: the next `encrypt` or `decrypt` brings the change into the plaintext.
 */
export function generateTarget(cwd: string, envName: string | undefined, rotating = false): { file: string; target: 'plain' | 'sealed' } {
  const plain = path.join(cwd, plainFileName(envName));
  const sealed = path.join(cwd, sealedFileName(envName));
  return (rotating || !exists(plain)) && exists(sealed) ? { file: sealed, target: 'sealed' } : { file: plain, target: 'plain' };
}

function openWorkfile(request: GenerateRequest, examplePath: string): Workfile {
  const { file, target } = generateTarget(request.cwd, request.envName, request.rotate !== undefined || request.finish !== undefined);
  if (target === 'plain' && request.grace !== undefined) {
    throw new EnvsealError(
      Code.USAGE,
      `--grace is recorded in the sealed file, and there is no ${displayPath(`${file}.encrypted`)} yet`,
      'Seal the env first (`envseal encrypt`), then rotate; or rotate without --grace.',
    );
  }
  if (target === 'sealed') {
    const sealed = openForUpdate({ ...request, file });
    return { file, target, created: false, lines: sealed.opened.lines, sealed };
  }
  const created = !exists(file);
  if (created && !exists(examplePath)) {
    throw new EnvsealError(
      Code.FILE_MISSING,
      `nothing to fill: neither ${displayPath(file)}, ${displayPath(`${file}.encrypted`)} nor ${displayPath(examplePath)} exists`,
      'Run it in the directory that holds your env files, or pass --env / --example.',
    );
  }
  const source = created ? examplePath : file;
  const { text } = readText(source);
  const lines = parseEnv(text, displayPath(source));
  assertDotenvEquivalent(text, lines, displayPath(source));
  return { file, target, created, lines, sourceText: text };
}

function notGeneratable(name: string, annotations: Annotations): EnvsealError {
  return new EnvsealError(
    Code.GENERATE_TYPE,
    `${name} is annotated @format ${annotations.format ?? 'unknown'}, which envseal cannot generate`,
    `Set it by hand (\`envseal set ${name}\`), or pass --type (${SECRET_TYPES.join(', ')}).`,
  );
}
