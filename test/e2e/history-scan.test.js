// `envseal scan --history` over real repositories (issue 12). Merges, commit messages, annotated tags and
// binary blobs are covered with the hooks in guard-bypass.test.js; here: a change git shows again (a
// file reverted to an earlier version, an image committed twice, a cherry-pick) is reported for each
// commit that makes it, once per path; a line of megabytes is read whole; and `scan --history` given
// bare (the fast parser) answers exactly as the same command read by yargs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertNoSecrets, git, gitRepo, run, write } from '../helpers/cli.js';

// Built at run time so this file holds no secret-looking literal.
const GITHUB = `ghp_${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}`;

/** Writes `files` (null deletes one), commits them and returns the new commit's id. */
function commit(dir, message, files) {
  for (const [file, content] of Object.entries(files)) {
    if (content === null) git(dir, 'rm', '-q', file);
    else {
      write(path.join(dir, file), content);
      git(dir, 'add', file);
    }
  }
  git(dir, 'commit', '-q', '--no-verify', '-m', message);
  return git(dir, 'rev-parse', 'HEAD').trim();
}

function scanJson(dir, args = []) {
  const r = run(['scan', '--history', '--json', ...args], { cwd: dir });
  assert.is(r.code, 1, r.stderr);
  return JSON.parse(r.stdout);
}

const config = `module.exports = { token: "${GITHUB}" };\n`;
// UTF-16 text: git calls it binary (its NUL bytes), and envseal reads its blob.
const image = Buffer.from(`token=${GITHUB}\n`, 'utf16le');

/** A history in which the same blobs come back: returns the repository and the commits that add the secret, by path. */
function repeatedHistory() {
  const dir = gitRepo('envseal-history-');
  commit(dir, 'start', { 'README.md': 'app\n' });
  const added = commit(dir, 'add config', { 'config.js': config });
  commit(dir, 'drop config', { 'config.js': null });
  const reverted = commit(dir, 'bring config back', { 'config.js': config });
  const copies = commit(dir, 'two copies', { 'a/config.js': config, 'b/config.js': config });
  const image1 = commit(dir, 'image', { 'logo.bin': image });
  commit(dir, 'drop image', { 'logo.bin': null });
  const image2 = commit(dir, 'image again', { 'logo.bin': image });
  git(dir, 'checkout', '-q', '-b', 'side', 'HEAD~7');
  commit(dir, 'side work', { 'side.txt': 'side\n' });
  git(dir, 'cherry-pick', added);
  const picked = git(dir, 'rev-parse', 'HEAD').trim();
  git(dir, 'checkout', '-q', 'main');
  const expected = [
    [added, 'config.js'],
    [reverted, 'config.js'],
    [copies, 'a/config.js'],
    [copies, 'b/config.js'],
    [image1, 'logo.bin'],
    [image2, 'logo.bin'],
    [picked, 'config.js'],
  ];
  return { dir, expected: expected.map(([sha, file]) => `${sha} ${file}`).sort() };
}

test('the same change again (reverted, copied, cherry-picked, an image re-added) is reported once for each commit and path that makes it', () => {
  const { dir, expected } = repeatedHistory();
  const findings = scanJson(dir);
  assert.ok(findings.every((f) => f.rule === 'github-token'), JSON.stringify(findings.map((f) => f.rule)));
  assert.equal(findings.map((f) => `${f.commit} ${f.file}`).sort(), expected);
  assertNoSecrets(JSON.stringify(findings), [GITHUB], 'JSON findings');
  const text = run(['scan', '--history'], { cwd: dir });
  assert.is(text.code, 1);
  assert.match(text.stderr, /envseal found: 7 findings/);
  assertNoSecrets(text.output, [GITHUB]);
});

test('an added line of several megabytes is read whole: a secret at its end is found at its column', () => {
  const dir = gitRepo('envseal-history-long-');
  const head = `var bundle="${'x1y2z3'.repeat(700_000)}";var t="`;
  commit(dir, 'bundle', { 'dist/bundle.js': `${head}${GITHUB}";\nconst again = "${GITHUB}";\n` });
  const findings = scanJson(dir);
  assert.equal(
    findings.map((f) => [f.file, f.line, f.column, f.rule]),
    [
      ['dist/bundle.js', 1, head.length + 1, 'github-token'],
      ['dist/bundle.js', 2, 'const again = "'.length + 1, 'github-token'],
    ],
  );
});

test('bare `scan --history` (the fast parser) gives exactly what yargs gives for the same command', () => {
  const { dir } = repeatedHistory();
  // `--no-staged` means the default, and only yargs reads negations: the same scan through the other parser.
  for (const extra of [[], ['--json'], ['--sarif']]) {
    const fast = run(['scan', ...extra, '--history'], { cwd: dir });
    const slow = run(['scan', ...extra, '--history', '--no-staged'], { cwd: dir });
    assert.is(fast.code, 1, fast.stderr);
    assert.equal([fast.code, fast.stdout, fast.stderr], [slow.code, slow.stdout, slow.stderr], extra.join(' '));
  }
  const clean = gitRepo('envseal-history-clean-');
  commit(clean, 'start', { 'README.md': 'app\n' });
  const fast = run(['scan', '--history'], { cwd: clean });
  const slow = run(['scan', '--history', '--no-staged'], { cwd: clean });
  assert.equal([fast.code, fast.stdout, fast.stderr], [0, slow.stdout, slow.stderr]);
  assert.is(slow.code, 0);
  fs.rmSync(clean, { recursive: true, force: true });
});

test.run();
