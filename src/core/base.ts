/**
 * Which sealed version a plaintext file was last in step with: its "base". `decrypt` and `encrypt`
 * record it, so later commands can tell who changed what since: the plaintext (local edits not yet
 * sealed) or the sealed file (a teammate's change arriving with a pull, or `set`), without trusting
 * modification times. `encrypt` merges three ways against it, as git merges against a merge base.
 *
 * The record is JSON in `.<name>.envseal-base` beside the plaintext, mode 0600, ignored by git
 * (`init`'s `.*.envseal-*`): `{"sealedFile": <absolute path>, "text": <the sealed file's text>}`. It
 * holds ciphertext only, opened with the same keys as the sealed file, and counts only for the sealed
 * file it names. A missing or unreadable record means "unknown": callers fall back to comparing times.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type OpenedFile, openSealed } from '../format/sealed.js';
import { PRIVATE_MODE, writeFileAtomic } from '../io/files.js';
import type { KeyRing } from '../keys/key-ring.js';

export function basePath(plainFile: string): string {
  return path.join(path.dirname(plainFile), `.${path.basename(plainFile)}.envseal-base`);
}

/**
 * Records that `plainFile` now holds what `sealedText`, the text of `sealedFile`, holds. Best effort:
 * a record that cannot be written costs only the exactness of later merges (they fall back to
 * comparing times), never the command that just succeeded.
 */
export function recordBase(plainFile: string, sealedFile: string, sealedText: string): void {
  const file = basePath(plainFile);
  const record = `${JSON.stringify({ sealedFile: path.resolve(sealedFile), text: sealedText })}\n`;
  try {
    // An unchanged record is not rewritten: a command that changed nothing leaves every file as it was.
    if (fs.lstatSync(file, { throwIfNoEntry: false })?.isFile() && fs.readFileSync(file, 'utf8') === record) return;
    writeFileAtomic(file, record, { mode: PRIVATE_MODE, forceMode: true });
  } catch {
    // see above
  }
}

export interface Base {
  text: string;
  opened: OpenedFile;
}

/**
 * The recorded base of `plainFile` for `sealedFile`, opened with `ring`; undefined when there is none
 * it can open. `current`, the sealed file as already opened, is returned when the base is that very
 * text (the usual case: nothing changed since), sparing a second decryption of every value.
 */
export function readBase(plainFile: string, sealedFile: string, ring: KeyRing, current?: Base): Base | undefined {
  const file = basePath(plainFile);
  try {
    // Only a regular file: a FIFO planted at the path must not hang a command.
    if (!fs.lstatSync(file).isFile()) return undefined;
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as { sealedFile?: unknown; text?: unknown };
    if (record.sealedFile !== path.resolve(sealedFile) || typeof record.text !== 'string') return undefined;
    if (current && record.text === current.text) return current;
    return { text: record.text, opened: openSealed(record.text, ring, path.basename(file)) };
  } catch {
    return undefined; // unreadable, not JSON, not ours, or not opened by these keys: no base
  }
}
