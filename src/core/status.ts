/**
 * `envseal status`: for each sealed file, which key it needs and whether that key is here, when it
 * was last rotated and when the next rotation is due, whether the local plaintext disagrees with it,
 * and which state an interrupted rotation left it in. Reports problems per file instead of stopping
 * at the first, so one broken file does not hide the others.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Exposure, currentExposures } from './exposure.js';
import { EnvsealError, type ErrorCode, ExitCode, exitCodeOf } from '../errors.js';
import { SEALED_SUFFIX, envNameOf, plainNameFor } from '../env-files.js';
import { parseEnv } from '../format/envfile.js';
import { type HistoryEntry, type OpenedFile, changeDates, isLegacySealed, legacyError, openSealed, parseSealedStructure } from '../format/sealed.js';
import { displayPath, exists, readText } from '../io/files.js';
import type { KeyRing } from '../keys/key-ring.js';
import { tryResolveKeyRing } from '../keys/key-sources.js';
import { findRecipientsFile, readRecipients } from '../keys/recipients-store.js';
import { type AccessCover, accessCover, listRecipients } from './recipients.js';
import type { KeyOptions } from './open.js';
import type { ChangeSummary } from './changes.js';
import { type Drift, drift, isEmpty } from './drift.js';
import { type ValueAge, tryValuePolicyFor, valueAges } from './value-ages.js';
import type { ValueRecords } from '../format/value-records.js';

export const DEFAULT_MAX_AGE_DAYS = 90;
/** A hundred years: a policy beyond that is no policy, and dates past it leave JavaScript's range. */
export const MAX_POLICY_DAYS = 36_500;
const DAY_MS = 86_400_000;

export type FileState =
  | 'ok'
  | 'overdue'
  | 'stale'
  | 'behind'
  | 'unreadable'
  | 'rotation-unfinished'
  | 'key-missing'
  | 'wrong-key'
  | 'integrity'
  | 'legacy'
  | 'exposed'
  | 'value-overdue'
  | 'grace-expired';

export interface FileStatus {
  file: string;
  envName?: string;
  state: FileState;
  /** Every state that applies (a file can be both overdue and stale). */
  states: FileState[];
  values?: number;
  /** Key the file is sealed with (from its header; verified when `verified`). */
  sealedWith?: string;
  /** Current key found on this machine and where. */
  currentKey?: string;
  keySource?: string;
  /** The MAC was checked with a key found here. */
  verified: boolean;
  sealedWithPrevious: boolean;
  /** The last event that set the file's key, with why and by whom when the history says. */
  lastRotation?: Pick<HistoryEntry, 'date' | 'event' | 'reason' | 'by'>;
  ageDays?: number;
  nextDue?: string;
  overdue: boolean;
  plaintextFile?: string;
  /** Edits in the plaintext that are not sealed (relative to its base): run encrypt. */
  stale?: ChangeSummary;
  /** Changes in the sealed file the plaintext lacks (after set, edit, a pull): decrypt refreshes it. */
  behind?: ChangeSummary;
  /** Names both changed, to different values: encrypt refuses them until one side gives way. */
  conflicts?: string[];
  /** Whether stale and behind come from the recorded base (exact) or from modification times. */
  fromBase?: boolean;
  /** Revoked recipients who still know values of this file (unchanged since they were revoked). */
  exposures?: Exposure[];
  /** Temp files an interrupted write left behind: safe to delete. */
  leftovers: string[];
  /**
   * Values that need attention under their own policy (due, overdue), and grace values (NAME_PREVIOUS)
   * in or past their window. Overdue values and expired windows fail `status --check`.
   */
  valueAges?: ValueAge[];
  /** With a recipients file: who can open this file; a warning when `thin`, never a failed check. */
  access?: AccessCover;
  problem?: { code: ErrorCode; message: string; hint?: string };
}

export interface StatusRequest extends Omit<KeyOptions, 'envName'> {
  files: string[];
  now: Date;
  maxAgeDays: number;
  /** Finds a file's keys (default: the key sources in order); `doctor` passes one that remembers, to look once per file. */
  keyRingFor?: typeof tryResolveKeyRing;
}

export function fileStatuses(request: StatusRequest): FileStatus[] {
  return request.files.map((file) => fileStatus(file, request));
}

function fileStatus(file: string, request: StatusRequest): FileStatus {
  const envName = envNameOf(file);
  const label = displayPath(file);
  const status: FileStatus = { file, ...(envName ? { envName } : {}), state: 'ok', states: [], verified: false, sealedWithPrevious: false, overdue: false, leftovers: leftovers(file) };
  let text: string;
  try {
    text = readText(file).text;
  } catch (e) {
    // One unreadable file (permissions, not UTF-8) must not hide the others' status.
    if (!(e instanceof EnvsealError)) throw e;
    status.problem = { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
    status.states.push(e.exitCode === ExitCode.io ? 'unreadable' : 'integrity');
    status.state = status.states[0]!;
    return status;
  }
  if (isLegacySealed(text)) {
    // Whoever could write the file could have put it there: it is reported, never opened (format/sealed.ts).
    const e = legacyError(label);
    status.problem = { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
    status.states.push('legacy');
    status.state = 'legacy';
    return status;
  }
  let ring: KeyRing | undefined;
  let opened: OpenedFile | undefined;
  try {
    // The text is read above, not by core/open.ts: an unreadable file is a state of its own here.
    ring = (request.keyRingFor ?? tryResolveKeyRing)({
      env: request.env,
      envFile: file,
      ...(envName ? { envName } : {}),
      ...(request.keyFile ? { keyFile: request.keyFile } : {}),
      ...(request.identityFile ? { identityFile: request.identityFile } : {}),
    });
    if (ring) {
      status.currentKey = ring.current.fingerprint;
      status.keySource = ring.source;
      opened = openSealed(text, ring, label);
    }
  } catch (e) {
    if (!(e instanceof EnvsealError)) throw e;
    status.problem = { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  }

  let history: HistoryEntry[] = [];
  let records: ValueRecords | undefined;
  let dates = new Map<string, number>();
  if (opened) {
    status.verified = true;
    status.values = opened.lines.filter((l) => l.kind === 'entry').length;
    status.sealedWith = opened.fingerprint;
    status.sealedWithPrevious = opened.keyIndex > 0;
    history = opened.history;
    records = opened.records;
    dates = changeDates(opened.lines);
    if (status.sealedWithPrevious) status.states.push('rotation-unfinished');
    checkStale(status, opened, ring!);
    const exposures = currentExposures(opened.history, opened.lines, ring!);
    if (exposures.length > 0) {
      status.exposures = exposures;
      status.states.push('exposed');
    }
  } else {
    // Without the key the structure is still readable, unverified: enough for the rotation policy.
    try {
      const structure = parseSealedStructure(text, label);
      status.sealedWith = structure.fingerprint;
      status.values = structure.body.filter((l) => l.kind === 'entry').length;
      history = structure.history;
      records = structure.records;
      dates = changeDates(structure.body);
    } catch (e) {
      if (!(e instanceof EnvsealError)) throw e;
      status.problem ??= { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
    }
  }
  if (records) checkValueAges(status, dates, records, request.now);
  if (status.problem) status.states.push(problemState(status.problem.code));
  else if (!ring) status.states.push('key-missing');
  const access = accessOf(file, envName, ring);
  if (access) status.access = access;

  // Without a key the history is unverified text: an entry whose date is not a date is ignored.
  const last = [...history].reverse().find((h) => ['created', 'rotated', 'rekeyed'].includes(h.event) && Number.isFinite(Date.parse(h.date)));
  if (last) {
    const at = Date.parse(last.date);
    status.lastRotation = { date: last.date, event: last.event, ...(last.reason ? { reason: last.reason } : {}), ...(last.by ? { by: last.by } : {}) };
    status.ageDays = Math.floor((request.now.getTime() - at) / DAY_MS);
    status.nextDue = new Date(at + request.maxAgeDays * DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z');
    status.overdue = status.ageDays >= request.maxAgeDays;
    if (status.overdue) status.states.push('overdue');
  }
  status.state = STATE_PRIORITY.find((s) => status.states.includes(s)) ?? 'ok';
  return status;
}

const STATE_PRIORITY: readonly FileState[] = ['unreadable', 'integrity', 'legacy', 'wrong-key', 'key-missing', 'rotation-unfinished', 'exposed', 'stale', 'overdue', 'value-overdue', 'grace-expired', 'behind'];

function checkValueAges(status: FileStatus, dates: ReadonlyMap<string, number>, records: ValueRecords, now: Date): void {
  const policy = tryValuePolicyFor(status.file);
  if (policy instanceof EnvsealError) {
    status.problem ??= { code: policy.code, message: policy.message, ...(policy.hint ? { hint: policy.hint } : {}) };
    return;
  }
  const attention = valueAges(dates, records, policy, now).filter((v) => v.state !== 'ok');
  if (attention.length === 0) return;
  status.valueAges = attention;
  if (attention.some((v) => v.state === 'overdue')) status.states.push('value-overdue');
  if (attention.some((v) => v.state === 'expired')) status.states.push('grace-expired');
}

function problemState(code: ErrorCode): FileState {
  return exitCodeOf(code) === ExitCode.key ? 'wrong-key' : 'integrity';
}

function checkStale(status: FileStatus, opened: OpenedFile, ring: KeyRing): void {
  const plain = plainNameFor(status.file);
  if (!status.file.endsWith(SEALED_SUFFIX) || !exists(plain)) return;
  status.plaintextFile = plain;
  let moved: Drift | undefined;
  try {
    moved = drift(plain, parseEnv(readText(plain).text, displayPath(plain)), status.file, opened, ring);
  } catch (e) {
    if (!(e instanceof EnvsealError)) throw e;
    // Unreadable as a .env: it differs, in no nameable way, and it is the plaintext that moved.
    status.stale = { added: [], changed: [], removed: [] };
    status.states.push('stale');
    return;
  }
  if (!moved) return;
  status.fromBase = moved.fromBase;
  if (!isEmpty(moved.local)) {
    status.stale = moved.local;
    status.states.push('stale');
  }
  if (!isEmpty(moved.sealed)) {
    status.behind = moved.sealed;
    status.states.push('behind');
  }
  if (moved.conflicts.length > 0) status.conflicts = moved.conflicts;
}

function accessOf(file: string, envName: string | undefined, ring: KeyRing | undefined): AccessCover | undefined {
  const recipients = findRecipientsFile({ envFile: file, ...(envName ? { envName } : {}) });
  if (!recipients) return undefined;
  try {
    return accessCover(listRecipients(readRecipients(recipients), ring));
  } catch (e) {
    // A malformed recipients file is `recipients verify`'s to report; the key lookup says it too.
    if (e instanceof EnvsealError) return undefined;
    throw e;
  }
}

function leftovers(file: string): string[] {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.envseal-`;
  try {
    return fs.readdirSync(dir).filter((name) => name.startsWith(prefix) && name.endsWith('.tmp')).map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}

/** Exit code for a set of statuses: integrity problems first, then key problems, then (with --check) policy. */
export function statusExitCode(statuses: readonly FileStatus[], check: boolean): number {
  if (statuses.some((s) => s.states.includes('unreadable'))) return ExitCode.io;
  if (statuses.some((s) => s.states.includes('integrity') || s.states.includes('legacy'))) return ExitCode.integrity;
  if (statuses.some((s) => s.states.includes('wrong-key'))) return ExitCode.key;
  // A check that cannot verify fails: a CI job whose key secret is missing must go red, not green.
  if (check && statuses.some((s) => s.states.includes('key-missing'))) return ExitCode.key;
  if (check && statuses.some((s) => s.overdue || s.stale || s.sealedWithPrevious || s.exposures || s.states.includes('value-overdue') || s.states.includes('grace-expired'))) {
    return ExitCode.findings;
  }
  return ExitCode.ok;
}
