// `envseal run -- true` (decrypt in memory, spawn, exit) at 30 and 1000 names, beside `dotenvx run`;
// and the start-up `--mask` adds at 1000 names, beside the same run without it: with a command that
// prints nothing (masking is prepared when the command first prints) and with one that prints a line.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOTENVX, ENVSEAL, PEER_RUNS, envFile, envsealEnv, measure, measureWithFloor, tempDir } from './lib.js';

export const title = 'run';

export function cases() {
  const rows = [];
  for (const names of [30, 1000]) {
    const plain = envFile(names);
    const dir = tempDir('envseal-bench-run-');
    fs.mkdirSync(path.join(dir, '.git'));
    fs.writeFileSync(path.join(dir, '.env'), plain);
    const env = envsealEnv();
    measure(process.execPath, [ENVSEAL, 'init', '--no-hooks'], { cwd: dir, env, runs: 0 });
    measure(process.execPath, [ENVSEAL, 'encrypt', '-q'], { cwd: dir, env, runs: 0 });
    fs.rmSync(path.join(dir, '.env'));
    const envseal = measureWithFloor(process.execPath, [ENVSEAL, 'run', '--', 'true'], { cwd: dir, env });

    const dx = tempDir('dotenvx-bench-run-');
    fs.writeFileSync(path.join(dx, '.env'), plain);
    measure(DOTENVX, ['encrypt', '-f', '.env'], { cwd: dx, runs: 0 });
    const peer = measure(DOTENVX, ['run', '-f', '.env', '--quiet', '--', 'true'], { cwd: dx, runs: PEER_RUNS });
    rows.push({ operation: `run -- true, ${names} names`, envseal, peer: { name: 'dotenvx run', ...peer } });
    if (names === 1000) {
      for (const command of [['true'], ['echo', 'ready']]) {
        const masked = measureWithFloor(process.execPath, [ENVSEAL, 'run', '--mask', '--', ...command], { cwd: dir, env });
        const plain = measureWithFloor(process.execPath, [ENVSEAL, 'run', '--', ...command], { cwd: dir, env });
        rows.push({ operation: `run --mask -- ${command.join(' ')}, ${names} names: ${(masked.median / plain.median).toFixed(2)}× run`, envseal: masked, peer: { name: `run -- ${command.join(' ')}`, ...plain } });
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(dx, { recursive: true, force: true });
  }
  return rows;
}
