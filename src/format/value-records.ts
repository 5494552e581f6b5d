/**
 * Per-value rotation records of a sealed file (docs/FORMAT.md, "Value records"). Pure: lines and keys
 * in, lines out.
 *
 * When a value last changed needs no record: it is its Fernet token's timestamp. A token is kept
 * while its value is (so diffs stay one line per change), and when a new master key re-encrypts a
 * value that did not change, the new token carries the old timestamp (sealed.ts). What needs lines:
 *
 *   #envseal:expires 2026-12-05T08:00:00Z JWT_SECRET_PREVIOUS   when a grace value stops being needed
 *   #envseal:earlier <Fernet token>                             markers of earlier values, sealed
 *
 * Markers are HMACs of a name and a value it held before, under a marker key of their own, which
 * travels inside the sealed blob: a master-key rotation re-seals the blob, and the markers stay valid
 * without the earlier values, which nobody has any more.
 */
import { createHmac } from 'node:crypto';
import { EnvsealError, Code } from '../errors.js';
import { InvalidTokenError, decryptWithKeys, encrypt as fernetEncrypt } from '../crypto/fernet.js';
import type { MasterKey } from '../crypto/master-key.js';
import { type EnvLine, latestValues } from './envfile.js';

export const EXPIRES_PREFIX = '#envseal:expires ';
export const EARLIER_PREFIX = '#envseal:earlier ';
const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const NAME = /^[\w.-]+$/;
/** The suffix of the name that keeps a rotated value's predecessor through its grace window. */
export const PREVIOUS_SUFFIX = '_PREVIOUS';

export interface ValueRecords {
  /** When a grace value stops being needed (ISO 8601, seconds). */
  expires: Map<string, string>;
  /** Markers of earlier values; undefined until a value first changes, or when read without the key. */
  earlier?: EarlierValues;
}

export interface EarlierValues {
  key: Buffer;
  /** Per name, markers of the values it held before, oldest first, each once. */
  names: Map<string, string[]>;
  /** The token it was read from and the master key that sealed it: reused while nothing changed. */
  read?: { token: string; fingerprint: string; signature: string };
}

export const emptyRecords = (): ValueRecords => ({ expires: new Map() });

const corrupt = (label: string, what: string): EnvsealError =>
  new EnvsealError(Code.SEALED_CORRUPT, `${label} has a malformed ${what} line`, 'Restore it from git (`git checkout -- <file>`) or a backup.');

/** Reads an `expires` line into `records` (returns false when `line` is none). */
export function readExpiresLine(line: string, records: ValueRecords, label: string): boolean {
  if (!line.startsWith(EXPIRES_PREFIX)) return false;
  const [date, ...names] = line.slice(EXPIRES_PREFIX.length).split(' ');
  if (!DATE.test(date ?? '') || names.length === 0 || !names.every((n) => NAME.test(n))) throw corrupt(label, 'expires');
  for (const name of names) records.expires.set(name, date!);
  return true;
}

/** Opens the `earlier` line's token with the file's key (after the file MAC verified it). */
export function openEarlier(token: string, key: MasterKey, label: string): EarlierValues {
  let json: unknown;
  try {
    json = JSON.parse(decryptWithKeys([key.fernet], token).plaintext.toString('utf8'));
  } catch (e) {
    if (!(e instanceof InvalidTokenError) && !(e instanceof SyntaxError)) throw e;
    throw corrupt(label, 'earlier');
  }
  const { key: markerKey, names } = (json ?? {}) as { key?: unknown; names?: unknown };
  const bytes = typeof markerKey === 'string' ? Buffer.from(markerKey, 'base64url') : undefined;
  if (!bytes || bytes.length !== 32 || typeof names !== 'object' || names === null) throw corrupt(label, 'earlier');
  const map = new Map<string, string[]>();
  for (const [name, markers] of Object.entries(names)) {
    if (!Array.isArray(markers) || !markers.every((m) => typeof m === 'string')) throw corrupt(label, 'earlier');
    map.set(name, markers as string[]);
  }
  return { key: bytes, names: map, read: { token, fingerprint: key.fingerprint, signature: signatureOf(map) } };
}

const signatureOf = (names: Map<string, string[]>): string => JSON.stringify([...names]);

/** The metadata lines for `records`, sealed under `key`. */
export function renderRecords(records: ValueRecords, key: MasterKey, names: readonly string[]): string[] {
  const out = datedLines(EXPIRES_PREFIX, records.expires, names);
  const earlier = records.earlier;
  if (earlier && earlier.names.size > 0) {
    const signature = signatureOf(earlier.names);
    const { read } = earlier;
    const token =
      read && read.fingerprint === key.fingerprint && read.signature === signature
        ? read.token
        : fernetEncrypt(key.fernet, JSON.stringify({ key: earlier.key.toString('base64url'), names: Object.fromEntries(earlier.names) }));
    out.push(`${EARLIER_PREFIX}${token}`);
  }
  return out;
}

/** One line per date, oldest first; names in the order of `order` (the file's). */
function datedLines(prefix: string, dates: Map<string, string>, order: readonly string[]): string[] {
  const byDate = new Map<string, string[]>();
  for (const name of order) {
    const date = dates.get(name);
    if (date === undefined) continue;
    const names = byDate.get(date);
    if (names) names.push(name);
    else byDate.set(date, [name]);
  }
  return [...byDate].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([date, names]) => `${prefix}${date} ${names.join(' ')}`);
}

/** What the new records are computed from: the records of a file and the values they describe. */
export interface RecordsBase {
  records: ValueRecords;
  values: ReadonlyMap<string, string>;
}

export interface RecordsUpdate {
  /** The key being sealed with: the first markers' key derives from it, so branches that start records apart agree. */
  key: MasterKey;
  /** Grace values whose expiry is set now (`generate --rotate --grace`). */
  expires?: ReadonlyMap<string, string>;
  /**
   * Whether `name`'s new value must differ from every earlier one and from its NAME_PREVIOUS;
   * `inRotation`: the file keeps a NAME_PREVIOUS for it.
   */
  refuseReuse?: (name: string, inRotation: boolean) => boolean;
  /** Whether the value `name` held before gets a marker (default: every name): secrets, and names with a policy. */
  remember?: (name: string) => boolean;
  label: string;
}

/**
 * The records after `lines` replaced the base's values: the value a changed name held gets a marker;
 * a removed name loses its expiry but not its markers, so it cannot come back with an old value either.
 */
export function updateRecords(base: RecordsBase, lines: readonly EnvLine[], update: RecordsUpdate): ValueRecords {
  const values = latestValues(lines);
  const previous = base.records;
  const next: ValueRecords = { expires: new Map() };
  let earlier = previous.earlier;
  for (const [name, value] of values) {
    const before = base.values.get(name);
    if (before === value) {
      const expires = previous.expires.get(name);
      if (expires !== undefined) next.expires.set(name, expires);
    } else {
      if (before !== undefined && !name.endsWith(PREVIOUS_SUFFIX) && (update.remember?.(name) ?? true)) {
        earlier ??= { key: Buffer.from(update.key.subkey('value-markers')), names: new Map() };
        const markers = earlier.names.get(name) ?? [];
        const marker = markerOf(earlier.key, name, before);
        if (!markers.includes(marker)) earlier.names.set(name, [...markers, marker]);
      }
      if (update.refuseReuse?.(name, values.has(`${name}${PREVIOUS_SUFFIX}`)) && isReused(name, value, values, earlier)) throw reusedError(name, update.label);
    }
    const expires = update.expires?.get(name);
    if (expires !== undefined) next.expires.set(name, expires);
  }
  if (earlier) next.earlier = earlier;
  return next;
}

function isReused(name: string, value: string, values: ReadonlyMap<string, string>, earlier: EarlierValues | undefined): boolean {
  if (values.get(`${name}${PREVIOUS_SUFFIX}`) === value) return true;
  return earlier?.names.get(name)?.includes(markerOf(earlier.key, name, value)) ?? false;
}

/** 32 hex digits of HMAC-SHA256(marker key, NAME NUL value). */
export function markerOf(key: Buffer, name: string, value: string): string {
  return createHmac('sha256', key).update(`${name}\0${value}`).digest('hex').slice(0, 32);
}

function reusedError(name: string, label: string): EnvsealError {
  return new EnvsealError(
    Code.VALUE_REUSED,
    `${label}: the new value of ${name} equals one it held before (or its ${name}${PREVIOUS_SUFFIX}); a rotated value must be new, so nothing was written`,
    `Make a fresh one with \`envseal generate --rotate ${name}\`. If you are rolling back on purpose, pass --allow-reuse.`,
  );
}

/**
 * Both sides' records for a merged file: each grace value's expiry from the side whose value the merge
 * kept, and the markers of both (one side's alone when they were keyed apart: branches that began
 * their records under different master keys).
 */
export function mergeRecords(merged: ReadonlyMap<string, string>, sides: ReadonlyArray<RecordsBase>): ValueRecords {
  const out: ValueRecords = { expires: new Map() };
  for (const [name, value] of merged) {
    const side = sides.find((s) => s.values.get(name) === value);
    if (!side) continue;
    const expires = side.records.expires.get(name);
    if (expires !== undefined) out.expires.set(name, expires);
  }
  const withMarkers = sides.map((s) => s.records.earlier).filter((e): e is EarlierValues => e !== undefined);
  const first = withMarkers[0];
  if (first) {
    const names = new Map(first.names);
    for (const other of withMarkers.slice(1)) {
      if (!other.key.equals(first.key)) continue;
      for (const [name, markers] of other.names) names.set(name, [...new Set([...(names.get(name) ?? []), ...markers])]);
    }
    out.earlier = { key: first.key, names };
  }
  return out;
}
