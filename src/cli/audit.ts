/**
 * Runs a core operation and appends its outcome to the local audit log (.envseal/audit.log), success
 * or failure. Records name the file, the key fingerprint and the error code: never values or keys.
 */
import * as path from 'node:path';
import { appendAudit } from '../core/audit.js';
import { EnvsealError, Code } from '../errors.js';
import type { Context } from './context.js';

export async function audited<T extends { fingerprint?: string }>(
  context: Context,
  op: string,
  file: string,
  action: () => T | Promise<T>,
  reason?: string,
): Promise<T> {
  const record = { op, file, ...(reason ? { reason } : {}) };
  try {
    const result = await action();
    warnIf(context, appendAudit(path.dirname(file), { ...record, outcome: 'ok', ...(result.fingerprint ? { key: result.fingerprint } : {}) }, context.now));
    return result;
  } catch (error) {
    const code = error instanceof EnvsealError ? error.code : Code.INTERNAL;
    warnIf(context, appendAudit(path.dirname(file), { ...record, outcome: 'error', code }, context.now));
    throw error;
  }
}

function warnIf(context: Context, warning: string | undefined): void {
  if (warning) context.warn(`${warning}. Remove it if you did not make it: a committed link can point anywhere.`);
}
