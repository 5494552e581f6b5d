/**
 * Where a teammate's identity (the private half of a recipient) comes from, in order; the first whose
 * public key matches a line of the recipients file is used (keys/recipients-store.ts):
 *   1. --identity FILE
 *   2. ENVSEAL_IDENTITY_<ENV>, then ENVSEAL_IDENTITY: the identity's text (a CI secret)
 *   3. ENVSEAL_IDENTITY_FILE, then ENVSEAL_IDENTITY_COMMAND (its stdout)
 *   4. $XDG_CONFIG_HOME/envseal/identity (what `envseal identity new` writes)
 *   5. ~/.ssh/id_ed25519, then ~/.ssh/id_rsa
 * Candidates are produced lazily: a command runs only when nothing before it matched. Files that do
 * not exist are skipped; a file that exists but cannot be read is an error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  IDENTITY_COMMAND_VARIABLE,
  IDENTITY_FILE_VARIABLE,
  configHome,
  homeDir,
  identityCommand,
  identityFileVariable,
  identityVariableNames,
  keyCommandTimeoutMs,
} from '../env-vars.js';
import { displayPath, readText } from '../io/files.js';
import { runSourceCommand } from './source-command.js';

export interface IdentityLookup {
  identityFile?: string;
  envName?: string;
  env: NodeJS.ProcessEnv;
}

export interface IdentityCandidate {
  /** Where it came from, for messages: a path or a variable, never the identity. */
  source: string;
  text: string;
}

/** The file `envseal identity new` writes, when there is a home to write it in. */
export function defaultIdentityFile(env: NodeJS.ProcessEnv): string | undefined {
  const config = configHome(env);
  return config ? path.join(config, 'envseal', 'identity') : undefined;
}

/** The places looked in, in order, for messages ("identities tried"). */
export function identitySources(lookup: IdentityLookup): string[] {
  return [
    ...(lookup.identityFile ? [`--identity ${displayPath(lookup.identityFile)}`] : []),
    ...identityVariableNames(lookup.envName),
    IDENTITY_FILE_VARIABLE,
    IDENTITY_COMMAND_VARIABLE,
    ...fileCandidates(lookup.env).map(displayPath),
  ];
}

export function* identityCandidates(lookup: IdentityLookup): Generator<IdentityCandidate> {
  if (lookup.identityFile) yield { source: displayPath(lookup.identityFile), text: readText(lookup.identityFile).text };
  for (const variable of identityVariableNames(lookup.envName)) {
    const text = lookup.env[variable];
    if (text !== undefined && text.trim() !== '') yield { source: variable, text };
  }
  const file = identityFileVariable(lookup.env);
  if (file) yield { source: `${IDENTITY_FILE_VARIABLE} (${displayPath(file)})`, text: readText(file).text };
  const command = identityCommand(lookup.env);
  if (command) yield { source: IDENTITY_COMMAND_VARIABLE, text: runSourceCommand(command, IDENTITY_COMMAND_VARIABLE, keyCommandTimeoutMs(lookup.env)) };
  for (const candidate of fileCandidates(lookup.env)) {
    if (fs.existsSync(candidate)) yield { source: displayPath(candidate), text: readText(candidate).text };
  }
}

function fileCandidates(env: NodeJS.ProcessEnv): string[] {
  const home = homeDir(env);
  const own = defaultIdentityFile(env);
  return [...(own ? [own] : []), ...(home ? [path.join(home, '.ssh', 'id_ed25519'), path.join(home, '.ssh', 'id_rsa')] : [])];
}
