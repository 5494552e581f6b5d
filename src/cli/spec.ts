/**
 * Every command and option, declared once. Two parsers read this table:
 *  - fast.ts parses well-formed argv with node:util's parseArgs (no start-up cost);
 *  - program.ts builds the yargs program, used for --help, and for any argv the fast parser does not
 *    accept outright (so usage errors, suggestions and help always come from yargs).
 * yargs alone costs ~80 ms to load here, as much as Node's own start-up, and the hook and `run` are on
 * every commit and deploy (docs/ARCHITECTURE.md).
 */
import { HOOK_NAMES } from '../guard/hook-names.js';
import type { CommandSpec, OptionSpec } from './command-spec.js';

export type { Completes, CommandSpec, CommandTable, OptionSpec, PositionalSpec } from './command-spec.js';

const envOption: OptionSpec = { type: 'string', describe: 'Environment name: --env production means .env.production, .env.production.encrypted, .env.production.key', example: 'production', completes: 'envs' };
const keyFileOption: OptionSpec = { type: 'string', describe: 'Read the master key from this key file (overrides every other key source)', example: '.env.production.key' };
const identityOption: OptionSpec = { type: 'string', describe: 'Open the recipients file with this identity (an OpenSSH private key or an age identity file)', example: '~/.ssh/id_ed25519' };
const trustNewKeyOption: OptionSpec = { type: 'boolean', describe: 'Accept a master key from the recipients file that nothing links to a key you opened this file with before (check with your team first)', default: false };
/** Where the key comes from: every command that opens a sealed file takes these. */
const keySourceOptions = { 'key-file': keyFileOption, identity: identityOption, 'trust-new-key': trustNewKeyOption };
const forceOption = (describe: string): OptionSpec => ({ type: 'boolean', describe, default: false });
const allowReuseOption: OptionSpec = forceOption('Let a value return to one its name held before (a deliberate roll-back), where a rotation policy refuses it');
const sealedInOption: OptionSpec = { type: 'string', describe: 'Sealed file (default: .env.encrypted, or .env.<env>.encrypted)' };

export const COMMANDS: readonly CommandSpec[] = [
  {
    path: ['init'],
    describe: 'Create a master key (if none exists) and make .gitignore keep plaintext and keys out of git',
    options: {
      env: envOption,
      'key-file': { ...keyFileOption, describe: 'Create or use the key file at this path' },
      hooks: { type: 'boolean', describe: 'Install the git hooks too (--no-hooks to skip)', default: true },
    },
    examples: [
      ['envseal init', 'Create .env.key (0600), update .gitignore, install the git hooks'],
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
      ...keySourceOptions,
      force: forceOption('Replace an output that is not a valid sealed file, or seal a plaintext older than the sealed file (a backup is kept)'),
      rekey: forceOption('Re-seal an output sealed with another key under the current key'),
      'allow-reuse': allowReuseOption,
      'from-legacy': forceOption('Deprecated: `envseal import --from fernet` (converts a whole-file Fernet token, --in, in place)'),
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
      ...keySourceOptions,
      force: forceOption('Overwrite a plaintext file that holds edits of its own (a 0600 backup is kept)'),
      legacy: forceOption('Deprecated: open a whole-file Fernet token (it has no file MAC); `envseal import --from fernet` converts it once'),
      quiet: { type: 'boolean', alias: 'q', describe: 'Print nothing on success', default: false },
    },
    examples: [
      ['envseal decrypt', 'Write .env from .env.encrypted (refreshes an .env without edits of its own)'],
      ['ENVSEAL_MASTER_KEY_PRODUCTION=... envseal decrypt --env production --stdout', 'Print production values (CI)'],
    ],
    load: async () => (await import('./commands/decrypt.js')).decrypt,
  },
  {
    path: ['import'],
    describe: "Seal secrets kept by dotenvx, ansible-vault or a whole-file Fernet token into envseal's sealed files (verified; nothing is deleted)",
    options: {
      from: { type: 'string', describe: 'Where the secrets are now', choices: ['dotenvx', 'ansible-vault', 'fernet'], example: 'dotenvx' },
      in: { type: 'string', describe: 'The file to import (dotenvx: default every dotenvx .env* file here; ansible-vault: required; fernet: default .env.encrypted)' },
      out: { type: 'string', describe: 'The sealed file to write (default: .env.encrypted or .env.<env>.encrypted; dotenvx: <file>.encrypted beside each file)' },
      env: envOption,
      ...keySourceOptions,
      'env-keys-file': { type: 'string', describe: "dotenvx: its private keys (default: .env.keys beside each file; DOTENV_PRIVATE_KEY… variables are read too)" },
      'vault-password-file': { type: 'string', describe: 'ansible-vault: a file or pipe holding the vault password (default: $ANSIBLE_VAULT_PASSWORD_FILE, else asked at the terminal; never on the command line)' },
      force: forceOption('Replace a sealed file that already exists (a backup is kept)'),
      quiet: { type: 'boolean', alias: 'q', describe: 'Print nothing on success', default: false },
    },
    examples: [
      ['envseal import --from dotenvx', 'Every dotenvx .env* file here, opened with .env.keys'],
      ['envseal import --from dotenvx --env production', '.env.production into .env.production.encrypted'],
      ['envseal import --from ansible-vault --in vault.yml', 'Asks for the vault password; writes .env.encrypted'],
      ['envseal import --from ansible-vault --in vault.yml --vault-password-file ~/.vault_pass', 'The password from a file (or a pipe)'],
      ['envseal import --from fernet', 'Convert a whole-file Fernet token in .env.encrypted, in place (backup kept)'],
    ],
    load: async () => (await import('./commands/import.js')).importFrom,
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
      ...keySourceOptions,
      reason: { type: 'string', describe: 'Why: recorded in the file\'s history and the audit log', default: 'scheduled' },
      backup: { type: 'boolean', describe: 'Keep the old sealed file as <file>.backup_<UTC time> (--no-backup to skip)', default: true },
      all: forceOption('Every sealed file of the environment under this directory, and every file sharing its key (a monorepo\'s root key file): one new key per key store'),
      'dry-run': { type: 'boolean', describe: 'Re-seal and verify in memory only; change nothing', default: false },
      'new-key-out': { type: 'string', describe: 'When the key comes from a variable or key command: write the new key to this new 0600 file' },
      force: forceOption('At a terminal, do not ask for confirmation after showing a new key'),
      quiet: { type: 'boolean', alias: 'q', describe: 'Print nothing on success (a new key is still printed)', default: false },
    },
    examples: [
      ['envseal rotate', 'Rotate the key in .env.key and re-seal .env.encrypted'],
      ['envseal rotate --env production --reason "offboarding"', 'Rotate production at once, with a reason'],
      ['envseal rotate --dry-run', 'Show what would happen'],
      ['envseal rotate --all --reason offboarding', 'A monorepo: every app sealed with the root .env.key, one new key'],
      ['ENVSEAL_MASTER_KEY=... envseal rotate --new-key-out new.key', 'Key in a variable: write the new one to a file'],
    ],
    load: async () => (await import('./commands/rotate.js')).rotate,
  },
  {
    path: ['grant'],
    describe: 'Give a teammate (or CI) access: wrap the master key to their SSH or age public key in the committed recipients file',
    positionals: [
      { name: 'name', describe: 'Who: alice, ci-production (letters, digits, . _ - @)', required: true },
      { name: 'key', describe: 'Their public key: a .pub file, the key text, or - for stdin' },
    ],
    options: {
      env: envOption,
      in: sealedInOption,
      ...keySourceOptions,
      'all-envs': forceOption('Every environment whose sealed file is in this directory (.env.encrypted, .env.<env>.encrypted)'),
      'new-identity': forceOption('Make a new age identity for NAME (for CI or recovery), print it once and grant it'),
      'identity-out': { type: 'string', describe: 'With --new-identity: write the identity to this new 0600 file instead of printing it' },
      quiet: { type: 'boolean', alias: 'q', describe: 'Print nothing on success', default: false },
    },
    examples: [
      ['envseal grant alice ~/alice.pub', 'Grant alice, by her SSH public key file'],
      ['curl -s https://github.com/alice.keys | head -1 | envseal grant alice -', 'Her first key on GitHub, from stdin'],
      ['envseal grant ci-production --new-identity --env production', 'A CI identity: store what it prints as the ENVSEAL_IDENTITY secret'],
      ['envseal grant alice ~/alice.pub --all-envs', 'Every environment here: development, staging, production...'],
      ['envseal grant recovery --new-identity --identity-out recovery.age --all-envs', 'An offline recovery identity for every environment (print it, lock it away)'],
    ],
    load: async () => (await import('./commands/grant.js')).grant,
  },
  {
    path: ['revoke'],
    describe: 'Remove a recipient: tombstone, new key wrapped to everyone else, re-seal, verify; lists the values they knew',
    positionals: [{ name: 'name', describe: 'The recipient to remove', required: true }],
    options: {
      env: envOption,
      in: sealedInOption,
      ...keySourceOptions,
      'all-envs': forceOption('Every environment that NAME can open whose sealed file is in this directory (.env.encrypted, .env.<env>.encrypted)'),
      reason: { type: 'string', describe: 'Why: recorded in the tombstone and the history', default: 'revoked' },
      backup: { type: 'boolean', describe: 'Keep the old sealed file as <file>.backup_<UTC time> (--no-backup to skip)', default: true },
      quiet: { type: 'boolean', alias: 'q', describe: 'Print nothing but the values to change', default: false },
    },
    examples: [
      ['envseal revoke carol --reason offboarding', 'Carol left: new key for everyone else, nothing to hand out'],
      ['envseal revoke ci-staging --env staging', 'Retire a CI identity'],
      ['envseal revoke carol --all-envs --reason offboarding', 'Every environment carol could open'],
    ],
    load: async () => (await import('./commands/revoke.js')).revoke,
  },
  {
    path: ['recipients'],
    describe: 'List who can open the sealed file, with each line\'s MAC status; `recipients verify` checks every line (exit 1 on a bad one); `recipients repair` re-wraps after a union merge',
    positionals: [{ name: 'action', describe: 'verify: exit 1 when a line is forged, stale or unreadable; repair: re-wrap every valid line to the current key', completes: ['verify', 'repair'] }],
    options: {
      env: envOption,
      in: sealedInOption,
      ...keySourceOptions,
      'all-envs': forceOption('Every environment whose sealed file is in this directory (CI: `recipients verify --all-envs`)'),
      json: { type: 'boolean', describe: 'Machine-readable output', default: false },
      diff: { type: 'string', describe: 'Say who gained or lost access since this git revision (for review)' },
      base: { type: 'string', describe: 'With verify: also check that a key changed since this revision is linked to the old one' },
    },
    examples: [
      ['envseal recipients', 'Who has access, granted by whom and when'],
      ['envseal recipients --diff origin/main', 'In a pull request: + mallory ssh-ed25519 SHA256:… granted by bob'],
      ['envseal recipients verify --base origin/main', 'In CI: lines verify, and any new key links to the old one'],
      ['envseal recipients repair', 'After a union merge: one header, every valid grant wrapped to the current key'],
      ['envseal recipients verify --env production', 'In CI: fail on a forged or stale line'],
      ['envseal recipients verify --all-envs', 'In CI: every environment sealed here'],
    ],
    load: async () => (await import('./commands/recipients.js')).recipients,
  },
  {
    path: ['whoami'],
    describe: 'Which of your identities envseal uses, whether it is granted, and the line to send a teammate',
    options: { env: envOption, in: sealedInOption, identity: identityOption, json: { type: 'boolean', describe: 'Machine-readable output', default: false } },
    examples: [['envseal whoami', 'Your public key and the grant line to send']],
    load: async () => (await import('./commands/whoami.js')).whoami,
  },
  {
    path: ['identity', 'new'],
    describe: 'Make a dedicated age identity in $XDG_CONFIG_HOME/envseal/identity (0600), for when your SSH key cannot be used',
    options: { out: { type: 'string', describe: 'Write it here instead (a new file, 0600)' } },
    examples: [['envseal identity new', 'Then send the printed grant line to a teammate']],
    load: async () => (await import('./commands/identity.js')).identityNew,
  },
  {
    path: ['status'],
    describe: 'Show each sealed file\'s key, last rotation, next due date, and whether .env has drifted',
    options: {
      env: envOption,
      all: { type: 'boolean', describe: 'Every sealed file under the current directory', default: false },
      ...keySourceOptions,
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
  {
    path: ['doctor'],
    describe: 'Check everything envseal relies on, each problem with its fix: hooks (run far enough to reach envseal), drivers, ignore rules, key files, every environment\'s sealed file, recipients, key variables in this shell (exit 1 on a problem)',
    options: {
      env: { ...envOption, describe: 'Check only this environment\'s files (default: every environment in the repository)' },
      'key-file': keyFileOption,
      identity: identityOption,
      json: { type: 'boolean', describe: 'Machine-readable output: {ok, root, summary, checks: [{name, subject, status, message, fix}]}', default: false },
      strict: { type: 'boolean', describe: 'Warnings fail too (exit 1)', default: false },
    },
    examples: [
      ['envseal doctor', 'When something is off: every check, and the fix for each problem'],
      ['envseal doctor --env production', 'Only the production environment\'s files (the hooks and settings too)'],
      ['envseal doctor --json', 'In CI: exit 1 on a problem, the checks as JSON'],
    ],
    load: async () => (await import('./commands/doctor.js')).doctor,
  },
  {
    path: ['completion'],
    describe: 'Print a shell completion script (bash, or zsh with --shell zsh): commands, options, --env names and variable names',
    options: {
      shell: { type: 'string', describe: 'The shell the script is for', choices: ['bash', 'zsh'], default: 'bash' },
      // What the script runs while completing: quick, never needs a key, prints nothing on error.
      list: { type: 'string', describe: 'Print the environment or variable names to complete, one a line', choices: ['envs', 'names'], hidden: true },
      env: { ...envOption, hidden: true },
      in: { ...sealedInOption, hidden: true },
    },
    examples: [
      ["echo 'source <(envseal completion)' >> ~/.bashrc", 'bash: complete envseal in every new shell'],
      ["echo 'source <(envseal completion --shell zsh)' >> ~/.zshrc", 'zsh: the same, at the end of ~/.zshrc (after compinit)'],
    ],
    // The one command that reads the table itself: handed it, so it never imports this module back.
    load: async () => (await import('./commands/completion.js')).completion({ commands: COMMANDS, groups: GROUP_DESCRIPTIONS }),
  },
  {
    path: ['hooks', 'install'],
    describe: 'Install the pre-commit, pre-merge-commit, commit-msg and pre-push hooks (husky 4, 7, 8, 9 or lefthook when the repo uses them; never clobbers a hook)',
    options: {
      husky: { type: 'boolean', describe: 'Add envseal to .husky/<hook> files', default: false },
      lefthook: { type: 'boolean', describe: 'Add envseal to lefthook.yml', default: false },
      git: { type: 'boolean', describe: 'Write hooks where git runs them (core.hooksPath or .git/hooks)', default: false },
    },
    examples: [
      ['envseal hooks install', 'Detect husky or lefthook, else use core.hooksPath or .git/hooks'],
      ['envseal hooks install --git', 'Plain git hooks even in a husky project'],
    ],
    load: async () => (await import('./commands/hooks.js')).install,
  },
  {
    path: ['hooks', 'uninstall'],
    describe: 'Remove exactly what `hooks install` added, restoring any hook it chained',
    options: {
      husky: { type: 'boolean', describe: 'Remove from .husky/<hook> files', default: false },
      lefthook: { type: 'boolean', describe: 'Remove from lefthook.yml', default: false },
      git: { type: 'boolean', describe: 'Remove from core.hooksPath or .git/hooks', default: false },
    },
    examples: [['envseal hooks uninstall', 'Remove envseal\'s hooks']],
    load: async () => (await import('./commands/hooks.js')).uninstall,
  },
  {
    path: ['hooks', 'status'],
    describe: 'Say which hooks are installed where, and run each far enough to prove it reaches envseal (exit 1 when one does not)',
    options: {
      husky: { type: 'boolean', describe: 'Look at .husky/', default: false },
      lefthook: { type: 'boolean', describe: 'Look at lefthook.yml', default: false },
      git: { type: 'boolean', describe: 'Look at core.hooksPath or .git/hooks', default: false },
      json: { type: 'boolean', describe: 'Machine-readable output', default: false },
    },
    examples: [['envseal hooks status', 'Where the hooks are and whether they run']],
    load: async () => (await import('./commands/hooks.js')).status,
  },
  {
    path: ['show'],
    describe: 'List the sealed values, secrets masked; a SENSITIVE column says which are treated as secrets',
    options: {
      env: envOption,
      in: sealedInOption,
      ...keySourceOptions,
      reveal: { type: 'boolean', describe: 'Show plaintext values (prints secrets)', default: false },
      json: { type: 'boolean', describe: 'Machine-readable output: [{name, value, sensitive, reason}] (with --ages: changed, ageDays, state, ...)', default: false },
      ages: { type: 'boolean', describe: 'Add when each value last changed, its rotation policy and whether it is due', default: false },
    },
    examples: [
      ['envseal show', 'Names and masked values of .env.encrypted'],
      ['envseal show --ages', 'Also when each value last changed, and which are due for rotation'],
      ['envseal show --env production --json', 'Machine-readable, still masked'],
    ],
    load: async () => (await import('./commands/show.js')).show,
  },
  {
    path: ['get'],
    describe: 'Print one value, masked unless --reveal (exit 1 when the name is absent)',
    positionals: [{ name: 'name', describe: 'Variable name (case-sensitive)', required: true, completes: 'names' }],
    options: {
      env: envOption,
      in: sealedInOption,
      ...keySourceOptions,
      reveal: { type: 'boolean', describe: 'Print the plaintext value', default: false },
    },
    examples: [
      ['envseal get DATABASE_URL', 'The value, password masked'],
      ['envseal get STRIPE_KEY --reveal | pbcopy', 'Copy a plaintext value'],
    ],
    load: async () => (await import('./commands/get.js')).get,
  },
  {
    path: ['run'],
    describe: 'Run a command with the sealed values in its environment (decrypted in memory; master-key variables removed)',
    positionals: [{ name: 'command', describe: 'The command and its arguments, after --', variadic: true, completes: 'commands' }],
    options: {
      env: envOption,
      in: sealedInOption,
      ...keySourceOptions,
      mask: { type: 'boolean', describe: "Redact secrets (also base64- and URL-encoded) in the command's stdout and stderr", default: false },
      override: { type: 'boolean', describe: 'Sealed values replace variables already set (default: existing variables win)', default: false },
    },
    examples: [
      ['envseal run -- node server.js', 'Start the app with its secrets'],
      ['envseal run --env production --mask -- npm test', 'CI: production values, secrets redacted from the logs'],
      ["envseal run -- sh -c 'psql \"$DATABASE_URL\"'", 'Shell syntax (variables, pipes) needs an explicit shell'],
    ],
    load: async () => (await import('./commands/run.js')).run,
  },
  {
    path: ['export'],
    describe: 'Print the values for another tool: shell, json, dotenv, docker --env-file, GitHub Actions ($GITHUB_ENV), or a Kubernetes Secret',
    options: {
      format: { type: 'string', describe: 'Output format', choices: ['shell', 'json', 'dotenv', 'docker', 'github', 'k8s'], default: 'shell' },
      env: envOption,
      in: sealedInOption,
      ...keySourceOptions,
      name: { type: 'string', describe: 'With --format k8s: the Secret\'s metadata.name (required; a DNS-1123 name)', example: 'app-secrets' },
      namespace: { type: 'string', describe: 'With --format k8s: the Secret\'s metadata.namespace (default: kubectl\'s current namespace)', example: 'production' },
    },
    examples: [
      ['eval "$(envseal export)"', 'Into the current shell'],
      ['docker run --env-file <(envseal export --format docker) IMAGE', 'Docker, without a plaintext file on disk (bash)'],
      ['envseal export --env production --format github', 'In a workflow step: mask secrets, set $GITHUB_ENV for later steps'],
      ['envseal export --env production --format k8s --name app --namespace prod | kubectl apply -f -', 'A Kubernetes Secret, created or updated, with no plaintext file on disk'],
    ],
    load: async () => (await import('./commands/export.js')).exportValues,
  },
  {
    path: ['edit'],
    describe: 'Edit a sealed file in $VISUAL/$EDITOR via a private temp file (removed afterwards); unchanged values keep their ciphertext',
    options: { env: envOption, in: sealedInOption, ...keySourceOptions, 'allow-reuse': allowReuseOption, quiet: { type: 'boolean', alias: 'q', describe: 'Print nothing on success', default: false } },
    examples: [
      ['envseal edit', 'Edit .env.encrypted in your editor and re-seal it'],
      ['EDITOR="code --wait" envseal edit --env production', 'Any editor command works'],
    ],
    load: async () => (await import('./commands/edit.js')).edit,
  },
  {
    path: ['set'],
    describe: 'Set one value in a sealed file; the value comes from stdin or a hidden prompt, never from the command line',
    positionals: [
      { name: 'name', describe: 'Variable name', required: true, completes: 'names' },
      // Declared (and refused by the handler) so a value typed here gets an explanation, not a usage error echoing it.
      { name: 'value', describe: 'Refused: a value here would show in `ps` and your shell history', variadic: true, hidden: true },
    ],
    options: { env: envOption, in: sealedInOption, ...keySourceOptions, 'allow-reuse': allowReuseOption, quiet: { type: 'boolean', alias: 'q', describe: 'Print nothing on success', default: false } },
    examples: [
      ['envseal set STRIPE_SECRET_KEY', 'Type the value at a hidden prompt'],
      ['pbpaste | envseal set STRIPE_SECRET_KEY --env production', 'Pipe it in (one trailing newline is dropped)'],
    ],
    load: async () => (await import('./commands/set.js')).set,
  },
  {
    path: ['unset'],
    describe: 'Remove a variable from a sealed file',
    positionals: [{ name: 'name', describe: 'Variable name', required: true, completes: 'names' }],
    options: { env: envOption, in: sealedInOption, ...keySourceOptions, quiet: { type: 'boolean', alias: 'q', describe: 'Print nothing on success', default: false } },
    examples: [['envseal unset OLD_API_KEY', 'Remove OLD_API_KEY from .env.encrypted']],
    load: async () => (await import('./commands/unset.js')).unset,
  },
  {
    path: ['check'],
    describe: 'Check an env against .env.example: missing names, placeholders, annotations (@required, @min, @format...), weak and reused secrets',
    options: {
      env: envOption,
      ...keySourceOptions,
      example: { type: 'string', describe: 'The example to compare with (default: .env.example)' },
      plain: { type: 'boolean', describe: 'Check the plaintext .env even when the sealed file can be opened', default: false },
      json: { type: 'boolean', describe: 'Machine-readable output', default: false },
      strict: { type: 'boolean', describe: 'Warnings (names not in the example) are errors too', default: false },
    },
    examples: [
      ['envseal check', 'Check .env.encrypted (or .env) against .env.example'],
      ['envseal check --env production --strict', 'Before a deploy: fail on any problem'],
      ['envseal check --json', 'For CI annotations'],
    ],
    load: async () => (await import('./commands/check.js')).check,
  },
  {
    path: ['generate'],
    describe: 'Fill placeholders with fresh random values of the right type (never prints them); --rotate replaces one and keeps the old as NAME_PREVIOUS, --finish removes it',
    positionals: [{ name: 'names', describe: 'Variables to fill or add (default: every placeholder envseal can generate)', variadic: true, completes: 'names' }],
    options: {
      env: envOption,
      ...keySourceOptions,
      type: { type: 'string', describe: 'Kind of value (default: from the example\'s annotations, then the name)', choices: ['token', 'hex', 'base64', 'fernet', 'password', 'uuid'] },
      length: { type: 'string', describe: 'Length in characters (token, hex, base64, password)' },
      rotate: { type: 'string', describe: 'Replace this variable\'s value and keep the old one as <NAME>_PREVIOUS', completes: 'names' },
      grace: { type: 'string', describe: 'With --rotate: how long <NAME>_PREVIOUS is needed (48h, 7d, 2w; default: @grace in the example), recorded in the sealed file' },
      finish: { type: 'string', describe: 'End a rotation\'s grace window: remove <NAME>_PREVIOUS', completes: 'names' },
      force: forceOption('Replace real values of the names given'),
      example: { type: 'string', describe: 'Example with annotations (default: .env.example)' },
      quiet: { type: 'boolean', alias: 'q', describe: 'Print nothing on success', default: false },
    },
    examples: [
      ['envseal generate', 'Fill every placeholder in .env (created from .env.example if missing)'],
      ['envseal generate SESSION_SECRET --type hex --length 64', 'Add or fill one variable'],
      ['envseal generate --rotate JWT_SECRET --grace 48h --env production', 'Rotate a signing key, keeping the old one for 48 hours'],
      ['envseal generate --finish JWT_SECRET --env production', 'Remove JWT_SECRET_PREVIOUS once the grace window is over'],
    ],
    load: async () => (await import('./commands/generate.js')).generate,
  },
  {
    path: ['example'],
    describe: 'Write or update .env.example from the env: every name, comments and annotations, placeholders instead of values',
    options: {
      env: envOption,
      ...keySourceOptions,
      out: { type: 'string', describe: 'File to write (default: .env.example)' },
      plain: { type: 'boolean', describe: 'Read the plaintext .env even when the sealed file can be opened', default: false },
      quiet: { type: 'boolean', alias: 'q', describe: 'Print nothing on success', default: false },
    },
    examples: [['envseal example', 'Update .env.example with the names in .env.encrypted']],
    load: async () => (await import('./commands/example.js')).example,
  },
  {
    path: ['git', 'setup'],
    describe: 'Make git diff and git merge understand sealed files (.gitattributes + local git config)',
    options: {
      undo: { type: 'boolean', describe: 'Remove what setup added (same as `envseal git unsetup`)', default: false },
      command: { type: 'string', describe: 'How git should run envseal (default: this node and this envseal, by absolute path)' },
    },
    examples: [
      ['envseal git setup', 'Once per clone'],
      ['envseal git setup --command envseal', 'Use the envseal on PATH instead of absolute paths'],
    ],
    load: async () => (await import('./commands/git-setup.js')).gitSetupCommand,
  },
  {
    path: ['git', 'unsetup'],
    describe: 'Remove exactly what `envseal git setup` added',
    options: {},
    examples: [['envseal git unsetup', 'Back to plain git diff and merge for *.encrypted']],
    load: async () => (await import('./commands/git-setup.js')).gitUnsetup,
  },
  {
    path: ['git', 'textconv'],
    describe: 'Diff driver (run by git): a sealed file as names, masked values and change markers',
    positionals: [{ name: 'file', describe: 'The file version git hands over', required: true }],
    options: {},
    examples: [['git diff .env.encrypted', 'After `envseal git setup`, git runs this itself']],
    load: async () => (await import('./commands/git-textconv.js')).gitTextconv,
  },
  {
    path: ['git', 'merge'],
    describe: 'Merge driver (run by git): three-way merge of a sealed file per variable',
    positionals: [
      { name: 'base', describe: 'Common ancestor (%O)', required: true },
      { name: 'ours', describe: 'Our version, replaced by the result (%A)', required: true },
      { name: 'theirs', describe: 'Their version (%B)', required: true },
      { name: 'path', describe: 'Path in the repository (%P)' },
    ],
    options: {},
    examples: [['git merge feature', 'After `envseal git setup`, git runs this itself']],
    load: async () => (await import('./commands/git-merge.js')).gitMerge,
  },
  {
    path: ['hooks', 'run'],
    describe: 'Run one hook\'s checks now (what the installed hooks call); exit 1 on findings',
    positionals: [
      { name: 'hook', describe: 'pre-commit, pre-merge-commit, commit-msg or pre-push', required: true, completes: HOOK_NAMES },
      { name: 'args', describe: 'What git passes to the hook', variadic: true },
    ],
    options: {
      'inline-allow': { type: 'boolean', describe: 'Honour `envseal:allow` comments (--no-inline-allow to forbid them)', default: true },
      baseline: { type: 'string', describe: 'Baseline of accepted finding fingerprints (default: .envseal-baseline.json when present)' },
    },
    examples: [
      ['envseal hooks run pre-commit', 'Check what is staged, as the hook would'],
      ['envseal hooks run commit-msg .git/COMMIT_EDITMSG', 'Check a commit message'],
    ],
    load: async () => (await import('./commands/hooks.js')).run,
  },
  {
    path: ['scan'],
    describe: 'Find secrets and key material in the working tree, the index (--staged) or history (--history)',
    positionals: [{ name: 'paths', describe: 'Files or directories, inside a repository or not, or - for stdin (default: the working tree, respecting .gitignore)', variadic: true }],
    options: {
      staged: { type: 'boolean', describe: 'Scan what is staged, exactly as the pre-commit hook does', default: false },
      history: { type: 'string', describe: 'Scan commits: every ref, or --history=RANGE (e.g. origin/main..HEAD)', valueOptional: true },
      json: { type: 'boolean', describe: 'Print findings as a JSON array', default: false },
      sarif: { type: 'boolean', describe: 'Print findings as SARIF 2.1.0', default: false },
      baseline: { type: 'string', describe: 'Ignore findings whose fingerprints are in this baseline file' },
      'write-baseline': { type: 'string', describe: 'Write the fingerprints of all current findings to this file, and exit 0' },
      'inline-allow': { type: 'boolean', describe: 'Honour `envseal:allow` comments (--no-inline-allow to forbid them)', default: true },
    },
    examples: [
      ['envseal scan', 'The working tree'],
      ['envseal scan ./release', 'Any directory, in a repository or not'],
      ['kubectl get secret app -o yaml | envseal scan -', 'What arrives on stdin'],
      ['envseal scan --history', 'Every commit of every ref'],
      ['envseal scan --history=origin/main..HEAD --json', 'Commits not yet on main, as JSON'],
      ['envseal scan --write-baseline .envseal-baseline.json', 'Accept existing findings, block new ones'],
    ],
    load: async () => (await import('./commands/scan.js')).scan,
  },
];

/** What the first word of a multi-word command (`hooks install`) stands for. */
export const GROUP_DESCRIPTIONS: Readonly<Record<string, string>> = {
  hooks: 'Install, inspect and run the git hooks that block plaintext and key material',
  git: 'Set up git diff and merge drivers for sealed files',
  identity: 'Your own age identity, for team access',
};

/** Global flags handled before any command. */
export const GLOBAL_FLAGS = ['--help', '-h', '--version'] as const;

export function findCommand(words: readonly string[]): CommandSpec | undefined {
  let best: CommandSpec | undefined;
  for (const spec of COMMANDS) {
    if (spec.path.every((word, i) => words[i] === word) && (!best || spec.path.length > best.path.length)) best = spec;
  }
  return best;
}
