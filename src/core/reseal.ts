/**
 * Changing a sealed file in place: open it, change its lines in memory, seal again. Unchanged values
 * keep their ciphertext (so the git diff shows only what changed, plus the MAC line) and the history is
 * carried over. No plaintext is written anywhere. Shared by edit, set, unset, generate and the merge
 * driver.
 */
import { EnvsealError, Code } from '../errors.js';
import type { EnvLine } from '../format/envfile.js';
import { type OpenedFile, openSealed } from '../format/sealed.js';
import { PUBLIC_MODE, displayPath, readText, writeFileAtomic } from '../io/files.js';
import { lockFiles } from '../io/lock.js';
import { type ResolvedKeys, keyList, resolveKeys } from '../keys/key-sources.js';
import { type ChangeSummary, summarizeChanges } from './changes.js';
import { historyEntry } from './history.js';
import { sealGuarded } from './seal-guarded.js';
import type { KeyOptions } from './open.js';

/** A sealed file opened for an update. `opened` holds plaintext: memory only. */
export interface SealedTarget {
  file: string;
  label: string;
  /** The file's text when it was opened: a different text at write time means someone else changed it. */
  text: string;
  opened: OpenedFile;
  keys: ResolvedKeys;
}

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
export function openForUpdate(request: KeyOptions & { file: string }): SealedTarget {
  const label = displayPath(request.file);
  const { text } = readText(request.file);
  const keys = resolveKeys({ ...request, envFile: request.file });
  const opened = openSealed(text, keyList(keys), label, keys.source);
  if (opened.keyIndex > 0) {
    throw new EnvsealError(
      Code.KEY_ROTATED,
      `${label} is sealed with a previous key (${opened.fingerprint}), not your current key ${keys.current.fingerprint} (from ${keys.source})`,
      `Finish the rotation first: \`envseal rotate\` re-seals it under the current key (no new key is generated); then retry.`,
    );
  }
  return { file: request.file, label, text, opened, keys };
}

/** The sealed text `lines` make, reusing the target's tokens for unchanged values. Validates; writes nothing. */
function sealUpdate(target: SealedTarget, lines: readonly EnvLine[], now: Date): string {
  const { opened, keys } = target;
  // A whole-file token has no history; converting it is its creation in the per-value format.
  const history = opened.legacy ? [historyEntry('created', keys.current, now)] : opened.history;
  return sealGuarded(lines, keys, { history, previous: opened, label: target.label });
}

/**
 * Seals `lines` over the target file, atomically. Refuses when the file changed since it was opened
 * (another process, a `git pull`): the caller decides how not to lose its edit.
 */
export function reseal(target: SealedTarget, lines: readonly EnvLine[], now: Date): ResealResult {
  const text = sealUpdate(target, lines, now);
  const result: ResealResult = {
    file: target.file,
    fingerprint: target.keys.current.fingerprint,
    written: false,
    changes: summarizeChanges(target.opened.lines, lines),
  };
  if (text === target.text) return result;
  // Checking for a concurrent change and replacing must be one step for other envseal processes.
  const release = lockFiles([target.file]);
  try {
    replaceUnlessChanged(target, text);
  } finally {
    release();
  }
  result.written = true;
  return result;
}

function replaceUnlessChanged(target: SealedTarget, text: string): void {
  if (readText(target.file).text !== target.text) {
    throw new EnvsealError(
      Code.SEALED_CHANGED,
      `${target.label} was changed by something else while envseal had it open; not overwriting it`,
      'Run the command again: it will start from the file as it is now.',
    );
  }
  writeFileAtomic(target.file, text, { mode: PUBLIC_MODE });
}
