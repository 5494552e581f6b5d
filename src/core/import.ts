/**
 * import: secrets kept by another tool, sealed into envseal's files. Three sources:
 *   dotenvx         .env, .env.<env> with encrypted:… values, keys from .env.keys or DOTENV_PRIVATE_KEY…
 *                   → .env.encrypted, .env.<env>.encrypted beside each
 *   ansible-vault   one vault file (1.1 or 1.2, AES256) of dotenv or flat YAML, with its password
 *                   → .env.encrypted, or .env.<env>.encrypted with --env
 *   fernet          a whole-file Fernet token under the envseal key (how teams sealed .env before
 *                   envseal) → the env's sealed file; where the token sits there, converted in place
 *
 * Everything is read, decrypted, sealed and verified in memory (each result opened again with its
 * key and compared with what was read) before the first file is written. An existing sealed file is
 * replaced only with --force, after a backup. Nothing is deleted: the result says which files the
 * user can remove once they are content.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvsealError, Code } from '../errors.js';
import { dotenvxKeyVariables } from '../env-vars.js';
import { envNameOf, plainFileName, sealedFileName } from '../env-files.js';
import { type EnvLine, assertDotenvEquivalent, parseEnv, scanAssignments } from '../format/envfile.js';
import { isLegacySealed, openSealed } from '../format/sealed.js';
import { decryptVault, parseVault, vaultPassword } from '../import/ansible-vault.js';
import {
  type DotenvxFile,
  DotenvxKey,
  PRIVATE_KEY_PREFIX,
  PUBLIC_KEY_PREFIX,
  conventionalPrivateKeyName,
  decryptDotenvx,
  isDotenvxCiphertext,
  opensFile,
  parsePrivateKeys,
  privateKeyNameFor,
  readDotenvxFile,
} from '../import/dotenvx.js';
import { looksLikeYaml, parseFlatYaml } from '../import/flat-yaml.js';
import { PUBLIC_MODE, backupFile, displayPath, exists, readBytes, readGivenFile, readText, writeFileAtomic } from '../io/files.js';
import { lockFiles } from '../io/lock.js';
import type { KeyRing } from '../keys/key-ring.js';
import { resolveKeyRing } from '../keys/key-sources.js';
import { decodeUtf8, normalizeNewlines } from '../text.js';
import { historyEntry, isoSeconds } from './history.js';
import { type KeyOptions, openSealedFile } from './open.js';
import { sealGuarded } from './seal-guarded.js';

export const IMPORT_SOURCES = ['dotenvx', 'ansible-vault', 'fernet'] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

export interface ImportRequest extends KeyOptions {
  from: ImportSource;
  /** Where sources are looked for and targets go by default (the working directory). */
  dir: string;
  /** --in: the one file to import (ansible-vault needs it; dotenvx reads every dotenvx file in `dir` without it). */
  input?: string;
  /** --out: the sealed file to write (one source only). */
  output?: string;
  /** Replace an existing sealed file (a backup is kept). */
  force?: boolean;
  /** dotenvx: the .env.keys file (default: the one beside each dotenvx file). */
  envKeysFile?: string;
  /** ansible-vault: a file holding the password (a pipe too); otherwise askVaultPassword is asked. */
  vaultPasswordFile?: string;
  askVaultPassword?: (label: string) => string;
  now: Date;
}

export interface ImportedFile {
  /** What was read. */
  source: string;
  /** The sealed file written. */
  output: string;
  values: number;
  /** dotenvx: names whose values were in the clear (imported as they were). */
  inTheClear: string[];
  /** dotenvx: its DOTENV_PUBLIC_KEY… entries, not imported. */
  notImported: string[];
  fingerprint: string;
  keySource: string;
  /** The sealed file (or the token converted in place) as it was before, when one was replaced. */
  backup?: string;
  /** fernet: the token was converted where it sat. */
  inPlace: boolean;
}

export interface ImportResult {
  from: ImportSource;
  files: ImportedFile[];
  /** What the user may delete once content: the sources, dotenvx's .env.keys, a converted token's backup. */
  removable: string[];
  /** Key variables read (DOTENV_PRIVATE_KEY…): to remove from CI settings once nothing else needs them. */
  keyVariables: string[];
  /** The envseal key every file was sealed with, when they share one (for the audit log). */
  fingerprint?: string;
}

/** One file to write: everything about it settled in memory. */
interface Planned {
  source: string;
  output: string;
  lines: EnvLine[];
  ring: KeyRing;
  inTheClear: string[];
  notImported: string[];
  inPlace: boolean;
}

export function importSecrets(request: ImportRequest): ImportResult {
  const sources = findSources(request);
  const outputs = sources.map((s) => s.output);
  const release = lockFiles(outputs);
  try {
    const rings = resolveRings(request, sources);
    const extras: Omit<ImportResult, 'from' | 'files'> = { removable: [], keyVariables: [] };
    const planned = sources.map((source, i): Planned => {
      checkTarget(request, source);
      return { ...source, ...readSource(request, source, rings[i], extras) };
    });
    // Every file is sealed and verified before the first is written.
    const sealed = planned.map((plan) => ({ ...plan, text: sealVerified(request, plan) }));
    const files = sealed.map((plan) => write(request, plan));
    // The sources first, then what they needed (.env.keys), then a converted token's backup.
    extras.removable.unshift(...planned.filter((p) => !p.inPlace).map((p) => p.source));
    extras.removable.push(...files.flatMap((f) => (f.inPlace && f.backup ? [f.backup] : [])));
    const keys = new Set(files.map((f) => f.fingerprint));
    return {
      from: request.from,
      files,
      removable: [...new Set(extras.removable)],
      keyVariables: [...new Set(extras.keyVariables)],
      ...(keys.size === 1 ? { fingerprint: files[0]!.fingerprint } : {}),
    };
  } finally {
    release();
  }
}

interface Source {
  source: string;
  output: string;
  envName?: string;
  inPlace: boolean;
}

/** The files to read and the sealed file each becomes. */
function findSources(request: ImportRequest): Source[] {
  const resolve = (file: string): string => path.resolve(request.dir, file);
  const output = request.output ? resolve(request.output) : undefined;
  if (request.from === 'dotenvx') {
    const inputs = request.input ? [resolve(request.input)] : request.envName ? [resolve(plainFileName(request.envName))] : discoverDotenvx(request.dir);
    if (output && inputs.length > 1) {
      throw new EnvsealError(Code.USAGE, `--out names one sealed file, but ${inputs.length} dotenvx files were found (${inputs.map(displayPath).join(', ')})`, 'Pick one with --in (or --env), or drop --out: each file then goes to its own .encrypted beside it.');
    }
    return inputs.map((source) => {
      const target = output ?? `${source}.encrypted`;
      const envName = request.envName ?? envNameOf(target);
      return { source, output: target, ...(envName ? { envName } : {}), inPlace: false };
    });
  }
  const target = output ?? resolve(sealedFileName(request.envName));
  const env = request.envName ? { envName: request.envName } : {};
  if (request.from === 'ansible-vault') {
    if (!request.input) throw new EnvsealError(Code.USAGE, '`import --from ansible-vault` needs the vault file: --in FILE', 'Name it: `envseal import --from ansible-vault --in group_vars/all/vault.yml`.');
    return [{ source: resolve(request.input), output: target, ...env, inPlace: false }];
  }
  const source = request.input ? resolve(request.input) : target;
  return [{ source, output: target, ...env, inPlace: source === target }];
}

/** Every `.env` / `.env.*` file in `dir` that dotenvx wrote: it has a public-key entry or an encrypted: value. */
function discoverDotenvx(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    names = [];
  }
  const candidates = names
    .filter((name) => (name === '.env' || name.startsWith('.env.')) && !['.env.keys', '.env.vault'].includes(name) && !name.endsWith('.encrypted'))
    .sort()
    .map((name) => path.join(dir, name))
    .filter((file) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() && isDotenvxText(decodeUtf8(readBytes(file))));
  if (candidates.length === 0) {
    throw new EnvsealError(
      Code.FILE_MISSING,
      `no dotenvx files in ${displayPath(dir) || '.'}: no .env or .env.* file there has a DOTENV_PUBLIC_KEY entry or encrypted: values`,
      'Run the command in the directory that holds them, or name one with --in (or --env production for .env.production).',
    );
  }
  return candidates;
}

const isDotenvxText = (text: string | undefined): boolean =>
  text !== undefined && scanAssignments(text).some((a) => a.name.startsWith(PUBLIC_KEY_PREFIX) || isDotenvxCiphertext(a.value));

/**
 * The envseal key of each target, as `encrypt` finds it (undefined for a Fernet token, which brings
 * its own); several missing keys are reported together.
 */
function resolveRings(request: ImportRequest, sources: readonly Source[]): (KeyRing | undefined)[] {
  const missing: { source: Source; error: EnvsealError }[] = [];
  const rings = sources.map((source) => {
    // A token is opened with the key it was sealed under, which then seals it.
    if (request.from === 'fernet') return undefined;
    try {
      const { envName: _default, ...keyOptions } = request;
      return resolveKeyRing({ ...keyOptions, envFile: source.output, ...(source.envName ? { envName: source.envName } : {}) });
    } catch (e) {
      if (!(e instanceof EnvsealError) || e.code !== Code.KEY_MISSING) throw e;
      missing.push({ source, error: e });
      return undefined;
    }
  });
  if (missing.length === 1) throw missing[0]!.error;
  if (missing.length > 1) {
    const inits = missing.map(({ source }) => `\`envseal init${source.envName ? ` --env ${source.envName}` : ''}\``);
    throw new EnvsealError(
      Code.KEY_MISSING,
      `no master key found for ${missing.map(({ source }) => displayPath(source.output)).join(', ')}`,
      `Create one key per environment: ${inits.join(', ')} (or set ENVSEAL_MASTER_KEY_<ENV> in CI); then import again.`,
    );
  }
  return rings;
}

function checkTarget(request: ImportRequest, source: Source): void {
  if (source.inPlace || request.force || !exists(source.output)) return;
  throw new EnvsealError(
    Code.FILE_EXISTS,
    `${displayPath(source.output)} already exists; import does not replace a sealed file unasked, and nothing was imported`,
    `Add --force to replace it (it is backed up first), or --out to write elsewhere and compare (\`envseal show --in FILE\`).`,
  );
}

type Read = Pick<Planned, 'lines' | 'ring' | 'inTheClear' | 'notImported'>;

function readSource(request: ImportRequest, source: Source, ring: KeyRing | undefined, extras: Omit<ImportResult, 'from' | 'files'>): Read {
  // resolveRings finds a ring for every source but a Fernet token, which brings its own key.
  if (!ring) return readFernet(request, source);
  if (request.from === 'ansible-vault') return { lines: readAnsibleVault(request, source.source), ring, inTheClear: [], notImported: [] };
  return { ...readDotenvx(request, source.source, extras), ring };
}

// ---- dotenvx ------------------------------------------------------------------------------------

function readDotenvx(request: ImportRequest, file: string, extras: Omit<ImportResult, 'from' | 'files'>): Omit<Read, 'ring'> {
  const label = displayPath(file);
  const { text } = readText(file);
  const parsed = parseEnv(text, label);
  assertDotenvEquivalent(text, parsed, label);
  const dotenvx = readDotenvxFile(parsed, path.basename(file));
  if (dotenvx.publicKeys.length === 0 && dotenvx.encrypted.length === 0) {
    throw new EnvsealError(
      Code.IMPORT_FORMAT,
      `${label} is not a dotenvx file: it has no DOTENV_PUBLIC_KEY entry and no encrypted: values`,
      `A plain .env is sealed with \`envseal encrypt --in ${label}\`.`,
    );
  }
  const key = dotenvx.encrypted.length > 0 ? chooseKey(request, file, dotenvx, extras) : undefined;
  const lines = decryptDotenvx(dotenvx, key, label);
  const encrypted = new Set(dotenvx.encrypted);
  const inTheClear = lines.flatMap((line) => (line.kind === 'entry' && !encrypted.has(line.name) ? [line.name] : []));
  return { lines, inTheClear, notImported: dotenvx.publicKeys.map((k) => k.name) };
}

interface Candidate {
  name: string;
  source: string;
  keys?: DotenvxKey[];
  error?: EnvsealError;
}

/** The private key of a dotenvx file: the one whose public key the file names, else the one dotenvx's name rule gives that opens it. */
function chooseKey(request: ImportRequest, file: string, dotenvx: DotenvxFile, extras: Omit<ImportResult, 'from' | 'files'>): DotenvxKey {
  const label = displayPath(file);
  const keysFile = request.envKeysFile ? path.resolve(request.dir, request.envKeysFile) : path.join(path.dirname(file), '.env.keys');
  const candidates = [...keysFileCandidates(keysFile, Boolean(request.envKeysFile)), ...variableCandidates(request.env)];
  const publicKey = dotenvx.publicKeys[0];
  const wanted = publicKey ? privateKeyNameFor(publicKey.name) : conventionalPrivateKeyName(path.basename(file));
  const use = (key: DotenvxKey, candidate: Candidate): DotenvxKey => {
    if (candidate.source === 'the environment') extras.keyVariables.push(candidate.name);
    else extras.removable.push(keysFile);
    return key;
  };
  for (const candidate of candidates) {
    for (const key of candidate.keys ?? []) {
      const matches = publicKey ? key.publicKey === publicKey.value.trim().toLowerCase() : candidate.name === wanted && opensFile(dotenvx, key);
      if (matches) return use(key, candidate);
    }
  }
  const named = candidates.filter((c) => c.name === wanted);
  const broken = named.find((c) => c.error);
  if (broken) throw broken.error!;
  if (named.length > 0) {
    const tried = named.map((c) => `${c.name} from ${c.source}`).join(' and ');
    throw new EnvsealError(
      Code.IMPORT_KEY_WRONG,
      publicKey
        ? `${tried} is not the private key of ${label}: the file's ${publicKey.name} is ${publicKey.value.slice(0, 8)}…, the key's public key is ${named.flatMap((c) => c.keys ?? []).map((k) => `${k.publicKey.slice(0, 8)}…`).join(', ')}`
        : `${tried} does not open ${label}'s encrypted values`,
      `Use the .env.keys that belongs with ${label} (pass it with --env-keys-file), or set ${wanted} to the right key.`,
    );
  }
  throw new EnvsealError(
    Code.IMPORT_KEY_MISSING,
    `no dotenvx private key for ${label}: looked for ${wanted} in ${displayPath(keysFile)} and in the environment`,
    `Put dotenvx's .env.keys beside ${label} (or pass --env-keys-file FILE), or set ${wanted} in the environment; \`dotenvx keypair\` shows it where dotenvx can still decrypt.`,
  );
}

function keysFileCandidates(file: string, given: boolean): Candidate[] {
  if (!given && !exists(file)) return [];
  const label = displayPath(file);
  const { text } = readText(file);
  return parseEnv(text, label).flatMap((line) => (line.kind === 'entry' && line.name.startsWith(PRIVATE_KEY_PREFIX) ? [candidate(line.name, label, line.value)] : []));
}

const variableCandidates = (env: NodeJS.ProcessEnv): Candidate[] => dotenvxKeyVariables(env).map(({ variable, value }) => candidate(variable, 'the environment', value));

function candidate(name: string, source: string, value: string): Candidate {
  try {
    return { name, source, keys: parsePrivateKeys(value, `${name} from ${source}`) };
  } catch (e) {
    if (e instanceof EnvsealError) return { name, source, error: e };
    throw e;
  }
}

// ---- ansible-vault ------------------------------------------------------------------------------

function readAnsibleVault(request: ImportRequest, file: string): EnvLine[] {
  const label = displayPath(file);
  const bytes = readBytes(file);
  const vault = parseVault(bytes.toString('latin1').replace(/\r\n?/g, '\n'), label);
  const plaintext = decodeUtf8(decryptVault(vault, password(request, label), label));
  if (plaintext === undefined) {
    throw new EnvsealError(Code.IMPORT_FORMAT, `${label} decrypts to bytes that are not UTF-8 text`, 'Import a vault of variables (dotenv or flat YAML); `ansible-vault view` shows what it holds.');
  }
  const { text } = normalizeNewlines(plaintext);
  const inner = `${label} (decrypted)`;
  if (looksLikeYaml(text)) return parseFlatYaml(text, inner);
  const lines = parseEnv(text, inner);
  assertDotenvEquivalent(text, lines, inner);
  return lines;
}

function password(request: ImportRequest, label: string): Buffer {
  if (request.vaultPasswordFile) {
    const file = path.resolve(request.dir, request.vaultPasswordFile);
    const source = `vault password file ${displayPath(file)}`;
    const { bytes, stat } = readGivenFile(file);
    if (stat.isFile() && (stat.mode & 0o111) !== 0) {
      throw new EnvsealError(
        Code.USAGE,
        `${source} is executable: ansible runs such a file for the password, and envseal runs nothing it is not told to`,
        `Pass what it prints instead: --vault-password-file <(${displayPath(file)}) (or chmod -x it if it is a plain password file).`,
      );
    }
    return vaultPassword(bytes, source);
  }
  if (!request.askVaultPassword) {
    throw new EnvsealError(Code.IMPORT_KEY_MISSING, `no vault password for ${label}, and no terminal to ask at`, 'Pass --vault-password-file FILE (a pipe works too: --vault-password-file <(pass show ansible/vault)), or set ANSIBLE_VAULT_PASSWORD_FILE as for ansible. The password never goes on the command line.');
  }
  return vaultPassword(Buffer.from(request.askVaultPassword(label), 'utf8'), 'the vault password typed');
}

// ---- fernet -------------------------------------------------------------------------------------

function readFernet(request: ImportRequest, source: Source): Read {
  const label = displayPath(source.source);
  const { text } = readText(source.source);
  if (!isLegacySealed(text)) {
    const sealed = text.startsWith('#envseal:');
    throw new EnvsealError(
      sealed ? Code.USAGE : Code.IMPORT_FORMAT,
      sealed ? `${label} is already an envseal sealed file; there is nothing to convert` : `${label} is not a whole-file Fernet token (one line of base64url starting gAAAAA)`,
      sealed ? 'Drop `import --from fernet`: envseal opens it as it is.' : 'Pass the token file with --in.',
    );
  }
  const { envName: _default, ...keyOptions } = request;
  const { opened, ring } = openSealedFile({ ...keyOptions, ...(source.envName ? { envName: source.envName } : {}), file: source.source, legacy: true });
  const lines = opened.lines.map((line): EnvLine => (line.kind === 'entry' ? { kind: 'entry', name: line.name, value: line.value, exported: line.exported, quote: line.quote, comment: line.comment, line: line.line } : line));
  return { lines, ring, inTheClear: [], notImported: [] };
}

// ---- sealing and writing ------------------------------------------------------------------------

/** The sealed text, opened again with its key and compared with what was read before anything is written. */
function sealVerified(request: ImportRequest, plan: Planned): string {
  const label = displayPath(plan.output);
  const reason = `imported from ${request.from} (${path.basename(plan.source)})`;
  const text = sealGuarded(plan.lines, plan.ring, { history: [historyEntry('created', plan.ring.current, request.now, { reason })], now: isoSeconds(request.now), label });
  const reopened = openSealed(text, plan.ring, label).lines.flatMap((l) => (l.kind === 'entry' ? [[l.name, l.value]] : []));
  const read = plan.lines.flatMap((l) => (l.kind === 'entry' ? [[l.name, l.value]] : []));
  if (JSON.stringify(reopened) !== JSON.stringify(read)) {
    throw new EnvsealError(Code.IMPORT_VERIFY, `${label}: the sealed result does not decrypt to what ${displayPath(plan.source)} holds; nothing was written`, 'This is a bug in envseal: please report it (names only, never values).');
  }
  return text;
}

function write(request: ImportRequest, plan: Planned & { text: string }): ImportedFile {
  const backup = exists(plan.output) ? backupFile(plan.output, request.now) : undefined;
  writeFileAtomic(plan.output, plan.text, { mode: PUBLIC_MODE });
  if (!readBytes(plan.output).equals(Buffer.from(plan.text, 'utf8'))) {
    throw new EnvsealError(Code.IMPORT_VERIFY, `${displayPath(plan.output)} does not hold what was just written to it`, backup ? `The file before is kept as ${displayPath(backup)}; check the disk and retry.` : 'Check the disk and retry.');
  }
  return {
    source: plan.source,
    output: plan.output,
    values: plan.lines.filter((l) => l.kind === 'entry').length,
    inTheClear: plan.inTheClear,
    notImported: plan.notImported,
    fingerprint: plan.ring.current.fingerprint,
    keySource: plan.ring.source,
    ...(backup ? { backup } : {}),
    inPlace: plan.inPlace,
  };
}
