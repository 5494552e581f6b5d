// The hooks in the repositories people have (issue 11): husky 4, 7, 8 and 9 and lefthook, each
// installed from the npm registry into a real temp project, and commits run with a PATH on which
// envseal lives only in the project's node_modules/.bin, as it does for a team that depends on it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, cleanEnv, gitRepo, read, tempDir, write } from '../helpers/cli.js';

const GITHUB = `ghp_${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}`;

// PATH without any envseal on it: only the project's node_modules/.bin will have one.
const PATH = (process.env.PATH ?? '')
  .split(path.delimiter)
  .filter((dir) => dir && !fs.existsSync(path.join(dir, 'envseal')) && !dir.includes('node_modules'))
  .join(path.delimiter);
const env = (extra = {}) => {
  const vars = cleanEnv({ PATH, ...extra });
  // husky 4 installs nothing when it thinks it runs in CI (whatever CI says): a developer's clone is tested.
  delete vars.CI;
  return vars;
};

function sh(dir, command, args, extra = {}) {
  const r = spawnSync(command, args, { cwd: dir, env: env(extra), encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout ?? '', output: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error };
}

function ok(dir, command, ...args) {
  const r = sh(dir, command, args);
  assert.is(r.code, 0, `${command} ${args.join(' ')}: ${r.output}${r.error ?? ''}`);
  return r.output;
}

/** `npx envseal ...` as a project that depends on envseal runs it. */
const envseal = (dir, ...args) => sh(dir, path.join(dir, 'node_modules/.bin/envseal'), args);

/** A project with `packages` installed from the registry, and envseal as a dependency of it. */
function npmProject(packages, pkg = {}) {
  const dir = gitRepo('envseal-managers-');
  write(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, ...pkg }, null, 2));
  write(path.join(dir, '.gitignore'), 'node_modules/\n');
  ok(dir, 'npm', 'install', '--no-audit', '--no-fund', '--save-dev', ...packages);
  // envseal as npm would link it: node_modules/envseal and its bin.
  fs.symlinkSync(path.dirname(path.dirname(BIN)), path.join(dir, 'node_modules/envseal'));
  fs.symlinkSync('../envseal/bin/envseal.js', path.join(dir, 'node_modules/.bin/envseal'));
  return dir;
}

function commitFile(dir, file, content, ...flags) {
  write(path.join(dir, file), content);
  ok(dir, 'git', 'add', '-f', '--', file);
  return sh(dir, 'git', ['commit', '-qm', `add ${file}`, ...flags]);
}

function assertGuarded(dir, context) {
  const blocked = commitFile(dir, '.env', `API_TOKEN=${GITHUB}\n`);
  assert.is.not(blocked.code, 0, `${context}: a .env is blocked\n${blocked.output}`);
  assert.match(blocked.output, /plaintext-env-file/, context);
  assert.not.ok(blocked.output.includes(GITHUB), `${context}: no leak`);
  ok(dir, 'git', 'rm', '-q', '--cached', '.env');
  fs.rmSync(path.join(dir, '.env'));
  const clean = commitFile(dir, 'README.md', '# app\n');
  assert.is(clean.code, 0, `${context}: a clean commit passes\n${clean.output}`);
  const message = sh(dir, 'git', ['commit', '-q', '--allow-empty', '-m', `token ${GITHUB}`]);
  assert.is.not(message.code, 0, `${context}: commit-msg runs\n${message.output}`);
}

function assertStatus(dir, pattern, context) {
  const status = envseal(dir, 'hooks', 'status');
  assert.is(status.code, 0, `${context}: hooks status\n${status.output}`);
  assert.match(status.output, pattern, context);
  assert.is(status.output.match(/reaches envseal/g)?.length, 4, `${context}: every hook reaches envseal\n${status.output}`);
  // doctor probes the hooks the same way, under this manager too.
  const hooks = JSON.parse(envseal(dir, 'doctor', '--json').stdout).checks.filter((c) => c.name === 'hook');
  assert.equal(hooks.map((c) => [c.subject, c.status]), ['pre-commit', 'pre-merge-commit', 'commit-msg', 'pre-push'].map((h) => [h, 'ok']), `${context}: doctor\n${JSON.stringify(hooks)}`);
}

const husky = suite('husky');

husky('husky 4: envseal runs first in .git/hooks, then husky 4 runs its own hook', () => {
  const dir = npmProject(['husky@4'], { husky: { hooks: { 'pre-commit': 'echo ran > .husky4-ran' } } });
  assert.match(read(path.join(dir, '.git/hooks/pre-commit')), /husky/, 'husky 4 installed its hook');
  const install = envseal(dir, 'hooks', 'install');
  assert.is(install.code, 0, install.output);
  assert.match(install.output, /chained existing hook/);
  assertGuarded(dir, 'husky 4');
  assert.ok(fs.existsSync(path.join(dir, '.husky4-ran')), "husky 4's own hook still runs after envseal");
  assertStatus(dir, /git hooks in \.git\/hooks \(husky 4\)/, 'husky 4');
});

for (const major of [7, 8]) {
  husky(`husky ${major}: node_modules/.bin is not on PATH, the block finds envseal there`, () => {
    const dir = npmProject([`husky@${major}`], { scripts: { prepare: 'husky install' } });
    ok(dir, 'node_modules/.bin/husky', 'install');
    ok(dir, 'node_modules/.bin/husky', 'add', '.husky/pre-commit', 'echo ran > .husky-ran');
    const install = envseal(dir, 'hooks', 'install');
    assert.is(install.code, 0, install.output);
    const preCommit = read(path.join(dir, '.husky/pre-commit'));
    assert.ok(preCommit.indexOf('envseal hooks run') < preCommit.indexOf('echo ran'), 'envseal comes first');
    assert.match(read(path.join(dir, '.husky/commit-msg')), /^#!\/usr\/bin\/env sh\n\. "\$\(dirname -- "\$0"\)\/_\/husky\.sh"/, 'a new hook file gets husky\'s header');
    assertGuarded(dir, `husky ${major}`);
    assert.ok(fs.existsSync(path.join(dir, '.husky-ran')), "the user's command still runs");
    assertStatus(dir, new RegExp(`husky ${major} in \\.husky`), `husky ${major}`);

    // A fresh clone where husky was not set up: the note says the command husky ${major} knows.
    ok(dir, 'git', 'config', '--unset', 'core.hooksPath');
    const inactive = envseal(dir, 'hooks', 'status');
    assert.is(inactive.code, 1, inactive.output);
    assert.match(inactive.output, /npx husky install/);
    assert.not.match(inactive.output, /`npx husky`/);
  });
}

husky('husky 7: the block an older envseal wrote (a bare `envseal`) is reported, and install brings it up to date', () => {
  const dir = npmProject(['husky@7'], { scripts: { prepare: 'husky install' } });
  ok(dir, 'node_modules/.bin/husky', 'install');
  assert.is(envseal(dir, 'hooks', 'install').code, 0);
  const old = '# >>> envseal: blocks plaintext env files and key material (`envseal hooks uninstall` removes this block)\nenvseal hooks run pre-commit "$@"\n# <<< envseal\n';
  write(path.join(dir, '.husky/pre-commit'), `#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\n\nnpx --no-install lint-staged || true\n${old}`, 0o755);
  const broken = commitFile(dir, 'a.txt', 'a\n');
  assert.is.not(broken.code, 0, 'the bare envseal is not found by husky 7');
  assert.match(broken.output, /envseal: not found/);
  const status = envseal(dir, 'hooks', 'status');
  assert.is(status.code, 1, status.output);
  assert.match(status.output, /pre-commit +installed, outdated: run `envseal hooks install`, does NOT reach envseal/);
  const update = envseal(dir, 'hooks', 'install');
  assert.match(update.output, /pre-commit: updated/);
  assert.is(envseal(dir, 'hooks', 'status').code, 0);
  assert.is(sh(dir, 'git', ['commit', '-qm', 'a']).code, 0);
});

husky('husky 9: hooks status fails when the hook cannot reach envseal, and when husky is disabled', () => {
  const dir = npmProject(['husky@9'], { scripts: { prepare: 'husky' } });
  ok(dir, 'node_modules/.bin/husky');
  write(path.join(dir, '.husky/pre-commit'), 'echo ran > .husky-ran\n');
  const install = envseal(dir, 'hooks', 'install');
  assert.is(install.code, 0, install.output);
  assert.not.match(read(path.join(dir, '.husky/pre-merge-commit')), /husky\.sh/, 'husky 9 needs no header');
  assertGuarded(dir, 'husky 9');
  assertStatus(dir, /husky 9 in \.husky/, 'husky 9');
  const disabled = sh(dir, path.join(dir, 'node_modules/.bin/envseal'), ['hooks', 'status'], { HUSKY: '0' });
  assert.is(disabled.code, 1, disabled.output);
  // envseal gone from node_modules: the hooks cannot run it, and status says so.
  fs.rmSync(path.join(dir, 'node_modules/.bin/envseal'));
  const gone = sh(dir, process.execPath, [BIN, 'hooks', 'status']);
  assert.is(gone.code, 1, gone.output);
  assert.match(gone.output, /pre-commit +installed, does NOT reach envseal: .*envseal is not installed here/);
  // Run through npx-like PATH (node_modules/.bin of envseal's own checkout on it): still not fooled.
  const viaNpm = sh(dir, process.execPath, [BIN, 'hooks', 'status'], { PATH: `${tempBinWithEnvseal()}/node_modules/.bin${path.delimiter}${PATH}`, npm_command: 'exec' });
  assert.is(viaNpm.code, 1, viaNpm.output);
});

/** A directory whose node_modules/.bin has envseal: what npx puts on PATH. */
function tempBinWithEnvseal() {
  const dir = tempDir('envseal-npx-');
  fs.mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
  fs.symlinkSync(BIN, path.join(dir, 'node_modules/.bin/envseal'));
  return dir;
}

husky('husky 7: pre-push stops a commit made with --no-verify', () => {
  const dir = npmProject(['husky@7'], { scripts: { prepare: 'husky install' } });
  ok(dir, 'node_modules/.bin/husky', 'install');
  assert.is(envseal(dir, 'hooks', 'install').code, 0);
  const remote = tempDir('envseal-remote-');
  ok(remote, 'git', 'init', '-q', '--bare', '-b', 'main');
  ok(dir, 'git', 'remote', 'add', 'origin', remote);
  assert.is(commitFile(dir, 'README.md', '# app\n').code, 0);
  ok(dir, 'git', 'push', '-q', 'origin', 'main');
  assert.is(commitFile(dir, 'deploy.sh', `TOKEN=${GITHUB}\n`, '--no-verify').code, 0);
  const push = sh(dir, 'git', ['push', 'origin', 'main']);
  assert.is.not(push.code, 0, push.output);
  assert.match(push.output, /deploy\.sh:1:\d+ +github-token/);
});

husky.run();

const lefthook = suite('lefthook');

lefthook('lefthook: envseal is added to lefthook.yml, and lefthook runs it', () => {
  const dir = npmProject(['lefthook']);
  const install = envseal(dir, 'hooks', 'install');
  assert.is(install.code, 0, install.output);
  assert.match(install.output, /lefthook install/);
  ok(dir, 'node_modules/.bin/lefthook', 'install');
  assertGuarded(dir, 'lefthook');
  assertStatus(dir, /lefthook, configured in lefthook\.yml/, 'lefthook');
  // lefthook skips a command when nothing is staged; envseal's script runs all the same.
  const empty = sh(dir, 'git', ['commit', '-q', '--allow-empty', '-m', 'empty']);
  assert.is(empty.code, 0, empty.output);
  assert.is(envseal(dir, 'hooks', 'uninstall').code, 0);
  assert.not.match(read(path.join(dir, 'lefthook.yml')), /envseal/);
  assert.not.ok(fs.existsSync(path.join(dir, '.lefthook')));
});

lefthook('lefthook: a hook the file already configures gets a note saying what to add, which works as said', () => {
  const dir = npmProject(['lefthook']);
  write(path.join(dir, 'lefthook.yml'), 'pre-commit:\n  commands:\n    lint:\n      run: echo lint > .lint-ran\n');
  const install = envseal(dir, 'hooks', 'install');
  assert.is(install.code, 0, install.output);
  assert.match(install.output, /lefthook\.yml already configures pre-commit: under pre-commit: add/);
  const status = envseal(dir, 'hooks', 'status');
  assert.is(status.code, 1, status.output);
  assert.match(status.output, /pre-commit +not installed/);
  // Do what the note says.
  const snippet = install.output.split('if it has one)\n')[1].split('then run')[0];
  write(path.join(dir, 'lefthook.yml'), read(path.join(dir, 'lefthook.yml')).replace('pre-commit:\n', `pre-commit:\n${snippet}`));
  ok(dir, 'node_modules/.bin/lefthook', 'install');
  assertGuarded(dir, 'lefthook, by hand');
  assert.ok(fs.existsSync(path.join(dir, '.lint-ran')));
  assertStatus(dir, /lefthook/, 'lefthook, by hand');
});

lefthook.run();
