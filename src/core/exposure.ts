/**
 * What a revoked teammate still knows. Revoking removes their access to what is sealed next, not
 * their memory of what they read: until each of those values changes where it is issued, `status
 * --check` fails and names them. The record is a keyed marker per value in the file's history
 * (format/sealed.ts, HistoryEntry.exposed), never the value. Pure.
 */
import type { MasterKey } from '../crypto/master-key.js';
import { latestEntries } from '../format/env-edit.js';
import type { HistoryEntry, SealedLine } from '../format/sealed.js';
import type { KeyRing } from '../keys/key-ring.js';

export interface Exposure {
  recipient: string;
  date: string;
  /** Values that still hold what the recipient could read. */
  names: string[];
}

const marker = (key: MasterKey, name: string, value: string): string => key.mac('exposure', `${name}\0${value}`).toString('hex').slice(0, 32);

/** Every value of `lines`, marked under `key`. */
export function exposureMarkers(key: MasterKey, lines: readonly SealedLine[]): Record<string, string> {
  return Object.fromEntries(latestEntries(lines).map((e) => [e.name, marker(key, e.name, e.value)]));
}

function stillExposed(entry: HistoryEntry, lines: readonly SealedLine[], key: MasterKey): string[] {
  const values = new Map(latestEntries(lines).map((e) => [e.name, e.value]));
  return Object.entries(entry.exposed ?? {})
    .filter(([name, mark]) => values.has(name) && marker(key, name, values.get(name)!) === mark)
    .map(([name]) => name);
}

/** The revoked recipients whose values are still unchanged; entries under a key the ring lacks are skipped. */
export function currentExposures(history: readonly HistoryEntry[], lines: readonly SealedLine[], ring: KeyRing): Exposure[] {
  const exposures: Exposure[] = [];
  for (const entry of history) {
    if (entry.event !== 'revoked' || !entry.recipient) continue;
    const key = ring.keys.find((k) => k.fingerprint === entry.key);
    if (!key) continue;
    const names = stillExposed(entry, lines, key);
    if (names.length > 0) exposures.push({ recipient: entry.recipient, date: entry.date, names });
  }
  return exposures;
}

/** The history with every revoked entry's markers moved to `newKey`, keeping only values still unchanged. */
export function rekeyExposures(history: readonly HistoryEntry[], lines: readonly SealedLine[], ring: KeyRing, newKey: MasterKey): HistoryEntry[] {
  return history.map((entry) => {
    if (entry.event !== 'revoked' || !entry.exposed) return entry;
    const key = ring.keys.find((k) => k.fingerprint === entry.key);
    if (!key) return entry;
    const values = new Map(latestEntries(lines).map((e) => [e.name, e.value]));
    const exposed = Object.fromEntries(stillExposed(entry, lines, key).map((name) => [name, marker(newKey, name, values.get(name)!)]));
    return { ...entry, key: newKey.fingerprint, exposed };
  });
}
