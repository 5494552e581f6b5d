// encrypt and decrypt as whole processes, 30 and 1000 names, beside dotenvx on the same files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOTENVX, ENVSEAL, PEER_RUNS, envFile, envsealEnv, measure, measureWithFloor, tempDir } from './lib.js';

export const title = 'encrypt / decrypt';

export function cases() {
  const rows = [];
  for (const names of [30, 1000]) {
    const plain = envFile(names);
    // envseal
    const dir = tempDir('envseal-bench-');
    fs.writeFileSync(path.join(dir, '.env'), plain);
    fs.mkdirSync(path.join(dir, '.git'));
    const env = envsealEnv();
    measure(process.execPath, [ENVSEAL, 'init'], { cwd: dir, env, runs: 0 });
    const encrypt = measureWithFloor(process.execPath, [ENVSEAL, 'encrypt', '-q'], { cwd: dir, env, before: () => fs.rmSync(path.join(dir, '.env.encrypted'), { force: true }) });
    const decrypt = measureWithFloor(process.execPath, [ENVSEAL, 'decrypt', '--stdout', '-q'], { cwd: dir, env });
    // dotenvx: encrypts .env in place, so each run starts from the plaintext again.
    const dx = tempDir('dotenvx-bench-');
    const dxEnv = { ...process.env, DOTENV_KEY: '' };
    const reset = () => {
      fs.writeFileSync(path.join(dx, '.env'), plain);
      fs.rmSync(path.join(dx, '.env.keys'), { force: true });
    };
    const dxEncrypt = measure(DOTENVX, ['encrypt', '-f', '.env'], { cwd: dx, env: dxEnv, runs: PEER_RUNS, before: reset });
    const dxDecrypt = measure(DOTENVX, ['decrypt', '-f', '.env', '--stdout'], { cwd: dx, env: dxEnv, runs: PEER_RUNS });
    rows.push({ operation: `encrypt, ${names} names`, envseal: encrypt, peer: { name: 'dotenvx encrypt', ...dxEncrypt } });
    rows.push({ operation: `decrypt, ${names} names`, envseal: decrypt, peer: { name: 'dotenvx decrypt', ...dxDecrypt } });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(dx, { recursive: true, force: true });
  }
  return rows;
}
