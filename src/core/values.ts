/**
 * The values a sealed file holds, as an application would load them: decrypted in memory, the last
 * entry of a name winning (dotenv semantics). The result holds plaintext: never write it to disk or
 * put it in a message.
 */
import { SEALED_SUFFIX, plainNameFor } from '../env-files.js';
import { EnvsealError } from '../errors.js';
import type { Quote } from '../format/envfile.js';
import { parseEnv, toRecord } from '../format/envfile.js';
import { type OpenedFile, changeDates } from '../format/sealed.js';
import type { ValueRecords } from '../format/value-records.js';
import { exists, readText } from '../io/files.js';
import type { KeyRing } from '../keys/key-ring.js';
import { changedNames, drift } from './drift.js';
import { type KeyOptions, openSealedFile } from './open.js';

export interface LoadedValues {
  /** The sealed file read. */
  file: string;
  values: Record<string, string>;
  /** Quote style each value had in the plaintext file, for writing it back as dotenv. */
  quotes: Map<string, Quote>;
  fingerprint: string;
  keySource: string;
  /** 0 when the current key opened the file, n when the n-th previous key did. */
  keyIndex: number;
  /**
   * Names the plaintext file beside the sealed one changed and nobody sealed: what an app loading the
   * sealed values does not see. Empty when there is no plaintext or it holds no such edits, and
   * unless the request asked for them.
   */
  unsealedEdits: string[];
  /** When each value last changed (ms since the epoch), when the request asked; and the value records: what `show --ages` reads. */
  changed: Map<string, number>;
  records: ValueRecords;
}

export interface LoadRequest extends KeyOptions {
  input: string;
  /**
   * Compare the plaintext beside the sealed file (run and config() warn of unsealed edits). That reads
   * and parses the whole plaintext: at 100k names, with the dates below, a quarter of `export`'s time
   * and 38 MB of its peak, which is why the commands that never report them do not ask.
   */
  unsealedEdits?: boolean;
  /** Read each value's date from its token (`show --ages`). */
  changeDates?: boolean;
}

export function loadSealedValues(request: LoadRequest): LoadedValues {
  const { opened, ring } = openSealedFile({ ...request, file: request.input });
  // Asked first, while nothing below is built yet: the plaintext's lines are the largest thing this
  // holds besides the sealed file's.
  const edits = request.unsealedEdits ? unsealedEdits(request.input, opened, ring) : [];
  const quotes = new Map<string, Quote>();
  for (const line of opened.lines) if (line.kind === 'entry') quotes.set(line.name, line.quote);
  return {
    file: request.input,
    values: toRecord(opened.lines),
    quotes,
    fingerprint: opened.fingerprint,
    keySource: ring.source,
    keyIndex: opened.keyIndex,
    unsealedEdits: edits,
    changed: request.changeDates ? changeDates(opened.lines) : new Map(),
    records: opened.records,
  };
}

function unsealedEdits(sealedFile: string, opened: OpenedFile, ring: KeyRing): string[] {
  const plain = plainNameFor(sealedFile);
  if (!sealedFile.endsWith(SEALED_SUFFIX) || !exists(plain)) return [];
  try {
    const moved = drift(plain, parseEnv(readText(plain).text, plain), sealedFile, opened, ring);
    return moved ? changedNames(moved.local) : [];
  } catch (e) {
    if (e instanceof EnvsealError) return []; // a plaintext envseal cannot read is no edit it can name
    throw e;
  }
}
