/**
 * The sealed file format, version 1 (specified in docs/FORMAT.md). Pure: text in, text out.
 *
 *   #envseal:v1 key=<fingerprint>
 *   #envseal:history {"date":...}          zero or more, oldest first
 *   #envseal:expires / earlier             value records (value-records.ts), when there are any
 *   <the .env's lines, each value replaced by fernet:<token>; comments and blank lines verbatim>
 *   #envseal:mac <hex HMAC-SHA256 of every byte above, under HKDF(master key, "envseal/v1/file-mac")>
 *
 * The file is itself a dotenv file: metadata lines are comments, values are `fernet:` strings.
 */
import { EnvsealError, Code, type ErrorCode } from '../errors.js';
import { InvalidTokenError, decryptEach, decryptWithKeys, encrypt as fernetEncrypt, tokenTimestamp } from '../crypto/fernet.js';
import type { MasterKey } from '../crypto/master-key.js';
import type { KeyRing } from '../keys/key-ring.js';
import { decodeUtf8, normalizeNewlines } from '../text.js';
import { type EnvEntry, type EnvLine, joinLines, latestValues, parseEnv, renderEntry, renderEnv } from './envfile.js';
import {
  EARLIER_PREFIX,
  type RecordsBase,
  type RecordsUpdate,
  type ValueRecords,
  emptyRecords,
  openEarlier,
  readExpiresLine,
  renderRecords,
  updateRecords,
} from './value-records.js';
import { timingSafeEqual } from 'node:crypto';

export const FORMAT_VERSION = 1;
export const VALUE_PREFIX = 'fernet:';
const META = '#envseal:';
const HEADER = /^#envseal:v(\d+) key=([0-9a-f]{16})$/;
const HISTORY_PREFIX = '#envseal:history ';
const MAC_LINE = /^#envseal:mac ([0-9a-f]{64})$/;
/** A whole-file Fernet token: how teams commonly sealed .env before envseal (migration input). */
const LEGACY_TOKEN = /^gAAAAA[A-Za-z0-9_-]+={0,2}$/;

export interface HistoryEntry {
  /** ISO 8601, UTC, seconds precision. */
  date: string;
  event: 'created' | 'rotated' | 'rekeyed' | 'revoked';
  /** Fingerprint of the key the file is sealed with from this event on. */
  key: string;
  /** Fingerprint of the key it replaced (rotated, rekeyed). */
  previousKey?: string;
  reason?: string;
  /** git user.name of whoever ran it, when known. */
  by?: string;
  envseal: string;
  /** Whether the re-sealed file was decrypted and compared with the plaintext before it replaced the old one. */
  verified?: boolean;
  /**
   * rotated: HMAC-SHA256 (hex) of the new key's fingerprint under HKDF(previous key,
   * "envseal/v1/continuity"): proof that whoever rotated held the key it replaced.
   */
  link?: string;
  /** revoked: the recipient removed. */
  recipient?: string;
  /**
   * revoked: for each value the recipient could read, HMAC-SHA256 (hex, 32 digits) of `NAME\0value`
   * under HKDF(key named in `key`, "envseal/v1/exposure"): tells whether a value is still the one
   * they saw, without storing it. Rotation re-keys the markers of values still unchanged.
   */
  exposed?: Record<string, string>;
}

export interface SealedEntry extends EnvEntry {
  token: string;
}

export type SealedLine = SealedEntry | Exclude<EnvLine, EnvEntry>;

/** A sealed file whose MAC and every token have been verified. Holds plaintext values: keep it in memory only. */
export interface OpenedFile {
  lines: SealedLine[];
  fingerprint: string;
  history: HistoryEntry[];
  /** Index into the key list of the key that opened the file (0 = current). */
  keyIndex: number;
  /** True for a whole-file Fernet token (no per-value tokens, no history, no file MAC). */
  legacy: boolean;
  /** Grace expiries and markers of earlier values (when each value changed is its token's timestamp). */
  records: ValueRecords;
}

interface SealedStructure {
  version: number;
  fingerprint: string;
  history: HistoryEntry[];
  /** Without `earlier`, which needs the key. */
  records: ValueRecords;
  /** The `earlier` line's token, opened once the MAC is checked. */
  earlierToken?: string;
  body: EnvLine[];
  signed: string;
  mac: string;
}

const integrity = (code: ErrorCode, message: string, hint: string): EnvsealError => new EnvsealError(code, message, hint);

const RESTORE_HINT =
  'Restore it from git (`git checkout -- <file>`) or a backup, or re-create it from the plaintext with `envseal encrypt --force`.';

export function isLegacySealed(text: string): boolean {
  return LEGACY_TOKEN.test(text.trim());
}

/** Header, MAC and the signed bytes: what must be checked before anything in between is trusted. */
interface Envelope {
  version: number;
  fingerprint: string;
  signed: string;
  mac: string;
  /** Index in `signed` where the lines after the header start. */
  innerStart: number;
}

/** git's conflict markers, as a merge without envseal's driver leaves them: a `<<<<<<<` line, later a `>>>>>>>` one. */
function hasConflictMarkers(text: string): boolean {
  const start = text.startsWith('<<<<<<<') ? 0 : text.indexOf('\n<<<<<<<');
  return start !== -1 && text.indexOf('\n>>>>>>>', start) !== -1;
}

function readEnvelope(text: string, label: string): Envelope {
  if (hasConflictMarkers(text)) {
    throw integrity(
      Code.SEALED_CONFLICT,
      `${label} holds git conflict markers: a merge changed it on both branches, and git merged it line by line (the MAC line always conflicts)`,
      `Let envseal merge it per variable: set up its merge driver (\`envseal git setup\`; \`envseal init\` does it in a clone whose .gitattributes asks for it), then run \`git checkout --merge -- ${label}\`.`,
    );
  }
  const firstBreak = text.indexOf('\n');
  const header = HEADER.exec(firstBreak === -1 ? text : text.slice(0, firstBreak));
  if (!header) {
    throw integrity(
      Code.NOT_SEALED,
      `${label} is not an envseal sealed file (its first line is not an "#envseal:v1" header)`,
      `Seal a plaintext file with \`envseal encrypt --in <file>\`; to open it, pass the sealed file with --in.`,
    );
  }
  const version = Number(header[1]);
  if (version !== FORMAT_VERSION) {
    throw integrity(Code.SEALED_VERSION, `${label} uses sealed format v${version}; this envseal reads v${FORMAT_VERSION}`, 'Upgrade envseal.');
  }
  const trimmedEnd = text.endsWith('\n') ? text.length - 1 : text.length;
  const macStart = text.lastIndexOf('\n', trimmedEnd - 1) + 1;
  const mac = MAC_LINE.exec(text.slice(macStart, trimmedEnd));
  if (!mac || macStart === 0) {
    throw integrity(Code.SEALED_TRUNCATED, `${label} has no "#envseal:mac" line at its end: it is truncated or was edited by hand`, RESTORE_HINT);
  }
  return { version, fingerprint: header[2]!, signed: text.slice(0, macStart), mac: mac[1]!, innerStart: firstBreak + 1 };
}

type Contents = Pick<SealedStructure, 'history' | 'records' | 'earlierToken' | 'body'>;

/**
 * History, value records and body. Only trustworthy once the MAC has been checked (openSealed does).
 * The metadata lines are read one at a time from the top and the body is parsed where it starts:
 * a file of many names is not split into lines and joined again.
 */
function readContents(envelope: Envelope, label: string): Contents {
  const { signed } = envelope;
  const history: HistoryEntry[] = [];
  const records = emptyRecords();
  let earlierToken: string | undefined;
  let at = envelope.innerStart;
  let lineNumber = 2;
  const nextLine = (): string | undefined => (at < signed.length ? signed.slice(at, signed.indexOf('\n', at)) : undefined);
  const advance = (line: string): void => {
    at += line.length + 1;
    lineNumber++;
  };
  for (let line = nextLine(); line?.startsWith(HISTORY_PREFIX); line = nextLine()) {
    history.push(parseHistory(line.slice(HISTORY_PREFIX.length), label));
    advance(line);
  }
  for (let line = nextLine(); line !== undefined && readExpiresLine(line, records, label); line = nextLine()) advance(line);
  const earlier = nextLine();
  if (earlier?.startsWith(EARLIER_PREFIX)) {
    earlierToken = earlier.slice(EARLIER_PREFIX.length);
    advance(earlier);
  }
  const body = parseEnv(signed.slice(at), label, lineNumber);
  const stray = body.find((line) => line.kind === 'trivia' && line.text.startsWith(META));
  if (stray) {
    const kind = /^#envseal:([a-z]+)/.exec((stray as { text: string }).text)?.[1];
    const known = ['v', 'history', 'expires', 'earlier', 'mac'];
    throw kind && !known.includes(kind)
      ? integrity(Code.SEALED_VERSION, `${label} line ${stray.line} holds envseal metadata this version does not know ("#envseal:${kind}"): a newer envseal wrote it`, 'Upgrade envseal.')
      : integrity(Code.SEALED_CORRUPT, `${label} line ${stray.line} is envseal metadata out of place`, RESTORE_HINT);
  }
  return { history, records, ...(earlierToken !== undefined ? { earlierToken } : {}), body };
}

/**
 * Reads header, history, body and MAC without any key (unverified: for showing what a file claims).
 * Throws when the file is not a v1 sealed file.
 */
export function parseSealedStructure(text: string, label: string): SealedStructure {
  const envelope = readEnvelope(text, label);
  const { version, fingerprint, signed, mac } = envelope;
  return { version, fingerprint, ...readContents(envelope, label), signed, mac };
}

function parseHistory(json: string, label: string): HistoryEntry {
  try {
    const entry = JSON.parse(json) as HistoryEntry;
    if (typeof entry.date === 'string' && typeof entry.key === 'string' && typeof entry.event === 'string') return entry;
  } catch {
    // reported below
  }
  throw integrity(Code.SEALED_CORRUPT, `${label} has a malformed history line`, RESTORE_HINT);
}

export function fileMac(key: MasterKey, signed: string): string {
  return key.mac('file-mac', signed).toString('hex');
}

function macMatches(key: MasterKey, envelope: Envelope): boolean {
  return timingSafeEqual(Buffer.from(fileMac(key, envelope.signed), 'hex'), Buffer.from(envelope.mac, 'hex'));
}

export class WrongKeyError extends EnvsealError {
  readonly sealedWith: string;
  constructor(label: string, sealedWith: string, ring: KeyRing) {
    const triedList = ring.keys.map((k) => k.fingerprint).join(', ');
    super(
      Code.KEY_WRONG,
      `${label} was sealed with key ${sealedWith}, but the key from ${ring.source} is ${triedList}`,
      'Get the key with that fingerprint from your team (password manager or vault). If the key was rotated, ask for the new one; `envseal status` shows which key each file needs.',
    );
    this.sealedWith = sealedWith;
  }
}

export function legacyError(label: string): EnvsealError {
  return integrity(
    Code.SEALED_LEGACY,
    `${label} is a whole-file Fernet token, not an envseal sealed file: it has no file MAC, so it is not opened unless you ask`,
    `If you sealed it that way yourself (before envseal), convert it once with \`envseal import --from fernet --in ${label}\`. Otherwise someone else put it there: restore the file from git.`,
  );
}

export interface OpenOptions {
  /**
   * Open a whole-file Fernet token too. Only when the user asks (`import --from fernet`, and the
   * deprecated `decrypt --legacy`): such a token has no file MAC, so anyone can replace a sealed file with one of
   * its own value tokens (an empty env, or chosen text) and it would open as if nothing happened.
   */
  legacy?: boolean;
}

/** Verifies and decrypts a sealed file with the key of `ring` that sealed it. */
export function openSealed(text: string, ring: KeyRing, label: string, options: OpenOptions = {}): OpenedFile {
  if (isLegacySealed(text)) {
    if (!options.legacy) throw legacyError(label);
    return openLegacy(text.trim(), ring, label);
  }
  // The MAC is checked before history and body are parsed, so any edit reads as tampering, not as a
  // syntax error somewhere in the middle.
  const envelope = readEnvelope(text, label);
  const keyIndex = ring.keys.findIndex((k) => k.fingerprint === envelope.fingerprint);
  if (keyIndex < 0) throw new WrongKeyError(label, envelope.fingerprint, ring);
  const key = ring.keys[keyIndex]!;
  if (!macMatches(key, envelope)) {
    throw integrity(
      Code.SEALED_TAMPERED,
      `${label} failed its integrity check: the file MAC does not match, so it was changed after it was sealed`,
      RESTORE_HINT,
    );
  }
  const structure = readContents(envelope, label);
  const records = structure.records;
  if (structure.earlierToken !== undefined) records.earlier = openEarlier(structure.earlierToken, key, label);
  const entries = structure.body.filter((line): line is EnvEntry => line.kind === 'entry');
  for (const line of entries) {
    if (!line.value.startsWith(VALUE_PREFIX)) {
      throw integrity(Code.SEALED_PLAINTEXT, `${label} line ${line.line}: ${line.name} is not sealed (its value does not start with "fernet:")`, RESTORE_HINT);
    }
  }
  const tokens = entries.map((line) => line.value.slice(VALUE_PREFIX.length));
  const values = decryptValues(key, tokens, (index) => `${label} line ${entries[index]!.line} (${entries[index]!.name})`);
  let next = 0;
  const lines = structure.body.map((line): SealedLine => {
    if (line.kind !== 'entry') return line;
    // A literal, not a spread: V8 keeps spread objects with an extra property in dictionary mode,
    // four times the memory, which for a file of many names is most of what opening it costs.
    const { name, exported, quote, comment } = line;
    const token = tokens[next]!;
    return { kind: 'entry', name, value: values[next++]!, exported, quote, comment, line: line.line, token };
  });
  return { lines, fingerprint: envelope.fingerprint, history: structure.history, keyIndex, legacy: false, records };
}

/** The values of `tokens`, all sealed under `key`, as UTF-8 text; `where(i)` names token i's place for the error. */
function decryptValues(key: MasterKey, tokens: readonly string[], where: (index: number) => string): string[] {
  const values: string[] = [];
  let failed: number | undefined;
  try {
    decryptEach(key.fernet, tokens, (index, plaintext) => {
      const text = decodeUtf8(plaintext);
      if (text === undefined) failed ??= index;
      values.push(text ?? '');
    });
  } catch (e) {
    if (!(e instanceof InvalidTokenError)) throw e;
    // Tokens reach the callback only once their whole batch verified: an earlier failure is earlier.
    failed ??= e.index;
  }
  if (failed === undefined) return values;
  throw integrity(Code.SEALED_CORRUPT, `${where(failed)} holds a token that does not decrypt to UTF-8 text under the file's key`, RESTORE_HINT);
}

function openLegacy(token: string, ring: KeyRing, label: string): OpenedFile {
  let decrypted;
  try {
    decrypted = decryptWithKeys(ring.keys.map((k) => k.fernet), token);
  } catch (e) {
    if (e instanceof InvalidTokenError && e.reason === 'mac') {
      throw new EnvsealError(
        Code.KEY_WRONG,
        `${label} is a whole-file Fernet token that the key from ${ring.source} (${ring.keys.map((k) => k.fingerprint).join(', ')}) does not open: wrong key, or the file was changed`,
        `Use the key the file was sealed with; then \`envseal import --from fernet --in ${label}\` converts it to the per-value format.`,
      );
    }
    throw integrity(Code.SEALED_CORRUPT, `${label} looks like a whole-file Fernet token but is not a valid one (${(e as Error).message})`, RESTORE_HINT);
  }
  const text = decodeUtf8(decrypted.plaintext);
  if (text === undefined) throw integrity(Code.SEALED_CORRUPT, `${label} decrypts to bytes that are not UTF-8 text`, RESTORE_HINT);
  const lines = parseEnv(normalizeNewlines(text).text, `${label} (decrypted)`).map(
    (line): SealedLine => (line.kind === 'entry' ? { ...line, token: '' } : line),
  );
  return { lines, fingerprint: ring.keys[decrypted.keyIndex]!.fingerprint, history: [], keyIndex: decrypted.keyIndex, legacy: true, records: emptyRecords() };
}

export interface SealOptions extends Pick<RecordsUpdate, 'expires' | 'refuseReuse' | 'remember'> {
  history: readonly HistoryEntry[];
  /**
   * The file as it was. Its value records carry over; a value it held keeps its token when the file
   * was opened with `key` (so diffs stay small), else gets a new one with the old token's timestamp.
   */
  previous?: OpenedFile;
  /** Where unchanged values keep their dates from and records start from, when not `previous` (a merge: both sides). */
  base?: { files: readonly OpenedFile[]; records: RecordsBase };
  /** ISO 8601 (seconds) of this change: the timestamp of the tokens of the values it changes. */
  now: string;
  label: string;
}

export const recordsBaseOf = (opened: OpenedFile | undefined): RecordsBase =>
  opened ? { records: opened.records, values: latestValues(opened.lines) } : { records: emptyRecords(), values: new Map() };

/** Seals plaintext lines under `key`. Values get a Fernet token each; everything else stays as written. */
export function sealLines(lines: readonly EnvLine[], key: MasterKey, options: SealOptions): string {
  // Refused now rather than when someone decrypts: what cannot be written back must not be sealed.
  renderEnv(lines, options.label);
  const { now, expires, refuseReuse, remember, label } = options;
  const reusable = reusableTokens(options.previous, key);
  const dateOf = keptDates(options.base?.files ?? (options.previous ? [options.previous] : []));
  const nowSeconds = Math.floor(Date.parse(now) / 1000);
  const seen = new Map<string, number>();
  const out: string[] = [`${META}v${FORMAT_VERSION} key=${key.fingerprint}`];
  for (const entry of options.history) out.push(`${HISTORY_PREFIX}${JSON.stringify(entry)}`);
  const records = updateRecords(options.base?.records ?? recordsBaseOf(options.previous), lines, {
    key,
    label,
    ...(expires ? { expires } : {}),
    ...(refuseReuse ? { refuseReuse } : {}),
    ...(remember ? { remember } : {}),
  });
  out.push(...renderRecords(records, key, [...latestValues(lines).keys()]));
  for (const line of lines) {
    if (line.kind === 'trivia') {
      if (line.text.trimStart().startsWith(META)) {
        throw integrity(Code.ENV_RESERVED, `${label} line ${line.line} starts with "${META}", which envseal reserves for its own metadata`, 'Reword the comment.');
      }
      out.push(line.text);
      continue;
    }
    const occurrence = (seen.get(line.name) ?? 0) + 1;
    seen.set(line.name, occurrence);
    const prior = reusable.get(`${line.name}\0${occurrence}`);
    const token = prior && prior.value === line.value ? prior.token : fernetEncrypt(key.fernet, line.value, { now: dateOf(line.name, line.value) ?? nowSeconds });
    out.push(renderEntry(line, `${line.quote}${VALUE_PREFIX}${token}${line.quote}`));
  }
  const signed = joinLines(out);
  return `${signed}${META}mac ${fileMac(key, signed)}\n`;
}

function reusableTokens(previous: OpenedFile | undefined, key: MasterKey): Map<string, SealedEntry> {
  const map = new Map<string, SealedEntry>();
  if (!previous || previous.legacy || previous.fingerprint !== key.fingerprint) return map;
  const seen = new Map<string, number>();
  for (const line of previous.lines) {
    if (line.kind !== 'entry') continue;
    const occurrence = (seen.get(line.name) ?? 0) + 1;
    seen.set(line.name, occurrence);
    map.set(`${line.name}\0${occurrence}`, line);
  }
  return map;
}

/**
 * The date a name's value has in `files` (its last entry's token timestamp: when it last changed), for
 * a value that must be encrypted again (a new master key) without changing its date. Only the value a
 * name reads as counts: a name that takes the value of one of its shadowed entries has changed. Built
 * on first use: re-sealing under the same key reuses tokens and never needs it.
 */
function keptDates(files: readonly OpenedFile[]): (name: string, value: string) => number | undefined {
  let dates: Map<string, { value: string; ms: number }> | undefined;
  return (name, value) => {
    if (!dates) {
      dates = new Map();
      for (const file of files) {
        const values = latestValues(file.lines);
        for (const [n, ms] of changeDates(file.lines)) if (!dates.has(n)) dates.set(n, { value: values.get(n)!, ms });
      }
    }
    const kept = dates.get(name);
    return kept?.value === value ? kept.ms / 1000 : undefined;
  };
}

/**
 * When each name's value last changed: the timestamp of its (last) entry's token, from an opened file's
 * lines or, unverified, from a sealed file's raw body (`fernet:` values) read without the key.
 */
export function changeDates(lines: readonly EnvLine[]): Map<string, number> {
  const dates = new Map<string, number>();
  for (const line of lines) {
    if (line.kind !== 'entry') continue;
    const token = 'token' in line ? (line as SealedEntry).token : line.value.startsWith(VALUE_PREFIX) ? line.value.slice(VALUE_PREFIX.length) : '';
    const seconds = tokenTimestamp(token);
    if (seconds !== undefined) dates.set(line.name, seconds * 1000);
    else dates.delete(line.name);
  }
  return dates;
}

/** The plaintext .env text of an opened file: entries re-quoted as they were, comments verbatim. */
export function renderPlaintext(opened: OpenedFile, label: string): string {
  return renderEnv(opened.lines, label);
}
