/**
 * What only envseal knows: the team's own secrets. Opens every sealed file of the repository that a
 * key on this machine opens (each environment's keys from every source: its key file, its variable,
 * the key command), reads the plaintext env files next to them and at the root, and keeps
 * only keyed hashes of their values (TeamSecretIndex) plus the master keys themselves, which the
 * detector must find verbatim. Also keeps each opened file's values by name, for the stale check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvsealError } from '../errors.js';
import { envNameOf, plainNameFor } from '../env-files.js';
import { parseEnv, toRecord } from '../format/envfile.js';
import { PUBLIC_KEY_PREFIX, isDotenvxCiphertext } from '../import/dotenvx.js';
import { readText } from '../io/files.js';
import type { MasterKey } from '../crypto/master-key.js';
import { KeyRing } from '../keys/key-ring.js';
import { findKeyFile, tryResolveKeyRing } from '../keys/key-sources.js';
import { openSealedFile } from '../core/open.js';
import { isDocumentedExample, isPlaceholderOrReference } from '../detect/not-secrets.js';
import { TeamSecretIndex } from '../detect/team-secrets.js';
import { isUnfilled } from '../format/annotations.js';
import { type MaskRules, classify } from '../mask/rules.js';
import { secretParts } from '../mask/variables.js';
import { classifyName } from './file-names.js';

export interface GuardKnowledge {
  teamSecrets: TeamSecretIndex;
  /** Current and previous master keys found for any sealed file (secret: memory only). */
  knownKeys: string[];
  /** Keys by sealed file (repo-relative path), to verify a staged sealed file's MAC. */
  keysFor(file: string): KeyRing | undefined;
}

/**
 * `sealedFiles` are repository-relative paths of sealed files (tracked or staged). Files that cannot be
 * opened (no key, wrong key, corrupt) are skipped: the guard still runs, knowing less.
 */
export function gatherKnowledge(root: string, sealedFiles: readonly string[], env: NodeJS.ProcessEnv, rules: MaskRules): GuardKnowledge {
  const values: { name: string; value: string }[] = [];
  // Only what masking would hide is a team secret: PORT=3000 or APP_ENV=development in a README is fine.
  const addSecrets = (name: string, value: string): void => {
    // Not indexed: a value still unfilled (`sk_test_<key>` copied from .env.example), which is in the
    // committed example itself, so as a team secret it would block the very commit that seals it; and
    // what the detector never calls a secret (a reference such as `${DB_PASSWORD}`, a documented
    // example), which appears in code and docs by design.
    if (isUnfilled(value) || isPlaceholderOrReference(value) || isDocumentedExample(value)) return;
    // The whole value when it is secret, and each secret inside it (a token in a URL or a header),
    // since that is what gets pasted elsewhere.
    for (const part of secretParts(value, classify(name, value, rules))) values.push({ name, value: part });
  };
  const rings = new Map<string, KeyRing>();
  const knownKeys = new Map<string, MasterKey>();
  const plainFiles = new Set<string>();
  const learnKeys = (ring: KeyRing | undefined): void => {
    for (const key of ring?.keys ?? []) if (!knownKeys.has(key.fingerprint)) knownKeys.set(key.fingerprint, key);
  };
  const learnValues = (file: string, ring: KeyRing): boolean => {
    try {
      const { opened } = openSealedFile({ env, file, ring });
      for (const line of opened.lines) if (line.kind === 'entry') addSecrets(line.name, line.value);
      return true;
    } catch (e) {
      if (!(e instanceof EnvsealError)) throw e;
      return false;
    }
  };
  // Each environment has its own keys (.env.production.key, ENVSEAL_MASTER_KEY_PRODUCTION...): looked
  // up once per directory and environment.
  const ringsByLookup = new Map<string, KeyRing | undefined>();
  const ringFor = (absolute: string, envName: string | undefined): KeyRing | undefined => {
    const lookup = `${path.dirname(absolute)}\0${envName ?? ''}`;
    if (!ringsByLookup.has(lookup)) ringsByLookup.set(lookup, keysOf(absolute, envName, env));
    return ringsByLookup.get(lookup);
  };
  const unopened: string[] = [];

  for (const file of sealedFiles) {
    const absolute = path.join(root, file);
    plainFiles.add(plainNameFor(absolute));
    // Keys are looked up for a sealed file that is staged but gone from the work tree too.
    const ring = ringFor(absolute, envNameOf(file));
    learnKeys(ring);
    if (ring) rings.set(file, ring);
    if (fs.existsSync(absolute) && !(ring && learnValues(absolute, ring))) unopened.push(absolute);
  }
  // Key files lying at the root are keys too, whether or not a sealed file of theirs is tracked.
  const rootEntries = safeReaddir(root);
  for (const name of rootEntries) {
    if (classifyName(name) === 'key-file' && name.endsWith('.key')) learnKeys(keyFileRing(path.join(root, name), env));
  }
  // A file sealed with another environment's key (copied, or sealed with --key-file) still opens.
  if (unopened.length > 0 && knownKeys.size > 0) {
    const [current, ...previous] = knownKeys.values();
    const everyKey = new KeyRing({ current: current!, previous: previous.map((key) => ({ key })), kind: 'memory', source: 'the keys the guard found' });
    for (const file of unopened) learnValues(file, everyKey);
  }
  for (const name of rootEntries) if (classifyName(name) === 'plaintext-env-file') plainFiles.add(path.join(root, name));
  for (const file of plainFiles) {
    try {
      if (!fs.statSync(file).isFile()) continue;
      const record = toRecord(parseEnv(readText(file).text, file));
      for (const [name, value] of Object.entries(record)) {
        // A dotenvx file's ciphertexts and public key are no values of the team's (the file is sealed).
        if (!name.startsWith(PUBLIC_KEY_PREFIX) && !isDotenvxCiphertext(value)) addSecrets(name, value);
      }
    } catch {
      // Missing or unparseable plaintext teaches the guard nothing; it is not the guard's job to report it.
    }
  }
  return { teamSecrets: TeamSecretIndex.build(values), knownKeys: [...knownKeys.values()].map((key) => key.export()), keysFor: (file) => rings.get(file) };
}

/**
 * The keys of one environment, from the source that would open its files, and from its key file when
 * another source (a variable) wins: both are the team's keys, and neither may be committed.
 */
function keysOf(envFile: string, envName: string | undefined, env: NodeJS.ProcessEnv): KeyRing | undefined {
  let ring: KeyRing | undefined;
  try {
    ring = tryResolveKeyRing({ envFile, ...(envName ? { envName } : {}), env });
  } catch (e) {
    if (!(e instanceof EnvsealError)) throw e; // an unreadable key file or a failing key command: known less
  }
  const keyFile = findKeyFile({ envFile, ...(envName ? { envName } : {}) });
  if (!keyFile || ring?.keyFilePath === keyFile) return ring;
  const fromFile = keyFileRing(keyFile, env);
  return !ring ? fromFile : fromFile ? ring.withPrevious(fromFile.keys.map((key) => ({ key }))) : ring;
}

function keyFileRing(file: string, env: NodeJS.ProcessEnv): KeyRing | undefined {
  try {
    return tryResolveKeyRing({ envFile: file, keyFile: file, env });
  } catch (e) {
    if (!(e instanceof EnvsealError)) throw e;
    return undefined;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
