/**
 * JSON Web Keys (RFC 7517) holding private material: a JWK with a "d" member is private (the RSA
 * private exponent, the EC or OKP private scalar), and a symmetric "oct" JWK is its "k". Found in
 * JSON, JavaScript and Python objects by the member and the "kty" of the object around it.
 */
import type { MatchContext, Rule } from './types.js';

/** How far the enclosing object's braces are looked for: an RSA JWK with all its members is about 3 KB. */
const REACH = 20000;
const KTY = /(["']?)kty\1[ \t]*:[ \t]*["'](RSA|EC|OKP|oct)["']/g;

/**
 * Where the text's braces and "kty" members are, found in one pass each when the first candidate is
 * checked: each member is then judged by binary searches, so a text of many members (with no closing
 * brace, or all in one object) costs no more than one reading.
 */
interface Structure {
  opens: readonly number[];
  closes: readonly number[];
  kty: ReadonlyArray<{ at: number; type: string }>;
}

function structure(text: string): Structure {
  const opens: number[] = [];
  const closes: number[] = [];
  for (let at = text.indexOf('{'); at !== -1; at = text.indexOf('{', at + 1)) opens.push(at);
  for (let at = text.indexOf('}'); at !== -1; at = text.indexOf('}', at + 1)) closes.push(at);
  const kty = [...text.matchAll(KTY)].map((match) => ({ at: match.index, type: match[2]! }));
  return { opens, closes, kty };
}

/** The index of the first element of the sorted `list` for which `isAfter` holds (list.length when none). */
function firstAfter<T>(list: readonly T[], isAfter: (item: T) => boolean): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (isAfter(list[middle]!)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * The key type of the JWK object around the member at [memberStart, memberEnd), undefined when it is
 * not in one: the last '{' before the member (a '}' after it means the member sits in an outer object,
 * after a nested one closed), the first '}' after it, and a "kty" between them.
 */
function enclosingKeyType({ text, once }: Pick<MatchContext, 'text' | 'once'>, memberStart: number, memberEnd: number): string | undefined {
  const { opens, closes, kty } = once('jwk-structure', () => structure(text));
  const open = opens[firstAfter(opens, (at) => at >= memberStart) - 1];
  const closeIndex = firstAfter(closes, (at) => at >= memberEnd);
  const lastClose = closes[firstAfter(closes, (at) => at >= memberStart) - 1];
  if (open === undefined || memberStart - open > REACH || (lastClose !== undefined && lastClose > open)) return undefined;
  const close = closes[closeIndex];
  if (close === undefined || close - memberEnd > REACH) return undefined;
  // A "kty" member cannot hold a brace, so the first one at or after the '{' is inside the object when it starts before the '}'.
  const member = kty[firstAfter(kty, (found) => found.at >= open)];
  return member !== undefined && member.at < close ? member.type : undefined;
}

export const jwkPrivateKey: Rule = {
  id: 'jwk-private-key',
  description: 'private JSON Web Key (a JWK with a "d" member, or a symmetric key)',
  kind: 'private-key',
  // 16 bytes and more: a symmetric key of 128 bits, an EC or OKP scalar of 256, an RSA exponent.
  pattern: /(?<![\w$])(["']?)([dk])\1[ \t]*:[ \t]*["']([A-Za-z0-9_-]{22,4000})["']/,
  keywords: ['kty'],
  secretGroup: 3,
  entropy: 3.5,
  validate: (_secret, context) => {
    const keyType = enclosingKeyType(context, context.match.index, context.end);
    return context.match[2] === 'd' ? keyType === 'RSA' || keyType === 'EC' || keyType === 'OKP' : keyType === 'oct';
  },
};
