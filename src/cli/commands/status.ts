import * as path from 'node:path';
import type { ChangeSummary } from '../../core/changes.js';
import type { AccessCover } from '../../core/recipients.js';
import type { ValueAge } from '../../core/value-ages.js';
import { DEFAULT_MAX_AGE_DAYS, MAX_POLICY_DAYS, type FileStatus, fileStatuses, statusExitCode } from '../../core/status.js';
import { findSealedFiles } from '../../core/sealed-files.js';
import { EnvsealError, ExitCode, Code } from '../../errors.js';
import { loadProjectConfig } from '../../project-config.js';
import { sealedFileName } from '../../env-files.js';
import { displayPath } from '../../io/files.js';
import type { Context } from '../context.js';
import { editTempRoot, keyOptions } from '../paths.js';
import { noteAbandonedEdits } from '../abandoned-edits.js';
import { withProgress } from '../progress.js';
import { table } from '../render.js';
import type { Args, Handler } from '../handler.js';

export const status: Handler = async (args, context) => {
  noteAbandonedEdits(editTempRoot(context), context);
  const maxAgeDays = maxAge(args, context.cwd);
  const files = args.all ? findSealedFiles(context.cwd) : [path.resolve(context.cwd, sealedFileName(typeof args.env === 'string' ? args.env : undefined))];
  if (files.length === 0) {
    context.info('No sealed files (*.encrypted) under this directory. Create one with `envseal init` and `envseal encrypt`.');
    return ExitCode.ok;
  }
  const { env, keyFile } = keyOptions(args, context);
  const request = { env, ...(keyFile ? { keyFile } : {}), now: context.now, maxAgeDays };
  const statuses =
    files.length === 1
      ? fileStatuses({ ...request, files })
      : await withProgress(context, 'Checking sealed files…', (p) =>
          files.flatMap((file, i) => {
            p.update(`Checking ${displayPath(file)} (${i + 1} of ${files.length})…`);
            return fileStatuses({ ...request, files: [file] });
          }),
        );
  if (args.json) context.out(JSON.stringify({ maxAgeDays, files: statuses.map((s) => ({ ...s, file: path.relative(context.cwd, s.file) || s.file })) }, null, 2));
  else if (args.all) printSummary(statuses, context, maxAgeDays);
  else for (const s of statuses) printStatus(s, context, maxAgeDays);
  return statusExitCode(statuses, Boolean(args.check));
};

/** --max-age, else the project's `rotation.maxAgeDays` in .envseal.json, else 90 days. */
function maxAge(args: Args, cwd: string): number {
  if (args.maxAge === undefined) return loadProjectConfig(cwd).rotation.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS;
  const days = Number(args.maxAge);
  if (!Number.isInteger(days) || days <= 0 || days > MAX_POLICY_DAYS) {
    throw new EnvsealError(Code.USAGE, `--max-age ${String(args.maxAge)} is not a number of days from 1 to ${MAX_POLICY_DAYS}`, 'For example: --max-age 90');
  }
  return days;
}

const day = (iso: string): string => iso.slice(0, 10);

/** `status --all`: one line per sealed file (an app, in a monorepo), then the details of those that need something. */
function printSummary(statuses: readonly FileStatus[], context: Context, maxAgeDays: number): void {
  const rows = statuses.map((s) => [
    displayPath(s.file),
    s.states.length ? s.states.join(', ') : 'ok',
    s.sealedWith ? `key ${s.sealedWith}` : '-',
    s.values === undefined ? '-' : String(s.values),
    s.nextDue ? `${day(s.nextDue)}${s.overdue ? ' OVERDUE' : ''}` : '-',
  ]);
  context.out(table(['FILE', 'STATE', 'SEALED WITH', 'VALUES', 'NEXT ROTATION'], rows));
  const attention = statuses.filter((s) => s.states.length > 0 || s.access?.thin || s.leftovers.length > 0);
  for (const s of attention) {
    context.out('');
    printStatus(s, context, maxAgeDays);
  }
}

function printStatus(s: FileStatus, context: Context, maxAgeDays: number): void {
  const rows: [string, string][] = [];
  if (s.values !== undefined) rows.push(['values', String(s.values)]);
  if (s.sealedWith) {
    const which = s.currentKey === s.sealedWith ? `your current key, from ${s.keySource}` : s.sealedWithPrevious ? `a PREVIOUS key from ${s.keySource}; your current key is ${s.currentKey}` : s.currentKey ? `NOT your key (${s.currentKey}, from ${s.keySource})` : 'no key for it found here';
    rows.push(['sealed with', `key ${s.sealedWith} (${which})`]);
  }
  if (!s.verified && !s.problem && s.sealedWith) rows.push(['integrity', 'not verified (no key here)']);
  if (s.lastRotation) {
    const { reason, by } = s.lastRotation;
    const why = [reason ? `reason: ${reason}` : '', by ? `by ${by}` : ''].filter(Boolean).join(', ');
    rows.push(['last rotation', `${day(s.lastRotation.date)} (${s.lastRotation.event}, ${s.ageDays} days ago${why ? `; ${why}` : ''})`]);
    rows.push(['next due', `${day(s.nextDue!)}${s.overdue ? ` — OVERDUE (policy: every ${maxAgeDays} days): run \`envseal rotate${s.envName ? ` --env ${s.envName}` : ''}\`` : ` (policy: every ${maxAgeDays} days)`}`]);
  }
  for (const v of s.valueAges ?? []) rows.push(['value', valueLine(v, s.envName)]);
  if (s.sealedWithPrevious) {
    rows.push(['rotation', `unfinished: the key was replaced but this file is still sealed with the previous one (an interrupted \`envseal rotate\`, or a file not yet rotated). Run \`envseal rotate${s.envName ? ` --env ${s.envName}` : ''}\` to finish; no new key will be generated.`]);
  }
  if (s.stale || s.behind) {
    const plain = displayPath(s.plaintextFile!);
    const names = (c: ChangeSummary, where: string): string =>
      [c.changed.length ? `changed: ${c.changed.join(', ')}` : '', c.added.length ? `added ${where}: ${c.added.join(', ')}` : '', c.removed.length ? `removed ${where}: ${c.removed.join(', ')}` : ''].filter(Boolean).join('; ') || 'unreadable';
    const env = s.envName ? ` --env ${s.envName}` : '';
    if (s.stale) rows.push(['plaintext', `${plain} has edits that are not sealed (${names(s.stale, `in ${plain}`)}): run \`envseal encrypt${env}\``]);
    if (s.behind) {
      const refresh = s.stale ? `\`envseal encrypt${env}\` merges them with your edits` : `\`envseal decrypt${env}${s.fromBase ? '' : ' --force'}\` refreshes it`;
      rows.push(['sealed', `${displayPath(s.file)} has changes ${plain} lacks (${names(s.behind, 'there')}): ${refresh}`]);
    }
    if (s.conflicts) rows.push(['conflict', `both changed ${s.conflicts.join(', ')}: make ${plain} hold the value you want, then \`envseal encrypt${env}\``]);
  } else if (s.plaintextFile) {
    rows.push(['plaintext', `${displayPath(s.plaintextFile)} matches`]);
  }
  for (const e of s.exposures ?? []) rows.push(['exposed', `${e.recipient} (revoked ${e.date.slice(0, 10)}) knows ${e.names.join(', ')}: change them where they are issued`]);
  if (s.access?.thin) rows.push(['access', accessWarning(s.access, s.envName)]);
  for (const leftover of s.leftovers) rows.push(['leftover', `${displayPath(leftover)}: a temp file from an interrupted write; safe to delete`]);
  if (s.problem) rows.push(['problem', `${s.problem.message}${s.problem.hint ? `\n${' '.repeat(17)}fix: ${s.problem.hint}` : ''}`]);
  rows.push(['state', s.states.length ? s.states.join(', ') : 'ok']);
  context.out(`${displayPath(s.file)}\n${rows.map(([k, v]) => `  ${k.padEnd(14)} ${v}`).join('\n')}`);
}

function valueLine(v: ValueAge, envName: string | undefined): string {
  const env = envName ? ` --env ${envName}` : '';
  const changed = `changed ${day(v.changed)}, ${v.ageDays} days ago`;
  switch (v.state) {
    case 'expired':
      return `${v.name}: its grace window ended ${v.expires!.replace('T', ' ')}; remove it: \`envseal generate --finish ${v.previousOf}${env}\``;
    case 'grace':
      return `${v.name}: the previous value of ${v.previousOf}, kept ${v.expires ? `until ${v.expires.replace('T', ' ')}` : `with no grace window set; remove it when nothing uses it: \`envseal generate --finish ${v.previousOf}${env}\``}`;
    case 'overdue':
      return `${v.name}: OVERDUE since ${day(v.due!)} (${changed}; every ${v.maxAge}, from ${v.policy}): \`envseal generate --rotate ${v.name}${env}\`, or set it where it is issued`;
    default:
      return `${v.name}: due by ${day(v.due!)} (${changed}; every ${v.maxAge}, from ${v.policy})`;
  }
}

function accessWarning(access: AccessCover, envName: string | undefined): string {
  const people = access.people.length === 0 ? 'no person' : access.people.length === 1 ? `only ${access.people[0]}` : access.people.join(', ');
  const env = envName ? ` --env ${envName}` : '';
  const needs = [
    access.people.length < 2 ? `a second teammate (\`envseal grant NAME KEY.pub${env}\`)` : '',
    access.recovery.length === 0 ? `a recovery identity kept offline (\`envseal grant recovery --new-identity --identity-out recovery.age${env}\`, then print it and lock it away)` : '',
  ].filter(Boolean);
  return `${people}${access.recovery.length ? ` and ${access.recovery.join(', ')}` : ' and no recovery identity'} can open this: one lost key could lose every value. Grant ${needs.join(', and ')}.`;
}
