/**
 * File-name rules for what may be committed. Pure. Applied to what is staged, pushed or already in
 * history; a working-tree scan judges files by content instead (a local, ignored .env is expected).
 */
import * as path from 'node:path';
import { SEALED_SUFFIX } from '../env-files.js';

/** Suffixes that mark a committable template of an env file, not the env file itself. */
const TEMPLATE_SUFFIXES = ['.example', '.sample', '.template', '.tmpl', '.dist'];

export type NameVerdict = 'plaintext-env-file' | 'key-file' | 'sealed-file' | 'backup-file' | undefined;

export function classifyName(file: string): NameVerdict {
  const base = path.posix.basename(file.replace(/\\/g, '/'));
  if (base === '.env.key' || /^\.env\..+\.key$/.test(base) || base === '.env.keys') return 'key-file';
  if (/\.backup_\d{8}T\d{6}Z(\.\d+)?$/.test(base)) return 'backup-file';
  if (base.endsWith(SEALED_SUFFIX)) return 'sealed-file';
  if (TEMPLATE_SUFFIXES.some((suffix) => base.endsWith(suffix))) return undefined;
  if (base === '.env' || base.startsWith('.env.') || (base.endsWith('.env') && base.length > 4)) return 'plaintext-env-file';
  return undefined;
}
