// Bypass attempts against the guard (issue 12, "No quiet bypasses"), each through a real commit or push
// with the hooks installed by `envseal hooks install`; `--no-verify` only where the hook before is
// skipped on purpose and the next one must still stop the secret.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, OTHER_KEY, assertNoSecrets, cleanEnv, gitRepo, read, run, tempDir, write } from '../helpers/cli.js';

const BIN_DIR = tempDir('envseal-bin-');
fs.symlinkSync(BIN, path.join(BIN_DIR, 'envseal'));
const ENV = { PATH: `${BIN_DIR}:${process.env.PATH}` };

// Built at run time so this file holds no secret-looking literal.
const GITHUB = `ghp_${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}`;
const TEAM_SECRET = `tEaM-s3cr3t-Value-${'9f8e7d6c5b4a'}`;
const PROD_SECRET = `Pr0d${'VaLuE'}x7Qz2Lm9Rt4Wk8`;
// A key with neither "-" nor "_": nothing but exact knowledge finds it.
const PROD_KEY = OTHER_KEY;
const SECRETS = [GITHUB, TEAM_SECRET, PROD_SECRET, PROD_KEY];

function git(dir, ...args) {
  return spawnSync('git', args, { cwd: dir, env: cleanEnv(ENV), encoding: 'utf8' });
}

function gitOk(dir, ...args) {
  const r = git(dir, ...args);
  assert.is(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function envseal(dir, args, extra = {}) {
  return run(args, { cwd: dir, env: { ...ENV, ...extra.env }, input: extra.input });
}

/** A repository with a sealed default env, the hooks installed, and a first commit. */
function project() {
  const dir = gitRepo('envseal-bypass-');
  write(path.join(dir, '.env'), `SECRET_KEY=${TEAM_SECRET}\nPORT=3000\n`);
  assert.is(envseal(dir, ['init']).code, 0);
  assert.is(envseal(dir, ['encrypt']).code, 0);
  gitOk(dir, 'add', '.gitignore', '.env.encrypted');
  gitOk(dir, 'commit', '-qm', 'Seal env');
  return dir;
}

/** A production environment sealed with its own key, from a key file or (keyFile: false) a variable. */
function addProduction(dir, { keyFile = true } = {}) {
  write(path.join(dir, '.env.production'), `API_SECRET=${PROD_SECRET}\nREGION=eu-west-1\n`);
  const env = keyFile ? {} : { ENVSEAL_MASTER_KEY_PRODUCTION: PROD_KEY };
  if (keyFile) write(path.join(dir, '.env.production.key'), `${PROD_KEY}\n`, 0o600);
  const r = envseal(dir, ['encrypt', '--env', 'production'], { env });
  assert.is(r.code, 0, r.stderr);
  gitOk(dir, 'add', '.env.production.encrypted');
  gitOk(dir, 'commit', '-qm', 'Seal production');
  return env;
}

function stage(dir, file, content) {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), content);
  gitOk(dir, 'add', '-f', '--', file);
}

function commit(dir, args = ['-qm', 'change'], env = {}) {
  const r = spawnSync('git', ['commit', ...args], { cwd: dir, env: cleanEnv({ ...ENV, ...env }), encoding: 'utf8' });
  return { code: r.status, output: r.stdout + r.stderr };
}

function bareRemote(dir) {
  const remote = tempDir('envseal-remote-');
  gitOk(remote, 'init', '-q', '--bare', '-b', 'main');
  gitOk(dir, 'remote', 'add', 'origin', remote);
  gitOk(dir, 'push', '-q', 'origin', 'main');
  return remote;
}

function push(dir, ...args) {
  const r = git(dir, 'push', 'origin', ...(args.length ? args : ['main']));
  return { code: r.status, output: r.stdout + r.stderr };
}

function assertBlocked(result, pattern, context) {
  assert.is.not(result.code, 0, `${context}: should be blocked\n${result.output}`);
  if (pattern) assert.match(result.output, pattern, context);
  assertNoSecrets(result.output, SECRETS, context);
}

const knowledge = suite('every environment is known');

knowledge("a production key without - or _ in a commit message is blocked, from a key file or a variable", () => {
  for (const keyFile of [true, false]) {
    const dir = project();
    const env = addProduction(dir, { keyFile });
    stage(dir, 'a.txt', 'fine\n');
    assertBlocked(commit(dir, ['-qm', `rotate to ${PROD_KEY}`], env), /envseal-master-key-exact/, `key from ${keyFile ? 'a key file' : 'a variable'}`);
  }
});

knowledge('a production value pasted into code is blocked once .env.production is gone', () => {
  const dir = project();
  addProduction(dir);
  fs.rmSync(path.join(dir, '.env.production'));
  stage(dir, 'notes.txt', `ask ops for ${PROD_SECRET} before the release\n`);
  assertBlocked(commit(dir), /team-secret.*API_SECRET/, 'production value');
});

knowledge.run();

const binary = suite('binary files');

const PNG_HEAD = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const keyOf = (dir) => read(path.join(dir, '.env.key')).split('\n').find((l) => l && !l.startsWith('#'));

function coreDump(payload) {
  const header = Buffer.alloc(64);
  header.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  header.writeUInt16LE(4, 16); // ET_CORE
  return Buffer.concat([header, Buffer.alloc(4096), payload, Buffer.alloc(512)]);
}

binary('a UTF-16 text file meets every rule: env content, tokens', () => {
  const dir = project();
  const bom = Buffer.from([0xff, 0xfe]);
  stage(dir, 'config/settings.txt', Buffer.concat([bom, Buffer.from('DB_HOST=db.internal\r\nDB_USER=app\r\nDB_PASSWORD=Zk3pR9vQ2mT7x\r\n', 'utf16le')]));
  assertBlocked(commit(dir), /plaintext-env-content/, 'UTF-16LE env content');
  gitOk(dir, 'reset', '-q');
  stage(dir, 'notes.txt', Buffer.from(`token ${GITHUB}\n`, 'utf16le').swap16());
  assertBlocked(commit(dir), /github-token/, 'UTF-16BE without a BOM');
});

binary("a team value appended to a PNG, a master key in UTF-16 inside binary data, a core dump under any name", () => {
  const dir = project();
  stage(dir, 'logo.png', Buffer.concat([PNG_HEAD, Buffer.from([0, 0, 0, 0, 0xae, 0x42, 0x60, 0x82]), Buffer.from(`\n${TEAM_SECRET}\n`)]));
  assertBlocked(commit(dir), /logo\.png.*team-secret.*SECRET_KEY.*binary content as UTF-8/, 'PNG');
  gitOk(dir, 'reset', '-q');
  stage(dir, 'data.bin', Buffer.concat([Buffer.from([1, 2, 3, 0, 0xff]), Buffer.from(keyOf(dir), 'utf16le'), Buffer.from([0, 9, 0])]));
  assertBlocked(commit(dir), /data\.bin.*envseal-master-key-exact.*UTF-16LE/, 'key in UTF-16 in binary');
  gitOk(dir, 'reset', '-q');
  stage(dir, 'tmp/app-crash', coreDump(Buffer.from(`ENVSEAL_MASTER_KEY=${keyOf(dir)}\0`)));
  assertBlocked(commit(dir), /tmp\/app-crash.*core-dump/, 'core dump');
  assert.is(envseal(dir, ['scan']).code, 1, 'a tree scan finds the core dump too');
});

binary('a committed envseal lock file is blocked', () => {
  const dir = project();
  stage(dir, '..env.encrypted.envseal-lock', '4242\n');
  assertBlocked(commit(dir), /lock-file/, 'lock file');
});

binary('pre-push stops a binary file holding a team value committed with --no-verify; scan --history finds it', () => {
  const dir = project();
  const remote = bareRemote(dir);
  stage(dir, 'blob.bin', Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(TEAM_SECRET, 'utf16le'), Buffer.from([0])]));
  gitOk(dir, 'commit', '-qm', 'binary', '--no-verify');
  assertBlocked(push(dir), /blob\.bin.*team-secret/, 'push');
  assert.match(envseal(dir, ['scan', '--history']).stderr, /blob\.bin.*team-secret/);
  assert.ok(remote);
});

binary.run();

const history = suite('history and pushes');

/** A feature branch with a clean commit, merged into main with a secret typed into the merge itself. */
function evilMerge(dir) {
  gitOk(dir, 'checkout', '-qb', 'feature');
  stage(dir, 'feature.txt', 'feature work\n');
  gitOk(dir, 'commit', '-qm', 'feature');
  gitOk(dir, 'checkout', '-q', 'main');
  stage(dir, 'main.txt', 'main work\n');
  gitOk(dir, 'commit', '-qm', 'main');
  gitOk(dir, 'merge', '-q', '--no-ff', '--no-commit', '--no-verify', 'feature');
  stage(dir, 'feature.txt', `feature work\ntoken = "${GITHUB}"\n`);
  gitOk(dir, 'commit', '-qm', 'Merge feature', '--no-verify');
}

history('a secret that exists only in a merge commit is stopped by pre-push and found by scan --history', () => {
  const dir = project();
  bareRemote(dir);
  evilMerge(dir);
  assertBlocked(push(dir), /feature\.txt:2:\d+ +github-token/, 'evil merge push');
  const scan = envseal(dir, ['scan', '--history']);
  assert.is(scan.code, 1, scan.stderr);
  assert.match(scan.stderr, /feature\.txt:2:\d+ +github-token/);
});

history('a merge of a branch the remote already has sends only the merge: its clean history is not blamed', () => {
  const dir = project();
  bareRemote(dir);
  gitOk(dir, 'checkout', '-qb', 'feature');
  stage(dir, 'old.txt', `legacy ${GITHUB}\n`);
  gitOk(dir, 'commit', '-qm', 'legacy', '--no-verify');
  // Pushed before the hook existed (or accepted by the team): the remote has it.
  gitOk(dir, 'push', '-q', '--no-verify', 'origin', 'feature');
  gitOk(dir, 'checkout', '-q', 'main');
  gitOk(dir, 'merge', '-q', '--no-ff', '--no-verify', '-m', 'Merge feature', 'feature');
  const r = push(dir);
  assert.is(r.code, 0, r.output);
});

history('a secret in a commit message is stopped by pre-push and found by scan --history', () => {
  const dir = project();
  bareRemote(dir);
  stage(dir, 'a.txt', 'fine\n');
  gitOk(dir, 'commit', '-qm', `deploy\n\nuse ${GITHUB}`, '--no-verify');
  assertBlocked(push(dir), /commit message:3:\d+ +github-token/, 'message push');
  assert.match(envseal(dir, ['scan', '--history']).stderr, /commit message:3:\d+ +github-token/);
});

history("an annotated tag's message is stopped when the tag is pushed, and found by scan --history", () => {
  const dir = project();
  bareRemote(dir);
  gitOk(dir, 'tag', '-a', 'v1.0', '-m', `release\n\nprod secret ${TEAM_SECRET}`);
  const r = push(dir, 'v1.0');
  assertBlocked(r, /tag v1\.0 message:3:\d+ +team-secret/, 'tag push');
  assertBlocked(push(dir, '--follow-tags', 'main'), /tag v1\.0 message/, 'push --follow-tags');
  assert.match(envseal(dir, ['scan', '--history']).stderr, /tag v1\.0 message/);
  gitOk(dir, 'tag', '-d', 'v1.0');
  gitOk(dir, 'tag', '-a', 'v1.0', '-m', 'release');
  assert.is(push(dir, 'v1.0').code, 0, 'a clean tag pushes');
});

history('git merge runs pre-merge-commit: a branch committed with --no-verify does not merge', () => {
  const dir = project();
  assert.ok(fs.existsSync(path.join(dir, '.git/hooks/pre-merge-commit')), 'init installed it');
  gitOk(dir, 'checkout', '-qb', 'feature');
  stage(dir, 'leak.js', `const t = "${GITHUB}";\n`);
  gitOk(dir, 'commit', '-qm', 'leak', '--no-verify');
  gitOk(dir, 'checkout', '-q', 'main');
  stage(dir, 'main.txt', 'main work\n');
  gitOk(dir, 'commit', '-qm', 'main');
  const r = git(dir, 'merge', '--no-ff', '-m', 'Merge feature', 'feature');
  assertBlocked({ code: r.status, output: r.stdout + r.stderr }, /envseal blocked this merge.*\n[\s\S]*leak\.js:1:\d+ +github-token/, 'merge');
  assert.is(git(dir, 'rev-list', '--count', '--merges', 'HEAD').stdout.trim(), '0', 'no merge commit was made');
});

history.run();

const messages = suite('commit messages');

const SCISSORS = '# ------------------------ >8 ------------------------';

messages('commit -F keeps what follows a scissors line, so the hook checks it', () => {
  const dir = project();
  stage(dir, 'a.txt', 'fine\n');
  for (const cut of [SCISSORS, '# -------- >8 --------', `; ${SCISSORS.slice(2)}`]) {
    write(path.join(dir, '.git/msg'), `fix\n${cut}\n# Do not modify or remove the line above.\n# Everything below it will be ignored.\ndiff --git a/x b/x\n+token ${GITHUB}\n`);
    assertBlocked(commit(dir, ['-q', '-F', '.git/msg']), /commit message:6:\d+ +github-token/, JSON.stringify(cut));
  }
});

messages('an edited message is cut where git cuts it: commit -v, and cleanup=scissors', () => {
  const dir = project();
  // A fixture with a token, accepted by .envsealignore: its diff below the scissors line is not the message.
  write(path.join(dir, '.envsealignore'), 'fixtures/\n');
  stage(dir, '.envsealignore', 'fixtures/\n');
  stage(dir, 'fixtures/token.txt', `${GITHUB}\n`);
  // An "editor" that writes the subject above what git prepared.
  const editor = `sh -c 'printf "subject\\n" | cat - "$1" > "$1.tmp" && mv "$1.tmp" "$1"' editor`;
  const verbose = commit(dir, ['-q', '-v'], { GIT_EDITOR: editor });
  assert.is(verbose.code, 0, verbose.output);
  assert.is(gitOk(dir, 'log', '-1', '--format=%s').trim(), 'subject');
  // With cleanup=scissors git cuts even without a diff below: a template's scissors line.
  gitOk(dir, 'config', 'commit.cleanup', 'scissors');
  write(path.join(dir, '.git/template'), `\n${SCISSORS}\ntemplate note: ${GITHUB}\n`);
  gitOk(dir, 'config', 'commit.template', '.git/template');
  const scissors = commit(dir, ['-q', '--allow-empty'], { GIT_EDITOR: editor });
  assert.is(scissors.code, 0, scissors.output);
  // The same template with cleanup=strip keeps the line below, and the hook blocks it.
  gitOk(dir, 'config', 'commit.cleanup', 'strip');
  assertBlocked(commit(dir, ['-q', '--allow-empty'], { GIT_EDITOR: editor }), /commit message:\d+:\d+ +github-token/, 'strip keeps it');
});

messages.run();

const outside = suite('scan outside git, and stdin');

outside('scan DIR works outside any repository: an unpacked release with its sealed file, its key in a variable', () => {
  const dir = project();
  const release = tempDir('envseal-release-');
  fs.copyFileSync(path.join(dir, '.env.encrypted'), path.join(release, '.env.encrypted'));
  write(path.join(release, 'app/config.js'), `export const key = '${TEAM_SECRET}';\n`);
  write(path.join(release, 'app/token.txt'), `${GITHUB}\n`);
  const from = tempDir('envseal-elsewhere-');
  const r = envseal(from, ['scan', release], { env: { ENVSEAL_MASTER_KEY: keyOf(dir) } });
  assertBlocked({ code: r.code, output: r.output }, /app\/config\.js:1:\d+ +team-secret/, 'release');
  assert.match(r.stderr, /app\/token\.txt:1:1 +github-token/);
  // A .git git does not recognise (an archive of a checkout), or a stale GIT_DIR, makes no repository.
  fs.mkdirSync(path.join(release, '.git'));
  for (const env of [{}, { GIT_DIR: path.join(from, 'missing') }]) {
    const again = envseal(release, ['scan'], { env: { ENVSEAL_MASTER_KEY: keyOf(dir), ...env } });
    assertBlocked({ code: again.code, output: again.output }, /app\/config\.js:1:\d+ +team-secret/, JSON.stringify(env));
  }
});

outside('scan - reads stdin: a Kubernetes secret holding a team value base64-encoded', () => {
  const dir = project();
  const yaml = `apiVersion: v1\nkind: Secret\ndata:\n  SECRET_KEY: ${Buffer.from(TEAM_SECRET).toString('base64')}\n`;
  const r = envseal(dir, ['scan', '-'], { input: yaml });
  assertBlocked({ code: r.code, output: r.output }, /\(stdin\):4:\d+ +team-secret .*base64/, 'stdin');
  const clean = envseal(dir, ['scan', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\n' });
  assert.is(clean.code, 0, clean.output);
  const outsideRepo = envseal(tempDir('envseal-stdin-'), ['scan', '-'], { input: `token: ${GITHUB}\n` });
  assertBlocked({ code: outsideRepo.code, output: outsideRepo.output }, /\(stdin\):1:\d+ +github-token/, 'stdin outside a repository');
});

outside.run();
