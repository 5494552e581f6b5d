/**
 * Changing a sealed file in place: open it, change its lines in memory, seal again. Unchanged values
 * keep their ciphertext (so the git diff shows only what changed, plus the MAC line) and the history is
 * carried over. No plaintext is written anywhere. Shared by edit, set, unset, generate and the merge
 * driver.
 */
import { EnvsealError, Code } from '../errors.js';
import type { EnvEntry, EnvLine } from '../format/envfile.js';
import { type SealOptions, openSealed } from '../format/sealed.js';
import { mergeEnv } from '../git/drivers.js';
import { PUBLIC_MODE, readText, writeFileAtomic } from '../io/files.js';
import { lockFiles } from '../io/lock.js';
import { type ChangeSummary, summarizeChanges } from './changes.js';
import { historyEntry, isoSeconds } from './history.js';
import { reuseRules } from './value-ages.js';
import { sealGuarded } from './seal-guarded.js';
import { type KeyOptions, type SealedFileOpened, openSealedFile } from './open.js';

export interface ResealResult {
  file: string;
  fingerprint: string;
  /** False when the new seal equals the file (nothing changed): nothing was written. */
  written: boolean;
  changes: ChangeSummary;
}

/**
 * Opens `file` to change it. A file still sealed with a previous key is refused: updating it would
 * silently move it to the current key in the middle of someone's rotation.
 */
export function openForUpdate(request: KeyOptions & { file: string }): SealedFileOpened {
  const target = openSealedFile(request);
  const { label, opened, ring } = target;
  if (opened.keyIndex > 0) {
    throw new EnvsealError(
      Code.KEY_ROTATED,
      `${label} is sealed with a previous key (${opened.fingerprint}), not your current key ${ring.current.fingerprint} (from ${ring.source})`,
      `Finish the rotation first: \`envseal rotate\` re-seals it under the current key (no new key is generated); then retry.`,
    );
  }
  return target;
}

export interface ResealOptions extends Pick<SealOptions, 'expires' | 'base'> {
  /** A deliberate roll-back: a value may return to one it held before. */
  allowReuse?: boolean;
  /** The name `generate --rotate` replaces: its new value must be new whatever the policy. */
  rotating?: string;
}

/** The sealed text `lines` make, reusing the target's tokens for unchanged values. Validates; writes nothing. */
function sealUpdate(target: SealedFileOpened, lines: readonly EnvLine[], now: Date, options: ResealOptions): string {
  const { opened, ring } = target;
  // A whole-file token has no history; converting it is its creation in the per-value format.
  const history = opened.legacy ? [historyEntry('created', ring.current, now)] : opened.history;
  const { expires, base } = options;
  return sealGuarded(lines, ring, {
    history,
    previous: opened,
    now: isoSeconds(now),
    label: target.label,
    ...reuseRules(target.file, options),
    ...(expires ? { expires } : {}),
    ...(base ? { base } : {}),
  });
}

/**
 * Seals `lines` over the target file, atomically. When another writer changed the file since it was
 * opened (a concurrent `set`, a `git pull`), this change is applied on top of theirs, per name, as
 * git rebases a commit: both land, and only a name both changed differently is refused.
 */
export function reseal(target: SealedFileOpened, lines: readonly EnvLine[], now: Date, options: ResealOptions = {}): ResealResult {
  const text = sealUpdate(target, lines, now, options);
  const result: ResealResult = {
    file: target.file,
    fingerprint: target.ring.current.fingerprint,
    written: false,
    changes: summarizeChanges(target.opened.lines, lines),
  };
  if (text === target.text) return result;
  // Reading the latest version and replacing it must be one step for other envseal processes.
  const release = lockFiles([target.file]);
  try {
    const current = readText(target.file).text;
    writeFileAtomic(target.file, current === target.text ? text : rebased(target, current, lines, now, options), { mode: PUBLIC_MODE });
  } finally {
    release();
  }
  result.written = true;
  return result;
}

/** `lines` (an edit of `target`) applied to `current`, the file as another writer left it. */
function rebased(target: SealedFileOpened, current: string, lines: readonly EnvLine[], now: Date, options: ResealOptions): string {
  const latest = openSealed(current, target.ring, target.label);
  if (latest.keyIndex > 0 || latest.fingerprint !== target.opened.fingerprint) {
    throw changedError(target.label, 'it was re-sealed under another key meanwhile (a rotation)');
  }
  const merged = mergeEnv<EnvEntry>(target.opened.lines, lines, latest.lines);
  if (merged.conflicts.length > 0) throw changedError(target.label, `on the same names (${merged.conflicts.join(', ')})`);
  // The base was the file as first opened; on top of another writer's, dates and records come from theirs.
  const { base: _, ...rest } = options;
  return sealUpdate({ ...target, text: current, opened: latest }, merged.lines, now, rest);
}

function changedError(label: string, how: string): EnvsealError {
  return new EnvsealError(
    Code.SEALED_CHANGED,
    `${label} was changed by something else while envseal had it open, ${how}; not overwriting it`,
    'Run the command again: it will start from the file as it is now.',
  );
}
