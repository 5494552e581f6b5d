/**
 * Every file envseal reads or writes goes through here, so every failure has one wording and one exit
 * code, and every write is atomic: temp file in the same directory, fsync, rename, fsync the directory.
 * A failed write leaves the previous file exactly as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { EnvsealError, Code } from '../errors.js';
import { decodeUtf8, normalizeNewlines, type NormalizedText } from '../text.js';

export const PRIVATE_MODE = 0o600;
export const PUBLIC_MODE = 0o644;

/** Turns a Node fs error into a message that names the path and the fix. */
export function ioError(error: unknown, action: 'read' | 'write' | 'create' | 'replace', file: string): EnvsealError {
  const code = (error as NodeJS.ErrnoException)?.code ?? 'EUNKNOWN';
  const where = displayPath(file);
  switch (code) {
    case 'ENOENT':
      return action === 'read'
        ? new EnvsealError(Code.FILE_MISSING, `${where} does not exist`, 'Check the path (or --in/--out), or run the command from the directory that holds it.')
        : new EnvsealError(Code.DIR_MISSING, `cannot ${action} ${where}: its directory does not exist`, 'Create the directory first or choose another path.');
    case 'EISDIR':
      return new EnvsealError(Code.IS_DIRECTORY, `${where} is a directory, not a file`, 'Pass the path of a file.');
    case 'ENOTDIR':
      return new EnvsealError(Code.NOT_DIRECTORY, `cannot ${action} ${where}: a parent of it is a file, not a directory`, 'Check the path.');
    case 'EACCES':
    case 'EPERM':
      return new EnvsealError(Code.PERMISSION, `permission denied: cannot ${action} ${where}`, action === 'read' ? `Check the file's permissions (ls -l ${where}).` : `Check the permissions of the file and its directory (ls -ld ${path.dirname(where)}).`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new EnvsealError(Code.DISK_FULL, `cannot ${action} ${where}: the disk is full`, 'Free some space and retry; the existing file was not changed.');
    case 'EROFS':
      return new EnvsealError(Code.READ_ONLY, `cannot ${action} ${where}: the file system is read-only`, 'Write somewhere else (--out).');
    default:
      return new EnvsealError(Code.IO, `cannot ${action} ${where} (${code})`, 'Check the path and retry.');
  }
}

/** Paths in messages: relative to the working directory when that is shorter. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative !== '' && !relative.startsWith('..') && relative.length < file.length ? relative : file;
}

/** What a non-regular file is, in words a user knows (`ls -l`'s first letter). */
export function fileKind(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Reads a regular file (a symlink to one is followed). A FIFO or device at the path is refused at
 * once: opened non-blocking and checked with fstat before any read, so nothing waits for a writer
 * that never comes.
 */
export function readBytes(file: string): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw ioError(e, 'read', file);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw ioError({ code: 'EISDIR' }, 'read', file);
    if (!stat.isFile()) {
      throw new EnvsealError(Code.NOT_REGULAR_FILE, `${displayPath(file)} is ${fileKind(stat)}, not a regular file`, 'Replace it with a regular file, or pass the path of one.');
    }
    return fs.readFileSync(fd);
  } catch (e) {
    throw e instanceof EnvsealError ? e : ioError(e, 'read', file);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads a file named on the command line for a secret it holds (a password file): a regular file, or
 * a pipe or device given on purpose (`--vault-password-file <(pass show vault)`), read once. `stat` is
 * the file's, for callers that refuse some kinds (an executable) before reading.
 */
export function readGivenFile(file: string): { bytes: Buffer; stat: fs.Stats } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    throw ioError(e, 'read', file);
  }
  if (stat.isDirectory()) throw ioError({ code: 'EISDIR' }, 'read', file);
  if (stat.isFile()) return { bytes: readBytes(file), stat };
  try {
    return { bytes: fs.readFileSync(file), stat };
  } catch (e) {
    throw ioError(e, 'read', file);
  }
}

/** Reads a text file as strict UTF-8 with BOM and CRLF normalized away. */
export function readText(file: string): NormalizedText {
  const text = decodeUtf8(readBytes(file));
  if (text === undefined) {
    throw new EnvsealError(Code.NOT_UTF8, `${displayPath(file)} is not UTF-8 text`, 'Convert it to UTF-8 (e.g. `iconv -f latin1 -t utf-8`), or check that you passed the right file.');
  }
  return normalizeNewlines(text);
}

export function exists(file: string): boolean {
  return fs.existsSync(file);
}

export interface WriteOptions {
  /** File mode for a new file. An existing file keeps its mode unless `forceMode` is set. */
  mode: number;
  forceMode?: boolean;
}

/**
 * Writes `data` to a new temp file beside `file` (same directory, so a rename is atomic) and fsyncs it.
 * Returns the temp path; on failure nothing is left behind.
 */
export function writeTempBeside(file: string, data: string | Uint8Array, mode: number): string {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.envseal-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
    fs.fchmodSync(fd, mode); // the umask may have narrowed it
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    return temp;
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw ioError(e, exists(file) ? 'replace' : 'create', file);
  }
}

/** Moves a finished temp file over `file` atomically and makes the rename durable. */
export function renameDurable(temp: string, file: string): void {
  try {
    fs.renameSync(temp, file);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw ioError(e, exists(file) ? 'replace' : 'create', file);
  }
  syncDirectory(path.dirname(file));
}

/**
 * Atomically replaces (or creates) `file` with `data`. Readers see the old content or the new one,
 * never a mix; on any failure the temp file is removed and the old content is untouched.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, options: WriteOptions): void {
  let mode = options.mode;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!options.forceMode) mode = stat.mode & 0o777;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent is a file, so there is nothing to replace.
    if (code !== 'ENOENT') throw ioError(e, code === 'ENOTDIR' ? 'create' : 'replace', file);
  }
  renameDurable(writeTempBeside(file, data, mode), file);
}

function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on directories; the rename itself already happened.
  }
}

/** `20261123T120000Z`: sortable, no characters that need quoting in a shell. */
export function compactTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * Copies `file` to `<file>.backup_<UTC timestamp>` and returns the backup's path. The backup keeps the
 * file's mode, or gets 0600 when `privateCopy` (plaintext must not become more readable by being
 * backed up). The copy is complete before it gets its name (temp file, then a hard link, which never
 * replaces an existing backup).
 */
export function backupFile(file: string, now: Date, privateCopy = false): string {
  let mode: number;
  try {
    mode = privateCopy ? PRIVATE_MODE : fs.statSync(file).mode & 0o777;
  } catch (e) {
    throw ioError(e, 'read', file);
  }
  const temp = writeTempBeside(file, readBytes(file), mode);
  const base = `${file}.backup_${compactTimestamp(now)}`;
  try {
    for (let n = 0; ; n++) {
      const target = n === 0 ? base : `${base}.${n}`;
      try {
        fs.linkSync(temp, target);
        syncDirectory(path.dirname(file));
        return target;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(e, 'create', target);
      }
    }
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** Creates a file that must not exist yet (keys are never overwritten), with `mode` from the first byte. */
export function createFileExclusive(file: string, content: string, mode: number): void {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new EnvsealError(Code.FILE_EXISTS, `${displayPath(file)} already exists; not overwriting it`, 'Choose another path, or move the existing file away first.');
    }
    throw ioError(e, 'create', file);
  }
  try {
    fs.fchmodSync(fd, mode);
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw ioError(e, 'write', file);
  }
  fs.closeSync(fd);
  syncDirectory(path.dirname(file));
}
