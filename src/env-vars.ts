/**
 * envseal's own environment variables, read here and nowhere else (as dotenv reads its options in one
 * function): a reader of the code finds every variable that changes envseal's behaviour in this file.
 * Each function takes the environment as an argument; the core never reads `process.env` itself.
 *
 *   ENVSEAL_MASTER_KEY_<ENV>, ENVSEAL_MASTER_KEY, SECRETS_MASTER_KEY   the master key (keys/key-sources.ts)
 *   ENVSEAL_MASTER_KEY_PREVIOUS      previous keys, comma- or space-separated
 *   ENVSEAL_KEY_COMMAND              a shell command that prints the key file text
 *   ENVSEAL_KEY_COMMAND_TIMEOUT      seconds the key (or identity) command may take (default 120)
 *   ENVSEAL_IDENTITY_<ENV>, ENVSEAL_IDENTITY   an identity's text (keys/identity-sources.ts)
 *   ENVSEAL_IDENTITY_FILE, ENVSEAL_IDENTITY_COMMAND   an identity file, a command printing one
 *   XDG_CONFIG_HOME, HOME            where $XDG_CONFIG_HOME/envseal/identity and ~/.ssh keys are
 *   CI                               `doctor` in CI: the hooks are a developer's clone's, not checked
 *   ENVSEAL_NOW                      a fixed clock (ISO 8601), for tests of time-dependent behaviour
 *   ENVSEAL_DEBUG                    unexpected errors print their stack (it may quote input)
 *   ENVSEAL_CONFIG_PATH, _ENV, _OVERRIDE, _QUIET   the preload entry's options (config.ts)
 *   ENVSEAL_TEST_CRASH_AT, ENVSEAL_TEST_STEP_DELAY_MS   test-only: stop rotation between durable steps
 *   ENVSEAL_HOOK_PROBE               `hooks status` proving an installed hook reaches envseal
 *   DOTENV_PRIVATE_KEY, DOTENV_PRIVATE_KEY_<ENV>   dotenvx's private keys, read by `import --from dotenvx` only
 *   ANSIBLE_VAULT_PASSWORD_FILE      ansible's own: the vault password file, for `import --from ansible-vault`
 *
 * bin/envseal.js, which runs before any of this is loaded, reads ENVSEAL_NO_COMPILE_CACHE itself.
 */
type Env = Readonly<Record<string, string | undefined>>;

export const KEY_COMMAND_VARIABLE = 'ENVSEAL_KEY_COMMAND';
export const PREVIOUS_KEYS_VARIABLE = 'ENVSEAL_MASTER_KEY_PREVIOUS';
/** ENVSEAL_MASTER_KEY_PRODUCTION, ENVSEAL_MASTER_KEY_PREVIOUS, and any other environment's key. */
const KEY_VARIABLE_PREFIX = 'ENVSEAL_MASTER_KEY_';

/** Variables that may hold the master key, in the order they are tried. */
export function keyVariableNames(envName?: string): string[] {
  const specific = envName ? [`${KEY_VARIABLE_PREFIX}${envName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] : [];
  return [...specific, 'ENVSEAL_MASTER_KEY', 'SECRETS_MASTER_KEY'];
}

/** Whether a variable holds a master key or an identity, or the way to one: a child process never needs it. */
export function isKeyVariable(name: string): boolean {
  return name.startsWith(KEY_VARIABLE_PREFIX) || name === KEY_COMMAND_VARIABLE || keyVariableNames().includes(name) || name.startsWith('ENVSEAL_IDENTITY');
}

const present = (value: string | undefined): string | undefined => (value !== undefined && value.trim() !== '' ? value : undefined);

/**
 * The variables set in `env` that hold a master key or an identity themselves (not the way to one: a
 * key command or an identity file's path gives nothing away), sorted. `doctor` warns about each: every
 * process started from that environment inherits it.
 */
export function keyMaterialVariables(env: Env): string[] {
  const pointers = new Set([KEY_COMMAND_VARIABLE, KEY_COMMAND_TIMEOUT_VARIABLE, IDENTITY_FILE_VARIABLE, IDENTITY_COMMAND_VARIABLE]);
  return Object.keys(env)
    .filter((name) => isKeyVariable(name) && !pointers.has(name) && present(env[name]) !== undefined)
    .sort();
}

/** The first key variable that is set, for `envName`. */
export function keyFromVariables(env: Env, envName?: string): { variable: string; value: string } | undefined {
  for (const variable of keyVariableNames(envName)) {
    const value = present(env[variable]);
    if (value !== undefined) return { variable, value };
  }
  return undefined;
}

export const keyCommand = (env: Env): string | undefined => present(env[KEY_COMMAND_VARIABLE]);

export const IDENTITY_FILE_VARIABLE = 'ENVSEAL_IDENTITY_FILE';
export const IDENTITY_COMMAND_VARIABLE = 'ENVSEAL_IDENTITY_COMMAND';

/** Variables that may hold an identity's text, in the order they are tried. */
export function identityVariableNames(envName?: string): string[] {
  const specific = envName ? [`ENVSEAL_IDENTITY_${envName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] : [];
  return [...specific, 'ENVSEAL_IDENTITY'];
}

export const identityFileVariable = (env: Env): string | undefined => present(env[IDENTITY_FILE_VARIABLE]);
export const identityCommand = (env: Env): string | undefined => present(env[IDENTITY_COMMAND_VARIABLE]);

/** $XDG_CONFIG_HOME, else ~/.config; undefined without a home. */
export function configHome(env: Env): string | undefined {
  const xdg = present(env.XDG_CONFIG_HOME);
  if (xdg) return xdg;
  const home = present(env.HOME);
  return home ? `${home}/.config` : undefined;
}

export const homeDir = (env: Env): string | undefined => present(env.HOME);

export const KEY_COMMAND_TIMEOUT_VARIABLE = 'ENVSEAL_KEY_COMMAND_TIMEOUT';

/** ENVSEAL_KEY_COMMAND_TIMEOUT in milliseconds (it bounds the identity command too); 120 s when unset or not a positive number. */
export function keyCommandTimeoutMs(env: Env): number {
  const seconds = Number(present(env[KEY_COMMAND_TIMEOUT_VARIABLE]));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 120_000;
}

/** ENVSEAL_MASTER_KEY_PREVIOUS split into its entries. */
export function previousKeyEntries(env: Env): string[] {
  return (env[PREVIOUS_KEYS_VARIABLE] ?? '').split(/[\s,]+/).filter((part) => part !== '');
}

/** ENVSEAL_NOW as written, undefined when unset (the CLI validates it). */
export const fixedClock = (env: Env): string | undefined => present(env.ENVSEAL_NOW);

export const debugEnabled = (env: Env): boolean => Boolean(env.ENVSEAL_DEBUG);

/** Spelled as shells and CI systems spell a yes; anything else is no. */
const yes = (value: string | undefined): boolean => /^(?:true|1|yes|on)$/i.test(value?.trim() ?? '');

/** CI=true, as GitHub Actions, GitLab, CircleCI, Travis and Buildkite set it: nothing is committed there, so `doctor` skips the hooks. */
export const runsInCi = (env: Env): boolean => yes(env.CI);

/** The preload entry's options, as dotenv/config takes DOTENV_CONFIG_*. */
export function preloadOptions(env: Env): { path?: string; env?: string; override: boolean; quiet: boolean } {
  const file = present(env.ENVSEAL_CONFIG_PATH);
  const envName = present(env.ENVSEAL_CONFIG_ENV);
  return { ...(file ? { path: file } : {}), ...(envName ? { env: envName } : {}), override: yes(env.ENVSEAL_CONFIG_OVERRIDE), quiet: yes(env.ENVSEAL_CONFIG_QUIET) };
}

/** Test-only: where rotation kills itself, and how long it pauses after each step. */
export function rotationTestHooks(env: Env): { crashAt?: string; stepDelayMs: number } {
  const crashAt = present(env.ENVSEAL_TEST_CRASH_AT);
  return { ...(crashAt ? { crashAt } : {}), stepDelayMs: Number(env.ENVSEAL_TEST_STEP_DELAY_MS ?? 0) || 0 };
}

/**
 * ENVSEAL_HOOK_PROBE: set by `hooks status` when it runs an installed hook, so `hooks run` answers with
 * this token instead of checking. It fails the hook: set by mistake, it stops commits, never lets one by.
 */
export const HOOK_PROBE_VARIABLE = 'ENVSEAL_HOOK_PROBE';
export const hookProbe = (env: Env): string | undefined => present(env[HOOK_PROBE_VARIABLE]);

/** dotenvx's own private-key variables (DOTENV_PRIVATE_KEY, DOTENV_PRIVATE_KEY_PRODUCTION…), as dotenvx reads them. */
export const DOTENVX_PRIVATE_KEY_PREFIX = 'DOTENV_PRIVATE_KEY';

/** Every DOTENV_PRIVATE_KEY… variable that is set: what `import --from dotenvx` may open files with. */
export function dotenvxKeyVariables(env: Env): { variable: string; value: string }[] {
  return Object.keys(env)
    .filter((name) => name.startsWith(DOTENVX_PRIVATE_KEY_PREFIX))
    .sort()
    .flatMap((variable) => {
      const value = present(env[variable]);
      return value === undefined ? [] : [{ variable, value }];
    });
}

/** ANSIBLE_VAULT_PASSWORD_FILE, as ansible reads it: where `import --from ansible-vault` finds the password without --vault-password-file. */
export const ansibleVaultPasswordFile = (env: Env): string | undefined => present(env.ANSIBLE_VAULT_PASSWORD_FILE);
