/** Reading and writing key files: private (0600) or refused, never overwritten by accident. */
import * as fs from 'node:fs';
import { EnvsealError, Code } from '../errors.js';
import { PRIVATE_MODE, createFileExclusive, displayPath, ioError, writeFileAtomic } from '../io/files.js';
import { type KeyFileContent, parseKeyFile, serializeKeyFile } from './key-file.js';

/**
 * Reads a key file. `fromFlag`: the path was given with --key-file, where a pipe is a deliberate way
 * to pass a key (`--key-file <(pass show app/key)`); a key file found by lookup must be a regular
 * file, since reading a FIFO there would hang every command, the commit hook included.
 */
export function readKeyFile(file: string, fromFlag = false): KeyFileContent {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    throw ioError(e, 'read', file);
  }
  if (stat.isDirectory()) throw ioError(Object.assign(new Error(), { code: 'EISDIR' }), 'read', file);
  const stream = stat.isFIFO() || stat.isCharacterDevice() || stat.isSocket();
  if (!stat.isFile() && !(fromFlag && stream)) {
    throw new EnvsealError(Code.KEY_FILE_TYPE, `key file ${displayPath(file)} is not a regular file`, 'Replace it with a regular file holding the key (chmod 600), or pass a pipe explicitly with --key-file.');
  }
  if (stat.isFile() && process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new EnvsealError(
      Code.KEY_FILE_PERMISSIONS,
      `key file ${displayPath(file)} is readable by other users (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}), so envseal will not use it`,
      `Run: chmod 600 ${displayPath(file)}`,
    );
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw ioError(e, 'read', file);
  }
  return parseKeyFile(text, `key file ${displayPath(file)}`);
}

export function createKeyFile(file: string, content: KeyFileContent, envLabel: string): void {
  createFileExclusive(file, serializeKeyFile(content, envLabel), PRIVATE_MODE);
}

/** Atomically replaces a key file (rotation): old content or new, never a torn file; always 0600. */
export function replaceKeyFile(file: string, content: KeyFileContent, envLabel: string): void {
  // A symlinked key file (a dotfiles setup) is updated where it really lives, not replaced by a copy.
  const target = fs.realpathSync(file);
  if (!fs.statSync(target).isFile()) {
    throw new EnvsealError(Code.KEY_FILE_TYPE, `key file ${displayPath(file)} is not a regular file, so the new key cannot be stored in it`, 'Use --new-key-out FILE to write the new key to a new file instead; nothing has changed.');
  }
  writeFileAtomic(target, serializeKeyFile(content, envLabel), { mode: PRIVATE_MODE, forceMode: true });
}
