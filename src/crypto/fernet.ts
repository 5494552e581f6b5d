/**
 * Fernet (https://github.com/fernet/spec), version 0x80: AES-128-CBC with PKCS#7 padding for
 * confidentiality, HMAC-SHA256 over version ‖ timestamp ‖ IV ‖ ciphertext for integrity.
 * A key is 32 bytes: the first 16 sign, the last 16 encrypt. Tokens and keys are base64url.
 *
 * Decoding is strict where other implementations are lenient (the npm `fernet` package and Python's
 * urlsafe_b64decode both skip characters outside the alphabet): a token either is the canonical
 * base64url of a well-formed token, or it is rejected. Strictness keeps the set of accepted tokens
 * equal to the set this module can produce.
 */
import { type Cipher, type Decipher, createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { EnvsealError, Code, type ErrorCode } from '../errors.js';

const VERSION = 0x80;
const HEADER_BYTES = 1 + 8 + 16;
const HMAC_BYTES = 32;
const BLOCK = 16;
/** Tokens stamped further than this in the future are refused when a TTL applies, as in the spec. */
const MAX_CLOCK_SKEW_SEC = 60;

export type InvalidTokenReason =
  | 'encoding'
  | 'length'
  | 'version'
  | 'expired'
  | 'future'
  | 'mac'
  | 'padding';

const TOKEN_CODES: Record<InvalidTokenReason, ErrorCode> = {
  encoding: Code.FERNET_ENCODING,
  length: Code.FERNET_LENGTH,
  version: Code.FERNET_VERSION,
  expired: Code.FERNET_EXPIRED,
  future: Code.FERNET_FUTURE,
  mac: Code.FERNET_MAC,
  padding: Code.FERNET_PADDING,
};

/** A token that is not valid under any of the given keys. The reason never includes token bytes. */
export class InvalidTokenError extends EnvsealError {
  readonly reason: InvalidTokenReason;
  /** Which token, when several were opened at once (decryptEach). */
  readonly index: number | undefined;
  constructor(reason: InvalidTokenReason, index?: number) {
    super(TOKEN_CODES[reason], `invalid Fernet token (${reason})`);
    this.reason = reason;
    this.index = index;
  }
}

export class InvalidKeyError extends EnvsealError {
  constructor(detail: string) {
    super(Code.FERNET_KEY, `invalid Fernet key: ${detail}`);
  }
}

const BASE64URL_PADDED = /^[A-Za-z0-9_-]*={0,2}$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The length `text` decodes to when it is canonical, padded base64url (what `encodeBase64Url` produces), else -1. */
function canonicalLength(text: string): number {
  if (text.length % 4 !== 0 || !BASE64URL_PADDED.test(text)) return -1;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (padding > 0) {
    // The last data character carries 2 (one '=') or 4 (two '=') unused bits, which must be zero.
    const bits = ALPHABET.indexOf(text[text.length - 1 - padding]!);
    if ((bits & (padding === 1 ? 0b11 : 0b1111)) !== 0) return -1;
  }
  return (text.length / 4) * 3 - padding;
}

/** Canonical, padded base64url; rejects anything `encodeBase64Url` would not have produced. */
export function decodeBase64Url(text: string): Buffer | undefined {
  const length = canonicalLength(text);
  if (length < 0) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.length === length ? bytes : undefined;
}

/** Padded base64url, the form the Fernet spec and Python's cryptography use. */
export function encodeBase64Url(bytes: Uint8Array): string {
  const unpadded = (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('base64url');
  return unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4);
}

/** A parsed Fernet key. Holds key bytes: never log it; inspecting it shows nothing secret. */
export class FernetKey {
  readonly #signing: Buffer;
  readonly #encryption: Buffer;
  /** AES-128-CBC under this key, each made once and fed token after token (see decipher() and encryptCbc()). */
  #cbc: Decipher | undefined;
  #cbcEncrypt: Cipher | undefined;
  /** The block decipher encryptCbc() steers the cipher's chain with, and the chain's last block. */
  #blockDecrypt: Decipher | undefined;
  #chain = Buffer.alloc(BLOCK);

  private constructor(bytes: Buffer) {
    this.#signing = bytes.subarray(0, 16);
    this.#encryption = bytes.subarray(16, 32);
  }

  static fromBytes(bytes: Uint8Array): FernetKey {
    if (bytes.length !== 32) throw new InvalidKeyError(`expected 32 bytes, got ${bytes.length}`);
    return new FernetKey(Buffer.from(bytes));
  }

  static fromString(text: string): FernetKey {
    const bytes = decodeBase64Url(text);
    if (!bytes) throw new InvalidKeyError('not canonical base64url');
    return FernetKey.fromBytes(bytes);
  }

  static generate(): FernetKey {
    return new FernetKey(randomBytes(32));
  }

  /** The key in its interchange form (44 characters). This is secret material. */
  export(): string {
    return encodeBase64Url(Buffer.concat([this.#signing, this.#encryption]));
  }

  /** @internal */
  sign(data: Uint8Array): Buffer {
    return createHmac('sha256', this.#signing).update(data).digest();
  }

  /**
   * @internal AES-128-CBC encryption with PKCS#7 padding, with this key's one cipher. A CBC cipher
   * XORs each block with the last ciphertext block before encrypting it; so a block X = AES⁻¹(iv) XOR
   * last block, put before the plaintext, comes out as `iv` (dropped), and the plaintext is then
   * encrypted exactly as by a cipher made with that IV.
   */
  encryptCbc(iv: Uint8Array, plaintext: Uint8Array): Buffer {
    if (!this.#cbcEncrypt || !this.#blockDecrypt) {
      this.#cbcEncrypt = createCipheriv('aes-128-cbc', this.#encryption, this.#chain);
      this.#cbcEncrypt.setAutoPadding(false);
      this.#blockDecrypt = createDecipheriv('aes-128-ecb', this.#encryption, null);
      this.#blockDecrypt.setAutoPadding(false);
    }
    const padding = BLOCK - (plaintext.length % BLOCK);
    const input = Buffer.allocUnsafe(BLOCK + plaintext.length + padding);
    const steer = this.#blockDecrypt.update(iv);
    for (let i = 0; i < BLOCK; i++) input[i] = steer[i]! ^ this.#chain[i]!;
    input.set(plaintext, BLOCK);
    input.fill(padding, BLOCK + plaintext.length);
    const out = this.#cbcEncrypt.update(input);
    this.#chain = out.subarray(out.length - BLOCK);
    return out.subarray(BLOCK);
  }

  /**
   * @internal AES-128-CBC decryption of `ivAndCiphertext` (whole 16-byte blocks), with this key's one
   * decipher: see decipher() below.
   */
  decryptCbc(ivAndCiphertext: Uint8Array): Buffer {
    return this.decryptCbcRun(ivAndCiphertext).subarray(BLOCK);
  }

  /**
   * @internal Like decryptCbc, for several tokens' IV ‖ ciphertext one after the other: the output
   * holds each token's plaintext after a dropped block where its IV was.
   */
  decryptCbcRun(ivsAndCiphertexts: Uint8Array): Buffer {
    if (!this.#cbc) {
      this.#cbc = createDecipheriv('aes-128-cbc', this.#encryption, Buffer.alloc(BLOCK));
      this.#cbc.setAutoPadding(false);
    }
    return this.#cbc.update(ivsAndCiphertexts);
  }

  toJSON(): string {
    return '[FernetKey]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[FernetKey]';
  }
}

export interface EncryptOptions {
  /** Seconds since the epoch to stamp into the token (default: now). */
  now?: number;
  /** 16-byte IV; only for reproducing spec vectors. Never reuse an IV in real use. */
  iv?: Uint8Array;
}

export interface DecryptOptions {
  /** Maximum token age in seconds. Without it, age and clock skew are not checked (as in the spec). */
  ttl?: number;
  /** Seconds since the epoch to check the TTL against (default: now). */
  now?: number;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** IVs are cut from one random buffer at a time: one call to the CSPRNG per 256 values sealed, not per value. */
const IV_POOL_BYTES = 256 * 16;
let ivPool = Buffer.alloc(0);
let ivTaken = 0;

function freshIv(): Buffer {
  if (ivTaken === ivPool.length) {
    ivPool = randomBytes(IV_POOL_BYTES);
    ivTaken = 0;
  }
  ivTaken += 16;
  return ivPool.subarray(ivTaken - 16, ivTaken);
}

export function encrypt(key: FernetKey, message: Uint8Array | string, options: EncryptOptions = {}): string {
  const plaintext = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  const iv = options.iv ?? freshIv();
  if (iv.length !== 16) throw new RangeError('Fernet IV must be 16 bytes');
  const ciphertext = key.encryptCbc(iv, plaintext);
  const signedBytes = HEADER_BYTES + ciphertext.length;
  const token = Buffer.allocUnsafe(signedBytes + HMAC_BYTES);
  token[0] = VERSION;
  token.writeBigUInt64BE(BigInt(options.now ?? nowSeconds()), 1);
  token.set(iv, 9);
  token.set(ciphertext, HEADER_BYTES);
  token.set(key.sign(token.subarray(0, signedBytes)), signedBytes);
  return encodeBase64Url(token);
}

interface ParsedToken {
  bytes: Buffer;
  timestamp: number;
}

function parseToken(token: string): ParsedToken {
  const bytes = decodeBase64Url(token);
  if (!bytes) throw new InvalidTokenError('encoding');
  checkShape(bytes);
  return { bytes, timestamp: Number(bytes.readBigUInt64BE(1)) };
}

/** A decoded token's length (whole blocks of ciphertext) and version byte. */
function checkShape(bytes: Buffer, index?: number): void {
  const ciphertextBytes = bytes.length - HEADER_BYTES - HMAC_BYTES;
  if (ciphertextBytes < BLOCK || ciphertextBytes % BLOCK !== 0) throw new InvalidTokenError('length', index);
  if (bytes[0] !== VERSION) throw new InvalidTokenError('version', index);
}

/** The timestamp (seconds since the epoch) a token claims, unverified; undefined when it is no token. */
export function tokenTimestamp(token: string): number | undefined {
  try {
    return parseToken(token).timestamp;
  } catch (e) {
    if (e instanceof InvalidTokenError) return undefined;
    throw e;
  }
}

function checkAge(timestamp: number, options: DecryptOptions): void {
  if (options.ttl === undefined) return;
  const now = options.now ?? nowSeconds();
  if (timestamp + options.ttl < now) throw new InvalidTokenError('expired');
  if (timestamp > now + MAX_CLOCK_SKEW_SEC) throw new InvalidTokenError('future');
}

function verifyMac(key: FernetKey, bytes: Buffer): boolean {
  const macStart = bytes.length - HMAC_BYTES;
  return timingSafeEqual(key.sign(bytes.subarray(0, macStart)), bytes.subarray(macStart));
}

/**
 * AES-128-CBC decryption and the PKCS#7 padding check, without a decipher object per token. CBC
 * decrypts a block as the block cipher's inverse XOR the block before it, so one decipher can be fed
 * token after token: each gets its IV first, whose own output (the inverse of the IV XOR the previous
 * token's last block) is dropped, and its ciphertext then chains from that IV exactly as a fresh
 * decipher would. The MAC was checked first, so the padding check is no oracle.
 */
function decipher(key: FernetKey, bytes: Buffer): Buffer {
  return unpad(key.decryptCbc(bytes.subarray(9, bytes.length - HMAC_BYTES)));
}

/** The plaintext without its PKCS#7 padding, which must be well formed. */
function unpad(plain: Buffer, index?: number): Buffer {
  const padding = plain[plain.length - 1]!;
  let bad = padding === 0 || padding > BLOCK ? 1 : 0;
  for (let i = plain.length - Math.min(padding, BLOCK); i < plain.length; i++) bad |= plain[i]! ^ padding;
  if (bad !== 0) throw new InvalidTokenError('padding', index);
  return plain.subarray(0, plain.length - padding);
}

export interface Decrypted {
  plaintext: Buffer;
  /** Index into the key list of the key that verified the token. */
  keyIndex: number;
  /** Seconds since the epoch at which the token was made. */
  timestamp: number;
}

/**
 * Verifies and decrypts a token with the first key whose HMAC matches, like Python's MultiFernet:
 * pass the current key first, then previous keys.
 */
export function decryptWithKeys(keys: readonly FernetKey[], token: string, options: DecryptOptions = {}): Decrypted {
  const { bytes, timestamp } = parseToken(token);
  checkAge(timestamp, options);
  const keyIndex = keys.findIndex((key) => verifyMac(key, bytes));
  if (keyIndex < 0) throw new InvalidTokenError('mac');
  return { plaintext: decipher(keys[keyIndex]!, bytes), keyIndex, timestamp };
}

export function decrypt(key: FernetKey, token: string, options: DecryptOptions = {}): Buffer {
  return decryptWithKeys([key], token, options).plaintext;
}

/** How much token text decryptEach decodes at a time: its buffers stay small whatever the number of tokens. */
const BATCH_CHARACTERS = 64 * 1024;

/**
 * Verifies and decrypts `tokens`, all under `key`, handing each plaintext to `each` in order, as a
 * view into one buffer for its whole batch (decode or copy it: keeping it keeps the batch). The
 * same checks as decryptWithKeys, made on batches: the tokens of up to 64 KB of text are decoded into
 * one buffer, every MAC is checked, and then all their ciphertexts are deciphered with one call, so
 * a file of many values costs a few buffers instead of several per value. A token that fails throws
 * InvalidTokenError with its index; no token of its batch reaches `each`.
 */
export function decryptEach(key: FernetKey, tokens: readonly string[], each: (index: number, plaintext: Buffer) => void): void {
  let decoded = Buffer.alloc(0);
  let cbcInput = Buffer.alloc(0);
  for (let first = 0; first < tokens.length; ) {
    let last = first;
    let characters = 0;
    while (last < tokens.length && (last === first || characters + tokens[last]!.length <= BATCH_CHARACTERS)) characters += tokens[last++]!.length;
    // Where each token's bytes start in `decoded`; its IV and ciphertext go to `cbcInput` in turn.
    const starts = new Int32Array(last - first + 1);
    for (let i = first; i < last; i++) {
      const length = canonicalLength(tokens[i]!);
      if (length < 0) throw new InvalidTokenError('encoding', i);
      starts[i - first + 1] = starts[i - first]! + length;
    }
    if (decoded.length < starts[last - first]!) decoded = Buffer.allocUnsafe(starts[last - first]!);
    let cbcBytes = 0;
    for (let i = first; i < last; i++) {
      const at = starts[i - first]!;
      const length = starts[i - first + 1]! - at;
      if (decoded.write(tokens[i]!, at, 'base64url') !== length) throw new InvalidTokenError('encoding', i);
      const bytes = decoded.subarray(at, at + length);
      checkShape(bytes, i);
      if (!verifyMac(key, bytes)) throw new InvalidTokenError('mac', i);
      cbcBytes += length - 9 - HMAC_BYTES;
    }
    if (cbcInput.length < cbcBytes) cbcInput = Buffer.allocUnsafe(cbcBytes);
    for (let i = first, at = 0; i < last; i++) at += decoded.copy(cbcInput, at, starts[i - first]! + 9, starts[i - first + 1]! - HMAC_BYTES);
    const plain = key.decryptCbcRun(cbcInput.subarray(0, cbcBytes));
    const plaintexts: Buffer[] = [];
    for (let i = first, at = 0; i < last; i++) {
      const span = starts[i - first + 1]! - starts[i - first]! - 9 - HMAC_BYTES;
      plaintexts.push(unpad(plain.subarray(at + BLOCK, at + span), i));
      at += span;
    }
    plaintexts.forEach((plaintext, i) => each(first + i, plaintext));
    first = last;
  }
}
