// `envseal scan --history` beside git's own `git log -p --all` on the same repository (issue 12: within
// 2x of git). A generated repository of a few thousand commits of ordinary source (edits to existing
// files, new files, merges of short branches, a few images, files reverted to an earlier version, a
// few secrets in files and messages, an annotated tag); then one commit that adds a single 8 MB line,
// the adversarial case for the patch parser. The two are run alternately, so both see the same load.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENVSEAL, ROOT, RUNS, envsealEnv, measurePair, tempDir } from './lib.js';

export const title = 'scan --history beside git log -p';

/** A seeded generator (mulberry32): the same repository in every run. */
function generator(seed) {
  let state = seed;
  return (n) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

/** Lines of real source (node_modules' JavaScript), the material every commit is made of. */
function sourceLines(count) {
  const lines = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (lines.length >= count) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.js')) for (const line of fs.readFileSync(full, 'utf8').split('\n')) if (line.length < 200) lines.push(line);
    }
  };
  walk(path.join(ROOT, 'node_modules'));
  return lines.slice(0, count);
}

/**
 * A repository of `commits` commits made through `git fast-import` (seconds, not minutes). Every
 * secret is built here, at run time, and none is a real credential.
 */
export function historyRepo(commits = 3000) {
  const dir = tempDir('envseal-bench-history-');
  const git = (args, input) => spawnSync('git', args, { cwd: dir, input, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  git(['init', '-q', '-b', 'main']);
  const random = generator(7);
  const pool = sourceLines(200_000);
  const chunk = (n) => {
    const at = random(pool.length - n);
    return pool.slice(at, at + n);
  };
  const token = (i) => `ghp_${Buffer.from(`bench-history-${i}`).toString('hex').slice(0, 36).padEnd(36, 'Q')}`;
  const files = new Map(); // path -> lines, on main
  const out = [];
  const data = (content) => {
    const bytes = Buffer.from(content);
    out.push(Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n'));
  };
  let mark = 0;
  let time = 1_700_000_000;
  const commit = (ref, message, changes, { from, merge } = {}) => {
    out.push(Buffer.from(`commit ${ref}\nmark :${++mark}\ncommitter bench <bench@example.com> ${(time += 60)} +0000\n`));
    data(message);
    if (from) out.push(Buffer.from(`from ${from}\n`));
    if (merge) out.push(Buffer.from(`merge :${merge}\n`));
    for (const [file, content] of changes) {
      out.push(Buffer.from(`M 100644 inline ${file}\n`));
      data(content);
    }
    return mark;
  };
  const text = (lines) => `${lines.join('\n')}\n`;
  // A first commit of 300 files.
  const initial = [];
  for (let i = 0; i < 300; i++) {
    const file = `src/${['lib', 'app', 'util', 'api'][i % 4]}/module${i}.js`;
    files.set(file, chunk(40 + random(200)));
    initial.push([file, text(files.get(file))]);
  }
  commit('refs/heads/main', 'initial import\n', initial);
  /** A few hunks of edits to one file: lines replaced, inserted, deleted. */
  const edit = (lines) => {
    const next = [...lines];
    for (let hunks = 1 + random(3); hunks > 0; hunks--) {
      const at = random(next.length + 1);
      next.splice(at, random(4), ...chunk(random(12)));
    }
    return next;
  };
  const images = ['assets/logo.png', 'assets/banner.png', 'docs/diagram.png'];
  const vendored = [text(chunk(300)), text(chunk(300))];
  let made = 1;
  while (made < commits) {
    if (made % 60 === 0) {
      // A short branch on files of its own, merged back with --no-ff.
      const base = mark;
      let tip = base;
      const branchFiles = [];
      for (let b = 0; b < 3; b++, made++) {
        const file = `src/feature${made}/part${b}.js`;
        branchFiles.push([file, chunk(30 + random(60))]);
        tip = commit('refs/heads/feature', `feature ${made}: part ${b}\n`, [[file, text(branchFiles[b][1])]], b === 0 ? { from: `:${base}` } : {});
      }
      for (const [file, lines] of branchFiles) files.set(file, lines);
      commit('refs/heads/main', `Merge branch feature ${made}\n`, branchFiles.map(([file, lines]) => [file, text(lines)]), { from: `:${base}`, merge: tip });
      made++;
      continue;
    }
    const changes = [];
    const names = [...files.keys()];
    for (let n = 1 + random(4); n > 0; n--) {
      const file = names[random(names.length)];
      files.set(file, edit(files.get(file)));
      changes.push([file, text(files.get(file))]);
    }
    if (made % 25 === 0) {
      const file = `src/new/file${made}.js`;
      files.set(file, chunk(50 + random(150)));
      changes.push([file, text(files.get(file))]);
    }
    if (made % 40 === 0) {
      const bytes = Buffer.alloc(20_000 + random(20_000));
      for (let i = 0; i < bytes.length; i++) bytes[i] = random(256);
      changes.push([images[random(images.length)], bytes]);
    }
    // A vendored file flipping between two versions: the same blobs again and again.
    if (made % 30 === 0) changes.push(['vendor/lib.js', vendored[(made / 30) % 2]]);
    if (made % 500 === 250) changes.push([`config/deploy${made}.js`, `module.exports = { token: "${token(made)}" };\n`]);
    const message = made % 700 === 350 ? `deploy ${made}\n\nused ${token(made)} for the release\n` : `change ${made}: ${pool[random(pool.length)].trim().slice(0, 60)}\n`;
    commit('refs/heads/main', message, changes);
    made++;
  }
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, input: Buffer.concat(out) });
  if (r.status !== 0) throw new Error(`fast-import failed: ${r.stderr}`);
  git(['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'tag', '-a', 'v1.0', '-m', `release\n\nbuilt with ${token(0)}`, 'main']);
  git(['checkout', '-q', 'main']);
  return dir;
}

/** `envseal scan --history` and `git log -p --all`, alternately; the ratio is taken per pair. */
function historyRow(dir, label, runs) {
  const env = envsealEnv();
  const options = { cwd: dir, env, maxBuffer: 1024 * 1024 * 1024 };
  const expect = spawnSync(process.execPath, [ENVSEAL, 'scan', '--history'], options).status;
  const patchBytes = spawnSync('git', ['log', '-p', '--all'], options).stdout.length;
  const commits = spawnSync('git', ['rev-list', '--all', '--count'], { ...options, encoding: 'utf8' }).stdout.trim();
  const [envseal, peer] = measurePair([process.execPath, [ENVSEAL, 'scan', '--history'], { expect }], ['git', ['log', '-p', '--all']], { cwd: dir, env, runs });
  return {
    operation: `${label}: ${commits} commits, ${(patchBytes / 1e6).toFixed(0)} MB of patches (envseal ÷ git ${envseal.ratio.toFixed(2)}×, the median of alternating pairs)`,
    envseal,
    peer: { name: 'git log -p --all', ...peer },
  };
}

export function cases() {
  const rows = [];
  const dir = historyRepo();
  rows.push(historyRow(dir, 'scan --history, typical source', RUNS));
  // One more commit: a single 8 MB line (a minified bundle or a data URL committed by mistake).
  fs.writeFileSync(path.join(dir, 'bundle.min.js'), `var d="${'x1y2z3'.repeat(8 * 1024 * 1024 / 6)}";\n`);
  spawnSync('git', ['add', 'bundle.min.js'], { cwd: dir });
  spawnSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '--no-verify', '-m', 'add bundle'], { cwd: dir });
  rows.push(historyRow(dir, 'scan --history, the same and one 8 MB line', RUNS));
  fs.rmSync(dir, { recursive: true, force: true });
  return rows;
}
