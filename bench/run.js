#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.js and prints one table. Each row: envseal's median wall time
// (spread) and peak memory, the peer's on the same input in the same run, the ratio, and envseal
// against Node's bare start-up (`node -e 0`, run alternately with it), the floor no Node CLI can beat.
// Options: BENCH_RUNS (default 7), BENCH_PEER_RUNS (default 3), BENCH_ONLY=<file name part>.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { nodeFloor } from './lib.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const files = fs.readdirSync(here).filter((f) => f.endsWith('.bench.js') && (!process.env.BENCH_ONLY || f.includes(process.env.BENCH_ONLY))).sort();
const ms = (m) => (m === undefined ? '—' : m.median >= 1000 ? `${(m.median / 1000).toFixed(2)} s` : `${m.median.toFixed(0)} ms`);
const spread = (m) => (m === undefined ? '' : ` (${m.min.toFixed(0)}–${m.max.toFixed(0)})`);
const mb = (m) => (m?.peakKB ? `${(m.peakKB / 1024).toFixed(0)} MB` : '—');

const floor = nodeFloor();
console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform} ${os.release()}, Node ${process.version}`);
console.log(`floor: node -e 0 = ${ms(floor)}${spread(floor)}, ${mb(floor)}\n`);

const rows = [];
for (const file of files) {
  const mod = await import(pathToFileURL(path.join(here, file)).href);
  process.stderr.write(`running ${file} (${mod.title})...\n`);
  rows.push(...(await mod.cases()));
}

const header = ['operation', 'envseal (min–max)', 'mem', '× node', 'peer', 'peer time', 'peer mem', 'peer ÷ envseal'];
const table = rows.map((r) => [
  r.operation,
  `${ms(r.envseal)}${spread(r.envseal)}`,
  mb(r.envseal),
  `${(r.envseal.median / (r.envseal.floor ?? floor).median).toFixed(2)}×`,
  r.peer?.name ?? '—',
  r.peer ? `${ms(r.peer)}${spread(r.peer)}` : '—',
  r.peer ? mb(r.peer) : '—',
  r.peer ? `${(r.peer.median / r.envseal.median).toFixed(1)}×` : '—',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of table) console.log(line(row));
