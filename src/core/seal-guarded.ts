/**
 * Sealing with a last look at what stays readable. A sealed file keeps comments (and inline comments)
 * in plaintext, so before writing one envseal runs the detector over exactly those parts, with the
 * file's own values as team secrets and its keys as known keys, and refuses to seal a leak.
 *
 * The team-secret index costs a few keyed hashes per value, which for a file of many names cost as
 * much as sealing it, while the readable text is usually a few comments. So only the values that can
 * occur in that text are indexed: the index finds a value where the text holds one of its encoded
 * forms (encodings.ts), and a form can only be there if its first 8 characters are, which a bitmap of
 * the text's 8-character windows answers. A URL value is also indexed when its password can occur
 * alone (the index looks for it too).
 */
import { FINGERPRINT_KEY } from '../detect/fingerprint-key.js';
import { ALLOW_MARKER } from '../detect/allow-marker.js';
import { detect } from '../detect/engine.js';
import { encodedForms } from '../detect/encodings.js';
import { TeamSecretIndex, type TeamValue } from '../detect/team-secrets.js';
import { EnvsealError, Code } from '../errors.js';
import type { EnvLine } from '../format/envfile.js';
import { type SealOptions, sealLines } from '../format/sealed.js';
import type { KeyRing } from '../keys/key-ring.js';

/** The text a reader of the sealed file sees in clear, at the lines where it sits; everything else blank. */
export function plaintextParts(lines: readonly EnvLine[]): string {
  const out: string[] = [];
  for (const line of lines) {
    while (out.length < line.line - 1) out.push('');
    out.push(line.kind === 'trivia' ? line.text : line.comment.trimStart());
  }
  return out.join('\n');
}

/** The shortest value the index holds (team-secrets.ts): every form it looks for is at least this long. */
const WINDOW = 8;
const WINDOW_BITS = 22;

/** Hash of text[start, start + WINDOW), WINDOW_BITS wide. */
function windowHash(text: string, start: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < start + WINDOW; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> (32 - WINDOW_BITS);
}

/** The values of `values` that can occur in `text` (see the module comment): a filter, never a verdict. */
export function valuesThatCanOccur(values: readonly TeamValue[], text: string): TeamValue[] {
  if (text.length < WINDOW) return [];
  const windows = new Uint8Array(1 << (WINDOW_BITS - 3));
  for (let i = 0; i + WINDOW <= text.length; i++) {
    const hash = windowHash(text, i);
    windows[hash >>> 3]! |= 1 << (hash & 7);
  }
  const present = (form: string): boolean => {
    if (form.length < WINDOW) return false;
    const hash = windowHash(form, 0);
    return (windows[hash >>> 3]! & (1 << (hash & 7))) !== 0;
  };
  const canOccur = (value: string): boolean => encodedForms(value.trim()).some((form) => present(form.text));
  return values.filter(({ value }) => canOccur(value) || urlPasswords(value).some(canOccur));
}

/** The password of a URL value, as written and decoded: the index also looks for it alone. */
function urlPasswords(value: string): string[] {
  if (!value.includes('://')) return [];
  let password: string;
  try {
    password = new URL(value.trim()).password;
  } catch {
    return [];
  }
  try {
    return [password, decodeURIComponent(password)];
  } catch {
    return [password];
  }
}

export function sealGuarded(lines: readonly EnvLine[], ring: KeyRing, options: SealOptions): string {
  const values = lines.flatMap((line) => (line.kind === 'entry' ? [{ name: line.name, value: line.value }] : []));
  const readable = plaintextParts(lines);
  const findings = detect(readable, {
    file: options.label,
    fingerprintKey: FINGERPRINT_KEY,
    knownKeys: ring.keys.map((key) => key.export()),
    teamSecrets: TeamSecretIndex.build(valuesThatCanOccur(values, readable)),
  });
  if (findings.length > 0) {
    const where = findings.map((f) => `line ${f.line} (${f.description})`).join(', ');
    throw new EnvsealError(
      Code.PLAINTEXT_LEAK,
      `${options.label}: a comment would stay readable in the sealed file and holds what looks like a secret: ${where}`,
      `Remove the secret from the comment (values belong in NAME=value entries, which are sealed), or mark a false alarm with \`${ALLOW_MARKER}\` in the comment.`,
    );
  }
  return sealLines(lines, ring.current, options);
}
