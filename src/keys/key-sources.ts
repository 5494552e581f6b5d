/**
 * Where the master key comes from. First match wins:
 *   1. --key-file PATH
 *   2. ENVSEAL_MASTER_KEY_<ENV> (with --env), ENVSEAL_MASTER_KEY, SECRETS_MASTER_KEY
 *   3. ENVSEAL_KEY_COMMAND: a shell command whose stdout is the key (Vault, AWS Secrets Manager, pass...)
 *   4. the key file (.env.key, .env.<env>.key) in the env file's directory or any parent up to the
 *      repository root
 *   5. the recipients file (.env.recipients, looked up the same way), opened with the first identity
 *      that matches one of its recipients (keys/identity-sources.ts)
 * Previous keys (tried after the current one when opening) come from the key file or key command
 * output and from ENVSEAL_MASTER_KEY_PREVIOUS.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MasterKey } from '../crypto/master-key.js';
import { EnvsealError, Code } from '../errors.js';
import { keyFileName, recipientsFileName } from '../env-files.js';
import { KEY_COMMAND_VARIABLE, PREVIOUS_KEYS_VARIABLE, keyCommand, keyCommandTimeoutMs, keyFromVariables, keyVariableNames, previousKeyEntries } from '../env-vars.js';
import { displayPath } from '../io/files.js';
import { directoriesUpToRoot } from '../io/repo.js';
import { type PreviousKey, parseKeyFile } from './key-file.js';
import { KeyRing } from './key-ring.js';
import { readKeyFile } from './key-store.js';
import { runSourceCommand } from './source-command.js';
import { findRecipientsFile, readRecipients, unwrapRecipients } from './recipients-store.js';

export interface KeyLookup {
  /** The env file (plaintext or sealed) the key is for; key files are looked up from its directory. */
  envFile: string;
  envName?: string;
  keyFile?: string;
  /** --identity: the identity to open the recipients file with. */
  identityFile?: string;
  /** Asks for an identity's passphrase; absent where nobody can answer (no terminal, a hook). */
  askPassphrase?: (source: string) => string;
  env: NodeJS.ProcessEnv;
}

/** The keys for `lookup`'s file, from the first source that holds one; E_KEY_MISSING when none does. */
export function resolveKeyRing(lookup: KeyLookup): KeyRing {
  const ring = tryResolveKeyRing(lookup);
  if (!ring) throw missingKeyError(lookup);
  return ring;
}

/** Like resolveKeyRing, but undefined instead of an error when no source holds a key. */
export function tryResolveKeyRing(lookup: KeyLookup): KeyRing | undefined {
  return findCurrent(lookup)?.withPrevious(previousFromVariable(lookup.env));
}

function findCurrent(lookup: KeyLookup): KeyRing | undefined {
  if (lookup.keyFile) {
    const file = path.resolve(lookup.keyFile);
    const content = readKeyFile(file, true);
    // A pipe (--key-file <(...)) is read once: rotation must treat it like a variable, not rewrite it.
    const writable = fs.statSync(file).isFile();
    return new KeyRing({ ...content, kind: 'key-file-flag', source: `key file ${displayPath(file)}`, ...(writable ? { keyFilePath: file } : {}) });
  }
  const variable = keyFromVariables(lookup.env, lookup.envName);
  if (variable) return new KeyRing({ current: MasterKey.parse(variable.value, variable.variable), kind: 'variable', source: variable.variable });
  const command = keyCommand(lookup.env);
  if (command !== undefined) {
    return new KeyRing({ ...parseKeyFile(runSourceCommand(command, KEY_COMMAND_VARIABLE, keyCommandTimeoutMs(lookup.env)), KEY_COMMAND_VARIABLE), kind: 'command', source: KEY_COMMAND_VARIABLE });
  }
  const file = findKeyFile(lookup);
  if (file) return new KeyRing({ ...readKeyFile(file), kind: 'key-file', source: `key file ${displayPath(file)}`, keyFilePath: file });
  const recipients = findRecipientsFile(lookup);
  if (recipients) return unwrapRecipients(readRecipients(recipients), lookup).ring;
  return undefined;
}

/**
 * Where `lookup`'s key comes from and where a rotation stores the next one, decided as findCurrent
 * decides but without reading a key. Files with the same `id` share one key (a monorepo's root key
 * file serving several apps): one rotation, one new key, serves them all.
 */
export interface KeyStore {
  id: string;
  keyFile?: string;
  recipientsFile?: string;
}

export function keyStoreOf(lookup: Pick<KeyLookup, 'envFile' | 'envName' | 'keyFile' | 'env'>): KeyStore {
  const recipientsFile = findRecipientsFile(lookup);
  const keyFile = lookup.keyFile ? path.resolve(lookup.keyFile) : keyFromVariables(lookup.env, lookup.envName) || keyCommand(lookup.env) !== undefined ? undefined : findKeyFile(lookup);
  const source = keyFile ?? keyFromVariables(lookup.env, lookup.envName)?.variable ?? (keyCommand(lookup.env) !== undefined ? KEY_COMMAND_VARIABLE : '');
  return { id: `${source}\0${recipientsFile ?? ''}`, ...(keyFile ? { keyFile } : {}), ...(recipientsFile ? { recipientsFile } : {}) };
}

/** The nearest existing key file for this env, from the env file's directory up to the repository root. */
export function findKeyFile(lookup: Pick<KeyLookup, 'envFile' | 'envName'>): string | undefined {
  const name = keyFileName(lookup.envName);
  for (const dir of directoriesUpToRoot(path.dirname(path.resolve(lookup.envFile)))) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

function previousFromVariable(env: NodeJS.ProcessEnv): PreviousKey[] {
  return previousKeyEntries(env).map((part, i) => ({ key: MasterKey.parse(part, `${PREVIOUS_KEYS_VARIABLE} (entry ${i + 1})`) }));
}

/** E_KEY_MISSING for `lookup`: where envseal looked, and the variable or file that would hold the key. */
export function missingKeyError(lookup: KeyLookup): EnvsealError {
  const variables = keyVariableNames(lookup.envName);
  const name = keyFileName(lookup.envName);
  const dirs = directoriesUpToRoot(path.dirname(path.resolve(lookup.envFile)));
  const nearest = path.join(dirs[dirs.length - 1]!, name);
  const envFlag = lookup.envName ? ` --env ${lookup.envName}` : '';
  return new EnvsealError(
    Code.KEY_MISSING,
    `no master key found for ${displayPath(lookup.envFile)}. Looked in: ${variables.join(', ')}, ${KEY_COMMAND_VARIABLE}, and ${name} in ${dirs.map(displayDir).join(', ')}`,
    `Set ${variables[0]} (in CI: a secret with that name), or save the key in ${displayPath(nearest)} (chmod 600). ` +
      `Starting a new project? Run \`envseal init${envFlag}\`. Teams that grant access per person commit ${recipientsFileName(lookup.envName)}: ask a teammate to grant you (\`envseal whoami\` prints the line to send).`,
  );
}

const displayDir = (dir: string): string => {
  const shown = displayPath(dir);
  return shown === dir && dir === process.cwd() ? '.' : shown;
};
