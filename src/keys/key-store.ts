/** Reading and writing key files: private (0600) or refused, never overwritten by accident. */
import * as fs from 'node:fs';
import { EnvsealError, ExitCode } from '../errors.js';
import { PRIVATE_MODE, createFileExclusive, displayPath, ioError, writeFileAtomic } from '../io/files.js';
import { type KeyFileContent, parseKeyFile, serializeKeyFile } from './key-file.js';

export function readKeyFile(file: string): KeyFileContent {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    throw ioError(e, 'read', file);
  }
  if (stat.isDirectory()) throw ioError(Object.assign(new Error(), { code: 'EISDIR' }), 'read', file);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new EnvsealError(
      'E_KEY_FILE_PERMISSIONS',
      ExitCode.key,
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
  writeFileAtomic(file, serializeKeyFile(content, envLabel), { mode: PRIVATE_MODE, forceMode: true });
}
