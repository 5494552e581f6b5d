import { type RecipientInfo, listRecipients, recipientsFileFor } from '../../core/recipients.js';
import { EnvsealError, ExitCode, Code } from '../../errors.js';
import { displayPath, exists } from '../../io/files.js';
import { readRecipients } from '../../keys/recipients-store.js';
import { resolveKeyRing, tryResolveKeyRing } from '../../keys/key-sources.js';
import type { Handler } from '../handler.js';
import { decryptPaths, keyOptions } from '../paths.js';
import { table } from '../render.js';

export const recipients: Handler = async (args, context) => {
  const action = typeof args.action === 'string' ? args.action : 'list';
  if (action !== 'list' && action !== 'verify') throw new EnvsealError(Code.USAGE, `unknown recipients action "${action.slice(0, 20)}"`, 'envseal recipients, or envseal recipients verify');
  const { input } = decryptPaths(args, context);
  const options = keyOptions(args, context);
  const file = recipientsFileFor(input, options.envName);
  if (!exists(file)) {
    context.info(`No recipients file (${displayPath(file)}): everyone uses the shared key. Start with \`envseal grant <name> <public key>\`.`);
    return action === 'verify' ? ExitCode.findings : ExitCode.ok;
  }
  const state = readRecipients(file);
  const lookup = { ...options, envFile: input };
  // verify cannot vouch for MACs without the key: no key is a key error, as for status --check.
  const ring = action === 'verify' ? resolveKeyRing(lookup) : tryResolveKeyRing(lookup);
  const infos = listRecipients(state, ring);
  const bad = infos.filter((i) => i.status === 'forged' || i.status === 'stale' || i.status === 'unreadable');
  const problems = [...state.parsed.problems.map((p) => p.message), ...(state.parsed.keys.length > 1 ? [`${state.parsed.keys.length} headers (a union merge of two keys): run \`envseal rotate\``] : [])];
  if (args.json) context.out(JSON.stringify({ file: displayPath(file), recipients: infos, problems }, null, 2));
  else {
    context.out(table(['NAME', 'TYPE', 'FINGERPRINT', 'GRANTED', 'BY', 'STATUS'], infos.map(row)));
    for (const problem of problems) context.warn(`${displayPath(file)}: ${problem}`);
    for (const info of bad) context.warn(`${info.name}: ${STATUS_HELP[info.status]}`);
  }
  if (action === 'verify') return bad.length > 0 || problems.length > 0 ? ExitCode.findings : ExitCode.ok;
  return ExitCode.ok;
};

const STATUS_HELP: Partial<Record<RecipientInfo['status'], string>> = {
  forged: 'its MAC does not verify under any key you hold: it was not written by someone with the key. Remove it (restore the file from git) and grant again.',
  stale: 'granted under a previous key (a grant merged after a rotation): `envseal rotate` re-wraps the current key to it.',
  unreadable: 'its public key cannot be read by this envseal.',
};

function row(info: RecipientInfo): string[] {
  const status = info.status === 'revoked' && info.revoked ? `revoked ${info.revoked.date.slice(0, 10)}${info.revoked.reason ? ` (${info.revoked.reason})` : ''}` : info.status;
  return [info.name, info.type, info.fingerprint ?? '', info.granted?.slice(0, 10) ?? '', info.by ?? '', status];
}
