import { plural } from '../render.js';
import { encryptFile } from '../../core/encrypt.js';
import { audited } from '../audit.js';
import { displayPath } from '../../io/files.js';
import type { Context } from '../context.js';
import type { Args, Handler } from '../handler.js';
import { decryptPaths, encryptPaths, keyOptions } from '../paths.js';
import { runImport } from '../run-import.js';

const list = (label: string, names: string[]): string | undefined =>
  names.length === 0 ? undefined : `${names.length} ${label} (${names.join(', ')})`;

export const encrypt: Handler = async (args, context) => {
  if (args.fromLegacy) return fromLegacy(args, context);
  const { input, output } = encryptPaths(args, context);
  const result = await audited(context, 'encrypt', output, () =>
    encryptFile({
      ...keyOptions(args, context),
      input,
      output,
      force: Boolean(args.force),
      rekey: Boolean(args.rekey),
      allowReuse: Boolean(args.allowReuse),
      now: context.now,
    }),
  );
  for (const note of result.notes) context.info(`note: ${note}`);
  if (result.fromSealed.length > 0) {
    context.info(`Kept the changes ${displayPath(output)} had that ${displayPath(input)} lacked (${result.fromSealed.join(', ')}), and wrote them into ${displayPath(input)}.`);
  }
  if (result.keptLocal.length > 0) context.warn(`${result.keptLocal.join(', ')} changed on both sides; --force kept the values of ${displayPath(input)}.`);
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

/** `encrypt --from-legacy`, deprecated: `import --from fernet` with the token (--in, default .env.encrypted) converted where it sits. */
async function fromLegacy(args: Args, context: Context): Promise<number> {
  const { input } = decryptPaths(args, context);
  context.warn(`note: \`encrypt --from-legacy\` is deprecated; use \`envseal import --from fernet --in ${displayPath(input)}\`.`);
  return runImport('fernet', { ...args, in: input }, context, { output: input, op: 'encrypt --from-legacy' });
}
