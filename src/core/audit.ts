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
 * cannot be written is reported to the caller as `false`, not thrown.
 */
export function appendAudit(fromDir: string, record: Omit<AuditRecord, 'time'>, now: Date): boolean {
  const file = auditLogPath(fromDir);
  const root = path.dirname(path.dirname(file));
  try {
    // Only .envseal/ itself is created: a mistyped path must not leave directories behind.
    if (!fs.existsSync(root)) return false;
    fs.mkdirSync(path.dirname(file), { mode: 0o700, recursive: true });
    // A record is one write(2) on an O_APPEND descriptor, so concurrent writers do not interleave.
    fs.appendFileSync(file, `${JSON.stringify({ time: isoSeconds(now), ...record, file: path.relative(root, record.file) || record.file })}\n`, { mode: 0o600 });
    return true;
  } catch {
    return false;
  }
}
