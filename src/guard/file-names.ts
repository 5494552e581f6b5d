/**
 * File-name rules for what may be committed. Pure. Applied to what is staged, pushed or already in
 * history; a working-tree scan judges files by content instead (a local, ignored .env is expected).
 */
import * as path from 'node:path';
import { SEALED_SUFFIX } from '../env-files.js';

/**
 * Suffixes of env files that are meant to be committed: templates and defaults without secrets, and
 * files another tool has encrypted (dotenv-vault, sops, gpg, age, ...). Compared case-insensitively.
 */
const COMMITTABLE_SUFFIXES = [
  '.example', '.sample', '.template', '.tmpl', '.tpl', '.dist', '.defaults', '.schema',
  '.vault', '.enc', '.gpg', '.age', '.asc', '.sops', '.sops.yaml', '.sops.yml', '.sops.json',
];

/** Private key containers and SSH private keys, which are binary or have no telling content. */
const KEY_CONTAINER = /\.(?:p12|pfx|jks|keystore|bks)$|^id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?$/;

/**
 * envseal's lock beside a file it changes (io/lock.ts names it `.<name>.envseal-lock`): local state,
 * and a committed one (a symlink, a directory) would stall or break every clone's next write.
 */
const LOCK_FILE = /^\..+\.envseal-lock$/;

export type NameVerdict = 'plaintext-env-file' | 'env-template' | 'key-file' | 'key-container' | 'sealed-file' | 'recipients-file' | 'backup-file' | 'lock-file' | undefined;

export function classifyName(file: string): NameVerdict {
  // Case and stray spaces do not change what a file is: `.ENV` and `.env ` are plaintext env files too.
  const base = path.posix.basename(file.replace(/\\/g, '/')).trim().toLowerCase();
  if (base === '.env.key' || /^\.env\..+\.key$/.test(base) || base === '.env.keys') return 'key-file';
  if (KEY_CONTAINER.test(base)) return 'key-container';
  if (/\.backup_\d{8}t\d{6}z(\.\d+)?$/.test(base)) return 'backup-file';
  if (LOCK_FILE.test(base)) return 'lock-file';
  if (base.endsWith(SEALED_SUFFIX)) return 'sealed-file';
  // Public keys and wrapped copies of the key, MAC'd: judged by its records (guard/inspect.ts), not as an env file.
  if (base === '.env.recipients' || /^\.env\..+\.recipients$/.test(base)) return 'recipients-file';
  if (base === '.env' || base.startsWith('.env.') || (base.endsWith('.env') && base.length > 4)) {
    return COMMITTABLE_SUFFIXES.some((suffix) => base.endsWith(suffix)) ? 'env-template' : 'plaintext-env-file';
  }
  return undefined;
}
