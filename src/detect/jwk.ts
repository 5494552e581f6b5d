/**
 * JSON Web Keys (RFC 7517) holding private material: a JWK with a "d" member is private (the RSA
 * private exponent, the EC or OKP private scalar), and a symmetric "oct" JWK is its "k". Found in
 * JSON, JavaScript and Python objects by the member and the "kty" of the object around it.
 */
import type { Rule } from './types.js';

/** How far the enclosing object's braces are looked for: an RSA JWK with all its members is about 3 KB. */
const REACH = 20000;
const KTY = /(["']?)kty\1[ \t]*:[ \t]*["'](RSA|EC|OKP|oct)["']/;

/** The key type of the JWK object around the member at [memberStart, memberEnd), undefined when it is not in one. */
function enclosingKeyType(text: string, memberStart: number, memberEnd: number): string | undefined {
  const windowStart = Math.max(0, memberStart - REACH);
  const before = text.slice(windowStart, memberStart);
  const open = before.lastIndexOf('{');
  // A '}' after the last '{' means the member sits in an outer object, after a nested one closed.
  if (open === -1 || before.lastIndexOf('}') > open) return undefined;
  const close = text.indexOf('}', memberEnd);
  if (close === -1 || close - memberEnd > REACH) return undefined;
  return KTY.exec(text.slice(windowStart + open, close))?.[2];
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
  validate: (_secret, { text, match, end }) => {
    const keyType = enclosingKeyType(text, match.index, end);
    return match[2] === 'd' ? keyType === 'RSA' || keyType === 'EC' || keyType === 'OKP' : keyType === 'oct';
  },
};
