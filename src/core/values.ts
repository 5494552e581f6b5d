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
   * sealed values does not see. Empty when there is no plaintext or it holds no such edits.
   */
  unsealedEdits: string[];
  /** When each value last changed (ms since the epoch), and the value records: what `show --ages` reads. */
  changed: Map<string, number>;
  records: ValueRecords;
}

export function loadSealedValues(request: KeyOptions & { input: string }): LoadedValues {
  const { opened, ring } = openSealedFile({ ...request, file: request.input });
  const quotes = new Map<string, Quote>();
  for (const line of opened.lines) if (line.kind === 'entry') quotes.set(line.name, line.quote);
  return {
    file: request.input,
    values: toRecord(opened.lines),
    quotes,
    fingerprint: opened.fingerprint,
    keySource: ring.source,
    keyIndex: opened.keyIndex,
    unsealedEdits: unsealedEdits(request.input, opened, ring),
    changed: changeDates(opened.lines),
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
