/**
 * Which files an environment means. Pure naming, no I/O:
 *   (default)          .env   .env.encrypted              .env.key
 *   --env production   .env.production   .env.production.encrypted   .env.production.key
 */
import * as path from 'node:path';
import { EnvsealError, Code } from './errors.js';

const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export const SEALED_SUFFIX = '.encrypted';

export function validateEnvName(envName: string | undefined): void {
  if (envName !== undefined && !ENV_NAME.test(envName)) {
    throw new EnvsealError(Code.USAGE_ENV, `--env "${envName}" is not a valid environment name`, 'Use letters, digits, ".", "_" and "-", e.g. --env production.');
  }
}

export function plainFileName(envName?: string): string {
  validateEnvName(envName);
  return envName ? `.env.${envName}` : '.env';
}

export function sealedFileName(envName?: string): string {
  return `${plainFileName(envName)}${SEALED_SUFFIX}`;
}

export function keyFileName(envName?: string): string {
  return `${plainFileName(envName)}.key`;
}

/** `.env.recipients` / `.env.<env>.recipients`: the master key wrapped to each teammate (committed). */
export function recipientsFileName(envName?: string): string {
  return `${plainFileName(envName)}.recipients`;
}

/** The files that mark an environment: `.env.<env>.encrypted`, `.env.<env>.key`, `.env.<env>.recipients`. */
const ENVIRONMENT_FILE = /^\.env\.(.+)\.(?:encrypted|key|recipients)$/;

/** `.env.staging.key` → staging: the environment a sealed, key or recipients file is for (undefined for any other name). */
export function environmentOfFile(fileName: string): string | undefined {
  const envName = ENVIRONMENT_FILE.exec(fileName)?.[1];
  return envName !== undefined && ENV_NAME.test(envName) ? envName : undefined;
}

/** `.env.production.encrypted` → production; `.env.encrypted` → undefined. */
export function envNameOf(sealedFile: string): string | undefined {
  return /^\.env\.(.+)\.encrypted$/.exec(path.basename(sealedFile))?.[1];
}

/** `.env.production.key` → { envName: 'production' }; `.env.key` → {}; undefined for a file not named as a key file. */
export function keyFileEnv(file: string): { envName?: string } | undefined {
  const match = /^\.env(?:\.(.+))?\.key$/.exec(path.basename(file));
  if (!match) return undefined;
  return match[1] ? { envName: match[1] } : {};
}

/** The plaintext file a sealed file opens into: `.env.production.encrypted` → `.env.production`. */
export function plainNameFor(sealedPath: string): string {
  return sealedPath.endsWith(SEALED_SUFFIX) ? sealedPath.slice(0, -SEALED_SUFFIX.length) : `${sealedPath}.decrypted`;
}
