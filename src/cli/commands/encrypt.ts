import { plural } from '../render.js';
import { encryptFile } from '../../core/encrypt.js';
import { audited } from '../audit.js';
import { displayPath } from '../../io/files.js';
import { encryptPaths, keyOptions } from '../paths.js';
import type { Handler } from '../handler.js';

const list = (label: string, names: string[]): string | undefined =>
  names.length === 0 ? undefined : `${names.length} ${label} (${names.join(', ')})`;

export const encrypt: Handler = async (args, context) => {
  const { input, output } = encryptPaths(args, context);
  const result = await audited(context, 'encrypt', output, () =>
    encryptFile({
      ...keyOptions(args, context),
      input,
      output,
      force: Boolean(args.force),
      rekey: Boolean(args.rekey),
      now: context.now,
    }),
  );
  for (const note of result.notes) context.info(`note: ${note}`);
  const where = `${displayPath(output)} (key ${result.fingerprint} from ${result.keySource})`;
  if (!result.written) {
    context.info(`${displayPath(output)} is up to date: ${plural(result.values, 'value')}, nothing changed.`);
  } else if (result.rekeyedFrom) {
    // Every token is new here, so a per-name change list would mislead.
    const history = result.historyDropped ? ` Its history, which no key here could verify, was not carried over.` : '';
    context.info(`Re-sealed all ${plural(result.values, 'value')} of ${where}, previously sealed with key ${result.rekeyedFrom}; teammates need this key now.${history}`);
  } else if (result.created) {
    context.info(`Sealed ${plural(result.values, 'value')} from ${displayPath(input)} into ${where}. Commit it; keep ${displayPath(input)} and the key out of git.`);
  } else {
    const { added, changed, removed } = result.changes;
    const parts = [list('changed', changed), list('added', added), list('removed', removed)].filter(Boolean);
    context.info(`Updated ${where}: ${parts.length ? parts.join(', ') : 'layout or comments changed'}. Unchanged values kept their ciphertext.`);
  }
  if (result.backup) context.info(`The previous file was kept as ${displayPath(result.backup)}.`);
  return 0;
};
