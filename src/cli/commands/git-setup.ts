import { type SetupResult, gitSetup, gitUnsetup as unsetup } from '../../git/setup.js';
import { ExitCode } from '../../errors.js';
import { displayPath } from '../../io/files.js';
import { driverCommand } from '../driver-command.js';
import type { Handler } from '../handler.js';

/** `envseal git setup`: the drivers, run as cli/driver-command.ts says unless --command. */
export const gitSetupCommand: Handler = async (args, context) => {
  if (args.undo) return gitUnsetup(args, context);
  const command = typeof args.command === 'string' && args.command.trim() !== '' ? args.command.trim() : driverCommand();
  const result = gitSetup({ cwd: context.cwd, command });
  report(result, context.info);
  return ExitCode.ok;
};

function report(result: SetupResult, info: (text: string) => void): void {
  const attributes = displayPath(result.attributesFile);
  info(result.attributes === 'added' ? `Added "*.encrypted diff=envseal merge=envseal" to ${attributes} (commit it so the team gets it).` : `${attributes} already routes *.encrypted to envseal.`);
  const changed = result.config.filter((c) => c.action !== 'unchanged');
  info(changed.length === 0 ? 'The git config already has the envseal diff and merge drivers.' : `Set in the local git config (.git/config): ${changed.map((c) => `${c.key}${c.action === 'replaced' ? ' (replaced)' : ''}`).join(', ')}.`);
  info('`git diff` and `git log -p` now show sealed files as names, masked values and change markers; `git merge` merges them per variable. Each clone runs `envseal git setup` once; undo with `envseal git unsetup`.');
}

/** `envseal git unsetup` (and `git setup --undo`): remove exactly what setup added. */
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
