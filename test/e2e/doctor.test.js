// `envseal doctor` through the built CLI, in real git repositories: a healthy project passes, then each
// thing that can be off is broken on its own, and the doctor names it, shows its fix, exits 1, and
// never prints a value or a key.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, ROOT, assertNoSecrets, cleanEnv, git, gitRepo, read, run, setUpHusky, tempDir, write } from '../helpers/cli.js';
import { needing } from '../helpers/tools.js';

const SECRET = 'doctor-Secret-Value-7Hq2Zx9Lw4';
const DAY = 86_400_000;

// PATH without any envseal on it, and one with envseal: the hooks look for it there.
const BARE_PATH = (process.env.PATH ?? '')
  .split(path.delimiter)
  .filter((dir) => dir && !fs.existsSync(path.join(dir, 'envseal')) && !dir.includes('node_modules'))
  .join(path.delimiter);
const BIN_DIR = tempDir('envseal-doctor-bin-');
fs.symlinkSync(BIN, path.join(BIN_DIR, 'envseal'));
const HOME = tempDir('envseal-doctor-home-');
// CI is unset: in CI the doctor skips the hooks (a test below), and the suite itself runs in CI.
const ENV = { PATH: `${BIN_DIR}${path.delimiter}${BARE_PATH}`, HOME, XDG_CONFIG_HOME: path.join(HOME, '.config'), CI: '' };

const envseal = (dir, args, env = {}, input) => run(args, { cwd: dir, env: { ...ENV, ...env }, input });
const keyOf = (dir, file = '.env.key') => read(path.join(dir, file)).split('\n').find((l) => l && !l.startsWith('#'));

function ok(result) {
  assert.is(result.code, 0, result.output);
  return result;
}

/** `envseal init`, `git setup` and `encrypt` in a new repository: nothing is off. */
function project({ setup = true, env: envName } = {}) {
  const dir = gitRepo('envseal-doctor-');
  const flag = envName ? ['--env', envName] : [];
  write(path.join(dir, envName ? `.env.${envName}` : '.env'), `SECRET_KEY=${SECRET}\nPORT=3000\n`);
  ok(envseal(dir, ['init', ...flag]));
  if (setup) ok(envseal(dir, ['git', 'setup']));
  ok(envseal(dir, ['encrypt', ...flag]));
  return dir;
}

/** Runs the doctor twice, as text and as JSON; both must agree, and neither may print a secret. */
function doctor(dir, args = [], env = {}) {
  const text = envseal(dir, ['doctor', ...args], env);
  const json = envseal(dir, ['doctor', '--json', ...args], env);
  assert.is(json.code, text.code, `--json exits as the text report does\n${json.output}`);
  let report;
  try {
    report = JSON.parse(json.stdout);
  } catch (e) {
    assert.unreachable(`--json prints JSON: ${e.message}\n${json.stdout}`);
  }
  const secrets = [SECRET, ...['.env.key', '.env.production.key', '.env.staging.key'].filter((f) => fs.existsSync(path.join(dir, f))).map((f) => keyOf(dir, f))];
  assertNoSecrets(text.output + json.output, secrets);
  return { ...text, report };
}

/** Exit 1, the problem named (name, subject) with its message and its fix, in the text and the JSON. */
function assertProblem(result, name, subject, message, fix, status = 'problem') {
  const check = result.report.checks.find((c) => c.name === name && c.status === status && (subject === undefined || c.subject === subject));
  assert.ok(check, `a ${status} ${name}${subject ? ` ${subject}` : ''} is reported\n${result.stdout}`);
  assert.match(check.message, message);
  assert.match(check.fix, fix);
  if (status === 'problem') {
    assert.is(result.code, 1, result.stdout);
    assert.is(result.report.ok, false);
  }
  const line = result.stdout.split('\n').findIndex((l) => l.startsWith(status === 'problem' ? 'PROBLEM' : status) && l.includes(`${name}${subject ? ` ${subject}` : ''}`));
  assert.ok(line >= 0, `the text report has a line for it\n${result.stdout}`);
  assert.match(result.stdout.split('\n')[line + 1], /^\s+fix: /, 'its fix is shown below it');
  return check;
}

const notOk = (report) => report.checks.filter((c) => c.status === 'warn' || c.status === 'problem');

const healthy = suite('doctor: a healthy project');

healthy('init, git setup and encrypt: every check passes, exit 0, with --json and --strict too', () => {
  const dir = project();
  const r = doctor(dir);
  assert.is(r.code, 0, r.stdout);
  assert.equal(notOk(r.report), [], r.stdout);
  assert.is(r.report.ok, true);
  assert.is(fs.realpathSync(r.report.root), fs.realpathSync(dir));
  const names = r.report.checks.map((c) => `${c.name}${c.subject ? ` ${c.subject}` : ''}`);
  for (const name of ['hook pre-commit', 'hook pre-merge-commit', 'hook commit-msg', 'hook pre-push', 'drivers', 'gitignore', 'key-file .env.key', 'sealed-file .env.encrypted', 'plaintext .env', 'rotation .env.encrypted', 'key-variable']) {
    assert.ok(names.includes(name), `${name} is checked: ${names.join(', ')}`);
  }
  assert.match(r.stdout, /^ok +hook pre-commit +reaches envseal/m);
  assert.match(r.stdout, /All is well\.$/m);
  assert.equal(r.report.summary, { ok: r.report.checks.length, warn: 0, problem: 0, skipped: 0 });
  assert.is(doctor(dir, ['--strict']).code, 0);
});

healthy('without git setup the drivers are a warning: exit 0, and 1 with --strict', () => {
  const dir = project({ setup: false });
  const r = doctor(dir);
  assert.is(r.code, 0, r.stdout);
  assertProblem(r, 'drivers', undefined, /does not route sealed files/, /envseal git setup/, 'warn');
  assert.match(r.stdout, /0 problems, 1 warning \(--strict fails on warnings\)/);
  assert.is(doctor(dir, ['--strict']).code, 1);
});

healthy('in CI (CI=true) the hooks are skipped: a CI clone has none, and commits nothing', () => {
  const dir = project();
  for (const hook of ['pre-commit', 'pre-merge-commit', 'commit-msg', 'pre-push']) fs.rmSync(path.join(dir, '.git/hooks', hook));
  assert.is(doctor(dir).code, 1);
  const r = doctor(dir, ['--strict'], { CI: 'true' });
  assert.is(r.code, 0, r.stdout);
  assert.match(r.stdout, /^skipped +hook +CI is set: nothing is committed here/m);
});

healthy('outside a git repository: the git checks are skipped, the rest runs', () => {
  const dir = tempDir('envseal-doctor-nogit-');
  write(path.join(dir, '.env'), `SECRET_KEY=${SECRET}\n`);
  ok(envseal(dir, ['init']));
  ok(envseal(dir, ['encrypt']));
  const r = doctor(dir);
  assert.is(r.code, 0, r.stdout);
  assert.is(r.report.root, null);
  for (const name of ['hook', 'drivers', 'gitignore']) {
    const check = r.report.checks.find((c) => c.name === name);
    assert.is(check?.status, 'skipped', name);
    assert.match(check.message, /not inside a git work tree/);
  }
  assert.match(r.stdout, /^skipped +hook +not inside a git work tree/m);
  assert.ok(r.report.checks.some((c) => c.name === 'sealed-file' && c.status === 'ok'));
  fs.chmodSync(path.join(dir, '.env.key'), 0o644);
  assertProblem(doctor(dir), 'key-file', '.env.key', /readable by other users \(mode 0644\)/, /chmod 600 \.env\.key/);
});

healthy.run();

const hooks = suite('doctor: hooks');

hooks('a removed hook', () => {
  const dir = project();
  fs.rmSync(path.join(dir, '.git/hooks/pre-commit'));
  assertProblem(doctor(dir), 'hook', 'pre-commit', /does not reach envseal: git runs no pre-commit hook: .*does not exist/, /envseal hooks install/);
});

hooks('a hook that is not executable', () => {
  const dir = project();
  fs.chmodSync(path.join(dir, '.git/hooks/commit-msg'), 0o644);
  assertProblem(doctor(dir), 'hook', 'commit-msg', /is not executable, so git ignores it/, /chmod \+x .*commit-msg/);
});

hooks('a hook that cannot find envseal on the PATH git gives it', () => {
  const dir = project();
  const r = doctor(dir, [], { PATH: BARE_PATH });
  for (const hook of ['pre-commit', 'pre-merge-commit', 'commit-msg', 'pre-push']) {
    assertProblem(r, 'hook', hook, /does not reach envseal.*envseal is not installed here/, /npm install --save-dev envseal/);
  }
});

hooks('core.hooksPath pointing away from the installed hooks', () => {
  const dir = project();
  git(dir, 'config', 'core.hooksPath', 'githooks');
  fs.mkdirSync(path.join(dir, 'githooks'));
  const check = assertProblem(doctor(dir), 'hook', 'pre-commit', /core\.hooksPath is githooks: git runs hooks from there only/, /envseal hooks install/);
  assert.match(check.message, /githooks\/pre-commit does not exist/);
  ok(envseal(dir, ['hooks', 'install']));
  assert.is(doctor(dir).code, 0, 'the fix fixes it');
});

hooks('someone else\'s hook in place of envseal\'s', () => {
  const dir = project();
  write(path.join(dir, '.git/hooks/pre-push'), '#!/bin/sh\nexit 0\n', 0o755);
  assertProblem(doctor(dir), 'hook', 'pre-push', /envseal's hook is not installed: .*pre-push does not run it/, /envseal hooks install.*kept, and runs after envseal/);
});

function huskyProject() {
  const dir = gitRepo('envseal-doctor-husky-');
  setUpHusky(dir, ENV);
  write(path.join(dir, '.env'), `SECRET_KEY=${SECRET}\n`);
  ok(envseal(dir, ['init']));
  ok(envseal(dir, ['git', 'setup']));
  ok(envseal(dir, ['encrypt']));
  return dir;
}

hooks('husky 9: its hooks reach envseal; a clone where husky is not set up, and HUSKY=0, are problems', () => {
  const dir = huskyProject();
  const good = doctor(dir, [], { PATH: BARE_PATH });
  assert.is(good.code, 0, good.stdout);
  assert.match(good.stdout, /^ok +hook pre-commit +reaches envseal \(husky 9, \.husky\/pre-commit\)/m);
  const disabled = doctor(dir, [], { HUSKY: '0' });
  assertProblem(disabled, 'hook', 'pre-commit', /HUSKY=0 is set/, /unset HUSKY/);
  fs.rmSync(path.join(dir, '.husky/_'), { recursive: true });
  assertProblem(doctor(dir), 'hook', undefined, /git runs none of envseal's hooks: core\.hooksPath is \.husky\/_, which does not exist/, /npx husky/);
});

// The pre-commit framework, with envseal as a local hook (language: system, the envseal on PATH).
const framework = needing(suite('doctor: the pre-commit framework'), 'pre-commit');

function preCommitStages() {
  const [major, minor] = /(\d+)\.(\d+)/.exec(spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).stdout).slice(1).map(Number);
  const legacy = major < 3 || (major === 3 && minor < 2);
  return legacy ? { commit: 'commit', push: 'push', msg: 'commit-msg' } : { commit: 'pre-commit', push: 'pre-push', msg: 'commit-msg' };
}

framework('hooks run through the framework reach envseal; a hook it does not enable is named, with the config to add', () => {
  const dir = project();
  const stages = preCommitStages();
  const entry = (id, hook, stage) => `      - id: ${id}\n        name: ${id}\n        entry: envseal hooks run ${hook}\n        language: system\n        always_run: true\n        pass_filenames: ${hook === 'commit-msg'}\n        stages: [${stage}]\n`;
  const config = `repos:\n  - repo: local\n    hooks:\n${entry('envseal', 'pre-commit', stages.commit)}${entry('envseal-commit-msg', 'commit-msg', stages.msg)}${entry('envseal-pre-push', 'pre-push', stages.push)}`;
  write(path.join(dir, '.pre-commit-config.yaml'), config);
  for (const hook of ['pre-commit', 'pre-merge-commit', 'commit-msg', 'pre-push']) fs.rmSync(path.join(dir, '.git/hooks', hook));
  const env = cleanEnv({ ...ENV, PRE_COMMIT_HOME: tempDir('envseal-doctor-pre-commit-home-') });
  const install = spawnSync('pre-commit', ['install', '--hook-type', 'pre-commit', '--hook-type', 'commit-msg', '--hook-type', 'pre-push'], { cwd: dir, env, encoding: 'utf8' });
  assert.is(install.status, 0, install.stderr);
  git(dir, 'add', '.pre-commit-config.yaml', '.gitignore', '.gitattributes', '.env.encrypted');
  const commit = spawnSync('git', ['commit', '-qm', 'first'], { cwd: dir, env, encoding: 'utf8' });
  assert.is(commit.status, 0, commit.stdout + commit.stderr);
  const r = doctor(dir, [], { PRE_COMMIT_HOME: env.PRE_COMMIT_HOME });
  assert.is(r.code, 0, r.stdout);
  for (const hook of ['pre-commit', 'commit-msg', 'pre-push']) assert.match(r.stdout, new RegExp(`^ok +hook ${hook} +reaches envseal \\(through the pre-commit framework\\)`, 'm'));
  assertProblem(r, 'hook', 'pre-merge-commit', /git runs no pre-merge-commit hook/, /pre-commit install --hook-type pre-merge-commit.*stages: \[pre-commit, pre-merge-commit\]/, 'warn');
  const status = envseal(dir, ['hooks', 'status'], { PRE_COMMIT_HOME: env.PRE_COMMIT_HOME });
  assert.is(status.stdout.match(/run by the pre-commit framework, reaches envseal/g)?.length, 3, `hooks status agrees\n${status.stdout}`);
  write(path.join(dir, '.pre-commit-config.yaml'), config.replace(entry('envseal-pre-push', 'pre-push', stages.push), ''));
  assertProblem(doctor(dir, [], { PRE_COMMIT_HOME: env.PRE_COMMIT_HOME }), 'hook', 'pre-push', /does not reach envseal/, /Enable envseal's hook in \.pre-commit-config\.yaml \(id: envseal-pre-push/);
});

hooks.run();
framework.run();

const settings = suite('doctor: settings and files');

settings('drivers unset, and drivers that start a program no longer there', () => {
  const dir = project();
  git(dir, 'config', '--unset', 'merge.envseal.driver');
  assertProblem(doctor(dir), 'drivers', undefined, /lacks merge\.envseal\.driver/, /envseal git setup/);
  ok(envseal(dir, ['git', 'setup']));
  git(dir, 'config', 'diff.envseal.textconv', "'/nonexistent/node' '/nonexistent/envseal.js' git textconv");
  assertProblem(doctor(dir), 'drivers', undefined, /start \/nonexistent\/node, which is not there/, /envseal git setup/);
});

settings('a key file other users can read', () => {
  const dir = project();
  fs.chmodSync(path.join(dir, '.env.key'), 0o644);
  const r = doctor(dir);
  assertProblem(r, 'key-file', '.env.key', /readable by other users \(mode 0644\)/, /chmod 600 \.env\.key/);
  assertProblem(r, 'sealed-file', '.env.encrypted', /cannot be opened: key file \.env\.key is readable by other users/, /chmod 600/);
  const key = keyOf(dir);
  write(path.join(dir, '.env.key'), `${key.slice(0, 30)}\n`, 0o600);
  const malformed = doctor(dir);
  assertProblem(malformed, 'key-file', '.env.key', /malformed/, /Copy the whole key again/);
  assertNoSecrets(malformed.output, [key.slice(0, 30)]);
});

settings('.gitignore missing a rule, undone by a later rule, or kept only on this machine', () => {
  const dir = project();
  const gitignore = path.join(dir, '.gitignore');
  const original = read(gitignore);
  write(gitignore, original.replace(/^\.env\.\*\n/m, ''));
  const missing = assertProblem(doctor(dir), 'gitignore', undefined, /`\.env\.\*` \(\.env\.x is not ignored\)/, /Append to \.gitignore \(or run `envseal init`, which does\):\n\.env\.\*\n!\.env\.example/);
  assert.not.match(missing.fix, /^\.env$/m, 'only what is missing, and the negations it would override');
  write(gitignore, `${original}*.encrypted\n`);
  assertProblem(doctor(dir), 'gitignore', undefined, /`!\.env\.encrypted` \(\.env\.encrypted is ignored by \.gitignore:\d+ `\*\.encrypted`/, /\(the last matching rule wins\):\n!\.env\.encrypted\n!\.env\.\*\.encrypted$/);
  const excludes = path.join(HOME, 'excludes-doctor');
  write(excludes, '.env.*\n');
  write(gitignore, original.replace(/^\.env\.\*\n/m, ''));
  git(dir, 'config', 'core.excludesFile', excludes);
  assertProblem(doctor(dir), 'gitignore', undefined, /ignored only by .*excludes-doctor, which a teammate's clone does not have/, /\n\.env\.\*\n/);
  write(gitignore, original.replace(/^\.env\.\*\n/m, '.env*\n'));
  git(dir, 'config', '--unset', 'core.excludesFile');
  assert.is(doctor(dir).code, 0, 'a rule written another way counts');
});

settings('a Dockerfile without .dockerignore rules; init adds them', () => {
  const dir = project();
  write(path.join(dir, 'Dockerfile'), 'FROM node:20\nCOPY . .\n');
  assertProblem(doctor(dir), 'dockerignore', undefined, /a Dockerfile but no \.dockerignore: `COPY \. \.` sends plaintext env files/, /Append to \.dockerignore[^]*\*\*\/\.env\n\*\*\/\.env\.\*\n/);
  write(path.join(dir, '.dockerignore'), 'node_modules\n**/.env\n');
  const partial = assertProblem(doctor(dir), 'dockerignore', undefined, /\.dockerignore lacks 12 of envseal's rules/, /\*\*\/\.env\.key/);
  assert.not.match(partial.fix, /^\*\*\/\.env$/m);
  ok(envseal(dir, ['init']));
  const fixed = doctor(dir);
  assert.is(fixed.code, 0, fixed.stdout);
  assert.is(fixed.report.checks.find((c) => c.name === 'dockerignore')?.status, 'ok');
});

settings('an invalid .envseal.json', () => {
  const dir = project();
  write(path.join(dir, '.envseal.json'), '{"rotation": {"maxAgeDayz": 30}}\n');
  assertProblem(doctor(dir), 'config', undefined, /maxAgeDayz/, /./);
});

settings.run();

const environments = suite('doctor: environments');

environments('plaintext behind the sealed file, then with edits of its own', () => {
  const dir = project();
  ok(envseal(dir, ['set', 'API_TOKEN'], {}, `tok-${SECRET}`));
  assertProblem(doctor(dir), 'plaintext', '.env', /the sealed file has changes \.env lacks \(added API_TOKEN\)/, /envseal decrypt/);
  ok(envseal(dir, ['decrypt']));
  write(path.join(dir, '.env'), `${read(path.join(dir, '.env'))}LOCAL_ONLY=1\n`);
  assertProblem(doctor(dir), 'plaintext', '.env', /\.env has edits that are not sealed \(added LOCAL_ONLY\)/, /envseal encrypt/);
});

environments('rotation overdue (ENVSEAL_NOW)', () => {
  const dir = project();
  const later = new Date(Date.now() + 100 * DAY).toISOString();
  assertProblem(doctor(dir, [], { ENVSEAL_NOW: later }), 'rotation', '.env.encrypted', /overdue \(policy: every 90 days\)/, /envseal rotate/);
  write(path.join(dir, '.envseal.json'), '{"rotation": {"maxAgeDays": 365}}\n');
  const r = doctor(dir, [], { ENVSEAL_NOW: later });
  assert.is(r.code, 0, `the project's policy applies\n${r.stdout}`);
  assert.ok(r.report.checks.some((c) => c.name === 'config' && c.status === 'ok'));
});

environments('a bad recipients line', () => {
  const dir = project();
  const granted = ok(envseal(dir, ['grant', 'ci', '--new-identity']));
  const identity = granted.stdout.trim();
  assert.is(doctor(dir).code, 0);
  const file = path.join(dir, '.env.recipients');
  write(file, read(file).replace(/mac=([0-9a-f])/, (_, c) => `mac=${c === '0' ? '1' : '0'}`));
  const r = doctor(dir);
  assertProblem(r, 'recipients', '.env.recipients', /ci: forged/, /ci: its MAC does not verify/);
  assertNoSecrets(r.output, [identity]);
});

environments('a key variable in the shell: a warning (exit 0), a failure with --strict', () => {
  const dir = project();
  const key = keyOf(dir);
  const r = doctor(dir, [], { ENVSEAL_MASTER_KEY: key, ENVSEAL_KEY_COMMAND: 'cat .env.key' });
  assert.is(r.code, 0, r.stdout);
  assertProblem(r, 'key-variable', 'ENVSEAL_MASTER_KEY', /is set in this shell's environment and holds a master key/, /envseal run/, 'warn');
  assert.not.ok(r.report.checks.some((c) => c.subject === 'ENVSEAL_KEY_COMMAND'), 'a key command gives nothing away');
  const strict = doctor(dir, ['--strict'], { ENVSEAL_MASTER_KEY: key });
  assert.is(strict.code, 1);
  assertNoSecrets(strict.output, [key]);
});

environments('every environment in the repository, or one with --env', () => {
  const dir = project({ env: 'production' });
  write(path.join(dir, 'apps/api/.env.staging'), `SECRET_KEY=${SECRET}-staging\n`);
  ok(run(['init', '--env', 'staging', '--no-hooks'], { cwd: path.join(dir, 'apps/api'), env: ENV }));
  ok(run(['encrypt', '--env', 'staging'], { cwd: path.join(dir, 'apps/api'), env: ENV }));
  const all = doctor(path.join(dir, 'apps'));
  assert.is(all.code, 0, all.stdout);
  const sealed = all.report.checks.filter((c) => c.name === 'sealed-file').map((c) => c.subject);
  assert.equal(sealed, ['.env.production.encrypted', 'apps/api/.env.staging.encrypted'], 'from the root, wherever it runs');
  write(path.join(dir, '.env.production'), `${read(path.join(dir, '.env.production'))}EXTRA=1\n`);
  assert.is(doctor(dir).code, 1);
  assert.is(doctor(dir, ['--env', 'staging']).code, 0, 'production is not looked at');
  assertProblem(doctor(dir, ['--env', 'production']), 'plaintext', '.env.production', /EXTRA/, /envseal encrypt --env production/);
  assertProblem(doctor(dir, ['--env', 'qa']), 'environments', undefined, /no sealed file for the qa environment/, /envseal encrypt --env qa/);
});

environments.run();
