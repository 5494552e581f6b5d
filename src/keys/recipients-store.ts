/**
 * The recipients file as a key source, and as the place rotation stores a new key (the part the key
 * file plays for a shared key). Opening: the first identity (keys/identity-sources.ts) whose public
 * key matches a granted, unrevoked line unwraps that line's age file; the key file inside must verify
 * the line's MAC, so a line forged by someone without the key is refused. Writing: every valid
 * recipient gets the new key (with the old one as previous), each line signed under the new key.
 */
import * as path from 'node:path';
import { type Identity, type IdentityFile, type Recipient, decryptWith, encryptTo, parseIdentity, parseRecipient } from '../age/index.js';
import type { MasterKey } from '../crypto/master-key.js';
import { recipientsFileName } from '../env-files.js';
import { EnvsealError, Code } from '../errors.js';
import { type GrantLine, type RecipientsFile, type RecipientsLine, type RevokedLine, macValid, parseRecipients, renderRecipients, signed } from '../format/recipients.js';
import { PUBLIC_MODE, displayPath, exists, readText, writeFileAtomic } from '../io/files.js';
import { directoriesUpToRoot } from '../io/repo.js';
import { type IdentityLookup, identityCandidates, identitySources } from './identity-sources.js';
import { parseKeyFile } from './key-file.js';
import { KeyRing } from './key-ring.js';

export interface RecipientsLookup extends IdentityLookup {
  envFile: string;
  /** Asks for an identity's passphrase; absent where nobody can answer (no terminal, a hook). */
  askPassphrase?: (source: string) => string;
}

/** The nearest recipients file for this env, from the env file's directory up to the repository root. */
export function findRecipientsFile(lookup: Pick<RecipientsLookup, 'envFile' | 'envName'>): string | undefined {
  const name = recipientsFileName(lookup.envName);
  for (const dir of directoriesUpToRoot(path.dirname(path.resolve(lookup.envFile)))) {
    const candidate = path.join(dir, name);
    if (exists(candidate)) return candidate;
  }
  return undefined;
}

export interface Grant {
  line: GrantLine;
  recipient: Recipient;
  /** A tombstone names this key: a grant that came back through a union merge. */
  revoked: boolean;
}

export interface RecipientsState {
  file: string;
  label: string;
  parsed: RecipientsFile;
  grants: Grant[];
  tombstones: RevokedLine[];
  /** Lines whose public key cannot be parsed (reported, never re-wrapped). */
  unreadable: GrantLine[];
}

export function readRecipients(file: string): RecipientsState {
  const label = displayPath(file);
  const parsed = parseRecipients(readText(file).text, label);
  const tombstones = parsed.lines.filter((l): l is RevokedLine => l.kind === 'revoked');
  const grants: Grant[] = [];
  const unreadable: GrantLine[] = [];
  for (const line of parsed.lines) {
    if (line.kind !== 'recipient') continue;
    let recipient: Recipient;
    try {
      recipient = parseRecipient(line.recipient);
    } catch {
      unreadable.push(line);
      continue;
    }
    const revoked = tombstones.some((t) => t.name === line.name && t.fingerprint === recipient.fingerprint);
    grants.push({ line, recipient, revoked });
  }
  return { file, label, parsed, grants, tombstones, unreadable };
}

export interface UnwrappedRing {
  ring: KeyRing;
  /** The grant that was opened, and the identity that opened it. */
  as: Grant;
  identitySource: string;
}

/** The keys in the recipients file, through the first identity that matches a grant. */
export function unwrapRecipients(state: RecipientsState, lookup: RecipientsLookup): UnwrappedRing {
  const live = state.grants.filter((g) => !g.revoked);
  const tried: string[] = [];
  for (const candidate of identityCandidates(lookup)) {
    let identityFile: IdentityFile;
    try {
      identityFile = parseIdentity(candidate.text, candidate.source);
    } catch {
      tried.push(`${candidate.source} (not an identity envseal reads)`);
      continue;
    }
    tried.push(`${candidate.source} (${identityFile.recipient.fingerprint})`);
    const grant = live.find((g) => g.recipient.text === identityFile.recipient.text);
    if (!grant) continue;
    const identity = unlock(identityFile, candidate.source, lookup);
    return { ring: ringFrom(state, grant, identity, candidate.source), as: grant, identitySource: candidate.source };
  }
  throw noMatch(state, lookup, tried);
}

function unlock(file: IdentityFile, source: string, lookup: RecipientsLookup): Identity {
  if (!file.encrypted) return file.unlock();
  if (!lookup.askPassphrase) {
    throw new EnvsealError(
      Code.IDENTITY_PASSPHRASE,
      `${source} matches a recipient but is protected by a passphrase, and there is no terminal to ask at`,
      'Run the command at a terminal, load the key into a dedicated identity (`envseal identity new`, then have a teammate grant it), or give CI its own identity (`envseal grant ci --new-identity`).',
    );
  }
  return file.unlock(lookup.askPassphrase(source));
}

function ringFrom(state: RecipientsState, grant: Grant, identity: Identity, identitySource: string): KeyRing {
  const where = `${state.label} (line for ${grant.line.name})`;
  let payload: Buffer;
  try {
    payload = decryptWith(identity, Buffer.from(grant.line.age, 'base64'));
  } catch (e) {
    if (e instanceof EnvsealError) throw new EnvsealError(e.code, `${where}: ${e.message}`, 'Restore the recipients file from git, or ask a teammate to grant you again.');
    throw e;
  }
  const content = parseKeyFile(payload.toString('utf8'), where);
  if (!macValid(grant.line, content.current)) {
    throw new EnvsealError(
      Code.RECIPIENTS_INVALID,
      `${where} does not verify under the key it holds: it was not written by someone who holds the master key (a forged line)`,
      'Do not use it. Restore the recipients file from git and have a teammate who holds the key grant you (`envseal grant`).',
    );
  }
  return new KeyRing({ ...content, kind: 'recipients', source: `${state.label} as ${grant.line.name} (identity ${identitySource})`, recipientsPath: state.file });
}

function noMatch(state: RecipientsState, lookup: RecipientsLookup, tried: string[]): EnvsealError {
  const names = state.grants.filter((g) => !g.revoked).map((g) => g.line.name);
  const sources = tried.length > 0 ? tried.join(', ') : `none found (looked in ${identitySources(lookup).join(', ')})`;
  const flag = lookup.envName ? ` --env ${lookup.envName}` : '';
  return new EnvsealError(
    Code.IDENTITY_NO_MATCH,
    `none of your identities is a recipient of ${state.label}. Identities tried: ${sources}. Recipients: ${names.length > 0 ? names.join(', ') : 'none'}`,
    `Send a teammate who has access this line to run: envseal grant <your-name> '<your public key>'${flag} (\`envseal whoami\` prints it with your key), then pull.`,
  );
}

export interface NewGrant {
  name: string;
  recipient: Recipient;
  granted: string;
  by?: string;
}

/** One recipient's line: `key` (and `previous`) wrapped to it as a key file in an age file, signed under `key`. */
export function wrapGrant(key: MasterKey, previous: MasterKey | undefined, grant: NewGrant): GrantLine {
  const payload = Buffer.from(`${key.export()}\n${previous ? `previous ${previous.export()}\n` : ''}`);
  const age = encryptTo([grant.recipient], payload).toString('base64');
  return signed<GrantLine>({ kind: 'recipient', name: grant.name, recipient: grant.recipient.text, granted: grant.granted, ...(grant.by ? { by: grant.by } : {}), age }, key);
}

/** The whole file with `key` wrapped to every grant; tombstones re-signed under `key`. */
export function renderWrapped(key: MasterKey, previous: MasterKey | undefined, grants: readonly NewGrant[], tombstones: readonly RevokedLine[]): string {
  const lines: RecipientsLine[] = grants.map((g) => wrapGrant(key, previous, g));
  for (const { mac: _signature, ...unsigned } of tombstones) lines.push(signed<RevokedLine>(unsigned, key));
  return renderRecipients(key.fingerprint, lines);
}

export function writeRecipients(file: string, text: string): void {
  writeFileAtomic(file, text, { mode: PUBLIC_MODE });
}

/** The grants to keep when re-wrapping: unrevoked, and with a MAC that holds under a key of `ring`. */
export function validGrants(state: RecipientsState, keys: readonly MasterKey[]): Grant[] {
  return state.grants.filter((g) => !g.revoked && keys.some((k) => macValid(g.line, k)));
}
