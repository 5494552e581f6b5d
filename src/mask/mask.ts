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
  if (!hasCodePoints(value, MIN_LENGTH_TO_KEEP)) return FULL_MASK;
  // Most secrets begin and end in printable ASCII, where every UTF-16 unit is a code point: no
  // splitting into code points and no Unicode expression (a redactor masks every secret it holds).
  if (printableAsciiEnds(value)) return `${value.slice(0, KEEP)}…${value.slice(-KEEP)}`;
  // A code point is one or two UTF-16 units: the first and last 4 lie within 8 units of each end.
  const head = Array.from(value.slice(0, 2 * KEEP)).slice(0, KEEP).join('');
  const tail = Array.from(value.slice(-2 * KEEP)).slice(-KEEP).join('');
  return UNPRINTABLE.test(head + tail) ? FULL_MASK : `${head}…${tail}`;
}

/** Whether `text` has at least `count` code points, without splitting a long text into them. */
export function hasCodePoints(text: string, count: number): boolean {
  if (text.length >= 2 * count) return true;
  if (text.length < count) return false;
  let points = 0;
  for (const _ of text) if (++points >= count) return true;
  return false;
}

/** Whether the first and last KEEP units of `value` are all printable ASCII other than space. */
function printableAsciiEnds(value: string): boolean {
  for (let i = 0; i < KEEP; i++) {
    const head = value.charCodeAt(i);
    const tail = value.charCodeAt(value.length - 1 - i);
    if (head <= 0x20 || head >= 0x7f || tail <= 0x20 || tail >= 0x7f) return false;
  }
  return true;
}
