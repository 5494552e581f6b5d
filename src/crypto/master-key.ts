/**
 * A master key is a Fernet key (32 random bytes, 44 characters of padded base64url). Values are sealed
 * with it directly, so Python's `Fernet(key).decrypt(token)` opens them; everything else envseal keys
 * (the file MAC, keyed hashes) uses sub-keys derived with HKDF so no key serves two purposes.
 */
import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { EnvsealError, Code } from '../errors.js';
import { FernetKey, decodeBase64Url, encodeBase64Url } from './fernet.js';

export const MASTER_KEY_LENGTH = 44;

const HKDF_SALT = Buffer.from('envseal', 'utf8');

export type SubkeyPurpose = 'file-mac' | 'value-id' | 'recipients-mac' | 'exposure' | 'continuity' | 'value-markers';

export class MasterKey {
  readonly fernet: FernetKey;
  /** First 16 hex digits of SHA-256 over the key bytes: names a key without revealing it. */
  readonly fingerprint: string;
  readonly #bytes: Buffer;
  readonly #subkeys = new Map<SubkeyPurpose, Buffer>();

  private constructor(bytes: Buffer) {
    this.#bytes = bytes;
    this.fernet = FernetKey.fromBytes(bytes);
    this.fingerprint = fingerprintOf(bytes);
  }

  static generate(): MasterKey {
    return new MasterKey(randomBytes(32));
  }

  /**
   * Parses a key as found in a source (surrounding whitespace trimmed). `source` names where it came
   * from ("ENVSEAL_MASTER_KEY", "key file .env.key"); the error names the source, never the key.
   */
  static parse(text: string, source: string): MasterKey {
    const trimmed = text.trim();
    const bytes = decodeBase64Url(trimmed.length === MASTER_KEY_LENGTH - 1 ? `${trimmed}=` : trimmed);
    if (!bytes || bytes.length !== 32) {
      throw new EnvsealError(
        Code.KEY_MALFORMED,
        `the master key from ${source} is malformed: expected ${MASTER_KEY_LENGTH} url-safe base64 characters (32 bytes), found ${describeShape(trimmed)}`,
        'Copy the whole key again (it ends with "="), or create a new one with `envseal keygen`.',
      );
    }
    return new MasterKey(bytes);
  }

  /** The key in its interchange form. This is secret material: only keygen/init/rotate print or store it. */
  export(): string {
    return encodeBase64Url(this.#bytes);
  }

  subkey(purpose: SubkeyPurpose): Buffer {
    let key = this.#subkeys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.#bytes, HKDF_SALT, `envseal/v1/${purpose}`, 32));
      this.#subkeys.set(purpose, key);
    }
    return key;
  }

  /** HMAC-SHA256 under a derived sub-key. */
  mac(purpose: SubkeyPurpose, data: string | Uint8Array): Buffer {
    return createHmac('sha256', this.subkey(purpose)).update(data).digest();
  }

  equals(other: MasterKey): boolean {
    return this.fingerprint === other.fingerprint && this.#bytes.equals(other.#bytes);
  }

  toJSON(): string {
    return `[MasterKey ${this.fingerprint}]`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `[MasterKey ${this.fingerprint}]`;
  }
}

export function fingerprintOf(keyBytes: Uint8Array): string {
  return createHash('sha256').update(keyBytes).digest('hex').slice(0, 16);
}

/** Says what was wrong with a malformed key without echoing any of it. */
function describeShape(text: string): string {
  if (text.length === 0) return 'an empty value';
  const bad = /[^A-Za-z0-9_=-]/.test(text) ? ', including characters outside A-Z a-z 0-9 - _ =' : '';
  return `${text.length} characters${bad}`;
}
