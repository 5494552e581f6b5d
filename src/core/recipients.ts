/**
 * Per-teammate access (docs/WORKFLOW.md, "Team access"): the master key wrapped to each teammate's
 * public key in the committed recipients file. `grant` adds one line and leaves every other line
 * byte for byte (so two concurrent grants merge by union); `revoke` is a rotation that drops the
 * recipient and writes its tombstone in the same durable step that stores the new key
 * (core/rotate.ts); `rotate` re-wraps the new key to every valid recipient.
 */
import * as path from 'node:path';
import { parseRecipient, type Recipient } from '../age/index.js';
import type { MasterKey } from '../crypto/master-key.js';
import { recipientsFileName } from '../env-files.js';
import { EnvsealError, Code } from '../errors.js';
import { type RecipientsLine, type RevokedLine, RECIPIENT_NAME, macValid, renderRecipients } from '../format/recipients.js';
import { displayPath, exists } from '../io/files.js';
import { lockFiles } from '../io/lock.js';
import type { KeyRing } from '../keys/key-ring.js';
import { findKeyFile, resolveKeyRing } from '../keys/key-sources.js';
import { type RecipientsState, findRecipientsFile, readRecipients, renderWrapped, validGrants, wrapGrant, writeRecipients } from '../keys/recipients-store.js';
import { isoSeconds } from './history.js';
import { type KeyOptions, openSealedFile } from './open.js';

export interface Revocation {
  name: string;
  fingerprint: string;
  date: string;
  by?: string;
  reason: string;
}

/**
 * Where the recipients file for `sealedFile` is, or would be created: beside the key file it takes
 * over from (a monorepo's root .env.key serves every app, and so will its recipients file), else
 * beside the sealed file.
 */
export function recipientsFileFor(sealedFile: string, envName: string | undefined): string {
  const lookup = { envFile: sealedFile, ...(envName ? { envName } : {}) };
  const beside = path.dirname(findKeyFile(lookup) ?? sealedFile);
  return findRecipientsFile(lookup) ?? path.join(beside, recipientsFileName(envName));
}

export function validateRecipientName(name: string): void {
  if (RECIPIENT_NAME.test(name)) return;
  throw new EnvsealError(Code.USAGE_NAME, `"${name.slice(0, 64)}" is not a recipient name`, 'Use letters, digits, ".", "_", "-" and "@" (up to 64), starting with a letter or digit: alice, ci-production, bob@laptop.');
}

export interface GrantRequest extends KeyOptions {
  /** The sealed file whose key is granted. */
  file: string;
  name: string;
  /** One public key line: `ssh-ed25519 AAAA… comment`, `ssh-rsa …` or `age1…`. */
  publicKey: string;
  now: Date;
  by?: string;
}

export interface GrantResult {
  recipientsFile: string;
  created: boolean;
  /** False when the same name already had this very key: nothing was written. */
  written: boolean;
  recipient: Recipient;
  keyFingerprint: string;
}

export function grantRecipient(request: GrantRequest): GrantResult {
  validateRecipientName(request.name);
  const recipient = parseRecipient(request.publicKey);
  // A monorepo's root holds the key but no sealed file of its own: its key is what every app opens with.
  const ring = exists(request.file) ? openSealedFile(request).ring : resolveKeyRing({ ...request, envFile: request.file });
  const file = recipientsFileFor(request.file, request.envName);
  const release = lockFiles([file]);
  try {
    const created = !exists(file);
    const state = created ? undefined : readRecipients(file);
    const existing = state?.grants.find((g) => g.line.name === request.name && !g.revoked);
    const result: GrantResult = { recipientsFile: file, created, written: false, recipient, keyFingerprint: ring.current.fingerprint };
    if (existing) {
      if (existing.recipient.text === recipient.text && macValid(existing.line, ring.current)) return result;
      throw new EnvsealError(
        Code.RECIPIENT_EXISTS,
        `${request.name} is already a recipient of ${displayPath(file)} (${existing.recipient.fingerprint})`,
        `To give ${request.name} another key, pick another name (${request.name}-laptop); to replace the key, \`envseal revoke ${request.name}\` first.`,
      );
    }
    if (state) assertCurrentKey(state, ring);
    const line = wrapGrant(ring.current, ring.previous[0]?.key, { name: request.name, recipient, granted: isoSeconds(request.now), ...(request.by ? { by: request.by } : {}) });
    writeRecipients(file, renderRecipients(ring.current.fingerprint, [...(state?.parsed.lines ?? []), line]));
    result.written = true;
    return result;
  } finally {
    release();
  }
}

/** A grant is added under the key the file's lines wrap; lines under another key need `recipients repair`. */
function assertCurrentKey(state: RecipientsState, ring: KeyRing): void {
  if (state.parsed.keys.length === 1 && state.parsed.keys[0] === ring.current.fingerprint) return;
  throw new EnvsealError(
    Code.RECIPIENTS_INVALID,
    `${state.label} wraps key ${state.parsed.keys.join(' and ')}, not the current key ${ring.current.fingerprint}`,
    'Run `envseal rotate` (it re-wraps the current key to every valid recipient), then grant again.',
  );
}

/** Re-wraps `newKey` (with `oldKey` as previous) to every valid recipient; `revoke` drops one and writes its tombstone. */
export function rewrapRecipients(file: string, ring: KeyRing, newKey: MasterKey, oldKey: MasterKey | undefined, revoke: Revocation | undefined): void {
  const state = readRecipients(file);
  const grants = validGrants(state, ring.keys).filter((g) => g.line.name !== revoke?.name);
  const tombstones: RevokedLine[] = state.tombstones.filter((t) => ring.keys.some((k) => macValid(t, k)));
  if (revoke) tombstones.push({ kind: 'revoked', ...revoke, mac: '' });
  const remaining = grants.map((g) => ({ name: g.line.name, recipient: g.recipient, granted: g.line.granted, ...(g.line.by ? { by: g.line.by } : {}) }));
  writeRecipients(file, renderWrapped(newKey, oldKey, remaining, tombstones));
}

/**
 * After a union merge: one header, every valid grant (a grant made under the previous key included)
 * wrapped to the current key, revoked, forged and unreadable lines dropped. No new key: `rotate` is
 * for that.
 */
export function repairRecipients(file: string, ring: KeyRing): { kept: number; dropped: string[] } {
  const release = lockFiles([file]);
  try {
    const state = readRecipients(file);
    const kept = validGrants(state, ring.keys).map((g) => g.line.name);
    const dropped = [...new Set([...state.grants.map((g) => g.line.name), ...state.unreadable.map((l) => l.name)].filter((name) => !kept.includes(name)))];
    rewrapRecipients(file, ring, ring.current, ring.previous[0]?.key, undefined);
    return { kept: kept.length, dropped };
  } finally {
    release();
  }
}

export interface RecipientInfo {
  name: string;
  type: Recipient['type'] | 'unknown';
  fingerprint?: string;
  granted?: string;
  by?: string;
  status: 'ok' | 'revoked' | 'forged' | 'stale' | 'unverified' | 'unreadable';
  revoked?: { date: string; by?: string; reason?: string };
}

/**
 * Every line, with what can be said about it: with a key at hand, whether its MAC holds under the
 * current key ('ok'), a previous one ('stale': `rotate` re-wraps it), or none ('forged').
 */
export function listRecipients(state: RecipientsState, ring: KeyRing | undefined): RecipientInfo[] {
  const status = (line: RecipientsLine): RecipientInfo['status'] => {
    if (!ring) return 'unverified';
    if (macValid(line, ring.current)) return 'ok';
    return ring.previous.some((p) => macValid(line, p.key)) ? 'stale' : 'forged';
  };
  const infos: RecipientInfo[] = state.grants.map((g) => ({
    name: g.line.name,
    type: g.recipient.type,
    fingerprint: g.recipient.fingerprint,
    granted: g.line.granted,
    ...(g.line.by ? { by: g.line.by } : {}),
    status: g.revoked ? 'revoked' : status(g.line),
  }));
  for (const line of state.unreadable) infos.push({ name: line.name, type: 'unknown', granted: line.granted, status: 'unreadable' });
  for (const t of state.tombstones) {
    infos.push({ name: t.name, type: 'unknown', fingerprint: t.fingerprint, status: ring && !macValid(t, ring.current) && !ring.previous.some((p) => macValid(t, p.key)) ? 'forged' : 'revoked', revoked: { date: t.date, ...(t.by ? { by: t.by } : {}), ...(t.reason ? { reason: t.reason } : {}) } });
  }
  return infos.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Who can open a file, told apart by name: `recovery…` is a recovery identity kept offline, `ci…` a
 * CI identity, anyone else a person (docs/WORKFLOW.md, "Team access"). Fewer than two people plus a
 * recovery identity is thin: one lost laptop could lose every value.
 */
export interface AccessCover {
  people: string[];
  recovery: string[];
  ci: string[];
  thin: boolean;
}

const RECOVERY_NAME = /^recovery(?:$|[-._@])/i;
const CI_NAME = /^ci(?:$|[-._@])/i;

/** The cover of the lines that open the file (MAC-valid under the current key, or unverified without one). */
export function accessCover(infos: readonly RecipientInfo[]): AccessCover {
  const names = infos.filter((i) => i.status === 'ok' || i.status === 'unverified').map((i) => i.name);
  const recovery = names.filter((n) => RECOVERY_NAME.test(n));
  const ci = names.filter((n) => CI_NAME.test(n));
  const people = names.filter((n) => !recovery.includes(n) && !ci.includes(n));
  return { people, recovery, ci, thin: people.length < 2 || recovery.length === 0 };
}

/** What is wrong with a line of each bad status, and what to do. */
export const BAD_RECIPIENT_HELP: Readonly<Record<'forged' | 'stale' | 'unreadable', string>> = {
  forged: 'its MAC does not verify under any key you hold: it was not written by someone with the key. Remove it (restore the file from git) and grant again.',
  stale: 'granted under a previous key (a grant merged after a rotation): `envseal rotate` re-wraps the current key to it.',
  unreadable: 'its public key cannot be read by this envseal.',
};

export interface RecipientsVerdict {
  infos: RecipientInfo[];
  /** Lines `recipients verify` fails on: forged, stale or unreadable. */
  bad: Array<RecipientInfo & { status: keyof typeof BAD_RECIPIENT_HELP }>;
  /** Problems of the file itself: lines that cannot be parsed, more than one header. */
  problems: string[];
}

/** What `recipients verify` (and `doctor`) judge; without a key no MAC can be checked, so only the file's own problems show. */
export function judgeRecipients(state: RecipientsState, ring: KeyRing | undefined): RecipientsVerdict {
  const infos = listRecipients(state, ring);
  const bad = infos.filter((i): i is RecipientsVerdict['bad'][number] => i.status in BAD_RECIPIENT_HELP);
  const problems = [...state.parsed.problems.map((p) => p.message), ...(state.parsed.keys.length > 1 ? [`${state.parsed.keys.length} headers (a union merge of two keys): run \`envseal rotate\``] : [])];
  return { infos, bad, problems };
}

/** The live grant of `name`, for revoke; RECIPIENT_MISSING when there is none. */
export function liveGrant(state: RecipientsState, name: string): { fingerprint: string } {
  const grant = state.grants.find((g) => g.line.name === name && !g.revoked);
  if (!grant) {
    const names = state.grants.filter((g) => !g.revoked).map((g) => g.line.name);
    throw new EnvsealError(Code.RECIPIENT_MISSING, `${name} is not a recipient of ${state.label}`, `Recipients: ${names.join(', ') || 'none'}. Names are case-sensitive.`);
  }
  return { fingerprint: grant.recipient.fingerprint };
}

export interface RecipientsChange {
  change: '+' | '-' | 'revoked';
  name: string;
  detail: string;
}

/** What changed in the recipients file since `rev`, for a reviewer: one line per grant added, removed or revoked. */
export function diffRecipients(state: RecipientsState, before: RecipientsState | undefined): RecipientsChange[] {
  const key = (g: { line: { name: string }; recipient: Recipient }): string => `${g.line.name} ${g.recipient.fingerprint}`;
  const old = new Map((before?.grants ?? []).filter((g) => !g.revoked).map((g) => [key(g), g]));
  const now = new Map(state.grants.filter((g) => !g.revoked).map((g) => [key(g), g]));
  const changes: RecipientsChange[] = [];
  for (const [k, g] of now) {
    if (!old.has(k)) changes.push({ change: '+', name: g.line.name, detail: `${g.recipient.type} ${g.recipient.fingerprint} granted ${g.line.granted.slice(0, 10)}${g.line.by ? ` by ${g.line.by}` : ''}` });
  }
  const revokedNow = new Set(state.tombstones.map((t) => `${t.name} ${t.fingerprint}`));
  for (const [k, g] of old) {
    if (now.has(k)) continue;
    const tombstone = state.tombstones.find((t) => `${t.name} ${t.fingerprint}` === k);
    changes.push(revokedNow.has(k) ? { change: 'revoked', name: g.line.name, detail: `${tombstone!.date.slice(0, 10)}${tombstone!.by ? ` by ${tombstone!.by}` : ''}${tombstone!.reason ? ` (${tombstone!.reason})` : ''}` } : { change: '-', name: g.line.name, detail: `${g.recipient.type} ${g.recipient.fingerprint} removed without a tombstone` });
  }
  return changes;
}
