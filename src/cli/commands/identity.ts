import * as path from 'node:path';
import { newIdentity } from '../../core/identity.js';
import { ExitCode } from '../../errors.js';
import type { Handler } from '../handler.js';

export const identityNew: Handler = async (args, context) => {
  const out = typeof args.out === 'string' ? path.resolve(context.cwd, args.out) : undefined;
  const made = newIdentity({ env: context.env, ...(out ? { out } : {}) });
  context.info(`New age identity in ${made.file} (mode 0600; keep it, and a backup, private). Its public key (${made.fingerprint}):`);
  context.out(made.recipient);
  context.info(`Send a teammate who has access this line to run: envseal grant <your-name> ${made.recipient}`);
  return ExitCode.ok;
};
