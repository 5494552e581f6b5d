import type { MasterKey } from '../crypto/master-key.js';
import type { HistoryEntry } from '../format/sealed.js';
import { gitUserName } from '../git/user.js';
import { VERSION } from '../version.js';

/** ISO 8601 in UTC, to the second: what history and audit records carry. */
export const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d+Z$/, 'Z');

export function historyEntry(
  event: HistoryEntry['event'],
  key: MasterKey,
  now: Date,
  extra: Pick<HistoryEntry, 'previousKey' | 'reason' | 'verified' | 'link'> = {},
): HistoryEntry {
  const by = gitUserName();
  return { date: isoSeconds(now), event, key: key.fingerprint, ...extra, ...(by ? { by } : {}), envseal: VERSION };
}

/** The continuity link of a rotation from `oldKey` to `newKey` (HistoryEntry.link). */
export const continuityLink = (oldKey: MasterKey, newKey: MasterKey): string => oldKey.mac('continuity', newKey.fingerprint).toString('hex');
