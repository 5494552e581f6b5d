/**
 * How a plaintext file and its sealed file have moved apart, by name: edits made to the plaintext
 * and not sealed yet ("local"), and changes the sealed file has that the plaintext lacks ("sealed").
 * With a recorded base (base.ts) each side is known exactly, and a name both sides changed is a
 * conflict. Without one, only the newer of the two files can be blamed, as before bases existed.
 * Names only, never values.
 */
import * as fs from 'node:fs';
import type { EnvLine } from '../format/envfile.js';
import type { OpenedFile } from '../format/sealed.js';
import type { KeyRing } from '../keys/key-ring.js';
import { readBase } from './base.js';
import { type ChangeSummary, summarizeChanges } from './changes.js';

export interface Drift {
  /** The plaintext's edits since the base (or since the sealed file, when the plaintext is newer). */
  local: ChangeSummary;
  /** The sealed file's changes since the base (or relative to the plaintext, when the sealed file is newer). */
  sealed: ChangeSummary;
  /** Names both sides changed, to different values. */
  conflicts: string[];
  /** Whether the sides are known from a recorded base rather than guessed from modification times. */
  fromBase: boolean;
}

export const isEmpty = (changes: ChangeSummary): boolean => changes.added.length + changes.changed.length + changes.removed.length === 0;
export const changedNames = (changes: ChangeSummary): string[] => [...changes.changed, ...changes.added, ...changes.removed];
const NONE: ChangeSummary = { added: [], changed: [], removed: [] };

/**
 * The drift between `plain` (the plaintext file's lines) and `opened` (its sealed file); undefined
 * when they hold the same values. `plainFile` and `sealedFile` locate the base and the times.
 */
export function drift(plainFile: string, plain: readonly EnvLine[], sealedFile: string, opened: OpenedFile, ring: KeyRing): Drift | undefined {
  if (isEmpty(summarizeChanges(opened.lines, plain))) return undefined;
  const base = readBase(plainFile, sealedFile, ring);
  if (base) {
    const local = summarizeChanges(base.opened.lines, plain);
    const sealed = summarizeChanges(base.opened.lines, opened.lines);
    const sealedNames = new Set(changedNames(sealed));
    const mine = summarizeChanges(opened.lines, plain);
    const conflicts = changedNames(local).filter((name) => sealedNames.has(name) && changedNames(mine).includes(name));
    return { local, sealed, conflicts, fromBase: true };
  }
  const edited = fs.statSync(plainFile).mtimeMs > fs.statSync(sealedFile).mtimeMs;
  return edited
    ? { local: summarizeChanges(opened.lines, plain), sealed: NONE, conflicts: [], fromBase: false }
    : { local: NONE, sealed: summarizeChanges(plain, opened.lines), conflicts: [], fromBase: false };
}
