import * as path from 'node:path';
import { MasterKey } from '../../crypto/master-key.js';
import { displayPath } from '../../io/files.js';
import { createKeyFile } from '../../keys/key-store.js';
import type { Handler } from '../handler.js';

export const keygen: Handler = async (args, context) => {
  const key = MasterKey.generate();
  if (typeof args.out === 'string' && args.out !== '') {
    const file = path.resolve(context.cwd, args.out);
    createKeyFile(file, { current: key, previous: [] }, path.basename(file).replace(/\.key$/, ''));
    context.info(`Wrote a new master key (fingerprint ${key.fingerprint}) to ${displayPath(file)} (mode 0600).`);
    return 0;
  }
  context.out(key.export());
  context.info(`New master key, fingerprint ${key.fingerprint}. Store it in your password manager or CI secrets; anyone who has it can open your sealed files.`);
  return 0;
};
