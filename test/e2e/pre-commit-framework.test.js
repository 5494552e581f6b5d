// The path of a team that manages hooks with the pre-commit framework (https://pre-commit.com): its
// config names envseal's repository, pre-commit installs envseal from a clone (language: node, which
// runs `npm install` and `npm pack` there) and runs the hooks of .pre-commit-hooks.yaml on real
// commits and a real push.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertNoSecrets, cleanEnv, copyWorkingTree, git, gitRepo, run, tempDir, write } from '../helpers/cli.js';
import { needing } from '../helpers/tools.js';

const framework = needing(test, 'pre-commit');

const GITHUB_TOKEN = `ghp_${'Zq7Yx6Wv5Ut4Sr3Qp2On1Ml0Kj9Ih8Gf7Ed6C'.slice(0, 36)}`;
const SECRET = 'pcf-Plaintext-Value-51c4e0a9d3b2';

let consumer;
let env;

function preCommitVersion() {
  const r = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error('the pre-commit framework is not installed: apt-get install pre-commit (.ci/run does)');
  return /(\d+)\.(\d+)/.exec(r.stdout).slice(1).map(Number);
}

/** This working tree (committed or not) as a repository pre-commit can clone at a revision. */
function envsealRepository(legacyStages) {
  const dir = copyWorkingTree('envseal-hook-repo-');
  if (legacyStages) {
    // pre-commit before 3.2 only knows the old stage names; everything else in the manifest is tested as shipped.
    const manifest = path.join(dir, '.pre-commit-hooks.yaml');
    write(manifest, fs.readFileSync(manifest, 'utf8').replace('[pre-commit, pre-merge-commit]', '[commit, merge-commit]').replace('[pre-push]', '[push]').replace(/^ {2}minimum_pre_commit_version:.*\n/gm, ''));
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--no-verify', '-m', 'envseal as a pre-commit hook repository');
  return { dir, rev: git(dir, 'rev-parse', 'HEAD').trim() };
}

function sh(cwd, command, args) {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
  if (r.error) throw r.error;
  return { code: r.status, output: r.stdout + r.stderr };
}

framework.before(() => {
  const [major, minor] = preCommitVersion();
  const source = envsealRepository(major < 3 || (major === 3 && minor < 2));
  env = cleanEnv({ PRE_COMMIT_HOME: tempDir('envseal-pre-commit-home-') });
  consumer = gitRepo('envseal-pre-commit-user-');
  const remote = tempDir('envseal-pre-commit-remote-');
  git(remote, 'init', '-q', '--bare', '-b', 'main');
  git(consumer, 'remote', 'add', 'origin', remote);
  write(
    path.join(consumer, '.pre-commit-config.yaml'),
    `repos:\n  - repo: ${source.dir}\n    rev: ${source.rev}\n    hooks:\n      - id: envseal\n      - id: envseal-commit-msg\n      - id: envseal-pre-push\n`,
  );
  const install = sh(consumer, 'pre-commit', ['install', '--hook-type', 'pre-commit', '--hook-type', 'pre-merge-commit', '--hook-type', 'commit-msg', '--hook-type', 'pre-push']);
  assert.is(install.code, 0, install.output);
});

framework('pre-commit installs envseal from its repository; a clean commit passes', () => {
  write(path.join(consumer, 'README.md'), '# app\n');
  git(consumer, 'add', '.pre-commit-config.yaml', 'README.md');
  const r = sh(consumer, 'git', ['commit', '-q', '-m', 'add pre-commit']);
  assert.is(r.code, 0, r.output);
  assert.match(r.output, /envseal \(plaintext env files, key files, key material\)\.+Passed/);
  assert.match(r.output, /envseal \(key material in the commit message\)\.+Passed/);
});

framework('a staged plaintext .env is blocked, and its value is not printed', () => {
  write(path.join(consumer, '.env'), `API_SECRET=${SECRET}\n`);
  git(consumer, 'add', '-f', '.env');
  const r = sh(consumer, 'git', ['commit', '-q', '-m', 'add env']);
  assert.is(r.code, 1, r.output);
  assert.match(r.output, /\.env:1:1 +plaintext-env-file/);
  assert.match(r.output, /git rm --cached -- \.env/);
  assertNoSecrets(r.output, [SECRET]);
  git(consumer, 'rm', '-q', '--cached', '.env');
});

framework('a master key in the commit message is blocked', () => {
  const key = run(['keygen']).stdout.trim();
  write(path.join(consumer, 'notes.txt'), 'notes\n');
  git(consumer, 'add', 'notes.txt');
  const r = sh(consumer, 'git', ['commit', '-q', '-m', `staging: ENVSEAL_MASTER_KEY=${key}`]);
  assert.is(r.code, 1, r.output);
  assert.match(r.output, /envseal-master-key/);
  assertNoSecrets(r.output, [key]);
  assert.is(sh(consumer, 'git', ['commit', '-q', '-m', 'notes']).code, 0);
});

framework('pre-merge-commit blocks a merge that brings in a plaintext .env committed with --no-verify on a branch', () => {
  git(consumer, 'checkout', '-q', '-b', 'feature');
  write(path.join(consumer, '.env'), `API_SECRET=${SECRET}\n`);
  git(consumer, 'add', '-f', '.env');
  git(consumer, 'commit', '-q', '--no-verify', '-m', 'env on a branch');
  git(consumer, 'checkout', '-q', 'main');
  write(path.join(consumer, 'CHANGELOG.md'), '# changes\n');
  git(consumer, 'add', 'CHANGELOG.md');
  assert.is(sh(consumer, 'git', ['commit', '-q', '-m', 'changelog']).code, 0);
  const r = sh(consumer, 'git', ['merge', '--no-ff', '-q', '--no-edit', 'feature']);
  assert.is.not(r.code, 0, r.output);
  assert.match(r.output, /\.env:1:1 +plaintext-env-file/);
  assertNoSecrets(r.output, [SECRET]);
  assert.is(git(consumer, 'rev-parse', 'HEAD^{commit}').trim(), git(consumer, 'rev-parse', 'main').trim());
  assert.is(git(consumer, 'log', '-1', '--format=%s').trim(), 'changelog', 'no merge commit was made');
  git(consumer, 'merge', '--abort');
  git(consumer, 'branch', '-q', '-D', 'feature');
  git(consumer, 'reset', '-q', '--hard', 'HEAD~1');
});

framework('pre-push blocks a token in a commit that skipped the commit hooks; the remote stays without it', () => {
  write(path.join(consumer, 'deploy.sh'), `curl -H "Authorization: token ${GITHUB_TOKEN}" https://api.github.com/\n`);
  git(consumer, 'add', 'deploy.sh');
  git(consumer, 'commit', '-q', '--no-verify', '-m', 'deploy script');
  const r = sh(consumer, 'git', ['push', '-q', 'origin', 'main']);
  assert.is.not(r.code, 0, r.output);
  assert.match(r.output, /deploy\.sh:1:\d+ +github-token/);
  assertNoSecrets(r.output, [GITHUB_TOKEN]);
  assert.is(sh(consumer, 'git', ['ls-remote', 'origin', 'main']).output.trim(), '');
});

framework('pre-push on a branch the remote already has (pre-commit passes PRE_COMMIT_FROM_REF/TO_REF): a clean push passes, a new leaking commit is blocked', () => {
  git(consumer, 'reset', '-q', '--hard', 'HEAD~1');
  const first = sh(consumer, 'git', ['push', '-q', 'origin', 'main']);
  assert.is(first.code, 0, first.output);
  write(path.join(consumer, 'ci.sh'), `export GH_TOKEN=${GITHUB_TOKEN}\n`);
  git(consumer, 'add', 'ci.sh');
  git(consumer, 'commit', '-q', '--no-verify', '-m', 'ci script');
  const r = sh(consumer, 'git', ['push', '-q', 'origin', 'main']);
  assert.is.not(r.code, 0, r.output);
  assert.match(r.output, /ci\.sh:1:\d+ +github-token/);
  assertNoSecrets(r.output, [GITHUB_TOKEN]);
});

test.run();
