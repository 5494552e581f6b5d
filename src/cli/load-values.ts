/** What show, get, run and export share: open the sealed file their arguments name, in memory. */
import * as path from 'node:path';
import { type LoadRequest, type LoadedValues, loadSealedValues } from '../core/values.js';
import type { MaskRules } from '../mask/rules.js';
import type { Context } from './context.js';
import { decryptPaths, keyOptions } from './paths.js';
import { warnIfPreviousKey } from './previous-key.js';
import type { Args } from './handler.js';

export function loadValues(args: Args, context: Context, also: Pick<LoadRequest, 'unsealedEdits' | 'changeDates'> = {}): LoadedValues {
  const loaded = loadSealedValues({ ...keyOptions(args, context), ...also, input: decryptPaths(args, context).input });
  warnIfPreviousKey(context, loaded.file, loaded.keyIndex, loaded.fingerprint);
  return loaded;
}

/** The masking rules for a sealed file: the defaults plus its project's .envseal.json. */
export async function maskRulesFor(loaded: LoadedValues): Promise<MaskRules> {
  const [{ loadProjectConfig }, { compileMaskRules }] = await Promise.all([import('../project-config.js'), import('../mask/rules.js')]);
  return compileMaskRules(loadProjectConfig(path.dirname(loaded.file)).mask.sensitive);
}
