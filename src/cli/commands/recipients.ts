import * as path from 'node:path';
import { linkedFrom } from '../../core/continuity.js';
import { BAD_RECIPIENT_HELP, type RecipientInfo, diffRecipients, judgeRecipients, recipientsFileFor, repairRecipients } from '../../core/recipients.js';
import { openSealed, parseSealedStructure } from '../../format/sealed.js';
import { workTreeRoot } from '../../git/run.js';
import { commitBlob } from '../../git/sources.js';
import type { KeyRing } from '../../keys/key-ring.js';
import { EnvsealError, ExitCode, Code } from '../../errors.js';
import { displayPath, exists, readText } from '../../io/files.js';
import { type RecipientsState, readRecipients } from '../../keys/recipients-store.js';
import { resolveKeyRing, tryResolveKeyRing } from '../../keys/key-sources.js';
import type { Args, Handler } from '../handler.js';
import type { Context } from '../context.js';
import type { KeyOptions } from '../../core/open.js';
import { sealedTargets } from '../paths.js';
import { table } from '../render.js';

export const recipients: Handler = async (args, context) => {
  const action = typeof args.action === 'string' ? args.action : 'list';
  if (!['list', 'verify', 'repair'].includes(action)) throw new EnvsealError(Code.USAGE, `unknown recipients action "${action.slice(0, 20)}"`, 'envseal recipients, envseal recipients verify, or envseal recipients repair');
  const targets = sealedTargets(args, context);
  let exit: number = ExitCode.ok;
  for (const { input, keys } of targets) {
    if (targets.length > 1) context.info(`${displayPath(input)}:`);
    exit = Math.max(exit, await forFile(action, input, keys, args, context, targets.length > 1));
  }
  return exit;
};

/** `several`: one of --all-envs' environments, where one without a recipients file (a shared key) is no failure. */
async function forFile(action: string, input: string, options: KeyOptions, args: Args, context: Context, several: boolean): Promise<number> {
  const file = recipientsFileFor(input, options.envName);
  if (!exists(file)) {
    context.info(`No recipients file (${displayPath(file)}): everyone uses the shared key. Start with \`envseal grant <name> <public key>\`.`);
    return action === 'verify' && !several ? ExitCode.findings : ExitCode.ok;
  }
  const state = readRecipients(file);
  if (typeof args.diff === 'string' && args.diff !== '') return printDiff(state, atRevision(file, args.diff, (text) => readRecipients(file, text)), args, context);
  const lookup = { ...options, envFile: input };
  if (action === 'repair') {
    const result = repairRecipients(file, resolveKeyRing(lookup));
    context.info(`Repaired ${displayPath(file)}: ${result.kept} recipients wrapped to the current key${result.dropped.length > 0 ? `; dropped ${result.dropped.join(', ')} (revoked, forged or unreadable)` : ''}. Commit it.`);
    return ExitCode.ok;
  }
  // verify cannot vouch for MACs without the key: no key is a key error, as for status --check.
  const ring = action === 'verify' ? resolveKeyRing(lookup) : tryResolveKeyRing(lookup);
  const { infos, bad, problems } = judgeRecipients(state, ring);
  if (args.json) context.out(JSON.stringify({ file: displayPath(file), recipients: infos, problems }, null, 2));
  else {
    context.out(table(['NAME', 'TYPE', 'FINGERPRINT', 'GRANTED', 'BY', 'STATUS'], infos.map(row)));
    for (const problem of problems) context.warn(`${displayPath(file)}: ${problem}`);
    for (const info of bad) context.warn(`${info.name}: ${BAD_RECIPIENT_HELP[info.status]}`);
  }
  if (action === 'verify' && typeof args.base === 'string' && args.base !== '') {
    const problem = continuityProblem(input, args.base, ring!);
    if (problem) {
      context.warn(problem);
      return ExitCode.findings;
    }
  }
  if (action === 'verify') return bad.length > 0 || problems.length > 0 ? ExitCode.findings : ExitCode.ok;
  return ExitCode.ok;
}

function row(info: RecipientInfo): string[] {
  const status = info.status === 'revoked' && info.revoked ? `revoked ${info.revoked.date.slice(0, 10)}${info.revoked.reason ? ` (${info.revoked.reason})` : ''}` : info.status;
  return [info.name, info.type, info.fingerprint ?? '', info.granted?.slice(0, 10) ?? '', info.by ?? '', status];
}

/** `file` as it was at `rev` (undefined when it did not exist there), parsed by `read`. */
function atRevision<T>(file: string, rev: string, read: (text: string) => T): T | undefined {
  const root = workTreeRoot(path.dirname(file));
  try {
    return read(commitBlob(root, rev, path.relative(root, file).split(path.sep).join('/')).toString('utf8'));
  } catch (e) {
    if (e instanceof EnvsealError && e.code === Code.GIT) return undefined;
    throw e;
  }
}

function printDiff(state: RecipientsState, before: RecipientsState | undefined, args: Args, context: Context): number {
  const changes = diffRecipients(state, before);
  if (args.json) context.out(JSON.stringify(changes, null, 2));
  else if (changes.length === 0) context.info(`No change to who has access since ${String(args.diff)}.`);
  else for (const c of changes) context.out(`${c.change} ${c.name} ${c.detail}`);
  return ExitCode.ok;
}

/**
 * For CI: the sealed file's key at `base` and now; a different key must be linked to the old one by
 * the history (core/continuity.ts), or whoever made it may never have held the key.
 */
function continuityProblem(sealed: string, base: string, ring: KeyRing): string | undefined {
  const before = atRevision(sealed, base, (text) => parseSealedStructure(text, `${displayPath(sealed)} at ${base}`).fingerprint);
  if (!before) return undefined;
  // Opened without core/open.ts's continuity check, which would record the key as known.
  const opened = openSealed(readText(sealed).text, ring, displayPath(sealed));
  if (opened.fingerprint === before || linkedFrom(opened, ring, new Set([before]))) return undefined;
  return `${displayPath(sealed)} was sealed with key ${before} at ${base} and is sealed with ${opened.fingerprint} now, with no link in its history proving that whoever made the new key held the old one`;
}
