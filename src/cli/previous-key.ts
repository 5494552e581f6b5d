/** The warning every command that opens a sealed file gives when a previous key opened it. Light on imports: decrypt loads it. */
import { displayPath } from '../io/files.js';
import type { Context } from './context.js';

/** A file opened with a previous key is not yet rotated to the current one: say so every time it is opened. */
export function warnIfPreviousKey(context: Context, file: string, keyIndex: number, fingerprint: string): void {
  if (keyIndex === 0) return;
  context.warn(`${displayPath(file)} is still sealed with a previous key (${fingerprint}), not your current one. Run \`envseal rotate\` (or \`envseal encrypt --rekey\`) to move it to the current key.`);
}
