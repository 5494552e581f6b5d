/**
 * decrypt: a sealed file into its plaintext .env (mode 0600) or into memory for --stdout. A plaintext
 * file that differs is replaced only when it holds no edits of its own (it is exactly what its
 * recorded base held: the sealed file moved on, after a pull or `set`), or with --force, which keeps
 * a private backup. Every write records the sealed version the plaintext now matches (base.ts).
 */
import { EnvsealError, Code } from '../errors.js';
import { renderPlaintext } from '../format/sealed.js';
import { PRIVATE_MODE, backupFile, displayPath, exists, readBytes, writeFileAtomic } from '../io/files.js';
import { lockFiles } from '../io/lock.js';
import { readBase, recordBase } from './base.js';
import { type KeyOptions, openSealedFile } from './open.js';

export interface DecryptRequest extends KeyOptions {
  input: string;
  /** Where to write; undefined with `toStdout`. */
  output?: string;
  force?: boolean;
  /** Open a whole-file Fernet token (--legacy). */
  legacy?: boolean;
  now: Date;
}

export interface DecryptResult {
  /** The plaintext .env text. Secret: the CLI prints it only for --stdout. */
  plaintext: string;
  output?: string;
  written: boolean;
  /** The plaintext was replaced because it held no edits of its own (no --force was needed). */
  refreshed: boolean;
  backup?: string;
  fingerprint: string;
  keySource: string;
  /** 0 when the current key opened the file, n when the n-th previous key did. */
  keyIndex: number;
  values: number;
  legacy: boolean;
}

export function decryptFile(request: DecryptRequest): DecryptResult {
  const label = displayPath(request.input);
  const { opened, ring, text } = openSealedFile({ ...request, file: request.input });
  // renderPlaintext checks that dotenv reads every value back as sealed (see renderEnv).
  const plaintext = renderPlaintext(opened, label);
  const result: DecryptResult = {
    plaintext,
    written: false,
    refreshed: false,
    fingerprint: opened.fingerprint,
    keySource: ring.source,
    keyIndex: opened.keyIndex,
    values: opened.lines.filter((l) => l.kind === 'entry').length,
    legacy: opened.legacy,
  };
  const output = request.output;
  if (output === undefined) return result;
  result.output = output;
  const release = lockFiles([output]);
  try {
    const record = (): void => {
      // A whole-file token is no version a later encrypt can merge against.
      if (!opened.legacy) recordBase(output, request.input, text);
    };
    if (exists(output)) {
      const current = readBytes(output);
      if (current.equals(Buffer.from(plaintext, 'utf8'))) {
        record();
        return result;
      }
      const base = opened.legacy ? undefined : readBase(output, request.input, ring);
      const untouched = base !== undefined && current.equals(Buffer.from(renderPlaintext(base.opened, label), 'utf8'));
      if (untouched) result.refreshed = true;
      else if (!request.force) throw differsError(output, label, base !== undefined);
      else result.backup = backupFile(output, request.now, true);
    }
    writeFileAtomic(output, plaintext, { mode: PRIVATE_MODE, forceMode: true });
    result.written = true;
    record();
    return result;
  } finally {
    release();
  }
}

function differsError(output: string, label: string, knownBase: boolean): EnvsealError {
  return new EnvsealError(
    Code.OUTPUT_EXISTS,
    `${displayPath(output)} already exists and differs from what ${label} holds: it has edits of its own; not overwriting it`,
    knownBase
      ? `Seal them with \`envseal encrypt\` (it merges them with ${label}'s own changes), then decrypt again; or add --force to replace ${displayPath(output)} (a 0600 backup is kept), or use --stdout.`
      : `Seal your local changes first with \`envseal encrypt\`, or add --force to replace it (a backup is kept), or use --stdout.`,
  );
}
