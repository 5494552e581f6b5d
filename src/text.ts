/** Text decoding shared by every reader of user files: strict UTF-8, no silent replacement characters. */

/** Git's own test for binary content: a NUL in the first 8000 bytes (or characters). */
export function isBinary(content: Uint8Array | string): boolean {
  return typeof content === 'string' ? content.slice(0, 8000).includes('\0') : content.subarray(0, 8000).includes(0);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Returns undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export interface NormalizedText {
  text: string;
  hadBom: boolean;
  hadCrlf: boolean;
}

/** Strips a UTF-8 BOM and turns CRLF/CR into LF, which is what dotenv does before parsing. */
export function normalizeNewlines(raw: string): NormalizedText {
  const hadBom = raw.charCodeAt(0) === 0xfeff;
  const body = hadBom ? raw.slice(1) : raw;
  const hadCrlf = body.includes('\r');
  return { text: hadCrlf ? body.replace(/\r\n?/g, '\n') : body, hadBom, hadCrlf };
}
