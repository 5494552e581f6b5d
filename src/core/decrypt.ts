/**
 * decrypt: a sealed file into its plaintext .env (mode 0600) or into memory for --stdout. Never replaces
 * a plaintext file that differs without --force, and then keeps a private backup.
 */
import { EnvsealError, Code } from '../errors.js';
import { renderPlaintext } from '../format/sealed.js';
import { PRIVATE_MODE, backupFile, displayPath, exists, readBytes, writeFileAtomic } from '../io/files.js';
import { type KeyOptions, openSealedFile } from './open.js';

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

export function decryptFile(request: DecryptRequest): DecryptResult {
  const label = displayPath(request.input);
  const { opened, ring } = openSealedFile({ ...request, file: request.input });
  // renderPlaintext checks that dotenv reads every value back as sealed (see renderEnv).
  const plaintext = renderPlaintext(opened, label);
  const result: DecryptResult = {
    plaintext,
    written: false,
    fingerprint: opened.fingerprint,
    keySource: ring.source,
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
        Code.OUTPUT_EXISTS,
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
