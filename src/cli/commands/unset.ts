import { nameForMessage, unsetValue } from '../../core/set.js';
import { ExitCode } from '../../errors.js';
import { displayPath } from '../../io/files.js';
import { audited } from '../audit.js';
import { decryptPaths, keyOptions } from '../paths.js';
import type { Handler } from '../handler.js';
import { notePlaintextBehind } from '../plaintext-note.js';

export const unset: Handler = async (args, context) => {
  const name = String(args.name);
  const { input } = decryptPaths(args, context);
  const result = await audited(context, 'unset', input, () => unsetValue({ ...keyOptions(args, context), file: input, name, now: context.now }));
  const times = result.removed > 1 ? ` (${result.removed} entries)` : '';
  context.info(`Removed ${nameForMessage(name, [])}${times} from ${displayPath(input)}; every other value kept its ciphertext.`);
  notePlaintextBehind(input, context);
  return ExitCode.ok;
};
