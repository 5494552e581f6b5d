/**
 * Sealing with a last look at what stays readable. A sealed file keeps comments (and inline comments)
 * in plaintext, so before writing one envseal runs the detector over exactly those parts, with the
 * file's own values as team secrets and its keys as known keys, and refuses to seal a leak.
 */
import { FINGERPRINT_KEY } from '../detect/fingerprint-key.js';
import { ALLOW_MARKER } from '../detect/allow-marker.js';
import { detect } from '../detect/engine.js';
import { TeamSecretIndex } from '../detect/team-secrets.js';
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

export function sealGuarded(lines: readonly EnvLine[], ring: KeyRing, options: SealOptions): string {
  const values = lines.flatMap((line) => (line.kind === 'entry' ? [{ name: line.name, value: line.value }] : []));
  const findings = detect(plaintextParts(lines), {
    file: options.label,
    fingerprintKey: FINGERPRINT_KEY,
    knownKeys: ring.keys.map((key) => key.export()),
    teamSecrets: TeamSecretIndex.build(values),
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
