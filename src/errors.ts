/**
 * Exit codes and error codes. Both are part of envseal's interface: scripts and CI branch on exit
 * codes, and JSON output and the audit log carry error codes. Never renumber, never reuse a code.
 *
 * ERRORS is the one table: every code envseal throws, the exit code it ends a command with, and what
 * it means. The README's "Exit codes" section is rendered from it (`npm run docs`; a test keeps the
 * two equal), and a throw site names its code as `Code.X`, so a typo does not compile.
 */
export const ExitCode = {
  ok: 0,
  findings: 1,
  usage: 2,
  key: 3,
  integrity: 4,
  io: 5,
  internal: 70,
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** What each exit code means: in short for `--help`, in full for the README. */
export const EXIT_CODE_MEANINGS: Readonly<Record<ExitCodeValue, readonly [short: string, full: string]>> = {
  0: ['ok', 'Success'],
  1: ['findings or failed check', 'Findings or a failed check (`scan`, hooks, `check`, `status --check`, `get` of an absent name, a comment `encrypt` refuses)'],
  2: ['usage, or refused to overwrite without --force', 'Usage error, or a refusal to overwrite a file without `--force` (a differing `.env`, a plaintext older than its sealed file, an existing `keygen --out` file), or a sealed file that changed on disk while a command had it open'],
  3: ['key missing or wrong', 'Master key missing, malformed, unreadable by policy (mode), or not the key that sealed the file'],
  4: ['integrity: tampered, corrupt, not sealed', 'Integrity: tampered, truncated or corrupt sealed file, not a sealed file (also an `encrypt` output it will not replace without `--force`), input that is not UTF-8 / not a valid `.env`, or an invalid `.envseal.json`'],
  5: ['I/O', 'I/O: missing or unreadable input, unwritable output, a directory where a file should be, disk full'],
  70: ['a bug in envseal', 'A bug in envseal (details with `ENVSEAL_DEBUG=1`)'],
  130: ['interrupted (Ctrl-C)', 'Interrupted: Ctrl-C at a prompt (128 + SIGINT, as shells report it); nothing was changed'],
};

type ErrorSpec = readonly [exit: ExitCodeValue, meaning: string];

const { findings, usage, key, integrity, io, internal, interrupted } = ExitCode;

export const ERRORS = {
  // Usage: what was asked cannot be done as asked.
  USAGE: [usage, 'the command line cannot be acted on (a missing or conflicting option)'],
  USAGE_ENV: [usage, '--env is not a valid environment name'],
  USAGE_LENGTH: [usage, '--length (or an @length) that the value type cannot have'],
  USAGE_NAME: [usage, 'not a valid variable name'],
  USAGE_NOW: [usage, 'ENVSEAL_NOW is not a date'],
  USAGE_RUN: [usage, '`run` was given no command'],
  USAGE_TEST: [usage, 'a test-only setting names no rotation step'],
  USAGE_VALUE_ON_ARGV: [usage, 'a value was given on the command line, where other users can see it'],
  RECIPIENT_UNSUPPORTED: [usage, 'a public key of a type envseal cannot wrap to (sk-*, ECDSA, post-quantum, short RSA)'],
  RECIPIENT_INVALID: [usage, 'a public key that cannot be parsed'],
  RECIPIENT_EXISTS: [usage, 'a recipient of that name is already granted'],
  RECIPIENT_MISSING: [usage, 'no recipient of that name'],
  ABORTED: [usage, 'cancelled at a prompt (end of input, or no answer)'],
  SIGNALLED: [usage, 'envseal was stopped by a signal'],
  FILE_EXISTS: [usage, 'a file that must be new already exists'],
  OUTPUT_EXISTS: [usage, 'the plaintext output exists and differs; not overwritten without --force'],
  PLAINTEXT_BEHIND: [usage, 'the plaintext is older than the sealed file and sealing it would undo changes'],
  SEALED_CHANGED: [usage, 'the sealed file changed on disk while envseal had it open, on the same names'],
  MERGE_CONFLICT: [usage, 'the plaintext and the sealed file both changed the same names since their base'],
  NAME_MISSING: [usage, 'the name to remove is not in the sealed file'],
  EXPORT_UNREPRESENTABLE: [usage, 'the export format cannot carry a value'],
  USAGE_K8S_NAME: [usage, '--name or --namespace of `export --format k8s` is not a valid Kubernetes name (DNS-1123)'],
  GITHUB_ENV_MISSING: [usage, '`export --format github` outside GitHub Actions'],
  GENERATE_TYPE: [usage, 'a value of that format cannot be generated'],
  ROTATE_NOTHING: [usage, '`generate --rotate` of a name with no value'],
  FINISH_NOTHING: [usage, '`generate --finish` of a name that keeps no NAME_PREVIOUS'],
  VALUE_REUSED: [usage, 'a rotated value equals an earlier value of its name, or its NAME_PREVIOUS'],
  USAGE_DURATION: [usage, 'a duration (--grace, @rotate, @grace) that is not a whole number of hours, days or weeks'],
  ROTATE_ABORTED: [usage, 'the new key was not confirmed as stored; nothing changed'],
  ROTATE_KEY_UNSTORED: [usage, 'the new key could not be stored anywhere; nothing changed'],
  HOOK_CHAINED_EXISTS: [usage, 'a hook and its chained copy both exist'],
  NOT_A_REPO: [usage, 'not inside a git work tree'],
  COMMAND_NOT_FOUND: [usage, '`run`: the command was not found (envseal exits 127)'],
  COMMAND_NOT_EXECUTABLE: [usage, '`run`: the command cannot be executed, or the system refuses to start it with so large an environment (E2BIG; envseal exits 126)'],
  DOTENVX_CIPHERTEXT: [usage, '`encrypt` was given dotenvx ciphertexts (encrypted:…) as values; `envseal import --from dotenvx` reads them'],
  // Findings.
  NAME_NOT_FOUND: [findings, '`get`: the name is not in the sealed file'],
  PLAINTEXT_LEAK: [findings, 'a comment that stays readable in the sealed file holds a secret'],
  EDITOR_FAILED: [findings, 'the editor could not start, failed or was killed'],
  // Keys.
  KEY_MISSING: [key, 'no master key found in any key source'],
  KEY_MALFORMED: [key, 'a master key that is not 44 characters of base64url'],
  KEY_WRONG: [key, 'the key found is not the one that sealed the file'],
  KEY_ROTATED: [key, 'the file is sealed with another (previous) key than the current one'],
  KEY_COMMAND: [key, 'ENVSEAL_KEY_COMMAND failed or timed out'],
  KEY_FILE_SYNTAX: [key, 'a key file line that is neither the key nor "previous <key>"'],
  KEY_FILE_TYPE: [key, 'a key file that is not a regular file'],
  KEY_FILE_PERMISSIONS: [key, 'a key file other users can read'],
  FERNET_KEY: [key, 'an invalid Fernet key'],
  IDENTITY_INVALID: [key, 'an identity (age or OpenSSH private key) that cannot be read'],
  IDENTITY_PASSPHRASE: [key, 'a passphrase-protected identity with no terminal to ask at, or the wrong passphrase'],
  IDENTITY_NO_MATCH: [key, 'no identity found matches a recipient of the recipients file'],
  IMPORT_KEY_MISSING: [key, '`import`: no dotenvx private key for a file (.env.keys, DOTENV_PRIVATE_KEY…), or no vault password'],
  IMPORT_KEY_WRONG: [key, '`import`: the dotenvx private key or the vault password does not open the file (a vault file changed since it was encrypted reads the same)'],
  // Integrity.
  NOT_SEALED: [integrity, 'not an envseal sealed file'],
  SEALED_VERSION: [integrity, 'a sealed format version this envseal does not read'],
  SEALED_TRUNCATED: [integrity, 'a sealed file without its MAC line (truncated or hand-edited)'],
  SEALED_TAMPERED: [integrity, 'the file MAC does not match'],
  SEALED_CORRUPT: [integrity, 'a sealed file whose MAC holds but whose content does not decrypt or parse'],
  SEALED_PLAINTEXT: [integrity, 'a value in a sealed file that is not sealed'],
  SEALED_CONFLICT: [integrity, 'a sealed file holding git conflict markers (merged without envseal\'s driver)'],
  AGE_INVALID: [integrity, 'an age file that is malformed or whose header MAC does not match'],
  RECIPIENTS_INVALID: [integrity, 'a recipients file line that is malformed or whose MAC does not verify'],
  KEY_CONTINUITY: [integrity, 'a master key replaced by someone with no proof of holding the previous one'],
  SEALED_LEGACY: [integrity, 'a whole-file Fernet token where a sealed file should be (opened only by `import --from fernet`, or the deprecated `decrypt --legacy`)'],
  OUTPUT_UNSAFE: [integrity, 'the output is not a sealed file envseal may replace without --force'],
  ENV_SYNTAX: [integrity, 'a line that is not NAME=value, a comment or blank'],
  ENV_AMBIGUOUS: [integrity, 'envseal and dotenv would read a value differently'],
  ENV_RESERVED: [integrity, 'a comment starting with envseal\'s metadata prefix'],
  ENV_UNREPRESENTABLE: [integrity, 'a value no dotenv quoting reads back unchanged'],
  VALUE_NUL: [integrity, 'a value with a NUL character, which no environment variable holds'],
  NOT_UTF8: [integrity, 'input that is not UTF-8 text'],
  CONFIG_INVALID: [integrity, 'an invalid .envseal.json'],
  BASELINE_INVALID: [integrity, 'an invalid baseline file'],
  ROTATE_VERIFY: [integrity, 'the re-sealed file did not verify; nothing was replaced (a bug)'],
  IMPORT_FORMAT: [integrity, '`import`: a source that is not what --from names, or YAML that is not flat KEY: value scalars'],
  IMPORT_CORRUPT: [integrity, '`import`: a dotenvx value or an ansible-vault file that is truncated, damaged or malformed'],
  IMPORT_AMBIGUOUS: [integrity, '`import`: a value dotenvx expands or unescapes when it loads (${…}, $NAME, $(…), \\$), which envseal would deliver as written'],
  IMPORT_VERIFY: [integrity, '`import`: the sealed result did not decrypt to what was read; nothing was written (a bug)'],
  FERNET_ENCODING: [integrity, 'a Fernet token that is not canonical base64url'],
  FERNET_LENGTH: [integrity, 'a Fernet token of impossible length'],
  FERNET_VERSION: [integrity, 'a Fernet token of another version'],
  FERNET_EXPIRED: [integrity, 'a Fernet token older than the TTL allows'],
  FERNET_FUTURE: [integrity, 'a Fernet token from the future'],
  FERNET_MAC: [integrity, 'a Fernet token whose HMAC does not match'],
  FERNET_PADDING: [integrity, 'a Fernet token whose padding is invalid'],
  // I/O.
  FILE_MISSING: [io, 'a file that does not exist'],
  DIR_MISSING: [io, 'a directory that does not exist'],
  IS_DIRECTORY: [io, 'a directory where a file should be'],
  NOT_REGULAR_FILE: [io, 'a FIFO, device or socket where a file should be'],
  LOCK_INVALID: [io, 'a lock path that is not a lock file envseal made (a symlink, directory or FIFO)'],
  NOT_DIRECTORY: [io, 'a file where a directory should be'],
  PERMISSION: [io, 'permission denied'],
  DISK_FULL: [io, 'the disk is full'],
  READ_ONLY: [io, 'a read-only file system'],
  IO: [io, 'any other I/O failure'],
  LOCKED: [io, 'another envseal process holds the file\'s lock'],
  GIT: [io, 'a git command failed'],
  GIT_MISSING: [io, 'git is not installed or not on PATH'],
  INTERNAL: [internal, 'a bug in envseal'],
  INTERRUPTED: [interrupted, 'Ctrl-C at a prompt'],
} as const satisfies Record<string, ErrorSpec>;

type ErrorName = keyof typeof ERRORS;
export type ErrorCode = `E_${ErrorName}`;

/** `Code.KEY_MISSING` is `'E_KEY_MISSING'`: throw sites name codes through this, never as strings. */
export const Code = Object.fromEntries(Object.keys(ERRORS).map((name) => [name, `E_${name}`])) as { readonly [N in ErrorName]: `E_${N}` };

export const exitCodeOf = (code: ErrorCode): ExitCodeValue => ERRORS[code.slice(2) as ErrorName][0];

/**
 * The only error the core throws on purpose. `message` says what happened and where; `hint` says how
 * to fix it. Neither may ever contain a secret value or a key: callers pass names, paths, key sources
 * and fingerprints only.
 */
export class EnvsealError extends Error {
  override readonly name = 'EnvsealError';
  readonly code: ErrorCode;
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message);
    this.code = code;
    this.exitCode = exitCodeOf(code);
    this.hint = hint;
  }
}

export const isEnvsealError = (e: unknown): e is EnvsealError => e instanceof EnvsealError;

/** docs/ERRORS.md: every error code, its exit code and its meaning. */
export function errorCodeList(): string {
  const rows = (Object.keys(ERRORS) as ErrorName[]).map((name) => `| \`E_${name}\` | ${ERRORS[name][0]} | ${ERRORS[name][1]} |`);
  return ['| Code | Exit | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The README's exit-code table, rendered from the two tables above. */
export function exitCodeTable(): string {
  const rows = (Object.keys(EXIT_CODE_MEANINGS).map(Number) as ExitCodeValue[]).map((exit) => {
    const codes = (Object.keys(ERRORS) as ErrorName[]).filter((name) => ERRORS[name][0] === exit).map((name) => `\`E_${name}\``);
    return `| ${exit} | ${EXIT_CODE_MEANINGS[exit][1]} | ${codes.join(' ') || '—'} |`;
  });
  return ['| Exit | Meaning | Error codes (`code` in JSON output and the audit log) |', '| --- | --- | --- |', ...rows].join('\n');
}
