/**
 * `envseal whoami` and `envseal identity new`: which of your identities envseal would use, and the
 * line to send a teammate so they can grant you; a dedicated age identity for people whose SSH key
 * lives on a token or is of a type age cannot wrap to.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateIdentity, parseIdentity, parseRecipient } from '../age/index.js';
import { EnvsealError, Code } from '../errors.js';
import { PRIVATE_MODE, createFileExclusive, displayPath, exists } from '../io/files.js';
import { type IdentityLookup, defaultIdentityFile, identityCandidates, identitySources } from '../keys/identity-sources.js';
import { readRecipients } from '../keys/recipients-store.js';
import { recipientsFileFor } from './recipients.js';

export interface IdentitySeen {
  source: string;
  /** The public key, one line; absent when the source is not an identity envseal reads. */
  recipient?: string;
  fingerprint?: string;
  /** The recipient name this identity is granted as, in the recipients file. */
  grantedAs?: string;
}

export interface WhoamiResult {
  identities: IdentitySeen[];
  /** Every place looked in, in order. */
  looked: string[];
  recipientsFile?: string;
  /** The identity envseal would use: the first granted one, else the first readable one. */
  chosen?: IdentitySeen;
}

export function whoami(request: IdentityLookup & { file: string }): WhoamiResult {
  const recipientsFile = recipientsFileFor(request.file, request.envName);
  const state = exists(recipientsFile) ? readRecipients(recipientsFile) : undefined;
  const identities: IdentitySeen[] = [];
  for (const candidate of identityCandidates(request)) {
    try {
      const { recipient } = parseIdentity(candidate.text, candidate.source);
      const grant = state?.grants.find((g) => !g.revoked && g.recipient.text === recipient.text);
      identities.push({ source: candidate.source, recipient: recipient.text, fingerprint: recipient.fingerprint, ...(grant ? { grantedAs: grant.line.name } : {}) });
    } catch {
      identities.push({ source: candidate.source });
    }
  }
  const chosen = identities.find((i) => i.grantedAs) ?? identities.find((i) => i.recipient);
  return { identities, looked: identitySources(request), ...(state ? { recipientsFile } : {}), ...(chosen ? { chosen } : {}) };
}

export interface NewIdentityResult {
  file?: string;
  /** The identity itself, when it was not written to a file (printed once by the CLI). */
  identity?: string;
  recipient: string;
  fingerprint: string;
}

/** A new age X25519 identity, written 0600 to `out` (default $XDG_CONFIG_HOME/envseal/identity), never over an existing file. */
export function newIdentity(request: { out?: string; env: NodeJS.ProcessEnv; print?: boolean }): NewIdentityResult {
  const { identity, recipient } = generateIdentity();
  const { fingerprint } = parseRecipient(recipient);
  if (request.print) return { identity, recipient, fingerprint };
  const file = request.out ?? defaultIdentityFile(request.env);
  if (!file) throw new EnvsealError(Code.USAGE, 'there is no home directory to keep the identity in ($HOME and $XDG_CONFIG_HOME are unset)', 'Pass --out FILE.');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  createFileExclusive(file, `# envseal identity (age X25519), created by envseal identity new. Keep it secret.\n# public key: ${recipient}\n${identity}\n`, PRIVATE_MODE);
  return { file: displayPath(file), recipient, fingerprint };
}
