/**
 * Small edits to a parsed env file that keep everything else as it was: set one name, remove one, and
 * write the result back with every untouched line byte for byte as in the source. Pure. Used by set,
 * unset, generate, the merge driver and example, so a one-value change is a one-line diff.
 */
import { EnvsealError, Code } from '../errors.js';
import { type EnvEntry, type EnvLine, joinLines, renderEntry, renderValue } from './envfile.js';

export type Assignment = 'added' | 'changed' | 'unchanged';

export interface AssignOptions {
  /** Where a new name goes: after the last entry of this name when present, else after the last entry. */
  after?: string;
}

const lastIndexOf = (lines: readonly EnvLine[], name: string): number =>
  lines.findLastIndex((line) => line.kind === 'entry' && line.name === name);

/**
 * Sets `name` to `value`. An existing name is changed in place (its last entry, the one dotenv uses),
 * keeping its quote style, `export` and inline comment; a new one is inserted after the last entry.
 */
export function assignValue(lines: readonly EnvLine[], name: string, value: string, options: AssignOptions = {}): { lines: EnvLine[]; action: Assignment } {
  const index = lastIndexOf(lines, name);
  const next = [...lines];
  if (index >= 0) {
    const entry = lines[index] as EnvEntry;
    if (entry.value === value) return { lines: next, action: 'unchanged' };
    next[index] = { ...entry, value };
    return { lines: next, action: 'changed' };
  }
  const anchor = options.after !== undefined ? lastIndexOf(lines, options.after) : -1;
  const at = (anchor >= 0 ? anchor : lines.findLastIndex((line) => line.kind === 'entry')) + 1;
  const line = at > 0 ? lines[at - 1]!.line + 1 : 1;
  next.splice(at, 0, { kind: 'entry', name, value, exported: false, quote: '', comment: '', line });
  return { lines: next, action: 'added' };
}

/** The entry dotenv uses for each name (the last), in order of first appearance. */
export function latestEntries(lines: readonly EnvLine[]): EnvEntry[] {
  const latest = new Map<string, EnvEntry>();
  for (const line of lines) if (line.kind === 'entry') latest.set(line.name, line);
  return [...latest.values()];
}

/** Removes every entry of `name` (comments above it stay: they may describe more than one name). */
export function removeName(lines: readonly EnvLine[], name: string): { lines: EnvLine[]; removed: number } {
  const kept = lines.filter((line) => line.kind !== 'entry' || line.name !== name);
  return { lines: kept, removed: lines.length - kept.length };
}

/**
 * File text for `lines`, an edited copy of `source` (parsed from `sourceText`): lines carried over
 * unchanged (the same objects) keep their exact source text, including multi-line values and spacing
 * around "="; new or changed ones are rendered.
 */
export function renderEdited(sourceText: string, source: readonly EnvLine[], lines: readonly EnvLine[], label: string): string {
  const textLines = sourceText.split('\n');
  if (sourceText.endsWith('\n')) textLines.pop();
  const spans = new Map<EnvLine, string[]>();
  source.forEach((line, i) => {
    const end = i + 1 < source.length ? source[i + 1]!.line - 1 : textLines.length;
    spans.set(line, textLines.slice(line.line - 1, end));
  });
  return joinLines(
    lines.flatMap((line) => {
      const original = spans.get(line);
      if (original) return original;
      if (line.kind === 'trivia') return [line.text];
      const rendered = renderValue(line.value, line.quote);
      if (rendered === undefined) {
        throw new EnvsealError(Code.ENV_UNREPRESENTABLE, `${label}: the value of ${line.name} cannot be written as a dotenv value`, 'Remove the mix of quotes and escaped newlines from the value.');
      }
      return [renderEntry(line, rendered)];
    }),
  );
}
