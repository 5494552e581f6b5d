// Shared benchmark helpers: run whole processes several times, report the median wall time, the
// spread and the peak resident memory (GNU time's %M when /usr/bin/time exists).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ENVSEAL = path.join(ROOT, 'bin/envseal.js');
export const DOTENVX = path.join(ROOT, 'node_modules/.bin/dotenvx');
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

export const RUNS = Number(process.env.BENCH_RUNS ?? 7);
export const PEER_RUNS = Number(process.env.BENCH_PEER_RUNS ?? 3);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function runOnce(command, args, { cwd, env, before, expect }) {
  before?.();
  const argv = GNU_TIME ? [GNU_TIME, '-f', '%M', command, ...args] : [command, ...args];
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== expect) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
  return { ms, kb: GNU_TIME ? Number(r.stderr.trim().split('\n').pop()) : undefined };
}

function summary(samples, runs) {
  const times = samples.map((s) => s.ms);
  const rss = samples.map((s) => s.kb).filter((kb) => kb !== undefined);
  return { median: median(times), min: Math.min(...times), max: Math.max(...times), runs, peakKB: rss.length ? median(rss) : undefined };
}

/**
 * Runs `command args` `runs` times (after one warm-up) and returns milliseconds and kilobytes.
 * `before` runs before each timed run (e.g. to restore an input file) and is not timed.
 */
export function measure(command, args, { cwd, env = process.env, runs = RUNS, before, expect = 0 } = {}) {
  const samples = [];
  for (let i = -1; i < runs; i++) {
    const sample = runOnce(command, args, { cwd, env, before, expect });
    if (i >= 0) samples.push(sample);
  }
  return summary(samples, runs);
}

/**
 * Two commands run alternately, `runs` times each after a warm-up: on a shared, noisy machine both
 * see the same conditions, so their ratio is steadier than either time. Each is [command, args,
 * { expect }]; returns their summaries, the first with `ratio`, the median of the per-pair ratios.
 */
export function measurePair(first, second, { runs = RUNS, cwd, env = process.env, before } = {}) {
  const samples = [[], []];
  const ratios = [];
  for (let i = -1; i < runs; i++) {
    const pair = [first, second].map(([command, args, { expect = 0 } = {}], j) => runOnce(command, args, { cwd, env, before: j === 0 ? before : undefined, expect }));
    if (i < 0) continue;
    pair.forEach((sample, j) => samples[j].push(sample));
    ratios.push(pair[0].ms / pair[1].ms);
  }
  return [{ ...summary(samples[0], runs), ratio: median(ratios) }, summary(samples[1], runs)];
}

/** Like measure, with `node -e 0` run alternately beside it (measurePair): the floor no Node CLI can beat. */
export function measureWithFloor(command, args, options = {}) {
  const { expect = 0, ...rest } = options;
  const [mine, floor] = measurePair([command, args, { expect }], [process.execPath, ['-e', '0']], rest);
  return { ...mine, floor };
}

export function nodeFloor() {
  return measure(process.execPath, ['-e', '0']);
}

export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A realistic .env: secret-looking and plain names, URLs, a multi-line value. */
export function envFile(names) {
  const lines = ['# benchmark env'];
  for (let i = 0; i < names; i++) {
    const kind = i % 5;
    if (kind === 0) lines.push(`SECRET_KEY_${i}=${Buffer.from(`secret-${i}-`.repeat(4)).toString('base64url')}`);
    else if (kind === 1) lines.push(`DATABASE_URL_${i}=postgres://app:pw${i}x@db-${i}.internal:5432/app`);
    else if (kind === 2) lines.push(`PORT_${i}=${3000 + i}`);
    else if (kind === 3) lines.push(`API_TOKEN_${i}="tok_${i}_${'a1b2c3d4'.repeat(3)}"`);
    else lines.push(`FEATURE_FLAG_${i}=true # inline comment`);
  }
  return `${lines.join('\n')}\n`;
}

export function envsealEnv(extra = {}) {
  const env = { ...process.env, NO_COLOR: '1', ...extra };
  for (const k of Object.keys(env)) if (k.startsWith('ENVSEAL_') && !(k in extra)) delete env[k];
  return env;
}
