/**
 * The SSH wire encoding (RFC 4251 §5) that public key blobs and OpenSSH private key files use. The
 * reader throws the error its owner gives it, so a malformed public key reads as RECIPIENT_INVALID
 * and a malformed key file as IDENTITY_INVALID, without a second error type in between.
 */
import type { EnvsealError } from '../errors.js';

export class WireReader {
  readonly #bytes: Buffer;
  readonly #malformed: () => EnvsealError;
  #at = 0;

  constructor(bytes: Buffer, malformed: () => EnvsealError) {
    this.#bytes = bytes;
    this.#malformed = malformed;
  }

  get done(): boolean {
    return this.#at === this.#bytes.length;
  }

  take(length: number): Buffer {
    if (length > this.#bytes.length - this.#at) throw this.#malformed();
    const bytes = this.#bytes.subarray(this.#at, this.#at + length);
    this.#at += length;
    return bytes;
  }

  uint32(): number {
    return this.take(4).readUInt32BE(0);
  }

  string(): Buffer {
    return this.take(this.uint32());
  }

  /** A string that names something (a key type, a cipher): printable ASCII only. */
  name(): string {
    const name = this.string().toString('latin1');
    if (!/^[\x21-\x7e]*$/.test(name)) throw this.#malformed();
    return name;
  }

  /** A non-negative mpint's magnitude, without leading zeros (as OpenSSH reads them). */
  mpint(): Buffer {
    const bytes = this.string();
    if (bytes.length > 0 && bytes[0]! & 0x80) throw this.#malformed();
    let start = 0;
    while (start < bytes.length && bytes[start] === 0) start++;
    return bytes.subarray(start);
  }

  end(): void {
    if (!this.done) throw this.#malformed();
  }

  rest(): Buffer {
    return this.take(this.#bytes.length - this.#at);
  }
}

const uint32 = (value: number): Buffer => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
};

export const wireString = (bytes: Uint8Array): Buffer => Buffer.concat([uint32(bytes.length), bytes]);

/** A non-negative mpint from its magnitude: minimal, with a zero byte where the top bit is set. */
export const wireMpint = (magnitude: Buffer): Buffer => wireString(magnitude.length > 0 && magnitude[0]! & 0x80 ? Buffer.concat([Buffer.alloc(1), magnitude]) : magnitude);
