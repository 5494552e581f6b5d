import { plural } from '../render.js';
import { decryptFile } from '../../core/decrypt.js';
import { audited } from '../audit.js';
import { warnIfPreviousKey } from '../previous-key.js';
import { displayPath } from '../../io/files.js';
import { decryptPaths, keyOptions } from '../paths.js';
import type { Handler } from '../handler.js';

export const decrypt: Handler = async (args, context) => {
  const paths = decryptPaths(args, context);
  const toStdout = Boolean(args.stdout);
  const result = await audited(context, toStdout ? 'decrypt --stdout' : 'decrypt', paths.input, () =>
    decryptFile({
      ...keyOptions(args, context),
      input: paths.input,
      ...(toStdout ? {} : { output: paths.output }),
      force: Boolean(args.force),
      legacy: Boolean(args.legacy),
      now: context.now,
    }),
  );
  const opener = result.keyIndex === 0 ? `key ${result.fingerprint}` : `previous key ${result.fingerprint}`;
  warnIfPreviousKey(context, paths.input, result.keyIndex, result.fingerprint);
  if (result.legacy) context.warn(`note: ${displayPath(paths.input)} is a whole-file Fernet token, and \`decrypt --legacy\` is deprecated: \`envseal import --from fernet --in ${displayPath(paths.input)}\` converts it to a sealed file once.`);
  if (toStdout) {
    context.write(result.plaintext);
  } else if (!result.written) {
    context.info(`${displayPath(paths.output)} is up to date with ${displayPath(paths.input)} (${plural(result.values, 'value')}).`);
  } else {
    const how = result.refreshed ? `Refreshed ${displayPath(paths.output)} (it held no edits of its own) with` : `Decrypted`;
    context.info(`${how} ${plural(result.values, 'value')} from ${displayPath(paths.input)}${result.refreshed ? '' : ` into ${displayPath(paths.output)} (mode 0600)`} with ${opener} from ${result.keySource}.`);
    if (result.backup) context.info(`Your previous ${displayPath(paths.output)} was kept as ${displayPath(result.backup)} (mode 0600).`);
  }
  return 0;
};
