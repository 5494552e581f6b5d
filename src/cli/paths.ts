import * as fs from 'node:fs';
import * as path from 'node:path';
import { SEALED_SUFFIX, envNameOf, plainFileName, plainNameFor, sealedFileName } from '../env-files.js';
import type { KeyOptions } from '../core/open.js';
import { sealedFilesIn } from '../core/sealed-files.js';
import { EnvsealError, Code } from '../errors.js';
import type { Args } from './handler.js';
import type { Context } from './context.js';
import { askPassphrase } from './passphrase.js';

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export function keyOptions(args: Args, context: Context): KeyOptions {
  const envName = str(args.env);
  const keyFile = str(args.keyFile);
  const identity = str(args.identity);
  return {
    env: context.env,
    ...(envName ? { envName } : {}),
    ...(keyFile ? { keyFile: path.resolve(context.cwd, keyFile) } : {}),
    ...(identity ? { identityFile: path.resolve(context.cwd, expandHome(identity, context.env)) } : {}),
    ...(args.trustNewKey === true ? { trustNewKey: true } : {}),
    // A passphrase is asked only where someone can answer; hooks never call this.
    ...(context.interactive ? { askPassphrase } : {}),
  };
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

/**
 * The sealed files a command acts on: --all-envs means every environment's sealed file in this
 * directory (each with its own key lookup); otherwise the one decryptPaths names.
 */
export function sealedTargets(args: Args, context: Context): { input: string; keys: KeyOptions }[] {
  if (!args.allEnvs) return [{ input: decryptPaths(args, context).input, keys: keyOptions(args, context) }];
  if (str(args.env) || str(args.in)) throw new EnvsealError(Code.USAGE, '--all-envs acts on every environment here: give --env/--in or --all-envs, not both', 'Drop --env (or --in).');
  const files = sealedFilesIn(context.cwd);
  if (files.length === 0) throw new EnvsealError(Code.FILE_MISSING, 'no sealed files (.env.encrypted, .env.<env>.encrypted) in this directory for --all-envs', 'Run it where the sealed files are, or seal one first with `envseal encrypt`.');
  return files.map((input) => ({ input, keys: keyOptions({ ...args, env: envNameOf(input) }, context) }));
}

/** Where `edit` makes its private workspace: $XDG_RUNTIME_DIR, a per-user tmpfs, so plaintext never reaches a disk. */
export function editTempRoot(context: Context): string {
  const runtime = context.env.XDG_RUNTIME_DIR;
  try {
    if (runtime && fs.statSync(runtime).isDirectory()) return runtime;
  } catch {
    // not there: fall back to the system temp directory
  }
  return process.getBuiltinModule('node:os').tmpdir();
}

/** `~/x` as a shell would expand it, for a path passed quoted. */
function expandHome(file: string, env: NodeJS.ProcessEnv): string {
  return file.startsWith('~/') && env.HOME ? path.join(env.HOME, file.slice(2)) : file;
}
