/**
 * Every command and option, declared once. Two parsers read this table:
 *  - fast.ts parses well-formed argv with node:util's parseArgs (no start-up cost);
 *  - program.ts builds the yargs program, used for --help, and for any argv the fast parser does not
 *    accept outright (so usage errors, suggestions and help always come from yargs).
 * yargs alone costs ~80 ms to load here, as much as Node's own start-up, and the hook and `run` are on
 * every commit and deploy (docs/ARCHITECTURE.md).
 */
import type { Context } from './context.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  describe: string;
  alias?: string;
  default?: string | boolean;
  choices?: readonly string[];
}

export interface PositionalSpec {
  name: string;
  describe: string;
  /** Collects the remaining words (and everything after `--`). */
  variadic?: boolean;
  required?: boolean;
}

export type Args = Record<string, unknown> & { _rest?: string[] };

export type Handler = (args: Args, context: Context) => Promise<number>;

export interface CommandSpec {
  /** Words that select the command, e.g. ['hooks', 'run']. */
  path: readonly string[];
  describe: string;
  positionals?: readonly PositionalSpec[];
  options: Readonly<Record<string, OptionSpec>>;
  examples: ReadonlyArray<readonly [string, string]>;
  load: () => Promise<Handler>;
}

const envOption: OptionSpec = { type: 'string', describe: 'Environment name: --env production means .env.production, .env.production.encrypted, .env.production.key' };
const keyFileOption: OptionSpec = { type: 'string', describe: 'Read the master key from this key file (overrides every other key source)' };
const forceOption = (describe: string): OptionSpec => ({ type: 'boolean', describe, default: false });

export const COMMANDS: readonly CommandSpec[] = [
  {
    path: ['init'],
    describe: 'Create a master key (if none exists) and make .gitignore keep plaintext and keys out of git',
    options: { env: envOption, 'key-file': { ...keyFileOption, describe: 'Create or use the key file at this path' } },
    examples: [
      ['envseal init', 'Create .env.key (0600) and update .gitignore'],
      ['envseal init --env production', 'Create .env.production.key for the production environment'],
    ],
    load: async () => (await import('./commands/init.js')).init,
  },
  {
    path: ['encrypt'],
    describe: 'Seal .env into .env.encrypted (safe to commit); unchanged values keep their ciphertext',
    options: {
      in: { type: 'string', describe: 'Plaintext env file (default: .env, or .env.<env>)' },
      out: { type: 'string', describe: 'Sealed file (default: <in>.encrypted)' },
      env: envOption,
      'key-file': keyFileOption,
      force: forceOption('Replace an output that is not a valid sealed file (a backup is kept)'),
      rekey: forceOption('Re-seal an output sealed with another key under the current key'),
      quiet: { type: 'boolean', alias: 'q', describe: 'Print nothing on success', default: false },
    },
    examples: [
      ['envseal encrypt', 'Seal .env into .env.encrypted'],
      ['envseal encrypt --env production', 'Seal .env.production into .env.production.encrypted'],
      ['envseal encrypt --in config/app.env --out config/app.env.encrypted', 'Seal any file'],
    ],
    load: async () => (await import('./commands/encrypt.js')).encrypt,
  },
  {
    path: ['decrypt'],
    describe: 'Open .env.encrypted into .env (mode 0600), or print it with --stdout',
    options: {
      in: { type: 'string', describe: 'Sealed file (default: .env.encrypted, or .env.<env>.encrypted)' },
      out: { type: 'string', describe: 'Plaintext file to write (default: <in> without .encrypted)' },
      stdout: { type: 'boolean', describe: 'Print the plaintext instead of writing a file', default: false },
      env: envOption,
      'key-file': keyFileOption,
      force: forceOption('Overwrite an existing plaintext file that differs (a 0600 backup is kept)'),
      quiet: { type: 'boolean', alias: 'q', describe: 'Print nothing on success', default: false },
    },
    examples: [
      ['envseal decrypt', 'Write .env from .env.encrypted'],
      ['ENVSEAL_MASTER_KEY_PRODUCTION=... envseal decrypt --env production --stdout', 'Print production values (CI)'],
    ],
    load: async () => (await import('./commands/decrypt.js')).decrypt,
  },
  {
    path: ['keygen'],
    describe: 'Print a new master key (a Fernet key: 32 random bytes, 44 characters)',
    options: {
      out: { type: 'string', describe: 'Write the key to this new file (mode 0600) instead of printing it' },
    },
    examples: [
      ['envseal keygen', 'Print a new key to store in a password manager or CI secret'],
      ['envseal keygen --out .env.production.key', 'Write it straight into a key file'],
    ],
    load: async () => (await import('./commands/keygen.js')).keygen,
  },
  {
    path: ['rotate'],
    describe: 'Replace the master key: re-seal under a new key, verify, back up, record it (safe to interrupt)',
    options: {
      in: { type: 'string', describe: 'Sealed file (default: .env.encrypted, or .env.<env>.encrypted)' },
      env: envOption,
      'key-file': keyFileOption,
      reason: { type: 'string', describe: 'Why: recorded in the file\'s history and the audit log', default: 'scheduled' },
      backup: { type: 'boolean', describe: 'Keep the old sealed file as <file>.backup_<UTC time> (--no-backup to skip)', default: true },
      'dry-run': { type: 'boolean', describe: 'Re-seal and verify in memory only; change nothing', default: false },
      'new-key-out': { type: 'string', describe: 'When the key comes from a variable or key command: write the new key to this new 0600 file' },
      force: forceOption('Do not ask for confirmation after showing a new key'),
      quiet: { type: 'boolean', alias: 'q', describe: 'Print nothing on success (a new key is still printed)', default: false },
    },
    examples: [
      ['envseal rotate', 'Rotate the key in .env.key and re-seal .env.encrypted'],
      ['envseal rotate --env production --reason "offboarding"', 'Rotate production at once, with a reason'],
      ['envseal rotate --dry-run', 'Show what would happen'],
      ['ENVSEAL_MASTER_KEY=... envseal rotate --new-key-out new.key', 'Key in a variable: write the new one to a file'],
    ],
    load: async () => (await import('./commands/rotate.js')).rotate,
  },
  {
    path: ['status'],
    describe: 'Show each sealed file\'s key, last rotation, next due date, and whether .env has drifted',
    options: {
      env: envOption,
      all: { type: 'boolean', describe: 'Every sealed file under the current directory', default: false },
      'key-file': keyFileOption,
      json: { type: 'boolean', describe: 'Machine-readable output', default: false },
      check: { type: 'boolean', describe: 'Exit 1 when any file is overdue, stale, or still sealed with a previous key (for CI)', default: false },
      'max-age': { type: 'string', describe: 'Rotation policy in days (default: .envseal.json rotation.maxAgeDays, else 90)' },
    },
    examples: [
      ['envseal status', 'Status of .env.encrypted'],
      ['envseal status --all --check', 'CI: fail when a rotation is overdue or a sealed file is stale'],
      ['envseal status --env production --json', 'Machine-readable'],
    ],
    load: async () => (await import('./commands/status.js')).status,
  },
];

/** Global flags handled before any command. */
export const GLOBAL_FLAGS = ['--help', '-h', '--version'] as const;

export const EXIT_CODES_EPILOGUE = [
  'Exit codes:',
  '  0 ok   1 findings or failed check   2 usage, or refused to overwrite without --force',
  '  3 key missing or wrong   4 integrity: tampered, corrupt, not sealed   5 I/O',
  'Docs: README.md and docs/ (FORMAT.md, SECURITY.md) in the envseal package.',
].join('\n');

export function findCommand(words: readonly string[]): CommandSpec | undefined {
  let best: CommandSpec | undefined;
  for (const spec of COMMANDS) {
    if (spec.path.every((word, i) => words[i] === word) && (!best || spec.path.length > best.path.length)) best = spec;
  }
  return best;
}
