/**
 * The masked form of a secret. The rule never tells how long a short secret is:
 *
 *  - fewer than 32 characters: `****`, the same four stars whatever the length;
 *  - 32 characters or more: the first 4 and last 4 around `…` (`sk_l…a9Qz`). Those 8 characters are at
 *    most a quarter of the value, enough to tell two keys apart and far too few to guess the rest; the
 *    form is 9 characters wide whatever the length, so it only says "at least 32".
 *
 * If any of the 8 kept characters is whitespace or a control character (a PEM block ends in a newline),
 * the value becomes `****` instead, so a masked form is always one printable line. Characters are
 * counted in code points, so a surrogate pair is never cut in half.
 */
export const FULL_MASK = '****';
const KEEP = 4;
const MIN_LENGTH_TO_KEEP = KEEP * 2 * 4;
const UNPRINTABLE = /[\s\p{C}]/u;

export function mask(value: string): string {
  const chars = Array.from(value);
  if (chars.length < MIN_LENGTH_TO_KEEP) return FULL_MASK;
  const head = chars.slice(0, KEEP).join('');
  const tail = chars.slice(-KEEP).join('');
  return UNPRINTABLE.test(head + tail) ? FULL_MASK : `${head}…${tail}`;
}
