import * as path from 'node:path';
import { type RevokeResult, revokeRecipient } from '../../core/revoke.js';
import { EnvsealError, ExitCode, Code } from '../../errors.js';
import { plainNameFor } from '../../env-files.js';
import { gitUserName } from '../../git/user.js';
import { displayPath } from '../../io/files.js';
import { audited } from '../audit.js';
import type { Context } from '../context.js';
import type { Handler } from '../handler.js';
import { sealedTargets } from '../paths.js';
import { resealedLines } from '../render.js';
import { testCheckpoint } from '../rotation-checkpoint.js';

export const revoke: Handler = async (args, context) => {
  const name = String(args.name);
  const reason = typeof args.reason === 'string' && args.reason.trim() !== '' ? args.reason.trim() : 'revoked';
  const by = gitUserName(context.cwd);
  const targets = sealedTargets(args, context);
  let revoked = 0;
  for (const { input, keys } of targets) {
    let result: RevokeResult;
    try {
      result = await audited<RevokeResult & { fingerprint: string }>(
        context,
        'revoke',
        input,
        () =>
          revokeRecipient({
            ...keys,
            input,
            name,
            reason,
            backup: args.backup !== false,
            now: context.now,
            checkpoint: testCheckpoint(context.env),
            envLabel: path.basename(plainNameFor(input)),
            ...(by ? { by } : {}),
          }).then((r) => ({ ...r, fingerprint: r.rotation.results[0]!.newFingerprint })),
        reason,
      );
    } catch (e) {
      // --all-envs: an environment NAME was never granted is not an error, unless none was.
      if (targets.length > 1 && e instanceof EnvsealError && e.code === Code.RECIPIENT_MISSING) continue;
      throw e;
    }
    report(result, name, context);
    revoked += 1;
  }
  if (revoked === 0) throw new EnvsealError(Code.RECIPIENT_MISSING, `${name} is not a recipient of any environment here (${targets.map((t) => displayPath(t.input)).join(', ')})`, '`envseal recipients --env ENV` lists who can open each one. Names are case-sensitive.');
  return ExitCode.ok;
};

function report(result: RevokeResult, name: string, context: Context): void {
  const recipients = displayPath(result.recipientsFile);
  const results = result.rotation.results;
  const files = results.map((r) => displayPath(r.file));
  context.info(
    result.finished
      ? `Finished revoking ${name}: ${files.join(', ')} re-sealed with the key already in ${recipients} (${results[0]!.newFingerprint}), which ${name} cannot open.`
      : `Revoked ${name}: new key ${results[0]!.oldFingerprint} → ${results[0]!.newFingerprint} wrapped to every other recipient in ${recipients}.`,
  );
  for (const line of resealedLines(results)) context.info(`  ${line}`);
  for (const skipped of result.rotation.skipped) context.warn(`${displayPath(skipped)} shares ${recipients} but is sealed with a key it no longer holds: it was left as it is.`);
  context.info(`  Next: commit ${[...files, recipients].join(', ')}.`);
  // Always shown, even with --quiet: this is the part that still needs doing.
  const exposed = result.exposed.map((e) => (result.exposed.length === 1 ? e.names.join(', ') : `${displayPath(e.file)}: ${e.names.join(', ')}`)).join('; ');
  context.warn(`${name} could read every value of ${files.join(', ')} until ${result.finished ? 'the revocation' : 'now'} and may have kept them. Change these where they are issued (rotating the master key does not): ${exposed}`);
}
