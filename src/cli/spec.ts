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
