/**
 * SSH keys as age recipients, exactly as the reference implementation's agessh package defines them:
 *
 * - ssh-ed25519: the Ed25519 key becomes an X25519 point (u = (1 + y) / (1 - y)), the DH shared
 *   secret is multiplied by a tweak, HKDF-SHA-256 with an empty input, the SSH wire key as salt and
 *   the label as info, and the stanza is `ssh-ed25519 <tag> <share>`.
 * - ssh-rsa: RSA-OAEP-SHA-256 with the label "age-encryption.org/v1/ssh-rsa"; `ssh-rsa <tag>`.
 *
 * The tag is the first 4 bytes of SHA-256 over the wire key, so an identity knows which stanza is its
 * own. The wire key is always re-encoded canonically before it is hashed, as Go's ssh package does.
 */
import { constants, createHash, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import type { EnvsealError } from '../errors.js';
import { decodePaddedBase64, encodeRawBase64 } from './encoding.js';
import { invalidAge, type Stanza } from './format.js';
import { hkdf, isLowOrder, x25519PrivateKey, x25519PublicPoint } from './primitives.js';
import { refused, sshRefusal } from './refusals.js';
import { WireReader, wireMpint, wireString } from './ssh-wire.js';
import type { IdentityKey, Recipient, RecipientKey } from './types.js';
import { decodeShare, unwrapWithShare, wrapToPoint } from './x25519.js';

const ED25519_LABEL = 'age-encryption.org/v1/ssh-ed25519';
const RSA_LABEL = Buffer.from('age-encryption.org/v1/ssh-rsa');
const MIN_RSA_BITS = 2048;
/** OpenSSH's own limit; it also bounds the work a hostile key can ask for. */
const MAX_RSA_BITS = 16384;
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An SSH public key, parsed and checked, with nothing derived yet that only encryption needs. */
export type SshPublicKey =
  | { readonly type: 'ssh-ed25519'; readonly wire: Buffer; readonly tag: string; readonly recipient: Recipient; readonly edwards: Buffer }
  | { readonly type: 'ssh-rsa'; readonly wire: Buffer; readonly tag: string; readonly recipient: Recipient; readonly n: Buffer; readonly e: Buffer };

/** How a caller's errors are made: `what` names the key in refusals; `invalid` builds the parse error. */
export interface KeyErrors {
  readonly what: string;
  readonly invalid: (why: string) => EnvsealError;
}

/** Whether the blob names a type envseal can use: refused types say why, unknown ones are invalid. */
function checkSshType(type: string, errors: KeyErrors): asserts type is 'ssh-ed25519' | 'ssh-rsa' {
  const refusal = sshRefusal(type);
  if (refusal) throw refused(errors.what, refusal);
  if (type !== 'ssh-ed25519' && type !== 'ssh-rsa') throw errors.invalid('is not a key type envseal knows (ssh-ed25519, ssh-rsa)');
}

export function parseSshPublicKey(blob: Buffer, comment: string | undefined, errors: KeyErrors): SshPublicKey {
  const reader = new WireReader(blob, () => errors.invalid('is not a well-formed SSH public key'));
  const type = reader.name();
  checkSshType(type, errors);
  const made = (wire: Buffer): Pick<SshPublicKey, 'wire' | 'tag' | 'recipient'> => {
    const digest = createHash('sha256').update(wire).digest();
    return {
      wire,
      tag: encodeRawBase64(digest.subarray(0, 4)),
      recipient: Object.freeze({ type, text: `${type} ${wire.toString('base64')}`, fingerprint: `SHA256:${encodeRawBase64(digest)}`, ...(comment ? { comment } : {}) }),
    };
  };
  if (type === 'ssh-ed25519') {
    const edwards = reader.string();
    reader.end();
    if (edwards.length !== 32) throw errors.invalid('is not a well-formed SSH public key (an Ed25519 key is 32 bytes)');
    return { type, edwards, ...made(blob) };
  }
  const e = reader.mpint();
  const n = reader.mpint();
  reader.end();
  const bits = bitLength(n);
  if (bits < MIN_RSA_BITS) throw refused(errors.what, `an RSA key of ${bits} bits is too short: age requires at least ${MIN_RSA_BITS}`);
  if (bits > MAX_RSA_BITS) throw errors.invalid(`is an RSA key of ${bits} bits, more than OpenSSH's limit of ${MAX_RSA_BITS}`);
  // Go's ssh package (and so age) accepts public exponents of 3 to 24 bits, odd.
  if (bitLength(e) > 24 || bitLength(e) < 2 || (e[e.length - 1]! & 1) === 0) throw errors.invalid('is an RSA key with an invalid public exponent');
  return { type, n, e, ...made(Buffer.concat([wireString(Buffer.from(type)), wireMpint(e), wireMpint(n)])) };
}

/** One public key line's fields: "ssh-ed25519", the base64 blob, the comment. */
export function parseSshRecipient(type: string, base64: string, comment: string | undefined, errors: KeyErrors): RecipientKey {
  checkSshType(type, errors);
  const blob = decodePaddedBase64(base64);
  if (!blob) throw errors.invalid('is not a well-formed SSH public key (its key is not canonical base64)');
  const key = parseSshPublicKey(blob, comment, errors);
  if (key.type !== type) throw errors.invalid('is not a well-formed SSH public key (its type and its key disagree)');
  return sshRecipientKey(key, errors);
}

export function sshRecipientKey(key: SshPublicKey, errors: KeyErrors): RecipientKey {
  if (key.type === 'ssh-rsa') {
    const rsa = createPublicKey({ key: { kty: 'RSA', n: key.n.toString('base64url'), e: key.e.toString('base64url') }, format: 'jwk' });
    return {
      recipient: key.recipient,
      wrap: (fileKey) => ({ type: 'ssh-rsa', args: [key.tag], body: publicEncrypt({ key: rsa, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: RSA_LABEL }, fileKey) }),
    };
  }
  const point = edwardsToMontgomery(key.edwards);
  if (!point || isLowOrder(point)) throw errors.invalid('is not a valid Ed25519 public key (not a point of the curve, or of low order)');
  const tweak = tweakOf(key.wire);
  return {
    recipient: key.recipient,
    wrap: (fileKey) => {
      const { share, body } = wrapToPoint(point, fileKey, ED25519_LABEL, tweak);
      return { type: 'ssh-ed25519', args: [key.tag, encodeRawBase64(share)], body };
    },
  };
}

/** The tweak scalar: HKDF-SHA-256 of nothing, salted with the wire key. Salt and input are not interchangeable. */
const tweakOf = (wire: Buffer): KeyObject => x25519PrivateKey(hkdf(Buffer.alloc(0), wire, ED25519_LABEL));

/**
 * The identity of an Ed25519 private key (its 32-byte seed). The X25519 scalar is the first half of
 * SHA-512 over the seed, the same scalar Ed25519 signs with, so the point matches the converted key.
 */
export function ed25519IdentityKey(key: Extract<SshPublicKey, { type: 'ssh-ed25519' }>, seed: Buffer, mismatch: () => EnvsealError): IdentityKey {
  // Whether the seed is the public key's is checked only when a stanza with its tag fails: a key
  // file whose halves disagree then says so, and opening a good one costs no Ed25519 operation.
  const matches = () => createPublicKey(createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, seed]), format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' }).subarray(-32).equals(key.edwards);
  const secret = x25519PrivateKey(createHash('sha512').update(seed).digest().subarray(0, 32));
  const ourPoint = x25519PublicPoint(secret);
  const tweak = tweakOf(key.wire);
  return {
    recipient: key.recipient,
    unwrap: (stanza: Stanza) => {
      if (stanza.type !== 'ssh-ed25519') return undefined;
      if (stanza.args.length !== 2) throw invalidAge('header', 'an ssh-ed25519 stanza with other than two arguments');
      const share = decodeShare(stanza.args[1]!, 'ssh-ed25519');
      if (stanza.args[0] !== key.tag) return undefined;
      const fileKey = unwrapWithShare(secret, ourPoint, share, stanza.body, ED25519_LABEL, tweak);
      if (fileKey) return fileKey;
      if (!matches()) throw mismatch();
      // The tag says the stanza is this key's: one that does not open is broken, not someone else's.
      throw invalidAge('header', 'the ssh-ed25519 stanza for this key does not decrypt');
    },
  };
}

export interface RsaPrivateParts {
  readonly d: Buffer;
  readonly p: Buffer;
  readonly q: Buffer;
  readonly iqmp: Buffer;
}

export function rsaIdentityKey(key: Extract<SshPublicKey, { type: 'ssh-rsa' }>, parts: RsaPrivateParts, invalid: () => EnvsealError): IdentityKey {
  const [d, p, q] = [parts.d, parts.p, parts.q].map(toBigInt) as [bigint, bigint, bigint];
  if (p * q !== toBigInt(key.n) || p < 2n || q < 2n) throw invalid();
  const b64 = (value: Buffer | bigint) => (typeof value === 'bigint' ? fromBigInt(value) : value).toString('base64url');
  let rsa: KeyObject;
  try {
    rsa = createPrivateKey({
      key: { kty: 'RSA', n: b64(key.n), e: b64(key.e), d: b64(d), p: b64(p), q: b64(q), dp: b64(d % (p - 1n)), dq: b64(d % (q - 1n)), qi: b64(parts.iqmp) },
      format: 'jwk',
    });
  } catch {
    throw invalid();
  }
  return {
    recipient: key.recipient,
    unwrap: (stanza: Stanza) => {
      if (stanza.type !== 'ssh-rsa') return undefined;
      if (stanza.args.length !== 1) throw invalidAge('header', 'an ssh-rsa stanza with other than one argument');
      if (stanza.args[0] !== key.tag) return undefined;
      try {
        return privateDecrypt({ key: rsa, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: RSA_LABEL }, stanza.body);
      } catch {
        throw invalidAge('header', 'the ssh-rsa stanza for this key does not decrypt');
      }
    },
  };
}

// ---- Edwards to Montgomery ------------------------------------------------------------------------
// Node has no point arithmetic, so the conversion is done on bigints; it runs only when a key is
// granted or wrapped to, never when a file is opened.

const P = 2n ** 255n - 19n;
/** Edwards25519's d, -121665/121666 mod p. */
const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = base % P;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
}

const toBigInt = (bytes: Buffer): bigint => (bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`));
const fromBigInt = (value: bigint): Buffer => {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
};
const bitLength = (magnitude: Buffer): number => (magnitude.length === 0 ? 0 : (magnitude.length - 1) * 8 + (32 - Math.clz32(magnitude[0]!)));

/**
 * The Montgomery u of an encoded Edwards point, or undefined when the encoding is no point: x² =
 * (y² - 1) / (d·y² + 1) must have a root. Like Go's edwards25519 (which age uses), a y of p or more
 * is reduced, and the sign bit is ignored (u depends on y alone).
 */
function edwardsToMontgomery(encoded: Buffer): Buffer | undefined {
  const littleEndian = Buffer.from(encoded);
  littleEndian[31]! &= 0x7f;
  const y = toBigInt(littleEndian.reverse()) % P;
  const y2 = (y * y) % P;
  const ratio = (((y2 - 1n + P) % P) * ((D * y2 + 1n) % P)) % P;
  const legendre = modPow(ratio, (P - 1n) / 2n);
  if (legendre !== 0n && legendre !== 1n) return undefined;
  const u = ((1n + y) * modPow((1n - y + P) % P, P - 2n)) % P;
  return Buffer.from(u.toString(16).padStart(64, '0'), 'hex').reverse();
}
