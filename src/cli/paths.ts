import * as path from 'node:path';
import { EnvsealError, Code } from '../errors.js';
import { SEALED_SUFFIX, plainFileName, plainNameFor, sealedFileName } from '../env-files.js';
import type { KeyOptions } from '../core/open.js';
import type { Args } from './handler.js';
import type { Context } from './context.js';

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export function keyOptions(args: Args, context: Context): KeyOptions {
  const envName = str(args.env);
  const keyFile = str(args.keyFile);
  if (args.keyFile === '') throw new EnvsealError(Code.USAGE, '--key-file needs a path', 'For example: --key-file .env.production.key');
  return { env: context.env, ...(envName ? { envName } : {}), ...(keyFile ? { keyFile: path.resolve(context.cwd, keyFile) } : {}) };
}

/** encrypt: --in (default .env / .env.<env>) → --out (default <in>.encrypted). */
export function encryptPaths(args: Args, context: Context): { input: string; output: string } {
  const input = path.resolve(context.cwd, str(args.in) ?? plainFileName(str(args.env)));
  return { input, output: path.resolve(context.cwd, str(args.out) ?? `${input}${SEALED_SUFFIX}`) };
}

/** decrypt: --in (default .env.encrypted / .env.<env>.encrypted) → --out (default <in> without .encrypted). */
export function decryptPaths(args: Args, context: Context): { input: string; output: string } {
  const input = path.resolve(context.cwd, str(args.in) ?? sealedFileName(str(args.env)));
  return { input, output: path.resolve(context.cwd, str(args.out) ?? plainNameFor(input)) };
}
