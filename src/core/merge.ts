/**
 * The merge driver git runs (merge.envseal.driver) when both branches changed a sealed file: a merge
 * per name (docs/WORKFLOW.md). One-sided changes are taken; a name both sides changed differently is
 * a conflict that keeps ours. The result is sealed into "ours", which git puts in the work tree.
 *
 * Nothing is written unless all three versions open with the key: then "ours" (still sealed) stays as
 * it was. Plaintext never leaves memory.
 */
import type { MasterKey } from '../crypto/master-key.js';
import { envNameOf } from '../env-files.js';
import { type HistoryEntry, type OpenedFile, type SealedEntry, openSealed, recordsBaseOf } from '../format/sealed.js';
import { emptyRecords, mergeRecords } from '../format/value-records.js';
import { latestValues } from '../format/envfile.js';
import { mergeEnv } from '../git/drivers.js';
import { readText } from '../io/files.js';
import { resolveKeyRing } from '../keys/key-sources.js';
import { historyEntry } from './history.js';
import type { KeyOptions } from './open.js';
import { reseal } from './reseal.js';

export interface MergeRequest extends KeyOptions {
  /** The common ancestor (%O), ours (%A, replaced by the result) and theirs (%B): temp files git wrote. */
  base: string;
  ours: string;
  theirs: string;
  /** The file's path in the repository (%P), absolute: keys are looked up for it. */
  repoFile: string;
  /** How messages name the file. */
  label: string;
  now: Date;
}

export interface MergeResult {
  /** Names changed differently on both branches: the result keeps ours for them. */
  conflicts: string[];
  /** Names taken from theirs. */
  fromTheirs: string[];
}

export function mergeSealedFiles(request: MergeRequest): MergeResult {
  const envName = request.envName ?? envNameOf(request.repoFile);
  const ring = resolveKeyRing({ ...request, envFile: request.repoFile, ...(envName ? { envName } : {}) });
  const open = (file: string, side: string): { text: string; opened: OpenedFile } => {
    const { text } = readText(file);
    // A file added on both branches has no common ancestor: git passes an empty base.
    if (side === 'base' && text === '') return { text, opened: { lines: [], fingerprint: ring.current.fingerprint, history: [], keyIndex: 0, legacy: false, records: emptyRecords() } };
    return { text, opened: openSealed(text, ring, `${request.label} (${side})`) };
  };
  const base = open(request.base, 'base');
  const ours = open(request.ours, 'ours');
  const theirs = open(request.theirs, 'theirs');
  const merged = mergeEnv<SealedEntry>(base.opened.lines, ours.opened.lines, theirs.opened.lines);

  // Tokens made with the current key are reused (for values they still encrypt); others are re-sealed.
  const current = ring.current.fingerprint;
  const reusable = new Set([ours.opened, theirs.opened].filter((o) => o.fingerprint === current && !o.legacy).flatMap((o) => o.lines.flatMap((l) => (l.kind === 'entry' ? [l.token] : []))));
  const previous: OpenedFile = {
    lines: merged.lines.filter((line) => line.kind !== 'entry' || reusable.has(line.token)),
    fingerprint: current,
    history: mergedHistory(ours.opened, theirs.opened, ring.current, request.now),
    keyIndex: 0,
    legacy: false,
    records: emptyRecords(),
  };
  // Each value keeps the date of the side it came from: a merge changes where a value is, not when it changed.
  const values = latestValues(merged.lines);
  const sides = { files: [ours.opened, theirs.opened], records: { records: mergeRecords(values, [recordsBaseOf(ours.opened), recordsBaseOf(theirs.opened)]), values } };
  reseal({ file: request.ours, label: request.label, text: ours.text, opened: previous, ring }, merged.lines, request.now, { base: sides, allowReuse: true });
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
