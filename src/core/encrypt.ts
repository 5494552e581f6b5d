/**
 * encrypt: a plaintext .env into its sealed file, atomically. Unchanged values keep their ciphertext;
 * an output that is not a valid sealed file, or is sealed with another key, is never replaced without
 * being asked (--force, --rekey); nothing that would leak in plaintext parts is ever written.
 */
import { EnvsealError, ExitCode, Code } from '../errors.js';
import * as fs from 'node:fs';
import { type EnvLine, assertDotenvEquivalent, parseEnv } from '../format/envfile.js';
import { type HistoryEntry, type OpenedFile, WrongKeyError, openSealed } from '../format/sealed.js';
import { PUBLIC_MODE, backupFile, displayPath, exists, readText, writeFileAtomic } from '../io/files.js';
import type { KeyRing } from '../keys/key-ring.js';
import { resolveKeyRing } from '../keys/key-sources.js';
import { type ChangeSummary, summarizeChanges } from './changes.js';
import { historyEntry } from './history.js';
import type { KeyOptions } from './open.js';
import { sealGuarded } from './seal-guarded.js';
import { lockFiles } from '../io/lock.js';

export interface EncryptRequest extends KeyOptions {
  input: string;
  output: string;
  /** Overwrite an output that is not a sealed file or fails its integrity check (a backup is kept). */
  force?: boolean;
  /** Re-seal an output sealed with another key under the current key, deliberately. */
  rekey?: boolean;
  now: Date;
}

export interface EncryptResult {
  output: string;
  fingerprint: string;
  keySource: string;
  values: number;
  /** False when the sealed file already held exactly these values: nothing was written. */
  written: boolean;
  created: boolean;
  changes: ChangeSummary;
  backup?: string;
  /** With --rekey: the key the file was sealed with before (every value was re-sealed). */
  rekeyedFrom?: string;
  /** With --rekey of a file no key here opens: its history could not be verified and was dropped. */
  historyDropped?: boolean;
  /** Input quirks that were normalized (BOM, CRLF), for the user's information. */
  notes: string[];
}

export function encryptFile(request: EncryptRequest): EncryptResult {
  const release = lockFiles([request.output]);
  try {
    return encryptHoldingLock(request);
  } finally {
    release();
  }
}

function encryptHoldingLock(request: EncryptRequest): EncryptResult {
  const inputLabel = displayPath(request.input);
  const source = readText(request.input);
  const lines = parseEnv(source.text, inputLabel);
  assertDotenvEquivalent(source.text, lines, inputLabel);
  const ring = resolveKeyRing({ ...request, envFile: request.input });
  const existing = openExistingOutput(request, ring);
  const undone = existing.opened ? newerSealedChanges(request, existing.opened, lines) : undefined;
  if (undone && !request.force) {
    throw new EnvsealError(
      Code.PLAINTEXT_BEHIND,
      `${inputLabel} is older than ${displayPath(request.output)}, which holds changes it does not have (${describe(undone)}); sealing it would undo them`,
      `Refresh it first with \`envseal decrypt --force\` (a 0600 backup of it is kept), then make your change again; or add --force to seal ${inputLabel} as it is (the sealed file is backed up first).`,
    );
  }
  if (undone) existing.needsBackup = true;

  let history: HistoryEntry[];
  let rekey: Pick<EncryptResult, 'rekeyedFrom' | 'historyDropped'> = {};
  if (existing.opened && !existing.opened.legacy && existing.opened.keyIndex === 0) {
    history = existing.opened.history;
  } else if (existing.opened && !existing.opened.legacy) {
    history = [...existing.opened.history, historyEntry('rekeyed', ring.current, request.now, { previousKey: existing.opened.fingerprint })];
    rekey = { rekeyedFrom: existing.opened.fingerprint };
  } else if (existing.sealedWith) {
    // Re-sealed without being able to open it: its old history cannot be verified, so it is not carried over.
    history = [historyEntry('rekeyed', ring.current, request.now, { previousKey: existing.sealedWith })];
    rekey = { rekeyedFrom: existing.sealedWith, historyDropped: true };
  } else {
    history = [historyEntry('created', ring.current, request.now)];
  }
  const previous = existing.opened?.keyIndex === 0 ? existing.opened : undefined;
  const text = sealGuarded(lines, ring, { history, label: inputLabel, ...(previous ? { previous } : {}) });
  const result: EncryptResult = {
    output: request.output,
    fingerprint: ring.current.fingerprint,
    keySource: ring.source,
    values: lines.filter((l) => l.kind === 'entry').length,
    written: false,
    created: existing.text === undefined,
    changes: summarizeChanges(existing.opened?.lines, lines),
    notes: inputNotes(source, inputLabel),
    ...rekey,
  };
  if (existing.text === text) return result;
  if (existing.needsBackup) result.backup = backupFile(request.output, request.now);
  writeFileAtomic(request.output, text, { mode: PUBLIC_MODE });
  result.written = true;
  return result;
}

interface ExistingOutput {
  text?: string;
  opened?: OpenedFile;
  /** Fingerprint of the other key a file being re-keyed was sealed with. */
  sealedWith?: string;
  needsBackup: boolean;
}

/** Opens the current sealed output, if any, to reuse its tokens and history; decides whether replacing it is allowed. */
function openExistingOutput(request: EncryptRequest, ring: KeyRing): ExistingOutput {
  if (!exists(request.output)) return { needsBackup: false };
  const label = displayPath(request.output);
  const { text } = readText(request.output);
  try {
    const opened = openSealed(text, ring, label);
    if (opened.keyIndex > 0 && !request.rekey) throw rotatedKeyError(label, opened.fingerprint, ring);
    return { text, opened, needsBackup: false };
  } catch (e) {
    if (e instanceof WrongKeyError) {
      if (request.rekey) return { text, sealedWith: e.sealedWith, needsBackup: true };
      throw rotatedKeyError(label, e.sealedWith, ring);
    }
    if (e instanceof EnvsealError && e.exitCode === ExitCode.integrity && request.force) return { text, needsBackup: true };
    if (e instanceof EnvsealError && e.exitCode === ExitCode.integrity) {
      throw new EnvsealError(
        Code.OUTPUT_UNSAFE,
        `refusing to replace ${label}: ${e.message}`,
        `If you mean to replace it with a fresh seal of ${displayPath(request.input)}, add --force (the old file is kept as a backup).`,
      );
    }
    throw e;
  }
}

/**
 * The changes sealing `lines` would undo: when the sealed file is newer than the plaintext (after
 * `set`, `edit` or a `git pull`) and differs from it, the plaintext is behind, not ahead.
 */
function newerSealedChanges(request: EncryptRequest, opened: OpenedFile, lines: readonly EnvLine[]): ChangeSummary | undefined {
  if (fs.statSync(request.output).mtimeMs <= fs.statSync(request.input).mtimeMs) return undefined;
  const changes = summarizeChanges(opened.lines, lines);
  return changes.added.length + changes.changed.length + changes.removed.length > 0 ? changes : undefined;
}

/** Names only, from the sealed file's point of view (what it has that the plaintext lacks). */
function describe(changes: ChangeSummary): string {
  const parts = [
    changes.changed.length ? `different: ${changes.changed.join(', ')}` : '',
    changes.removed.length ? `only sealed: ${changes.removed.join(', ')}` : '',
    changes.added.length ? `only in the plaintext: ${changes.added.join(', ')}` : '',
  ];
  return parts.filter(Boolean).join('; ');
}

function rotatedKeyError(label: string, sealedWith: string, ring: KeyRing): EnvsealError {
  return new EnvsealError(
    Code.KEY_ROTATED,
    `${label} is sealed with key ${sealedWith}, not with your current key ${ring.current.fingerprint} (from ${ring.source}); envseal never seals with any other key than the current one`,
    `If the team rotated the key, get the new one and retry. If you mean to re-seal ${label} under your current key, add --rekey (everyone will then need your key).`,
  );
}

function inputNotes(source: { hadBom: boolean; hadCrlf: boolean }, label: string): string[] {
  const notes: string[] = [];
  if (source.hadBom) notes.push(`${label} starts with a byte-order mark; it was ignored.`);
  if (source.hadCrlf) notes.push(`${label} has CRLF line endings; the sealed file uses LF.`);
  return notes;
}
