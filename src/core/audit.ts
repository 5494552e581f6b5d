/**
 * The local audit log: one JSON line per encrypt, decrypt, rotate (and every failed attempt) in
 * `.envseal/audit.log` at the repository root, git-ignored. Records carry file paths, key
 * fingerprints, outcomes and error codes; never values, never keys.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRepoRoot } from '../io/repo.js';
import { isoSeconds } from './history.js';

export interface AuditRecord {
  time: string;
  op: string;
  file: string;
  key?: string;
  outcome: 'ok' | 'error';
  /** EnvsealError code on failure. */
  code?: string;
  reason?: string;
  by?: string;
}

export function auditLogPath(fromDir: string): string {
  return path.join(findRepoRoot(fromDir) ?? fromDir, '.envseal', 'audit.log');
}

/**
 * Appends one record. Auditing must never turn a successful operation into a failure, so a log that
 * cannot be written is not thrown. The result is a warning when the log was refused for a reason the
 * user should hear about, else undefined (written, or no place for a log). `.envseal/` and `audit.log` are never followed through a
 * symlink: a committed link would make every clone append to a file outside the repository.
 */
export function appendAudit(fromDir: string, record: Omit<AuditRecord, 'time'>, now: Date): string | undefined {
  const file = auditLogPath(fromDir);
  const dir = path.dirname(file);
  const root = path.dirname(dir);
  try {
    // Only .envseal/ itself is created: a mistyped path must not leave directories behind.
    if (!fs.existsSync(root)) return undefined;
    const existing = fs.lstatSync(dir, { throwIfNoEntry: false });
    if (existing && !existing.isDirectory()) return `${path.relative(root, dir)} is not a directory (a symlink?), so the audit log was not written`;
    if (!existing) fs.mkdirSync(dir, { mode: 0o700 });
    const line = `${JSON.stringify({ time: isoSeconds(now), ...record, file: path.relative(root, record.file) || record.file })}\n`;
    let fd: number;
    try {
      const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
      fd = fs.openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ELOOP') return `${path.relative(root, file)} is a symbolic link, so the audit log was not written`;
      return undefined;
    }
    try {
      if (!fs.fstatSync(fd).isFile()) return `${path.relative(root, file)} is not a regular file, so the audit log was not written`;
      // A record is one write(2) on an O_APPEND descriptor, so concurrent writers do not interleave.
      fs.writeSync(fd, line);
      return undefined;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
