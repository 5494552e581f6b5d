/**
 * `envseal init`: make a directory ready to seal. Creates a key file only when no key exists anywhere
 * envseal looks and no sealed file is waiting for someone else's key; makes .gitignore keep plaintext,
 * keys and backups out of git. Idempotent: a second run changes nothing.
 */
import * as path from 'node:path';
import { MasterKey } from '../crypto/master-key.js';
import { EnvsealError, Code } from '../errors.js';
import { keyFileName, plainFileName, sealedFileName } from '../env-files.js';
import { isLegacySealed, parseSealedStructure } from '../format/sealed.js';
import { exists, readText, writeFileAtomic } from '../io/files.js';
import { findRepoRoot } from '../io/repo.js';
import { createKeyFile } from '../keys/key-store.js';
import { tryResolveKeyRing } from '../keys/key-sources.js';

export interface InitRequest {
  dir: string;
  envName?: string;
  keyFile?: string;
  env: NodeJS.ProcessEnv;
}

export interface InitResult {
  /** A key file this run created. */
  createdKeyFile?: string;
  /** Where the existing key was found, when one was. */
  existingKeySource?: string;
  fingerprint?: string;
  /** A sealed file exists but no key for it was found: the user must get it from the team. */
  awaitingKey?: { sealedFile: string; fingerprint?: string; keyFile: string };
  gitignore: { file: string; added: string[] };
  gitattributes: { file: string; added: string[] };
  /** Set when the repository has a Dockerfile or a .dockerignore. */
  dockerignore?: { file: string; added: string[] };
}

/** What .gitignore must say. Order matters: the negations re-include sealed files and examples. */
export const GITIGNORE_RULES = [
  '.env',
  '.env.*',
  '!.env.example',
  '!.env.*.example',
  '!.env.sample',
  '!.env.template',
  '!.env.encrypted',
  '!.env.*.encrypted',
  '!.env.recipients',
  '!.env.*.recipients',
  '.env.local',
  '.env.*.local',
  '.env.key',
  '.env.*.key',
  '*.backup_*',
  '.*.envseal-*',
  '.envseal/',
  // Core dumps: a crashed child of `envseal run` dumps its environment (the values) here. Linux names
  // them core or core.<pid>; `core.*` would also ignore core.js, and directories named core stay.
  'core',
  'core.[0-9]*',
  '!core/',
] as const;

/**
 * What a Docker build context must leave out when `COPY . .` would send it: plaintext env files, keys,
 * backups, envseal's local state. Patterns match in every directory (`**` in .dockerignore); sealed
 * files and examples may go, they hold no plaintext.
 */
export const DOCKERIGNORE_RULES = [
  '**/.env',
  '**/.env.*',
  '!**/.env.example',
  '!**/.env.*.example',
  '!**/.env.sample',
  '!**/.env.template',
  '!**/.env.encrypted',
  '!**/.env.*.encrypted',
  '**/.env.key',
  '**/.env.*.key',
  '**/*.backup_*',
  '**/.*.envseal-*',
  '**/.envseal',
] as const;

const GITIGNORE_HEADER = '# envseal: plaintext env files, master keys and backups stay local; sealed files and examples are committed';

export function initProject(request: InitRequest): InitResult {
  const dir = path.resolve(request.dir);
  const sealed = path.join(dir, sealedFileName(request.envName));
  const lookup = { envFile: path.join(dir, plainFileName(request.envName)), env: request.env, ...pick(request) };
  // --key-file names where to create the key when nothing is there yet.
  const keys = request.keyFile && !exists(path.resolve(request.keyFile)) ? undefined : keysIfGranted(lookup);
  const root = findRepoRoot(dir) ?? dir;
  const result: InitResult = {
    gitignore: updateIgnoreFile(path.join(root, '.gitignore'), GITIGNORE_RULES, GITIGNORE_HEADER),
    // One record per line: a union merge keeps both sides' grants (format/recipients.ts).
    gitattributes: updateIgnoreFile(path.join(root, '.gitattributes'), GITATTRIBUTES_RULES, GITATTRIBUTES_HEADER),
  };
  if (buildsImages(root)) {
    result.dockerignore = updateIgnoreFile(path.join(root, '.dockerignore'), DOCKERIGNORE_RULES, DOCKERIGNORE_HEADER);
  }
  if (keys) {
    result.existingKeySource = keys.source;
    result.fingerprint = keys.current.fingerprint;
  } else if (exists(sealed)) {
    result.awaitingKey = { sealedFile: sealed, keyFile: path.join(dir, keyFileName(request.envName)), ...sealedFingerprint(sealed) };
  } else {
    const keyFile = request.keyFile ? path.resolve(request.keyFile) : path.join(dir, keyFileName(request.envName));
    const key = MasterKey.generate();
    createKeyFile(keyFile, { current: key, previous: [] }, plainFileName(request.envName));
    result.createdKeyFile = keyFile;
    result.fingerprint = key.fingerprint;
  }
  return result;
}

/** A fresh clone of a team that grants access has a recipients file that does not list you yet: that is no error here. */
function keysIfGranted(lookup: Parameters<typeof tryResolveKeyRing>[0]): ReturnType<typeof tryResolveKeyRing> {
  try {
    return tryResolveKeyRing(lookup);
  } catch (e) {
    if (e instanceof EnvsealError && e.code === Code.IDENTITY_NO_MATCH) return undefined;
    throw e;
  }
}

function pick(request: InitRequest): { envName?: string; keyFile?: string } {
  return { ...(request.envName ? { envName: request.envName } : {}), ...(request.keyFile ? { keyFile: request.keyFile } : {}) };
}

function sealedFingerprint(file: string): { fingerprint?: string } {
  try {
    const { text } = readText(file);
    return isLegacySealed(text) ? {} : { fingerprint: parseSealedStructure(text, file).fingerprint };
  } catch {
    return {};
  }
}

export const GITATTRIBUTES_RULES = ['*.recipients merge=union'] as const;
const GITATTRIBUTES_HEADER = '# envseal: recipients files hold one record per line, so both sides of a merge are kept';

const DOCKERIGNORE_HEADER = '# envseal: plaintext env files, master keys and backups stay out of the image; sealed files may go';

/** Whether `root` is a Docker build context (a Dockerfile, or a .dockerignore already): then .dockerignore gets DOCKERIGNORE_RULES. */
export function buildsImages(root: string): boolean {
  return ['Dockerfile', '.dockerignore'].some((name) => exists(path.join(root, name)));
}

/** The rules (lines) `text` does not have. */
export function missingRules(text: string, rules: readonly string[]): string[] {
  const present = new Set(text.split('\n').map((line) => line.trim()));
  return rules.filter((rule) => !present.has(rule));
}

/**
 * What to append so that `rules` hold when `missing` of them do not: a newly added ignore rule would
 * override negations written above it, so those are repeated below it.
 */
export function rulesToAppend(rules: readonly string[], missing: readonly string[]): string[] {
  const reinclude = missing.some((rule) => !rule.startsWith('!'));
  return rules.filter((rule) => missing.includes(rule) || (reinclude && rule.startsWith('!')));
}

/** Appends the rules (lines) `file` lacks, under `header`. Idempotent. */
function updateIgnoreFile(file: string, rules: readonly string[], header: string): { file: string; added: string[] } {
  const current = exists(file) ? readText(file).text : '';
  const added = rulesToAppend(rules, missingRules(current, rules));
  if (added.length > 0) {
    const separator = current === '' || current.endsWith('\n') ? '' : '\n';
    const block = [...(missingRules(current, [header]).length === 0 ? [] : [header]), ...added].join('\n');
    writeFileAtomic(file, `${current}${separator}${current === '' ? '' : '\n'}${block}\n`, { mode: 0o644 });
  }
  return { file, added };
}
