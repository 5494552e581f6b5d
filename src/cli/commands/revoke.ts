import * as path from 'node:path';
import { revokeRecipient } from '../../core/revoke.js';
import { ExitCode } from '../../errors.js';
import { plainNameFor } from '../../env-files.js';
import { gitUserName } from '../../git/user.js';
import { displayPath } from '../../io/files.js';
import { audited } from '../audit.js';
import type { Handler } from '../handler.js';
import { decryptPaths, keyOptions } from '../paths.js';
import { plural } from '../render.js';
import { testCheckpoint } from '../rotation-checkpoint.js';

export const revoke: Handler = async (args, context) => {
  const { input } = decryptPaths(args, context);
  const name = String(args.name);
  const reason = typeof args.reason === 'string' && args.reason.trim() !== '' ? args.reason.trim() : 'revoked';
  const by = gitUserName(context.cwd);
  const result = await audited(
    context,
    'revoke',
    input,
    () =>
      revokeRecipient({
        ...keyOptions(args, context),
        input,
        name,
        reason,
        backup: args.backup !== false,
        now: context.now,
        checkpoint: testCheckpoint(context.env),
        envLabel: path.basename(plainNameFor(input)),
        ...(by ? { by } : {}),
      }).then((r) => ({ ...r, fingerprint: r.newFingerprint })),
    reason,
  );
  const file = displayPath(result.file);
  const recipients = displayPath(result.recipientsFile);
  context.info(`Revoked ${name}: new key ${result.oldFingerprint} → ${result.newFingerprint} wrapped to every other recipient in ${recipients}; ${file} re-sealed and verified (${plural(result.values, 'value')}).`);
  if (result.backup) context.info(`  The old sealed file was kept as ${displayPath(result.backup)}.`);
  context.info(`  Next: commit ${file} and ${recipients}.`);
  // Always shown, even with --quiet: this is the part that still needs doing.
  context.warn(`${name} could read every value of ${file} until now and may have kept them. Change these where they are issued (rotating the master key does not): ${result.exposed.join(', ')}`);
  return ExitCode.ok;
};
