/**
 * encrypt: a plaintext .env into its sealed file, atomically. Unchanged values keep their ciphertext;
 * an output that is not a valid sealed file, or is sealed with another key, is never replaced without
 * being asked (--force, --rekey); nothing that would leak in plaintext parts is ever written.
 */
import { EnvsealError, ExitCode, Code } from '../errors.js';
import * as fs from 'node:fs';
import { type EnvLine, assertDotenvEquivalent, parseEnv } from '../format/envfile.js';
import { renderEdited } from '../format/env-edit.js';
import { mergeEnv } from '../git/drivers.js';
import { isDotenvxCiphertext } from '../import/dotenvx.js';
import { type HistoryEntry, type OpenedFile, WrongKeyError, openSealed } from '../format/sealed.js';
import { PRIVATE_MODE, PUBLIC_MODE, backupFile, displayPath, exists, readText, writeFileAtomic } from '../io/files.js';
import type { KeyRing } from '../keys/key-ring.js';
import { resolveKeyRing } from '../keys/key-sources.js';
import { readBase, recordBase } from './base.js';
import { type ChangeSummary, summarizeChanges } from './changes.js';
import { historyEntry, isoSeconds } from './history.js';
import { reuseRules } from './value-ages.js';
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
  /** A deliberate roll-back: a value may return to one it held before, even where a policy forbids it. */
  allowReuse?: boolean;
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
  /** Names taken from the sealed file by the three-way merge (a teammate's change .env lacked). */
  fromSealed: string[];
  /** Names both sides changed where --force kept the plaintext's value. */
  keptLocal: string[];
  /** The plaintext was rewritten with the sealed file's changes (fromSealed). */
  plaintextUpdated: boolean;
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
  const plain = parseEnv(source.text, inputLabel);
  assertDotenvEquivalent(source.text, plain, inputLabel);
  refuseDotenvxCiphertexts(plain, inputLabel);
  const ring = resolveKeyRing({ ...request, envFile: request.input });
  const existing = openExistingOutput(request, ring);
  const merge = existing.opened ? mergeSealedChanges(request, existing, plain, ring) : undefined;
  const lines = merge?.lines ?? plain;

  let history: HistoryEntry[];
  let rekey: Pick<EncryptResult, 'rekeyedFrom' | 'historyDropped'> = {};
  if (existing.opened && existing.opened.keyIndex === 0) {
    history = existing.opened.history;
  } else if (existing.opened) {
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
  const result: EncryptResult = {
    output: request.output,
    fingerprint: ring.current.fingerprint,
    keySource: ring.source,
    values: lines.filter((l) => l.kind === 'entry').length,
    written: false,
    created: existing.text === undefined,
    changes: summarizeChanges(existing.opened?.lines, lines),
    fromSealed: merge?.fromSealed ?? [],
    keptLocal: merge?.keptLocal ?? [],
    plaintextUpdated: false,
    notes: inputNotes(source, inputLabel),
    ...rekey,
  };
  // Nothing to seal: the file already holds exactly these lines under the current key.
  let text = previous && sameLines(previous.lines, lines) ? existing.text! : seal(request, lines, ring, history, existing.opened);
  if (existing.text !== text) {
    if (existing.needsBackup || merge?.needsBackup) result.backup = backupFile(request.output, request.now);
    writeFileAtomic(request.output, text, { mode: PUBLIC_MODE });
    result.written = true;
  } else {
    text = existing.text;
  }
  if (merge && merge.fromSealed.length > 0) {
    // The plaintext gets the sealed file's changes before the base says they are in it: a crash in
    // between leaves the old base, and the next encrypt merges the same changes again.
    // Locked only now, when it is written: sealing a plaintext needs no more than reading it. No
    // deadlock can follow, since nothing holds a plaintext's lock while waiting for a sealed file's.
    const releaseInput = lockFiles([request.input]);
    try {
      // Edited again meanwhile (an editor saved it): left alone, and its base with it, so the next
      // encrypt merges the same changes into that edit.
      if (readText(request.input).text !== source.text) return result;
      writeFileAtomic(request.input, restoreQuirks(renderEdited(source.text, plain, lines, inputLabel), source), { mode: PRIVATE_MODE });
    } finally {
      releaseInput();
    }
    result.plaintextUpdated = true;
  }
  recordBase(request.input, request.output, text);
  return result;
}

/**
 * The sealed text. Value dates and records carry over from the file as it was, also when it was
 * sealed with a previous key (--rekey), whose tokens are not reused.
 */
function seal(request: EncryptRequest, lines: readonly EnvLine[], ring: KeyRing, history: HistoryEntry[], previous: OpenedFile | undefined): string {
  return sealGuarded(lines, ring, {
    history,
    now: isoSeconds(request.now),
    label: displayPath(request.input),
    ...(previous ? { previous } : {}),
    ...reuseRules(request.output, { allowReuse: Boolean(request.allowReuse) }),
  });
}

/**
 * A dotenvx file sealed as it is would hold dotenvx's ciphertexts, not the values: whoever opens it
 * later gets `encrypted:…` strings. Only real ciphertexts count (isDotenvxCiphertext): a value that
 * merely starts with "encrypted:" is sealed like any other.
 */
function refuseDotenvxCiphertexts(lines: readonly EnvLine[], label: string): void {
  const names = lines.flatMap((line) => (line.kind === 'entry' && isDotenvxCiphertext(line.value) ? [line.name] : []));
  if (names.length === 0) return;
  throw new EnvsealError(
    Code.DOTENVX_CIPHERTEXT,
    `${label} holds dotenvx ciphertexts (encrypted:…) as the values of ${names.join(', ')}: sealing them would store dotenvx's ciphertext, not the values; nothing was sealed`,
    `Import it with its private key instead: \`envseal import --from dotenvx --in ${label}\` (it reads .env.keys). Imported already? Then ${label} is dotenvx's copy: remove it (\`git rm\` if committed), and \`envseal decrypt\` writes the plaintext there.`,
  );
}

interface Merge {
  lines: EnvLine[];
  /** Names taken from the sealed file: a teammate's change the plaintext did not have. */
  fromSealed: string[];
  /** Names both sides changed where the plaintext's value was kept (--force). */
  keptLocal: string[];
  needsBackup: boolean;
}

/**
 * The plaintext's lines with the sealed file's own changes since the plaintext's base added, so that
 * sealing never undoes them: a three-way merge per name (the plaintext's edits, the sealed file's
 * changes, the base they both started from). Names both sides changed are refused, unless --force,
 * which keeps the plaintext's value for them. Without a recorded base, a sealed file newer than the
 * plaintext and different from it is refused (sealing would undo what it holds), unless --force.
 */
function mergeSealedChanges(request: EncryptRequest, existing: ExistingOutput, plain: EnvLine[], ring: KeyRing): Merge | undefined {
  const opened = existing.opened!;
  const base = readBase(request.input, request.output, ring, existing.text === undefined ? undefined : { text: existing.text, opened });
  const inputLabel = displayPath(request.input);
  const outputLabel = displayPath(request.output);
  if (!base) {
    const undone = newerSealedChanges(request, opened, plain);
    if (!undone) return undefined;
    if (!request.force) {
      throw new EnvsealError(
        Code.PLAINTEXT_BEHIND,
        `${inputLabel} is older than ${outputLabel}, which holds changes it does not have (${describe(undone)}); sealing it would undo them`,
        `Refresh it first with \`envseal decrypt --force\` (a 0600 backup of it is kept), then make your change again; or add --force to seal ${inputLabel} as it is (the sealed file is backed up first).`,
      );
    }
    return { lines: plain, fromSealed: [], keptLocal: [], needsBackup: true };
  }
  if (base.text === existing.text) return undefined; // the sealed file has not changed since
  const merged = mergeEnv<EnvLine & { kind: 'entry' }>(base.opened.lines, plain, opened.lines);
  if (merged.conflicts.length > 0 && !request.force) {
    throw new EnvsealError(
      Code.MERGE_CONFLICT,
      `${inputLabel} and ${outputLabel} both changed ${merged.conflicts.join(', ')} since ${inputLabel} was last decrypted or sealed, to different values; nothing was sealed`,
      `For each, make ${inputLabel} hold the value you want (\`envseal get NAME --reveal\` shows the sealed one), then run \`envseal encrypt\` again; or add --force to keep ${inputLabel}'s values for them (the sealed file's other changes are still kept).`,
    );
  }
  return { lines: merged.lines, fromSealed: merged.fromTheirs, keptLocal: merged.conflicts, needsBackup: merged.conflicts.length > 0 };
}

/** Whether two versions hold the same lines: same names, values, quoting, comments and layout. */
function sameLines(a: readonly EnvLine[], b: readonly EnvLine[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i]!;
    if (x.kind === 'trivia' || y.kind === 'trivia') return x.kind === y.kind && (x as { text: string }).text === (y as { text: string }).text;
    return x.name === y.name && x.value === y.value && x.quote === y.quote && x.exported === y.exported && x.comment === y.comment;
  });
}

/** The file's own BOM and line endings, put back on text written for it. */
function restoreQuirks(text: string, source: { hadBom: boolean; hadCrlf: boolean }): string {
  return `${source.hadBom ? '\uFEFF' : ''}${source.hadCrlf ? text.replace(/\n/g, '\r\n') : text}`;
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
