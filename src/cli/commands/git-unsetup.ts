import { gitUnsetup as unsetup } from '../../git/setup.js';
import { ExitCode } from '../../errors.js';
import { displayPath } from '../../io/files.js';
import type { Handler } from '../spec.js';

export const gitUnsetup: Handler = async (_args, context) => {
  const result = unsetup({ cwd: context.cwd });
  const attributes = displayPath(result.attributesFile);
  if (result.attributes === 'removed') context.info(result.attributesFileRemoved ? `Removed ${attributes} (it held only envseal's line).` : `Removed envseal's line from ${attributes}.`);
  const removed = result.config.filter((c) => c.action === 'removed').map((c) => c.key);
  if (removed.length > 0) context.info(`Removed from the local git config: ${removed.join(', ')}.`);
  for (const kept of result.config.filter((c) => c.action === 'kept')) context.warn(`${kept.key} was not written by envseal git setup; left as it is.`);
  if (result.attributes === 'absent' && removed.length === 0) context.info('Nothing to undo: envseal git drivers were not set up here.');
  return ExitCode.ok;
};
