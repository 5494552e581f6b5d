import * as path from 'node:path';
import { type Generated, type SecretType, generateTarget, generateValues } from '../../core/generate.js';
import { EnvsealError, ExitCode, Code } from '../../errors.js';
import { displayPath } from '../../io/files.js';
import { DURATION_EXAMPLES, parseDuration } from '../../duration.js';
import { audited } from '../audit.js';
import { notePlaintextBehind } from '../plaintext-note.js';
import { keyOptions } from '../paths.js';
import type { Args, Handler } from '../handler.js';

export const generate: Handler = async (args, context) => {
  const names = Array.isArray(args.names) ? args.names.map(String) : [];
  const rotate = typeof args.rotate === 'string' && args.rotate !== '' ? args.rotate : undefined;
  const finish = typeof args.finish === 'string' && args.finish !== '' ? args.finish : undefined;
  const length = parseLength(args);
  const grace = parseGrace(args);
  const run = () =>
    generateValues({
      ...keyOptions(args, context),
      cwd: context.cwd,
      names,
      ...(rotate !== undefined ? { rotate } : {}),
      ...(finish !== undefined ? { finish } : {}),
      ...(grace !== undefined ? { grace } : {}),
      force: Boolean(args.force),
      ...(typeof args.type === 'string' ? { type: args.type as SecretType } : {}),
      ...(length !== undefined ? { length } : {}),
      ...(typeof args.example === 'string' && args.example !== '' ? { example: path.resolve(context.cwd, args.example) } : {}),
      now: context.now,
    });
  const { file: target } = generateTarget(context.cwd, keyOptions(args, context).envName, rotate !== undefined || finish !== undefined);
  const result = await audited(context, rotate ? 'generate --rotate' : finish ? 'generate --finish' : 'generate', target, run);
  const file = displayPath(result.file);
  if (result.finished) {
    const { name, early, expires } = result.finished;
    context.info(`Removed ${name} from ${file}: the rotation of ${finish} is finished${early ? ` (its grace window ran until ${expires}: make sure nothing still uses the old value)` : ''}.`);
    if (result.target === 'sealed') notePlaintextBehind(result.file, context);
    return ExitCode.ok;
  }
  if (result.created) context.info(`Created ${file} (mode 0600) from the example.`);
  if (result.generated.length > 0) {
    const where = result.target === 'sealed' ? `${file} (re-sealed in place; no plaintext written)` : file;
    context.info(`Generated in ${where}: ${result.generated.map(describe).join(', ')}. Values are not shown.`);
  } else if (result.skipped.length === 0) {
    context.info(`Nothing to generate in ${file}: no placeholders left that envseal can fill.`);
  }
  if (result.previousName) {
    const until = result.previousExpires ? ` until ${result.previousExpires} (\`envseal status\` says when that passes)` : '';
    context.info(`The old value of ${rotate} is kept as ${result.previousName}${until}: let the app accept both until every instance uses the new one, then \`envseal generate --finish ${rotate}\`.`);
  }
  for (const skipped of result.skipped) (skipped.requested ? context.warn : context.info)(`${skipped.requested ? '' : 'skipped '}${skipped.name}: ${skipped.reason}`);
  const left = result.placeholdersLeft.filter((name) => !result.skipped.some((s) => s.name === name));
  if (left.length > 0) context.info(`Still placeholders (fill by hand): ${left.join(', ')}.`);
  if (result.target === 'sealed' && result.written) notePlaintextBehind(result.file, context);
  if (result.target === 'plain' && result.written) context.info(`Next: \`envseal encrypt${typeof args.env === 'string' ? ` --env ${args.env}` : ''}\` to seal ${file}.`);
  return result.skipped.some((s) => s.requested) ? ExitCode.findings : ExitCode.ok;
};

function describe(g: Generated): string {
  const shape = g.type === 'fernet' ? 'Fernet key' : g.type === 'uuid' ? 'UUID' : `${g.type}, ${g.length} characters`;
  return `${g.name} (${shape}${g.action === 'filled' ? '' : `, ${g.action}`})`;
}

function parseGrace(args: Args): number | undefined {
  if (args.grace === undefined) return undefined;
  const ms = parseDuration(String(args.grace));
  if (ms === undefined) throw new EnvsealError(Code.USAGE_DURATION, `--grace ${String(args.grace)} is not a duration`, `Give a whole number of hours, days or weeks: ${DURATION_EXAMPLES}.`);
  return ms;
}

function parseLength(args: Args): number | undefined {
  if (args.length === undefined) return undefined;
  const text = String(args.length);
  if (!/^\d+$/.test(text)) throw new EnvsealError(Code.USAGE_LENGTH, `--length ${text} is not a whole number`, 'For example: --length 64.');
  return Number(text);
}
