/** Small text helpers for human output. */
import type { RotateResult } from '../core/rotate.js';
import { displayPath } from '../io/files.js';

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  // A reduce, not Math.max(...cells): spreading many thousand rows overflows the call stack.
  const widths = header.map((_, i) => all.reduce((widest, row) => Math.max(widest, (row[i] ?? '').length), 0));
  return all.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** One line per file a rotation re-sealed, and where its old version was kept. */
export function resealedLines(results: readonly RotateResult[]): string[] {
  return results.map((r) => `${displayPath(r.file)} re-sealed and verified (${plural(r.values, 'value')})${r.backup ? `; the old one was kept as ${displayPath(r.backup)}` : ''}.`);
}
