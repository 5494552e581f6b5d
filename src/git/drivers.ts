/**
 * The pure parts of envseal's git drivers for sealed files (docs/WORKFLOW.md):
 *  - the diff textconv view: names, masked values and a per-value change marker;
 *  - the three-way merge per name;
 *  - the conflict notes `envseal edit` shows while a merge conflict is being resolved.
 * The I/O (reading the files git hands over, keys, writing the merged file) is in the CLI commands.
 */
import { createHash } from 'node:crypto';
import type { MasterKey } from '../crypto/master-key.js';
import { type EnvEntry, type EnvLine, type EnvTrivia, renderValue, toRecord } from '../format/envfile.js';
import type { HistoryEntry } from '../format/sealed.js';

const MARKER_LENGTH = 12;

/**
 * Says whether a value changed between two versions without saying anything about it: an HMAC under a
 * sub-key of the master key, so nobody without the key can test guesses against it. The name is part
 * of the input, so two names holding the same value do not show it.
 */
export function valueMarker(key: MasterKey, name: string, value: string): string {
  return key.mac('value-id', `${name}\0${value}`).toString('hex').slice(0, MARKER_LENGTH);
}

/** Without the key: a hash of the ciphertext, which is public. envseal keeps a token while its value is unchanged. */
export function tokenMarker(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, MARKER_LENGTH);
}

export type TextconvLine = EnvTrivia | { kind: 'entry'; name: string; shown?: string; marker: string };

export interface TextconvView {
  /** Explains what is shown (verified with which key, or why values are hidden). */
  notes: string[];
  history: readonly HistoryEntry[];
  lines: readonly TextconvLine[];
}

/**
 * What `git diff` shows for a sealed file: one line per entry, `NAME=<masked>  (value <marker>)` with
 * the key, `NAME  (sealed, token <marker>)` without it. Comments are shown as they are (they are
 * plaintext in the sealed file already).
 */
export function renderTextconv(view: TextconvView): string {
  const out = view.notes.map((note) => `# envseal: ${note}`);
  for (const h of view.history) {
    const extra = [h.previousKey ? `from key ${h.previousKey}` : '', h.reason ? `reason: ${h.reason}` : '', h.by ? `by ${h.by}` : ''].filter(Boolean);
    out.push(`# envseal history: ${h.date} ${h.event} key ${h.key}${extra.length ? ` (${extra.join(', ')})` : ''}`);
  }
  for (const line of view.lines) {
    if (line.kind === 'trivia') out.push(line.text);
    else if (line.shown !== undefined) out.push(`${line.name}=${line.shown}  (value ${line.marker})`);
    else out.push(`${line.name}  (sealed, token ${line.marker})`);
  }
  return `${out.join('\n')}\n`;
}

export interface MergeResult<T extends EnvEntry> {
  lines: Array<T | EnvTrivia>;
  /** Names changed differently on both sides: the result keeps ours. */
  conflicts: string[];
  /** Names only theirs changed, added or removed: taken from theirs. */
  fromTheirs: string[];
}

const lastEntry = <T extends EnvEntry>(lines: ReadonlyArray<T | EnvTrivia>, name: string): number =>
  lines.findLastIndex((line) => line.kind === 'entry' && line.name === name);

const valueOf = (record: Record<string, string>, name: string): string | undefined => (Object.hasOwn(record, name) ? record[name] : undefined);

/**
 * Three-way merge per name, on values as dotenv sees them (the last entry of a name wins). A name that
 * only one side changed (or added, or removed) takes that side's value; a name both sides changed to
 * different values is a conflict and keeps ours. Layout and comments come from ours; a name only
 * theirs added is inserted after the entry that precedes it in theirs, with the comment lines right
 * above it there.
 */
export function mergeEnv<T extends EnvEntry>(base: ReadonlyArray<T | EnvTrivia>, ours: ReadonlyArray<T | EnvTrivia>, theirs: ReadonlyArray<T | EnvTrivia>): MergeResult<T> {
  const [b, a, t] = [toRecord(base), toRecord(ours), toRecord(theirs)];
  const names = [...new Set([...[ours, theirs, base].flatMap((lines) => lines.flatMap((line) => (line.kind === 'entry' ? [line.name] : [])))])];
  let lines = [...ours];
  const conflicts: string[] = [];
  const fromTheirs: string[] = [];
  for (const name of names) {
    const [was, mine, other] = [valueOf(b, name), valueOf(a, name), valueOf(t, name)];
    if (mine === other || other === was) continue;
    if (mine !== was) {
      conflicts.push(name);
      continue;
    }
    fromTheirs.push(name);
    if (other === undefined) {
      lines = lines.filter((line) => line.kind !== 'entry' || line.name !== name);
    } else if (mine === undefined) {
      lines = insertFromTheirs(lines, theirs, name);
    } else {
      const index = lastEntry(lines, name);
      const own = lines[index] as T;
      lines[index] = { ...(theirs[lastEntry(theirs, name)] as T), exported: own.exported, comment: own.comment, line: own.line };
    }
  }
  return { lines, conflicts, fromTheirs };
}

function insertFromTheirs<T extends EnvEntry>(lines: Array<T | EnvTrivia>, theirs: ReadonlyArray<T | EnvTrivia>, name: string): Array<T | EnvTrivia> {
  const index = lastEntry(theirs, name);
  let start = index;
  while (start > 0 && theirs[start - 1]!.kind === 'trivia' && (theirs[start - 1] as EnvTrivia).text.trim().startsWith('#')) start--;
  let at = -1;
  for (let i = start - 1; i >= 0 && at < 0; i--) {
    const line = theirs[i]!;
    if (line.kind === 'entry') at = lastEntry(lines, line.name);
  }
  if (at < 0) at = lines.findLastIndex((line) => line.kind === 'entry');
  return [...lines.slice(0, at + 1), ...theirs.slice(start, index + 1), ...lines.slice(at + 1)];
}

/** Lines `envseal edit` adds to explain a conflict; removed again when the file is sealed. */
export const CONFLICT_NOTE = '# envseal-merge:';

/**
 * `ours` with notes above each conflicting name giving theirs' value, for the private temp file of
 * `envseal edit` during a conflicted merge. Holds plaintext: temp file only.
 */
export function withConflictNotes(ours: readonly EnvLine[], theirs: readonly EnvLine[], conflicts: readonly string[]): EnvLine[] {
  const lines = [...ours];
  for (const name of conflicts) {
    const other = theirs[lastEntry(theirs, name)] as EnvEntry | undefined;
    const theirsLine = other === undefined ? `${CONFLICT_NOTE} theirs removed ${name}.` : `${CONFLICT_NOTE} theirs: ${name}=${renderValue(other.value, other.quote, true) ?? JSON.stringify(other.value)}`;
    const index = lastEntry(lines, name);
    const notes = [
      index >= 0
        ? `${CONFLICT_NOTE} ${name} was changed on both branches; the line below is ours. Keep it, or replace it with theirs:`
        : `${CONFLICT_NOTE} ${name} was removed on this branch and changed on the other; add it back if you want theirs:`,
      theirsLine,
    ].map((text): EnvTrivia => ({ kind: 'trivia', text, line: 0 }));
    lines.splice(index >= 0 ? index : lines.length, 0, ...notes);
  }
  return lines;
}

/** Drops the conflict notes from edited text. */
export function stripConflictNotes(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith(CONFLICT_NOTE))
    .join('\n');
}
