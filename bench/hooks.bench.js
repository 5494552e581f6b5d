// The pre-commit hook on a typical commit (10 files, ~100 KB) and a large one (2,000 files, ~50 MB), the
// commit-msg hook on a short message, and scan throughput, beside git-secrets (Debian's git-secrets,
// AWS patterns registered) and secretlint (recommended preset) on the same files. git-secrets and secretlint are skipped when not installed.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENVSEAL, PEER_RUNS, ROOT, envsealEnv, measure, measureWithFloor, tempDir } from './lib.js';

export const title = 'commit guard';

const SECRETLINT = path.join(ROOT, 'node_modules/.bin/secretlint');
const hasGitSecrets = spawnSync('git', ['secrets', '--list'], { cwd: ROOT }).status !== null && spawnSync('sh', ['-c', 'command -v git-secrets']).status === 0;

/** Ordinary source text: what commits are made of. */
function sourceFile(i, bytes) {
  const lines = [];
  let size = 0;
  for (let n = 0; size < bytes; n++) {
    const line = `export function handler${i}_${n}(request, response) { const total = request.items.reduce((a, b) => a + b.price, 0); return response.json({ total, id: "${i}-${n}" }); }`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

function repoWith(files, bytesEach) {
  const dir = tempDir('envseal-bench-hook-');
  const git = (...args) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'bench@example.com');
  git('config', 'user.name', 'bench');
  fs.mkdirSync(path.join(dir, 'src'));
  for (let i = 0; i < files; i++) fs.writeFileSync(path.join(dir, 'src', `file${i}.js`), sourceFile(i, bytesEach));
  git('add', '-A');
  if (hasGitSecrets) git('secrets', '--register-aws');
  fs.writeFileSync(path.join(dir, '.secretlintrc.json'), JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  // secretlint resolves its rules from the project: give the bench repo this repository's node_modules.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

function peersFor(dir, label, runs) {
  const peers = [];
  if (hasGitSecrets) peers.push({ name: 'git-secrets --pre_commit_hook', ...measure('git', ['secrets', '--pre_commit_hook', '--'], { cwd: dir, runs }) });
  if (fs.existsSync(SECRETLINT)) peers.push({ name: 'secretlint', ...measure(SECRETLINT, ['src/**/*'], { cwd: dir, runs }) });
  return peers.map((peer) => ({ label, peer }));
}

export function cases() {
  const rows = [];
  const env = envsealEnv();
  for (const [label, files, bytesEach] of [
    ['pre-commit, 10 files / 100 KB', 10, 10_000],
    ['pre-commit, 2000 files / 50 MB', 2000, 25_000],
  ]) {
    const dir = repoWith(files, bytesEach);
    const envseal = measureWithFloor(process.execPath, [ENVSEAL, 'hooks', 'run', 'pre-commit'], { cwd: dir, env, runs: files > 100 ? 3 : undefined });
    const peers = peersFor(dir, label, files > 100 ? 1 : PEER_RUNS);
    if (peers.length === 0) rows.push({ operation: label, envseal });
    for (const { peer } of peers) rows.push({ operation: label, envseal, peer });
    if (files < 100) {
      // A few lines of text: what the hook loads and builds before it reads them is all it costs.
      fs.writeFileSync(path.join(dir, '.git/COMMIT_EDITMSG'), 'Fix the totals of empty carts\n\nThe reducer started from undefined.\n');
      rows.push({ operation: 'commit-msg, a 3-line message', envseal: measureWithFloor(process.execPath, [ENVSEAL, 'hooks', 'run', 'commit-msg', '.git/COMMIT_EDITMSG'], { cwd: dir, env }) });
    }
    if (files > 100) {
      // Throughput of a working-tree scan over the same 50 MB, in MB/s.
      const scan = measure(process.execPath, [ENVSEAL, 'scan', 'src'], { cwd: dir, env, runs: 3 });
      const megabytes = (files * bytesEach) / 1e6;
      rows.push({ operation: `scan throughput (${(megabytes / (scan.median / 1000)).toFixed(0)} MB/s)`, envseal: scan });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
