/**
 * The recipients file, version 1 (docs/FORMAT.md, "Recipients files"). Pure: text in, text out.
 *
 *   #envseal:recipients v1 key=<fingerprint of the master key the lines wrap>
 *   #envseal:recipient <name> <public key> granted=<ISO date> by=<who> age=<base64 age file> mac=<hex>
 *   #envseal:revoked <name> <SHA256 fingerprint> date=<ISO date> by=<who> reason=<why> mac=<hex>
 *
 * One record per line, so `merge=union` can merge two branches' grants: an armored, multi-line block
 * would share its END line between two insertions and break. Recipients are sorted by name, then
 * tombstones by name. Each `age=` is a standard age v1 file whose payload is a key file (the current
 * key, at most one `previous` line): the stock `age` CLI opens it. Each `mac=` is HMAC-SHA256 over the
 * line up to ` mac=`, under HKDF(master key, "envseal/v1/recipients-mac"): someone who can push but
 * does not hold the key cannot write a line envseal accepts. `by=` and `reason=` are percent-encoded
 * (no spaces); names are `[A-Za-z0-9][A-Za-z0-9._@-]*`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { MasterKey } from '../crypto/master-key.js';
import { EnvsealError, Code } from '../errors.js';

export const RECIPIENTS_VERSION = 1;
const HEADER = /^#envseal:recipients v(\d+) key=([0-9a-f]{16})$/;
const RECIPIENT_PREFIX = '#envseal:recipient ';
const REVOKED_PREFIX = '#envseal:revoked ';
export const RECIPIENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const MAC_FIELD = / mac=([0-9a-f]{64})$/;

export interface GrantLine {
  kind: 'recipient';
  name: string;
  /** The public key as one canonical line: `ssh-ed25519 AAAA…`, `ssh-rsa AAAA…` or `age1…`. */
  recipient: string;
  granted: string;
  by?: string;
  /** Base64 of the binary age file. */
  age: string;
  mac: string;
}

export interface RevokedLine {
  kind: 'revoked';
  name: string;
  /** The revoked public key's SHA256 fingerprint. */
  fingerprint: string;
  date: string;
  by?: string;
  reason?: string;
  mac: string;
}

export type RecipientsLine = GrantLine | RevokedLine;

export interface RecipientsFile {
  /** Fingerprints in headers: one, unless a union merge joined two versions of the key. */
  keys: string[];
  lines: RecipientsLine[];
  /** Lines that could not be read, by number: reported, never re-wrapped. */
  problems: Array<{ line: number; message: string }>;
}

const field = (text: string, name: string): string | undefined => new RegExp(`(?:^| )${name}=(\\S+)`).exec(text)?.[1];
const decode = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};
const encode = (value: string): string => encodeURIComponent(value);

/** Reads a recipients file, tolerating what a union merge can leave (two headers, duplicate lines). */
export function parseRecipients(text: string, label: string): RecipientsFile {
  const file: RecipientsFile = { keys: [], lines: [], problems: [] };
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const number = index + 1;
    if (line === '' || seen.has(line)) return;
    seen.add(line);
    const header = HEADER.exec(line);
    if (header) {
      if (Number(header[1]) !== RECIPIENTS_VERSION) {
        throw new EnvsealError(Code.RECIPIENTS_INVALID, `${label} is recipients format v${header[1]}, which this envseal does not read`, 'Upgrade envseal.');
      }
      if (!file.keys.includes(header[2]!)) file.keys.push(header[2]!);
      return;
    }
    const parsed = line.startsWith(RECIPIENT_PREFIX) ? parseGrant(line) : line.startsWith(REVOKED_PREFIX) ? parseRevoked(line) : undefined;
    if (parsed) file.lines.push(parsed);
    else if (!line.startsWith('#') || line.startsWith('#envseal:')) file.problems.push({ line: number, message: `line ${number} is not a recipients record` });
  });
  if (file.keys.length === 0 && file.lines.length > 0) file.problems.push({ line: 1, message: 'the #envseal:recipients header is missing' });
  return file;
}

function parseGrant(line: string): GrantLine | undefined {
  const mac = MAC_FIELD.exec(line)?.[1];
  const words = line.slice(RECIPIENT_PREFIX.length).split(' ');
  const name = words[0] ?? '';
  const keyWords = words[1]?.startsWith('age1') ? 1 : 2;
  const recipient = words.slice(1, 1 + keyWords).join(' ');
  const granted = field(line, 'granted');
  const age = field(line, 'age');
  // A key word shaped like `field=` means the key is missing; base64 padding (`…=`) is fine.
  if (!mac || !RECIPIENT_NAME.test(name) || words.slice(1, 1 + keyWords).some((w) => /^[a-z]+=/.test(w)) || !granted || !age || !/^[A-Za-z0-9+/]+={0,2}$/.test(age)) return undefined;
  const by = decode(field(line, 'by'));
  return { kind: 'recipient', name, recipient, granted, ...(by ? { by } : {}), age, mac };
}

function parseRevoked(line: string): RevokedLine | undefined {
  const mac = MAC_FIELD.exec(line)?.[1];
  const [name = '', fingerprint = ''] = line.slice(REVOKED_PREFIX.length).split(' ');
  const date = field(line, 'date');
  if (!mac || !RECIPIENT_NAME.test(name) || !fingerprint.startsWith('SHA256:') || !date) return undefined;
  const by = decode(field(line, 'by'));
  const reason = decode(field(line, 'reason'));
  return { kind: 'revoked', name, fingerprint, date, ...(by ? { by } : {}), ...(reason ? { reason } : {}), mac };
}

/** The line without its MAC: what the MAC covers. */
function signedPart(line: RecipientsLine): string {
  if (line.kind === 'recipient') {
    return `${RECIPIENT_PREFIX}${line.name} ${line.recipient} granted=${line.granted}${line.by ? ` by=${encode(line.by)}` : ''} age=${line.age}`;
  }
  return `${REVOKED_PREFIX}${line.name} ${line.fingerprint} date=${line.date}${line.by ? ` by=${encode(line.by)}` : ''}${line.reason ? ` reason=${encode(line.reason)}` : ''}`;
}

export const renderLine = (line: RecipientsLine): string => `${signedPart(line)} mac=${line.mac}`;

/** `line` with its MAC computed under `key`. */
export function signed<L extends RecipientsLine>(line: Omit<L, 'mac'>, key: MasterKey): L {
  const unsigned = { ...line, mac: '' } as L;
  return { ...unsigned, mac: key.mac('recipients-mac', signedPart(unsigned)).toString('hex') };
}

export function macValid(line: RecipientsLine, key: MasterKey): boolean {
  const expected = key.mac('recipients-mac', signedPart(line));
  const actual = Buffer.from(line.mac, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The file's text: one header, grants sorted by name, then tombstones sorted by name. */
export function renderRecipients(keyFingerprint: string, lines: readonly RecipientsLine[]): string {
  const byName = (a: RecipientsLine, b: RecipientsLine): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const grants = lines.filter((l) => l.kind === 'recipient').sort(byName);
  const tombstones = lines.filter((l) => l.kind === 'revoked').sort(byName);
  return `${[`#envseal:recipients v${RECIPIENTS_VERSION} key=${keyFingerprint}`, ...[...grants, ...tombstones].map(renderLine)].join('\n')}\n`;
}
