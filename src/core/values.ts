/**
 * The values a sealed file holds, as an application would load them: decrypted in memory, the last
 * entry of a name winning (dotenv semantics). The result holds plaintext: never write it to disk or
 * put it in a message.
 */
import type { Quote } from '../format/envfile.js';
import { toRecord } from '../format/envfile.js';
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
  };
}
