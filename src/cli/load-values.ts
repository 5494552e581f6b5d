/** What show, get, run and export share: open the sealed file their arguments name, in memory. */
import * as path from 'node:path';
import { type LoadedValues, loadSealedValues } from '../core/values.js';
import { displayPath } from '../io/files.js';
import type { MaskRules } from '../mask/rules.js';
import type { Context } from './context.js';
import { decryptPaths, keyOptions } from './paths.js';
import type { Args } from './handler.js';

export function loadValues(args: Args, context: Context): LoadedValues {
  const loaded = loadSealedValues({ ...keyOptions(args, context), input: decryptPaths(args, context).input });
  warnIfPreviousKey(context, loaded.file, loaded.keyIndex, loaded.fingerprint);
  return loaded;
}

/** A file opened with a previous key is not yet rotated to the current one: say so every time it is opened. */
export function warnIfPreviousKey(context: Context, file: string, keyIndex: number, fingerprint: string): void {
  if (keyIndex === 0) return;
  context.warn(`${displayPath(file)} is still sealed with a previous key (${fingerprint}), not your current one. Run \`envseal rotate\` (or \`envseal encrypt --rekey\`) to move it to the current key.`);
}

/** The masking rules for a sealed file: the defaults plus its project's .envseal.json. */
export async function maskRulesFor(loaded: LoadedValues): Promise<MaskRules> {
  const [{ loadProjectConfig }, { compileMaskRules }] = await Promise.all([import('../project-config.js'), import('../mask/rules.js')]);
  return compileMaskRules(loadProjectConfig(path.dirname(loaded.file)).mask.sensitive);
}
