// Shared by the core's unit tests: a sealed project on real files, and typed errors.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MasterKey } from '../../dist/crypto/master-key.js';
import { parseEnv } from '../../dist/format/envfile.js';
import { sealLines } from '../../dist/format/sealed.js';
import { TEST_KEY, tempDir, write } from '../helpers/cli.js';

export const KEY = MasterKey.parse(TEST_KEY, 'test');
export const NOW = new Date('2026-06-01T00:00:00Z');
export const ENV = { ENVSEAL_MASTER_KEY: TEST_KEY };
export const history = [{ date: '2026-05-01T00:00:00Z', event: 'created', key: KEY.fingerprint, envseal: '0.1.0' }];

export function sealedProject(text = 'API_TOKEN=tok-4f1c9a2b7e5d3c8a\nPORT=3000\n', key = KEY) {
  const dir = tempDir('envseal-core-');
  fs.mkdirSync(path.join(dir, '.git'));
  const file = path.join(dir, '.env.encrypted');
  write(file, sealLines(parseEnv(text, '.env'), key, { now: '2026-01-01T00:00:00Z', history: [{ ...history[0], key: key.fingerprint }], label: '.env' }));
  return { dir, file };
}

export const errorCode = (fn) => {
  try {
    fn();
  } catch (e) {
    return e.code;
  }
  return undefined;
};

