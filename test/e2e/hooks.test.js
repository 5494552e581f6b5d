// The guard through real git: hooks installed by `envseal hooks install`, real commits and pushes that
// must fail or succeed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, ROOT, assertNoSecrets, cleanEnv, gitRepo, read, run, setUpHusky, tempDir, write } from '../helpers/cli.js';

// The installed shim looks for envseal in node_modules/.bin, then on PATH: give it one on PATH.
const BIN_DIR = tempDir('envseal-bin-');
fs.symlinkSync(BIN, path.join(BIN_DIR, 'envseal'));
const ENV = { PATH: `${BIN_DIR}:${process.env.PATH}` };

// Format-valid fake secrets, built at run time so this file itself holds none.
const FAKE = {
  aws: `AKIA${'Q3ZJ7XWPLM2N4B6T'}`,
  awsSecret: 'wJ8rXtnFEMI/K7MDENG/bPxRfiCYzzAbCdEfGh12',
  github: `ghp_${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}`,
  stripe: `sk_live_${'51HxYzAbCdEfGhIjKlMnOpQr'}`,
};
const TEAM_SECRET = 'tEaM-s3cr3t-Value-9f8e7d6c5b4a';
const PEM = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEAx4Ujqk8x1zWzO9q0pYk3Qm5n7b2Hh6Yc8dVn1fT0a9sL2wPe', 'kR5t8mN3bV6cX1zQ4wE7rT0yU2iO5pA8sD1fG4hJ7kL0zX3cV6bN9mQ2wE5rT8y', '-----END RSA PRIVATE KEY-----'].join('\n');

function git(dir, ...args) {
  return spawnSync('git', args, { cwd: dir, env: cleanEnv(ENV), encoding: 'utf8' });
}

function envseal(dir, ...args) {
  return run(args, { cwd: dir, env: ENV });
}

/** A repository with envseal initialized, a sealed .env committed, and the hooks installed. */
function project({ flavour = 'git' } = {}) {
  const dir = gitRepo('envseal-hooks-');
  write(path.join(dir, '.env'), `SECRET_KEY=${TEAM_SECRET}\nPORT=3000\nDATABASE_URL=postgres://app:db-pw-${'x7Yq2'}@db:5432/app\n`);
  assert.is(envseal(dir, 'init').code, 0);
  if (flavour === 'husky') setUpHusky(dir, ENV);
  const install = envseal(dir, 'hooks', 'install');
  assert.is(install.code, 0, install.stderr);
  assert.is(envseal(dir, 'encrypt').code, 0);
  git(dir, 'add', '.gitignore', '.env.encrypted');
  const first = git(dir, 'commit', '-qm', 'Seal env');
  assert.is(first.status, 0, `a sealed file commits: ${first.stderr}`);
  return dir;
}

function commit(dir, message = 'change') {
  const r = git(dir, 'commit', '-qm', message);
  return { code: r.status, output: r.stdout + r.stderr };
}

function stage(dir, file, content, ...addFlags) {
  write(path.join(dir, file), content);
  const r = git(dir, 'add', ...addFlags, '--', file);
  assert.is(r.status, 0, r.stderr);
}

function assertBlocked(result, pattern, context) {
  assert.is(result.code, 1, `${context}: should be blocked\n${result.output}`);
  if (pattern) assert.match(result.output, pattern, context);
  assertNoSecrets(result.output, [TEAM_SECRET, FAKE.aws, FAKE.awsSecret, FAKE.github, FAKE.stripe, 'MIIEowIBAAKCAQEAx4Ujqk8x1zWzO9q0pYk3Qm5n7b2Hh6Yc8dVn1fT0a9sL2wPe'], context);
}

const keyOf = (dir) => read(path.join(dir, '.env.key')).split('\n').find((l) => l && !l.startsWith('#'));

const commits = suite('pre-commit');

commits('the README first setup commits: placeholders generate skipped are not team secrets', () => {
  const dir = gitRepo('envseal-first-setup-');
  // The repository's own sample, as a team would start from it.
  fs.copyFileSync(path.join(ROOT, '.env.example'), path.join(dir, '.env.example'));
  for (const step of [['init'], ['generate'], ['encrypt']]) {
    const r = envseal(dir, ...step);
    assert.is(r.code, 0, `${step}: ${r.stderr}`);
  }
  assert.is(git(dir, 'add', '.env.encrypted', '.env.example', '.gitignore').status, 0);
  const r = commit(dir, 'Seal env');
  assert.is(r.code, 0, r.output);
  // A generated value is a team secret: pasted elsewhere, it is blocked.
  const generated = read(path.join(dir, '.env')).match(/^SECRET_KEY=(.+)$/m)[1];
  stage(dir, 'settings.py', `SECRET = "${generated}"\n`);
  assertBlocked(commit(dir), /team-secret/, 'a generated value pasted into code');
  assertNoSecrets(commit(dir).output, [generated]);
});

commits('plaintext env files are blocked wherever they are and however they got staged', () => {
  const dir = project();
  for (const [file, flags] of [['.env', ['-f']], ['.env.production', ['-f']], ['config/.env.local', ['-f']], ['deploy/prod.env', []], ['my app/staging.env', []]]) {
    stage(dir, file, `API_TOKEN=value-for-${file.length}-abcdefgh\n`, ...flags);
    const r = commit(dir);
    assertBlocked(r, /plaintext-env-file/, file);
    assert.match(r.output, /git rm --cached/);
    git(dir, 'reset', '-q');
  }
});

commits('a renamed env file is blocked by its content', () => {
  const dir = project();
  stage(dir, 'settings.txt', `DB_PASSWORD=hunter2-but-longer-Q9\nAPI_KEY=abcdEFGH1234ijkl5678\nREGION=eu-west-1\n`);
  assertBlocked(commit(dir), /plaintext-env-content/, 'renamed .env');
});

commits('key files and master keys in any file are blocked', () => {
  const dir = project();
  fs.copyFileSync(path.join(dir, '.env.key'), path.join(dir, 'copy.env.key'));
  stage(dir, '.env.key', read(path.join(dir, '.env.key')), '-f');
  assertBlocked(commit(dir), /key-file/, '.env.key');
  git(dir, 'reset', '-q');
  stage(dir, 'src/config.js', `export const key = '${keyOf(dir)}';\n`);
  const r = commit(dir);
  assertBlocked(r, /envseal-master-key-exact/, 'master key in source');
  assertNoSecrets(r.output, [keyOf(dir)]);
});

commits('a private key inside a JSON file, cloud and API tokens are blocked', () => {
  const dir = project();
  stage(dir, 'service-account.json', JSON.stringify({ type: 'service_account', private_key: `${PEM}\n` }, null, 2));
  assertBlocked(commit(dir), /private/i, 'PEM in JSON');
  git(dir, 'reset', '-q');
  stage(dir, 'deploy.sh', `export AWS_ACCESS_KEY_ID=${FAKE.aws}\nexport AWS_SECRET_ACCESS_KEY=${FAKE.awsSecret}\ncurl -H "Authorization: token ${FAKE.github}" https://api.github.com\n`);
  assertBlocked(commit(dir), /aws|github/i, 'tokens in a script');
});

commits("the team's own values are found verbatim and base64-encoded", () => {
  const dir = project();
  stage(dir, 'notes.md', `the secret is ${Buffer.from(TEAM_SECRET).toString('base64')}\n`);
  assertBlocked(commit(dir), /team-secret/, 'base64 team secret');
  git(dir, 'reset', '-q');
  stage(dir, 'test/fixture.txt', `token: ${TEAM_SECRET}\n`);
  assertBlocked(commit(dir), /SECRET_KEY/, 'verbatim team secret names its variable');
});

commits('only the index counts: a secret only staged is blocked, one only in the working tree is not', () => {
  const dir = project();
  write(path.join(dir, 'app.js'), 'const a = 1;\n');
  git(dir, 'add', 'app.js');
  assert.is(commit(dir).code, 0);
  // Stage a secret, then remove it from the working tree: the index still has it.
  stage(dir, 'app.js', `const a = 1;\nconst token = '${FAKE.github}';\n`);
  write(path.join(dir, 'app.js'), 'const a = 1;\n');
  assertBlocked(commit(dir), /github/i, 'secret only in the index');
  // The reverse: a clean change staged, a secret only in the working tree.
  git(dir, 'reset', '-q');
  stage(dir, 'app.js', 'const a = 2;\n');
  write(path.join(dir, 'app.js'), `const a = 2;\nconst token = '${FAKE.github}';\n`);
  assert.is(commit(dir).code, 0, 'working-tree-only secret does not block');
});

commits('commit -a, commit <path> and commit --only (git hands the hook a temporary index) are checked too', () => {
  const dir = project();
  write(path.join(dir, 'app.js'), 'const a = 1;\n');
  git(dir, 'add', 'app.js');
  assert.is(commit(dir).code, 0);
  write(path.join(dir, 'app.js'), `const a = 1;\nconst token = '${FAKE.github}';\n`);
  for (const args of [['-a'], ['--', 'app.js'], ['--only', '--', 'app.js']]) {
    const r = git(dir, 'commit', '-q', '-m', 'change', ...args);
    assertBlocked({ code: r.status, output: r.stdout + r.stderr }, /app\.js:2:\d+ +github-token/, `commit ${args.join(' ')}`);
  }
  assert.is(git(dir, 'log', '--oneline').stdout.trim().split('\n').length, 2, 'nothing was committed');
});

commits('sealed files: a normal one passes; a stale one and a hand-edited one are blocked', () => {
  const dir = project();
  const env = path.join(dir, '.env');
  const sealed = path.join(dir, '.env.encrypted');
  write(env, read(env).replace('PORT=3000', 'PORT=4000'));
  assert.is(envseal(dir, 'encrypt').code, 0);
  git(dir, 'add', '.env.encrypted');
  assert.is(commit(dir, 'update').code, 0, 'a freshly sealed file commits');

  // Sealed, then .env edited again before committing: the staged sealed file is stale.
  write(env, read(env).replace('PORT=4000', 'PORT=5000'));
  assert.is(envseal(dir, 'encrypt').code, 0);
  git(dir, 'add', '.env.encrypted');
  write(env, read(env).replace('PORT=5000', 'PORT=6000'));
  const stale = commit(dir);
  assertBlocked(stale, /sealed-file-stale/, 'stale sealed file');
  assert.match(stale.output, /PORT/);
  assert.match(stale.output, /envseal encrypt/);
  assert.is(envseal(dir, 'encrypt').code, 0);
  git(dir, 'add', '.env.encrypted');
  assert.is(commit(dir, 'fresh').code, 0);

  // A plaintext value typed into the sealed file by hand: blocked (and its MAC no longer matches).
  const lines = read(sealed).split('\n');
  lines.splice(lines.length - 2, 0, 'EXTRA=plain-text-value-123');
  write(sealed, lines.join('\n'));
  git(dir, 'add', '.env.encrypted');
  const edited = commit(dir);
  assertBlocked(edited, /sealed-file-plaintext/, 'plaintext value in a sealed file');
  assert.match(edited.output, /sealed-file-invalid/);
});

commits('a sealed file changed by set (newer than .env) is not stale: .env is merely behind', () => {
  const dir = project();
  const r = run(['set', 'PORT'], { cwd: dir, env: ENV, input: '8080\n' });
  assert.is(r.code, 0, r.stderr);
  git(dir, 'add', '.env.encrypted');
  assert.is(commit(dir, 'set PORT').code, 0);
});

commits('binary files, big files and odd file names', () => {
  const dir = project();
  const binary = Buffer.concat([Buffer.from([0, 1, 2, 3]), Buffer.from(`token ${FAKE.github}`)]);
  fs.writeFileSync(path.join(dir, 'image.bin'), binary);
  git(dir, 'add', 'image.bin');
  assert.is(commit(dir, 'binary').code, 0, 'binary content is not scanned as text');
  const big = 'const x = 1; // ordinary source line, nothing secret about it at all\n'.repeat(760_000);
  fs.writeFileSync(path.join(dir, 'big.js'), big);
  git(dir, 'add', 'big.js');
  const started = Date.now();
  assert.is(commit(dir, 'big').code, 0, 'a 50 MB clean file commits');
  assert.ok(Date.now() - started < 60_000);
  // Past what the hook reads from git in one call (4 MB), the staged changes are streamed: nothing is missed.
  stage(dir, 'big-tail.js', `${'const y = 2; // ordinary source, nothing secret\n'.repeat(120_000)}const key = "${FAKE.stripe}";\n`);
  assertBlocked(commit(dir), /stripe/i, 'a secret after 5 MB of staged changes');
  git(dir, 'reset', '-q');
  fs.rmSync(path.join(dir, 'big-tail.js'));
  for (const name of ['with space.txt', 'ünïcödé ✓.txt', 'new\nline.txt']) {
    stage(dir, name, `key: ${FAKE.stripe}\n`);
    const r = commit(dir);
    assertBlocked(r, /stripe/i, JSON.stringify(name));
    git(dir, 'reset', '-q');
    fs.rmSync(path.join(dir, name));
  }
});

commits('a repository with no commits yet, and a detached HEAD', () => {
  const dir = gitRepo('envseal-unborn-');
  assert.is(envseal(dir, 'hooks', 'install').code, 0);
  stage(dir, '.env', 'PASSWORD=first-commit-secret-1\n', '-f');
  assertBlocked(commit(dir), /plaintext-env-file/, 'unborn branch');
  git(dir, 'reset', '-q');
  stage(dir, 'a.txt', 'fine\n');
  assert.is(commit(dir, 'first').code, 0);
  git(dir, 'checkout', '-q', '--detach');
  stage(dir, 'b.txt', `ghtoken=${FAKE.github}\n`);
  assertBlocked(commit(dir), /github/i, 'detached HEAD');
});

commits('inline allow, .envsealignore and a baseline let deliberate exceptions through', () => {
  const dir = project();
  stage(dir, 'docs/example.md', `token: ${FAKE.github} <!-- envseal:allow -->\n`);
  assert.is(commit(dir, 'allowed inline').code, 0);
  stage(dir, 'fixtures/keys.txt', `${FAKE.stripe}\n`);
  assertBlocked(commit(dir), /stripe/i, 'before ignore');
  write(path.join(dir, '.envsealignore'), 'fixtures/\n');
  git(dir, 'add', '.envsealignore');
  assert.is(commit(dir, 'ignored path').code, 0);
  // Forbidding inline allows, by flag or as a team policy in .envseal.json, blocks the first case again.
  assert.is(envseal(dir, 'scan', 'docs').code, 0);
  assert.is(envseal(dir, 'scan', '--no-inline-allow', 'docs').code, 1);
  write(path.join(dir, '.envseal.json'), JSON.stringify({ guard: { inlineAllow: false } }));
  assert.is(envseal(dir, 'scan', 'docs').code, 1, 'the team policy wins over the default');
  fs.rmSync(path.join(dir, '.envseal.json'));
});

commits('a baseline lets a repository adopt the hook: old findings pass, new ones are blocked, lines may move', () => {
  const dir = project();
  stage(dir, 'legacy/config.js', `// old\nexport const token = '${FAKE.github}';\n`);
  assert.is(git(dir, 'commit', '-qm', 'legacy', '--no-verify').status, 0);
  const written = envseal(dir, 'scan', '--write-baseline', '.envseal-baseline.json');
  assert.is(written.code, 0, written.stderr);
  assert.match(written.stderr, /1 fingerprint/);
  assertNoSecrets(read(path.join(dir, '.envseal-baseline.json')), [FAKE.github]);
  assert.is(envseal(dir, 'scan').code, 0, 'the baselined finding no longer counts');
  // The same secret moved to another line still matches its fingerprint.
  stage(dir, 'legacy/config.js', `// old\n// moved down\nexport const token = '${FAKE.github}';\n`);
  git(dir, 'add', '.envseal-baseline.json');
  assert.is(commit(dir, 'move').code, 0);
  stage(dir, 'legacy/other.js', `export const key = '${FAKE.stripe}';\n`);
  assertBlocked(commit(dir), /stripe/i, 'a new finding is still blocked');
});

commits('a baselined old .env or key file does not let the next one with the same name through', () => {
  const dir = project();
  const keyFile = read(path.join(dir, '.env.key'));
  for (const file of ['.env', '.env.key']) {
    stage(dir, file, `OLD=first-version-${file}\n`, '-f');
    assert.is(git(dir, 'commit', '-qm', 'old', '--no-verify').status, 0);
    git(dir, 'rm', '-q', '--cached', file);
    assert.is(git(dir, 'commit', '-qm', 'untrack', '--no-verify').status, 0);
  }
  assert.is(envseal(dir, 'scan', '--history', '--write-baseline', '.envseal-baseline.json').code, 0);
  git(dir, 'add', '.envseal-baseline.json');
  assert.is(commit(dir, 'baseline').code, 0);
  stage(dir, '.env', `STRIPE_SECRET_KEY=${FAKE.stripe}\n`, '-f');
  assertBlocked(commit(dir), /plaintext-env-file/, 'a new .env under a baselined name');
  git(dir, 'reset', '-q');
  stage(dir, '.env.key', keyFile, '-f');
  assertBlocked(commit(dir), /key-file/, 'the current key under a baselined name');
});

commits('ordinary code, config and templates are not mistaken for env files', () => {
  const dir = project();
  const legit = {
    'src/client.js': 'export const client = {\n  apiKey: config.apiKey,\n  authToken: await getAuthToken(config),\n};\n',
    'src/types.ts': 'interface Login {\n  password: string;\n  accessToken: string;\n}\n',
    'docker-compose.yml': 'services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: example\n      POSTGRES_USER: app\n',
    '.env.example': 'GITHUB_TOKEN=  # needs repo scope\nJWT_SECRET=supersecret\nSESSION_SECRET=keyboard cat\nAPI_KEY=TODO_SET_ME\nPORT=3000\n',
    'include/keys.h': 'enum {\n  KEY_UP = 0x103,\n  KEY_DOWN = 0x104,\n  KEY_LEFT = 0x105,\n};\n',
    '.env.vault': 'DOTENV_VAULT_PRODUCTION="Mz9Qa1b2c3d4e5f6g7h8"\n',
  };
  for (const [file, content] of Object.entries(legit)) stage(dir, file, content, '-f');
  const r = commit(dir, 'legit');
  assert.is(r.code, 0, r.output);
});

commits('names: case and spaces do not hide a .env; key containers are blocked; .gitattributes -diff hides nothing', () => {
  const dir = project();
  for (const file of ['config/.ENV', 'keys/release.p12', 'ssh/id_ed25519']) {
    stage(dir, file, 'anything\n', '-f');
    assertBlocked(commit(dir), /plaintext-env-file|key-container/, file);
    git(dir, 'reset', '-q');
  }
  write(path.join(dir, '.gitattributes'), '*.json -diff\n');
  git(dir, 'add', '.gitattributes');
  assert.is(commit(dir, 'attributes').code, 0);
  stage(dir, 'config.json', JSON.stringify({ token: FAKE.github }));
  assertBlocked(commit(dir), /github/i, 'a -diff file is still scanned');
});

commits('a .env whose every value is dotenvx ciphertext is sealed, not plaintext; a plaintext line added to it is blocked', () => {
  const dir = project();
  // dotenvx's own output, from its CLI (a devDependency), in a directory of its own.
  const dx = tempDir('envseal-dotenvx-');
  write(path.join(dx, '.env.staging'), `API_SECRET=${TEAM_SECRET}-staging\nPORT=4000\n`);
  const made = spawnSync(path.join(ROOT, 'node_modules/.bin/dotenvx'), ['encrypt', '-f', '.env.staging'], { cwd: dx, encoding: 'utf8' });
  assert.is(made.status, 0, made.stderr);
  const sealedByDotenvx = read(path.join(dx, '.env.staging'));
  assert.match(sealedByDotenvx, /^API_SECRET="?encrypted:/m);
  stage(dir, '.env.staging', sealedByDotenvx, '-f');
  const ok = commit(dir, 'dotenvx file');
  assert.is(ok.code, 0, ok.output);
  stage(dir, '.env.staging', `${sealedByDotenvx}EXTRA_TOKEN=plain-${TEAM_SECRET}\n`, '-f');
  assertBlocked(commit(dir), /plaintext-env-file/, 'a plaintext value in a dotenvx file');
  assertNoSecrets(ok.output, [TEAM_SECRET]);
});

commits.run();

const others = suite('commit-msg and pre-push');

others('a token in a commit message is blocked', () => {
  const dir = project();
  stage(dir, 'a.txt', 'fine\n');
  const r = commit(dir, `deploy with ${FAKE.github}`);
  assertBlocked(r, /commit message/, 'token in message');
  assert.is(commit(dir, 'deploy').code, 0);
});

others('pre-push blocks commits the remote lacks, and only those', () => {
  const dir = project();
  const remote = tempDir('envseal-remote-');
  assert.is(git(remote, 'init', '-q', '--bare', '-b', 'main').status, 0);
  git(dir, 'remote', 'add', 'origin', remote);
  assert.is(git(dir, 'push', '-q', 'origin', 'main').status, 0, 'clean history pushes');
  // A secret committed with --no-verify (the pre-commit hook skipped) must still not leave.
  stage(dir, 'leak.txt', `aws ${FAKE.aws} ${FAKE.awsSecret}\n`);
  assert.is(git(dir, 'commit', '-qm', 'oops', '--no-verify').status, 0);
  const pushed = git(dir, 'push', 'origin', 'main');
  assert.is.not(pushed.status, 0, 'the push is blocked');
  assert.match(pushed.stderr, /push/);
  assert.match(pushed.stderr, /leak\.txt/);
  assertNoSecrets(pushed.stderr, [FAKE.aws, FAKE.awsSecret]);
  // Remove it in a new commit: the push still carries the leaking commit.
  git(dir, 'rm', '-q', 'leak.txt');
  git(dir, 'commit', '-qm', 'remove', '--no-verify');
  assert.is.not(git(dir, 'push', 'origin', 'main').status, 0, 'history still holds it');
  // Rewrite history: now it goes.
  git(dir, 'reset', '-q', '--hard', 'origin/main');
  stage(dir, 'ok.txt', 'ok\n');
  git(dir, 'commit', '-qm', 'ok');
  assert.is(git(dir, 'push', '-q', 'origin', 'main').status, 0);
});

others('hooks run pre-push by hand (no refs on stdin) checks what HEAD has that the remote lacks', () => {
  const dir = gitRepo('envseal-prepush-hand-');
  assert.is(envseal(dir, 'hooks', 'run', 'pre-push').code, 0, 'no commits yet: nothing to check');
  stage(dir, 'leak.txt', `token ${FAKE.github}\n`);
  assert.is(git(dir, 'commit', '-qm', 'oops', '--no-verify').status, 0);
  const r = envseal(dir, 'hooks', 'run', 'pre-push');
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /leak\.txt:1:\d+ +github-token/);
  assertNoSecrets(r.output, [FAKE.github]);
});

others.run();

const install = suite('hooks install');

install('git flavour: chains an existing hook, idempotent, uninstall restores it', () => {
  const dir = gitRepo('envseal-chain-');
  write(path.join(dir, '.git/hooks/pre-commit'), '#!/bin/sh\necho "previous hook ran" > .previous-ran\n', 0o755);
  assert.is(envseal(dir, 'hooks', 'install').code, 0);
  assert.match(envseal(dir, 'hooks', 'install').stderr, /already installed/);
  stage(dir, 'a.txt', 'fine\n');
  assert.is(commit(dir, 'first').code, 0);
  assert.ok(fs.existsSync(path.join(dir, '.previous-ran')), 'the chained hook ran after envseal');
  const status = envseal(dir, 'hooks', 'status');
  assert.is(status.code, 0);
  assert.match(status.stdout, /runs the previous hook/);
  assert.is(envseal(dir, 'hooks', 'uninstall').code, 0);
  assert.is(read(path.join(dir, '.git/hooks/pre-commit')), '#!/bin/sh\necho "previous hook ran" > .previous-ran\n');
  assert.not.ok(fs.existsSync(path.join(dir, '.git/hooks/commit-msg')));
  assert.is(envseal(dir, 'hooks', 'status').code, 1);
});

install('core.hooksPath is respected', () => {
  const dir = gitRepo('envseal-hookspath-');
  git(dir, 'config', 'core.hooksPath', 'githooks');
  assert.is(envseal(dir, 'hooks', 'install').code, 0);
  assert.ok(fs.existsSync(path.join(dir, 'githooks/pre-commit')));
  stage(dir, '.env', 'TOKEN=abcdefgh12345678\n', '-f');
  assertBlocked(commit(dir), /plaintext-env-file/, 'hooksPath');
});

install('husky flavour: adds to .husky files, runs through husky, uninstall removes exactly its block', () => {
  const dir = project({ flavour: 'husky' });
  const preCommit = read(path.join(dir, '.husky/pre-commit'));
  assert.match(preCommit, /envseal hooks run pre-commit/);
  stage(dir, '.env.production', 'TOKEN=abcdefgh12345678\n', '-f');
  assertBlocked(commit(dir), /plaintext-env-file/, 'husky');
  git(dir, 'reset', '-q');
  write(path.join(dir, '.husky/pre-commit'), `echo mine\n${read(path.join(dir, '.husky/pre-commit'))}`);
  assert.is(envseal(dir, 'hooks', 'uninstall').code, 0);
  assert.is(read(path.join(dir, '.husky/pre-commit')), 'echo mine\n');
  assert.not.ok(fs.existsSync(path.join(dir, '.husky/commit-msg')));
});

install('hooks status is not fooled by a core.hooksPath that points at a missing husky directory', () => {
  const dir = project({ flavour: 'husky' });
  assert.is(envseal(dir, 'hooks', 'status').code, 0);
  // A fresh clone where husky's install has not run: .husky/_ is git-ignored, so it is not there.
  fs.rmSync(path.join(dir, '.husky/_'), { recursive: true });
  const r = envseal(dir, 'hooks', 'status');
  assert.is(r.code, 1, r.stdout);
  assert.match(r.output, /\.husky\/_, which does not exist, so git runs no hook/);
  assert.match(r.output, /npx husky/);
});

install('init installs the hooks', () => {
  const dir = gitRepo('envseal-init-hooks-');
  assert.is(envseal(dir, 'init').code, 0);
  assert.is(envseal(dir, 'hooks', 'status').code, 0);
});

install.run();
