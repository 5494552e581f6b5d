import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed envseal package's directory (holding bin/ and hooks/), found by walking up from this
 * module: the same answer from dist/ as from the bundled dist/cli.js.
 */
export function packageRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'bin', 'envseal.js')) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('envseal package root not found');
  }
}
