/**
 * encrypt and decrypt of one env file: file in, file out, atomic, never clobbering what the user did
 * not ask to replace. Returns what happened; never prints.
 */
import { EnvsealError, ExitCode } from '../errors.js';
import { assertDotenvEquivalent, parseEnv } from '../format/envfile.js';
import {
  type HistoryEntry,
  type OpenedFile,
  WrongKeyError,
  openSealed,
  renderPlaintext,
  sealLines,
} from '../format/sealed.js';
import { PRIVATE_MODE, PUBLIC_MODE, backupFile, displayPath, exists, readBytes, readText, writeFileAtomic } from '../io/files.js';
import { type ResolvedKeys, keyList, resolveKeys } from '../keys/key-sources.js';
import { historyEntry } from './history.js';
import { type ChangeSummary, summarizeChanges } from './changes.js';

export interface KeyOptions {
  envName?: string;
  keyFile?: string;
  env: NodeJS.ProcessEnv;
}

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
  /** Input quirks that were normalized (BOM, CRLF), for the user's information. */
  notes: string[];
}

export function encryptFile(request: EncryptRequest): EncryptResult {
  const inputLabel = displayPath(request.input);
  const source = readText(request.input);
  const lines = parseEnv(source.text, inputLabel);
  assertDotenvEquivalent(source.text, lines, inputLabel);
  const keys = resolveKeys({ ...request, envFile: request.input });
  const existing = openExistingOutput(request, keys);

  let history: HistoryEntry[];
  if (existing.opened && !existing.opened.legacy && existing.opened.keyIndex === 0) {
    history = existing.opened.history;
  } else if (existing.opened && !existing.opened.legacy) {
    history = [...existing.opened.history, historyEntry('rekeyed', keys.current, request.now, { previousKey: existing.opened.fingerprint })];
  } else if (existing.sealedWith) {
    // Re-sealed without being able to open it: its old history cannot be verified, so it is not carried over.
    history = [historyEntry('rekeyed', keys.current, request.now, { previousKey: existing.sealedWith })];
  } else {
    history = [historyEntry('created', keys.current, request.now)];
  }
  const previous = existing.opened?.keyIndex === 0 ? existing.opened : undefined;
  const text = sealLines(lines, keys.current, { history, label: inputLabel, ...(previous ? { previous } : {}) });
  const result: EncryptResult = {
    output: request.output,
    fingerprint: keys.current.fingerprint,
    keySource: keys.source,
    values: lines.filter((l) => l.kind === 'entry').length,
    written: false,
    created: existing.text === undefined,
    changes: summarizeChanges(existing.opened?.lines, lines),
    notes: inputNotes(source, inputLabel),
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
function openExistingOutput(request: EncryptRequest, keys: ResolvedKeys): ExistingOutput {
  if (!exists(request.output)) return { needsBackup: false };
  const label = displayPath(request.output);
  const { text } = readText(request.output);
  try {
    const opened = openSealed(text, keyList(keys), label, keys.source);
    if (opened.keyIndex > 0 && !request.rekey) throw rotatedKeyError(label, opened.fingerprint, keys);
    return { text, opened, needsBackup: false };
  } catch (e) {
    if (e instanceof WrongKeyError) {
      if (request.rekey) return { text, sealedWith: e.sealedWith, needsBackup: true };
      throw rotatedKeyError(label, e.sealedWith, keys);
    }
    if (e instanceof EnvsealError && e.exitCode === ExitCode.integrity && request.force) return { text, needsBackup: true };
    if (e instanceof EnvsealError && e.exitCode === ExitCode.integrity) {
      throw new EnvsealError(
        'E_OUTPUT_UNSAFE',
        ExitCode.integrity,
        `refusing to replace ${label}: ${e.message}`,
        `If you mean to replace it with a fresh seal of ${displayPath(request.input)}, add --force (the old file is kept as a backup).`,
      );
    }
    throw e;
  }
}

function rotatedKeyError(label: string, sealedWith: string, keys: ResolvedKeys): EnvsealError {
  return new EnvsealError(
    'E_KEY_ROTATED',
    ExitCode.key,
    `${label} is sealed with key ${sealedWith}, not with your current key ${keys.current.fingerprint} (from ${keys.source}); envseal never seals with any other key than the current one`,
    `If the team rotated the key, get the new one and retry. If you mean to re-seal ${label} under your current key, add --rekey (everyone will then need your key).`,
  );
}

function inputNotes(source: { hadBom: boolean; hadCrlf: boolean }, label: string): string[] {
  const notes: string[] = [];
  if (source.hadBom) notes.push(`${label} starts with a byte-order mark; it was ignored.`);
  if (source.hadCrlf) notes.push(`${label} has CRLF line endings; the sealed file uses LF.`);
  return notes;
}

export interface DecryptRequest extends KeyOptions {
  input: string;
  /** Where to write; undefined with `toStdout`. */
  output?: string;
  force?: boolean;
  now: Date;
}

export interface DecryptResult {
  /** The plaintext .env text. Secret: the CLI prints it only for --stdout. */
  plaintext: string;
  output?: string;
  written: boolean;
  backup?: string;
  fingerprint: string;
  keySource: string;
  /** 0 when the current key opened the file, n when the n-th previous key did. */
  keyIndex: number;
  values: number;
  legacy: boolean;
}

/** Opens a sealed file with the resolved keys. The result holds plaintext: keep it in memory. */
export function openSealedFile(request: KeyOptions & { input: string }): { opened: OpenedFile; keys: ResolvedKeys } {
  const { text } = readText(request.input);
  const keys = resolveKeys({ ...request, envFile: request.input });
  return { opened: openSealed(text, keyList(keys), displayPath(request.input), keys.source), keys };
}

export function decryptFile(request: DecryptRequest): DecryptResult {
  const label = displayPath(request.input);
  const { opened, keys } = openSealedFile(request);
  const plaintext = renderPlaintext(opened, label);
  assertDotenvEquivalent(plaintext, opened.lines, label);
  const result: DecryptResult = {
    plaintext,
    written: false,
    fingerprint: opened.fingerprint,
    keySource: keys.source,
    keyIndex: opened.keyIndex,
    values: opened.lines.filter((l) => l.kind === 'entry').length,
    legacy: opened.legacy,
  };
  if (request.output === undefined) return result;
  result.output = request.output;
  if (exists(request.output)) {
    if (readBytes(request.output).equals(Buffer.from(plaintext, 'utf8'))) return result;
    if (!request.force) {
      throw new EnvsealError(
        'E_OUTPUT_EXISTS',
        ExitCode.usage,
        `${displayPath(request.output)} already exists and differs from what ${label} holds; not overwriting it`,
        `Seal your local changes first with \`envseal encrypt\`, or add --force to replace it (a backup is kept), or use --stdout.`,
      );
    }
    result.backup = backupFile(request.output, request.now, true);
  }
  writeFileAtomic(request.output, plaintext, { mode: PRIVATE_MODE, forceMode: true });
  result.written = true;
  return result;
}
