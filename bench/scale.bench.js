// Growth with the number of names and the bytes of output: show, get, export and re-encrypting an
// unchanged file at 1k, 10k and 100k names, each row saying how its time grew from the row ten times
// smaller (linear is ×10) and its peak memory beyond Node's own against the sealed file's size; re-encrypting beside a
// fresh encrypt of the same file (it must be cheaper: "up to date", nothing re-sealed); `get` beside
// `dotenvx get` at 1k names; and `run --mask` passing a log of 256 MB at 30, 1,000 and 10,000 names,
// beside the same run without --mask, and its start-up (a command printing one line at once) paired with
// that run's; and `show` with one secret value of 1 MB and with three (3.3 MB).
// BENCH_SCALE_MAX (default 100000) caps the number of names.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOTENVX, ENVSEAL, envFile, envsealEnv, measure, measurePair, measureWithFloor, tempDir } from './lib.js';

export const title = 'scale';

const MAX = Number(process.env.BENCH_SCALE_MAX ?? 100_000);
const LOG_BYTES = 256e6;

/** A project with `names` values sealed, its plaintext .env beside it (as after `envseal encrypt`). */
function project(names) {
  const dir = tempDir('envseal-bench-scale-');
  fs.mkdirSync(path.join(dir, '.git'));
  fs.writeFileSync(path.join(dir, '.env'), envFile(names));
  const env = envsealEnv();
  measure(process.execPath, [ENVSEAL, 'init', '--no-hooks'], { cwd: dir, env, runs: 0 });
  measure(process.execPath, [ENVSEAL, 'encrypt', '-q'], { cwd: dir, env, runs: 0 });
  return { dir, env, sealedBytes: fs.statSync(path.join(dir, '.env.encrypted')).size };
}

const label = (names) => (names >= 1000 ? `${names / 1000}k` : String(names));
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Ordinary log lines, with one of the project's secret values in every thousandth. */
function logFile(dir, secrets) {
  const file = path.join(dir, 'app.log');
  const fd = fs.openSync(file, 'w');
  const lines = [];
  for (let i = 0; i < 10_000; i++) {
    lines.push(`2026-05-01T12:00:${String(i % 60).padStart(2, '0')}Z info request id=${i} path=/api/v1/items/${i * 7} status=200 took=${i % 97}ms user=alice@example.com`);
    if (i % 1000 === 999) lines.push(`2026-05-01T12:00:00Z debug retry with token=${secrets[i % secrets.length]}`);
  }
  const block = Buffer.from(`${lines.join('\n')}\n`);
  for (let written = 0; written < LOG_BYTES; written += block.length) fs.writeSync(fd, block);
  fs.closeSync(fd);
  return fs.statSync(file).size;
}

export function cases() {
  const rows = [];
  const previous = {};
  const grown = (operation, names, median) => {
    const before = previous[operation];
    previous[operation] = median;
    return before === undefined ? '' : `, ×${(median / before).toFixed(1)} from ${label(names / 10)}`;
  };
  for (const names of [1000, 10_000, 100_000].filter((n) => n <= MAX)) {
    const { dir, env, sealedBytes } = project(names);
    const runs = names >= 100_000 ? 3 : undefined;
    // Memory beyond Node's own (the floor's peak), against the sealed file's size.
    const memory = (m) => (m.peakKB && m.floor?.peakKB ? `, mem +${(((m.peakKB - m.floor.peakKB) * 1024) / sealedBytes).toFixed(0)}× sealed` : '');
    const row = (operation, args, extra = {}) => {
      const m = measureWithFloor(process.execPath, [ENVSEAL, ...args], { cwd: dir, env, runs, ...extra });
      rows.push({ operation: `${operation}, ${label(names)} names (${mb(sealedBytes)} sealed${grown(operation, names, m.median)}${memory(m)})`, envseal: m, ...(extra.peer ? { peer: extra.peer } : {}) });
      return m;
    };
    row('show', ['show']);
    const get = ['get', `API_TOKEN_${names - 2}`];
    if (names === 1000 && fs.existsSync(DOTENVX)) {
      const dx = tempDir('dotenvx-bench-scale-');
      fs.writeFileSync(path.join(dx, '.env'), envFile(names));
      measure(DOTENVX, ['encrypt', '-f', '.env'], { cwd: dx, runs: 0 });
      const peer = { name: 'dotenvx get', ...measure(DOTENVX, ['get', `API_TOKEN_${names - 2}`, '-f', '.env'], { cwd: dx, runs: 1 }) };
      row('get', get, { peer });
      fs.rmSync(dx, { recursive: true, force: true });
    } else {
      row('get', get);
    }
    row('export', ['export']);
    // Re-encrypting the unchanged file ends "up to date"; a fresh encrypt (the peer) seals it anew.
    const again = spawnSync(process.execPath, [ENVSEAL, 'encrypt'], { cwd: dir, env, encoding: 'utf8' });
    if (!/up to date/.test(again.stderr + again.stdout)) throw new Error(`re-encrypt of an unchanged file did not end "up to date": ${again.stderr}`);
    const sealed = path.join(dir, '.env.encrypted');
    const kept = fs.readFileSync(sealed);
    const fresh = measure(process.execPath, [ENVSEAL, 'encrypt', '-q'], { cwd: dir, env, runs, before: () => fs.rmSync(sealed, { force: true }) });
    fs.writeFileSync(sealed, kept);
    row('re-encrypt, unchanged', ['encrypt', '-q'], { peer: { name: 'encrypt, fresh', ...fresh } });
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // Large values: one of 1 MB, and three of 1.1 MB (3.3 MB), random like generated secrets.
  for (const sizes of [[1_000_000], [1_100_000, 1_100_000, 1_100_000]]) {
    const dir = tempDir('envseal-bench-large-');
    fs.mkdirSync(path.join(dir, '.git'));
    fs.writeFileSync(path.join(dir, '.env'), `${sizes.map((size, i) => `LARGE_SECRET_${i}=${randomBytes((size * 3) / 4).toString('base64')}`).join('\n')}\n`);
    const env = envsealEnv();
    measure(process.execPath, [ENVSEAL, 'init', '--no-hooks'], { cwd: dir, env, runs: 0 });
    measure(process.execPath, [ENVSEAL, 'encrypt', '-q'], { cwd: dir, env, runs: 0 });
    const total = sizes.reduce((a, b) => a + b, 0);
    rows.push({ operation: `show, ${sizes.length} secret value${sizes.length > 1 ? 's' : ''} of ${mb(total)} in all`, envseal: measureWithFloor(process.execPath, [ENVSEAL, 'show'], { cwd: dir, env, runs: 3 }) });
    fs.rmSync(dir, { recursive: true, force: true });
  }

  for (const names of [30, 1000, 10_000]) {
    const { dir, env } = project(names);
    const values = Object.values(Object.fromEntries(envFile(names).split('\n').filter((l) => l.startsWith('API_TOKEN_')).map((l) => l.split('='))));
    const bytes = logFile(dir, values.map((v) => v.replace(/"/g, '')));
    const through = (mask) => `exec "$0" "$1" run ${mask ? '--mask ' : ''}-- cat app.log > /dev/null`;
    const masked = measureWithFloor('sh', ['-c', through(true), process.execPath, ENVSEAL], { cwd: dir, env, runs: 3 });
    const plain = measure('sh', ['-c', through(false), process.execPath, ENVSEAL], { cwd: dir, env, runs: 3 });
    const rate = (bytes / 1e6 / (masked.median / 1000)).toFixed(0);
    rows.push({ operation: `run --mask -- cat (${mb(LOG_BYTES)} log), ${label(names)} names: ${rate} MB/s`, envseal: masked, peer: { name: 'run -- cat, no --mask', ...plain } });
    // Start-up: a command that prints one line at once, so every value is classified and the
    // automaton built before it shows; paired with the same run without --mask.
    const [first, withoutMask] = measurePair([process.execPath, [ENVSEAL, 'run', '--mask', '--', 'echo', 'ready']], [process.execPath, [ENVSEAL, 'run', '--', 'echo', 'ready']], { cwd: dir, env });
    rows.push({ operation: `run --mask -- echo, ${label(names)} names: start-up ${first.ratio.toFixed(2)}× the run without --mask`, envseal: first, peer: { name: 'run -- echo, no --mask', ...withoutMask } });
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
