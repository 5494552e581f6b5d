import * as fs from 'node:fs';
import { plainNameFor } from '../env-files.js';
import { displayPath } from '../io/files.js';
import type { Context } from './context.js';

/** After a sealed file changed in place, a plaintext copy beside it is out of date; say so (it is not touched). */
export function notePlaintextBehind(sealedFile: string, context: Context): void {
  const plain = plainNameFor(sealedFile);
  if (plain !== sealedFile && fs.existsSync(plain)) {
    context.info(`note: ${displayPath(plain)} was not changed and is now behind ${displayPath(sealedFile)}; \`envseal decrypt --force\` refreshes it (a 0600 backup of it is kept).`);
  }
}
