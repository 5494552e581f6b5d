/**
 * envseal as a library. `import { config } from 'envseal'` (ESM) or `require('envseal')` (CommonJS,
 * Node 20.19+ loads this ES module synchronously).
 *
 *   config()  decrypts .env.encrypted in memory and fills process.env, like dotenv.config()
 *   load()    the same values, returned, process.env untouched
 *   mask(), createRedactor(), sensitiveValues()  redact your own logs the way `envseal run --mask` does
 *
 * Keys are looked up as the CLI does: ENVSEAL_MASTER_KEY_<ENV>, ENVSEAL_MASTER_KEY, SECRETS_MASTER_KEY,
 * ENVSEAL_KEY_COMMAND, then .env.key (or .env.<env>.key) from the file's directory up to the repository
 * root. Nothing here imports the CLI (yargs, ora): loading the library costs a few small modules.
 */
import * as path from 'node:path';
import { EnvsealError } from './errors.js';
import { plainNameFor, sealedFileName } from './env-files.js';
import { type LoadedValues, loadSealedValues } from './core/values.js';
import { compileMaskRules } from './mask/rules.js';
import { sensitiveValues as sensitiveValuesWith } from './mask/variables.js';

export { EnvsealError, ExitCode, type ExitCodeValue } from './errors.js';
export { FernetKey, InvalidTokenError, decrypt, decryptWithKeys, encrypt, type DecryptOptions, type Decrypted, type EncryptOptions } from './crypto/fernet.js';
export { mask } from './mask/mask.js';
export { createRedactor, type Redactor } from './mask/redactor.js';

export interface LoadOptions {
  /** The sealed file (default: `.env.encrypted`, or `.env.<env>.encrypted`), relative to the working directory. */
  path?: string;
  /** Environment name: `production` means `.env.production.encrypted` and ENVSEAL_MASTER_KEY_PRODUCTION. */
  env?: string;
  /** Read the master key from this key file instead of looking for one. */
  keyFile?: string;
}

export interface ConfigOptions extends LoadOptions {
  /** Replace variables that are already set (default false: existing variables win, as with dotenv). */
  override?: boolean;
  /** Print nothing, not even why loading failed (default false: a failure is one line on stderr). */
  quiet?: boolean;
  /** Where to put the values (default `process.env`). Keys are always looked up in `process.env`. */
  processEnv?: Record<string, string | undefined>;
}

export interface ConfigResult {
  /** Every value in the file, including those not applied because the variable was already set. */
  parsed?: Record<string, string>;
  /** Why nothing was loaded: an EnvsealError (missing file, missing or wrong key, tampered file...). */
  error?: Error;
}

/**
 * The values of a sealed file, decrypted in memory: the sealed file is read, never a plaintext `.env`
 * beside it. Throws EnvsealError (with `exitCode` and `hint`).
 */
export function load(options: LoadOptions = {}): Record<string, string> {
  return loadWithEdits(options, false).values;
}

function loadWithEdits(options: LoadOptions, unsealedEdits: boolean): LoadedValues {
  const input = path.resolve(options.path ?? sealedFileName(options.env));
  return loadSealedValues({
    input,
    env: process.env,
    unsealedEdits,
    ...(options.env ? { envName: options.env } : {}),
    ...(options.keyFile ? { keyFile: path.resolve(options.keyFile) } : {}),
  });
}

/**
 * Loads a sealed file (`.env.encrypted`, not the plaintext `.env`) into `process.env` (or
 * `processEnv`). Never throws: like dotenv, it returns `{ parsed }` or `{ error }`, so an app decides
 * itself whether a missing file is fatal. Unless `quiet`, a failure is also reported on stderr in one
 * line (what failed and the fix; never a value), and so are, by name, edits in the plaintext `.env`
 * that were never sealed, which the app therefore does not get.
 */
export function config(options: ConfigOptions = {}): ConfigResult {
  const target = options.processEnv ?? process.env;
  try {
    const loaded = loadWithEdits(options, !options.quiet);
    const parsed = loaded.values;
    for (const [name, value] of Object.entries(parsed)) {
      if (options.override || !Object.hasOwn(target, name)) target[name] = value;
    }
    if (!options.quiet && loaded.unsealedEdits.length > 0) {
      process.stderr.write(`[envseal] ${path.basename(plainNameFor(loaded.file))} has edits that were never sealed (${loaded.unsealedEdits.join(', ')}); loaded the sealed values. Run \`envseal encrypt\` to seal them.\n`);
    }
    return { parsed };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    if (!options.quiet) {
      // Only EnvsealError messages are known to be free of secrets; anything else is named by class.
      const what = error instanceof EnvsealError ? `${error.message}${error.hint ? ` (fix: ${error.hint})` : ''}` : `internal error (${error.name})`;
      process.stderr.write(`[envseal] values not loaded: ${what}\n`);
    }
    return { error };
  }
}

/**
 * The secrets among `values` as `envseal show` and `run --mask` judge them (by name, by shape, and
 * passwords inside URLs), plus any names in `sensitive` (`*` wildcards allowed). Feed the result to
 * createRedactor() to redact your own logs.
 */
export function sensitiveValues(values: Readonly<Record<string, string>>, options: { sensitive?: readonly string[] } = {}): string[] {
  return sensitiveValuesWith(values, compileMaskRules(options.sensitive));
}
