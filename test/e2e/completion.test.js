// `envseal completion`: the bash script sourced in a real bash and its completion function called as
// bash calls it (COMP_WORDS, COMP_CWORD), and the zsh script run by zsh's own completion system in an
// interactive zsh on a pseudo-terminal, both in a repository with sealed files, calling back into the
// built CLI through an `envseal` on PATH.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, TEST_KEY, OTHER_KEY, cleanEnv, gitRepo, run, tempDir, write } from '../helpers/cli.js';
import { needing } from '../helpers/tools.js';
import { COMMANDS } from '../../dist/cli/spec.js';

const DEFAULT_VALUES = { PORT: '3000', SESSION_SECRET: 'default-session-secret-value-1' };
const PRODUCTION_VALUES = { DATABASE_URL: 'postgres://app:prod-db-password-77@db/app', STRIPE_SECRET_KEY: 'prod-stripe-secret-value-123', 'app.mode': 'live' };
const SECRETS = [DEFAULT_VALUES.SESSION_SECRET, 'prod-db-password-77', PRODUCTION_VALUES.STRIPE_SECRET_KEY];

/** A repository with sealed files for the default environment and production, and files that mark two more environments. */
function repository() {
  const dir = gitRepo('envseal-completion-');
  const seal = (envName, values, key) => {
    const plain = path.join(dir, envName ? `.env.${envName}` : '.env');
    write(plain, Object.entries(values).map(([k, v]) => `${k}=${v}\n`).join(''));
    const r = run(['encrypt', '-q', ...(envName ? ['--env', envName] : [])], { cwd: dir, env: { ENVSEAL_MASTER_KEY: key } });
    assert.is(r.code, 0, r.stderr);
    fs.rmSync(plain);
  };
  seal(undefined, DEFAULT_VALUES, TEST_KEY);
  seal('production', PRODUCTION_VALUES, OTHER_KEY);
  write(path.join(dir, '.env.staging.key'), 'not read by completion\n', 0o600);
  write(path.join(dir, '.env.ci.recipients'), 'not read by completion\n');
  // Not environments: an example, a backup, a legacy name, a plaintext with no sealed file.
  write(path.join(dir, '.env.example'), 'PORT=\n');
  write(path.join(dir, '.env.production.encrypted.backup_20250101T000000Z'), '');
  write(path.join(dir, '.env.encrypted.example'), '');
  write(path.join(dir, '.env.local'), 'X=1\n');
  return dir;
}

let shared;
/** One repository for the tests that only read it. */
const sharedRepository = () => (shared ??= repository());

/** A directory holding an `envseal` that runs the built CLI: the scripts call envseal by name. */
const binDir = tempDir('envseal-completion-bin-');
write(path.join(binDir, 'envseal'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`, 0o755);
/** No key anywhere, and a key command that would leave a trace if anything ran it. */
const completionEnv = (dir) => cleanEnv({ PATH: `${binDir}:${process.env.PATH}`, HOME: dir, ENVSEAL_KEY_COMMAND: `touch ${path.join(dir, 'key-command-ran')}` });

function script(shell) {
  const r = run(['completion', ...(shell === 'zsh' ? ['--shell', 'zsh'] : [])]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, '');
  return r.stdout;
}

// ---- what the table says the scripts must offer ------------------------------------------------------

const visible = (spec) => Object.entries(spec.options).filter(([, option]) => !option.hidden);
function optionsOf(spec) {
  return [
    ...visible(spec).flatMap(([name, option]) => [
      `--${name}`,
      ...(option.alias ? [`-${option.alias}`] : []),
      ...(option.type === 'boolean' && option.default === true ? [`--no-${name}`] : []),
    ]),
    '--help',
  ].sort();
}
const topWords = [...new Set(COMMANDS.map((spec) => spec.path[0]))].sort();
const groups = [...new Set(COMMANDS.filter((spec) => spec.path.length > 1).map((spec) => spec.path[0]))];
const sorted = (list) => [...list].sort();

// ---- bash ----------------------------------------------------------------------------------------------

const bash = suite('completion: bash');

const bashScript = path.join(tempDir('envseal-completion-script-'), 'envseal.bash');
bash.before(() => write(bashScript, script('bash')));

/** COMPREPLY for the command line `words`, the last word being the one completed, as bash sets it up. */
function completeBash(dir, words) {
  const driver = `source "$SCRIPT"; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=\${#COMP_LINE}; _envseal; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', driver, 'bash', ...words], { cwd: dir, env: { ...completionEnv(dir), SCRIPT: bashScript }, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '', `${words.join(' ')}: nothing on stderr`);
  for (const secret of SECRETS) assert.not.ok(r.stdout.includes(secret), 'no value is ever offered');
  return r.stdout.split('\n').filter(Boolean);
}

bash('the script is valid bash and registers _envseal for envseal', () => {
  const r = spawnSync('bash', ['-n', bashScript], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const registered = spawnSync('bash', ['--norc', '-c', `source "${bashScript}"; complete -p envseal`], { encoding: 'utf8' });
  assert.is(registered.stdout.trim(), 'complete -F _envseal envseal');
});

bash('commands, and the words of multi-word commands (hooks run, git setup, identity new), come from the command table', () => {
  const dir = sharedRepository();
  assert.equal(sorted(completeBash(dir, ['envseal', ''])), topWords);
  assert.equal(completeBash(dir, ['envseal', 're']), ['revoke', 'recipients']);
  for (const group of groups) {
    assert.equal(sorted(completeBash(dir, ['envseal', group, ''])), sorted(COMMANDS.filter((s) => s.path[0] === group).map((s) => s.path[1])), group);
  }
  assert.equal(completeBash(dir, ['envseal', 'hooks', 'run', '']), ['pre-commit', 'pre-merge-commit', 'commit-msg', 'pre-push']);
  assert.equal(completeBash(dir, ['envseal', 'recipients', '']), ['verify', 'repair']);
  assert.equal(completeBash(dir, ['envseal', 'recipients', 'v']), ['verify']);
  assert.equal(completeBash(dir, ['envseal', 'nonsense', '']), [], 'an unknown command completes nothing');
});

bash("every command's options are exactly its table entry's (hidden ones never offered)", () => {
  const dir = sharedRepository();
  for (const spec of COMMANDS) {
    assert.equal(sorted(completeBash(dir, ['envseal', ...spec.path, '-'])), optionsOf(spec), spec.path.join(' '));
  }
  assert.not.ok(completeBash(dir, ['envseal', 'completion', '--']).includes('--list'));
  assert.equal(completeBash(dir, ['envseal', 'init', '--no']), ['--no-hooks']);
  assert.equal(completeBash(dir, ['envseal', 'export', '--format', '']), ['shell', 'json', 'dotenv', 'docker', 'github', 'k8s']);
  assert.equal(completeBash(dir, ['envseal', 'export', '--format', '=', 'd']), ['dotenv', 'docker'], '--format=d, as bash splits it');
  assert.equal(completeBash(dir, ['envseal', 'completion', '--shell', '']), ['bash', 'zsh']);
});

bash('--env offers the environments that have a sealed, key or recipients file here, and nothing else', () => {
  const dir = sharedRepository();
  assert.equal(completeBash(dir, ['envseal', 'decrypt', '--env', '']), ['ci', 'production', 'staging']);
  assert.equal(completeBash(dir, ['envseal', 'run', '--mask', '--env', 'p']), ['production']);
  assert.equal(completeBash(dir, ['envseal', 'status', '--env', '=']), ['ci', 'production', 'staging'], 'right after --env=');
  assert.not.ok(fs.existsSync(path.join(dir, 'key-command-ran')), 'no key was looked for');
});

bash('get, set and unset offer the names of the sealed file the line selects (--env, --env=, --in), without a key', () => {
  const dir = sharedRepository();
  assert.equal(completeBash(dir, ['envseal', 'get', '']), Object.keys(DEFAULT_VALUES));
  assert.equal(completeBash(dir, ['envseal', 'get', '--env', 'production', '']), Object.keys(PRODUCTION_VALUES));
  assert.equal(completeBash(dir, ['envseal', 'set', '--env', '=', 'production', 'ST']), ['STRIPE_SECRET_KEY']);
  assert.equal(completeBash(dir, ['envseal', 'unset', '--in', '.env.production.encrypted', '-q', '']), Object.keys(PRODUCTION_VALUES));
  assert.equal(completeBash(dir, ['envseal', 'generate', 'PORT', '']), Object.keys(DEFAULT_VALUES), 'generate takes several names');
  assert.equal(completeBash(dir, ['envseal', 'generate', '--rotate', 'S']), ['SESSION_SECRET']);
  assert.equal(completeBash(dir, ['envseal', 'get', 'PORT', '']), [], 'get takes one name');
  assert.equal(completeBash(dir, ['envseal', 'get', '--env', 'staging', '']), [], 'no sealed file: nothing, and no error');
  assert.not.ok(fs.existsSync(path.join(dir, 'key-command-ran')), 'no key was looked for');
});

bash('file values and positionals complete file names; after `run --` a command, then its files', () => {
  const dir = sharedRepository();
  assert.equal(completeBash(dir, ['envseal', 'decrypt', '--in', '.env.prod']), ['.env.production.encrypted', '.env.production.encrypted.backup_20250101T000000Z']);
  assert.equal(completeBash(dir, ['envseal', 'scan', '.env.l']), ['.env.local']);
  assert.ok(completeBash(dir, ['envseal', 'run', '--', 'gi']).includes('git'));
  assert.equal(completeBash(dir, ['envseal', 'run', '--', 'git', '.env.l']), ['.env.local']);
  assert.equal(completeBash(dir, ['envseal', 'run', '--', 'git', '--']), [], "the command's own options are not envseal's");
});

bash('a sealed file that is damaged, not sealed, or not there: the names list is empty and quiet', () => {
  const dir = repository();
  write(path.join(dir, '.env.broken.encrypted'), 'not a sealed file\n');
  fs.mkdirSync(path.join(dir, '.env.dir.encrypted'));
  for (const args of [['--env', 'broken'], ['--env', 'dir'], ['--env', 'missing'], ['--env', '../escape'], ['--in', '/nonexistent/x']]) {
    const r = spawnSync(path.join(binDir, 'envseal'), ['completion', '--list', 'names', ...args], { cwd: dir, env: completionEnv(dir), encoding: 'utf8' });
    assert.is(r.status, 0, args.join(' '));
    assert.is(r.stdout + r.stderr, '', args.join(' '));
  }
  const list = (cwd) => spawnSync(path.join(binDir, 'envseal'), ['completion', '--list', 'envs'], { cwd, env: completionEnv(dir), encoding: 'utf8' });
  assert.is(list(dir).stdout, 'broken\nci\ndir\nproduction\nstaging\n');
  const empty = list(tempDir('envseal-completion-empty-'));
  assert.is(empty.stdout + empty.stderr, '');
});

bash('completion --help shows the install lines and not the internal --list; --env without --list is a usage error', () => {
  const help = run(['completion', '--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /source <\(envseal completion\)/);
  assert.not.match(help.stdout, /--list/);
  const misuse = run(['completion', '--env', 'production']);
  assert.is(misuse.code, 2);
  assert.match(misuse.stderr, /--env is for --list names only/);
});

bash.run();

// ---- zsh -------------------------------------------------------------------------------------------------

const zsh = suite('completion: zsh');
const withZsh = needing(zsh, 'zsh');

const zshDir = tempDir('envseal-completion-zsh-');
const zshScript = path.join(zshDir, '_envseal');
const HARNESS = path.join(zshDir, 'harness.zsh');
// An interactive zsh without rc files on a pty (zsh/zpty), compinit loaded and the script sourced as a
// user's ~/.zshrc would. Tab runs the completion system; compadd, which every completer ends in, prints
// each match it adds after matching against what was typed; a post-function marks the end.
const HARNESS_TEXT = String.raw`zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1=''; autoload -U compinit; compinit -u -D; source ${'$'}{(q)1}"
zpty -w z 'compadd() { if (( ${'$'}{@[(I)-[OAD]]} )); then builtin compadd "$@"; return; fi; local -a got; builtin compadd -O got "$@"; builtin print -rl -- "" "@@${'$'}{^got[@]}"; builtin compadd "$@"; }'
zpty -w z "zstyle ':completion:*' menu no; LISTMAX=100000; comppostfuncs=(envseal-test-done); envseal-test-done() { print -r -- '@@''END'; }; bindkey '^I' complete-word"
zpty -n -w z "$2"$'\t'
zpty -r z out '*@@END*'
zpty -d z
print -rl -- ${'$'}{${'$'}{(M)${'$'}{(f)out//$'\r'/}:#@@*}#@@}
`;

/** The matches zsh's completion system offers for the command line `line` (Tab at its end). */
function completeZsh(dir, line) {
  const r = spawnSync('zsh', ['-f', HARNESS, zshScript, line], { cwd: dir, env: completionEnv(dir), encoding: 'utf8', timeout: 20_000 });
  assert.is(r.status, 0, `${line}: ${r.stderr} ${r.error ?? ''}`);
  const matches = r.stdout.split('\n').filter(Boolean);
  assert.is(matches.at(-1), 'END', `${line}: the completion ran to its end`);
  for (const secret of SECRETS) assert.not.ok(r.stdout.includes(secret), 'no value is ever offered');
  return matches.slice(0, -1);
}

withZsh.before(() => {
  write(zshScript, script('zsh'));
  write(HARNESS, HARNESS_TEXT);
});

withZsh('the script is valid zsh, starts with #compdef, and loads from $fpath as well as by source', () => {
  const r = spawnSync('zsh', ['-n', zshScript], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.ok(fs.readFileSync(zshScript, 'utf8').startsWith('#compdef envseal\n'));
  const fpath = spawnSync('zsh', ['-fc', `fpath=(${JSON.stringify(zshDir)} $fpath); autoload -U compinit; compinit -u -D; print -r -- $_comps[envseal]`], { encoding: 'utf8' });
  assert.is(fpath.stdout.trim(), '_envseal', 'compinit finds it in $fpath');
});

withZsh('commands, multi-word commands and options come from the command table, with zsh\'s completion system loaded', () => {
  const dir = sharedRepository();
  assert.equal(sorted(completeZsh(dir, 'envseal ')), topWords);
  for (const group of groups) {
    assert.equal(sorted(completeZsh(dir, `envseal ${group} `)), sorted(COMMANDS.filter((s) => s.path[0] === group).map((s) => s.path[1])), group);
  }
  assert.equal(completeZsh(dir, 'envseal hooks run '), ['pre-commit', 'pre-merge-commit', 'commit-msg', 'pre-push']);
  assert.equal(completeZsh(dir, 'envseal recipients '), ['verify', 'repair']);
  for (const spec of COMMANDS.filter((s) => ['export', 'get', 'hooks run', 'init', 'completion'].includes(s.path.join(' ')))) {
    assert.equal(sorted(completeZsh(dir, `envseal ${spec.path.join(' ')} -`)), optionsOf(spec), spec.path.join(' '));
  }
  assert.equal(completeZsh(dir, 'envseal export --format '), ['shell', 'json', 'dotenv', 'docker', 'github', 'k8s']);
});

withZsh('--env names and variable names, from the files here, without a key', () => {
  const dir = sharedRepository();
  assert.equal(completeZsh(dir, 'envseal show --env '), ['ci', 'production', 'staging']);
  assert.equal(completeZsh(dir, 'envseal show --env=pr'), ['production']);
  assert.equal(completeZsh(dir, 'envseal get '), Object.keys(DEFAULT_VALUES));
  assert.equal(completeZsh(dir, 'envseal get --env production '), Object.keys(PRODUCTION_VALUES));
  assert.equal(completeZsh(dir, 'envseal unset --env=production ST'), ['STRIPE_SECRET_KEY']);
  assert.equal(completeZsh(dir, 'envseal decrypt --in .env.l'), ['.env.local']);
  assert.not.ok(fs.existsSync(path.join(dir, 'key-command-ran')), 'no key was looked for');
});

withZsh.run();
