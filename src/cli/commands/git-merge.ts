/**
 * `envseal git merge %O %A %B %P`: the merge driver git runs (merge.envseal.driver) when both branches
 * changed a sealed file. Merges per name (docs/WORKFLOW.md): one-sided changes are taken, a name both
 * sides changed differently is a conflict that keeps ours. The result is sealed into %A, which git
 * puts in the work tree; on a conflict the command exits 1 so git marks the file conflicted.
 *
 * Nothing is written unless all three versions open with the key: then the exit is non-zero and %A
 * (ours, still sealed) stays as it was. Plaintext never leaves memory.
 */
import * as path from 'node:path';
import type { MasterKey } from '../../crypto/master-key.js';
import { historyEntry } from '../../core/history.js';
import { type SealedTarget, reseal } from '../../core/reseal.js';
import { envNameOf } from '../../core/status.js';
import { EnvsealError, ExitCode } from '../../errors.js';
import { type HistoryEntry, type OpenedFile, type SealedEntry, openSealed } from '../../format/sealed.js';
import { mergeEnv } from '../../git/drivers.js';
import { readText } from '../../io/files.js';
import { keyList, resolveKeys } from '../../keys/key-sources.js';
import type { Context } from '../context.js';
import { keyOptions } from '../paths.js';
import type { Args, Handler } from '../spec.js';

export const gitMerge: Handler = async (args, context) => {
  const repoPath = String(args.path ?? args.ours);
  try {
    const { conflicts, fromTheirs } = mergeSealed(args, repoPath, context);
    if (conflicts.length > 0) {
      const envName = envNameOf(repoPath);
      context.stderr.write(
        `envseal: CONFLICT in ${repoPath}: ${conflicts.join(', ')} changed differently on both branches; the merged file keeps ours for ${conflicts.length === 1 ? 'it' : 'them'} and is sealed and valid.\n` +
          `  Resolve: \`envseal edit${envName ? ` --env ${envName}` : ''}\` (shows the other branch's value next to ours), then \`git add ${repoPath}\` and commit.\n`,
      );
      return ExitCode.findings;
    }
    context.info(`envseal: merged ${repoPath} per variable${fromTheirs.length > 0 ? ` (from the other branch: ${fromTheirs.join(', ')})` : ''}.`);
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof EnvsealError)) throw error;
    context.stderr.write(`envseal: cannot merge ${repoPath}: ${error.message}\n  Our version is left in place and git marks the file conflicted. ${error.hint ?? ''}\n  With the key available, \`git checkout --merge -- ${repoPath}\` runs the merge again.\n`);
    return error.exitCode;
  }
};

function mergeSealed(args: Args, repoPath: string, context: Context): { conflicts: string[]; fromTheirs: string[] } {
  const envName = envNameOf(repoPath);
  const envFile = path.resolve(context.cwd, repoPath);
  const keys = resolveKeys({ ...keyOptions(args, context), envFile, ...(envName ? { envName } : {}) });
  const open = (file: string, side: string): { text: string; opened: OpenedFile } => {
    const { text } = readText(path.resolve(context.cwd, file));
    // A file added on both branches has no common ancestor: git passes an empty base.
    if (side === 'base' && text === '') return { text, opened: { lines: [], fingerprint: keys.current.fingerprint, history: [], keyIndex: 0, legacy: false } };
    return { text, opened: openSealed(text, keyList(keys), `${repoPath} (${side})`, keys.source) };
  };
  const base = open(String(args.base), 'base');
  const ours = open(String(args.ours), 'ours');
  const theirs = open(String(args.theirs), 'theirs');
  const merged = mergeEnv<SealedEntry>(base.opened.lines, ours.opened.lines, theirs.opened.lines);

  // Tokens made with the current key are reused (for values they still encrypt); others are re-sealed.
  const current = keys.current.fingerprint;
  const reusable = new Set([ours.opened, theirs.opened].filter((o) => o.fingerprint === current && !o.legacy).flatMap((o) => o.lines.flatMap((l) => (l.kind === 'entry' ? [l.token] : []))));
  const previous: OpenedFile = {
    lines: merged.lines.filter((line) => line.kind !== 'entry' || reusable.has(line.token)),
    fingerprint: current,
    history: mergedHistory(ours.opened, theirs.opened, keys.current, context.now),
    keyIndex: 0,
    legacy: false,
  };
  const target: SealedTarget = { file: path.resolve(context.cwd, String(args.ours)), label: repoPath, text: ours.text, opened: previous, keys };
  reseal(target, merged.lines, context.now);
  return { conflicts: merged.conflicts, fromTheirs: merged.fromTheirs };
}

/** Both histories, each event once, by date; a re-key is recorded when the result moves to another key. */
function mergedHistory(ours: OpenedFile, theirs: OpenedFile, key: MasterKey, now: Date): HistoryEntry[] {
  const seen = new Set<string>();
  const history = [...ours.history, ...theirs.history]
    .filter((entry) => {
      const id = JSON.stringify(entry);
      return seen.has(id) ? false : (seen.add(id), true);
    })
    .sort((a, b) => a.date.localeCompare(b.date));
  const last = history[history.length - 1];
  if (last && last.key !== key.fingerprint) history.push(historyEntry('rekeyed', key, now, { previousKey: ours.fingerprint }));
  return history;
}
