/**
 * Findings as objects. The matched secret and the fingerprint's HMAC key sit in private fields, so
 * JSON.stringify, util.inspect and spread copies never hold them, and the fingerprint is made when
 * first read: an HMAC costs more than the rest of a finding, and text reports never read it. A class,
 * since secret-dense text makes thousands of findings, and an object literal with a getter and a
 * non-enumerable property costs several times one with fields.
 */
import { createHmac } from 'node:crypto';
import type { Finding, FindingKind } from './types.js';

/** What a finding says, besides its secret and fingerprint. */
export interface FindingFields {
  file: string;
  line: number;
  column: number;
  rule: string;
  kind: FindingKind;
  description: string;
  maskedExcerpt: string;
  commit?: string | undefined;
}

export class SecretFinding implements Finding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly rule: string;
  readonly kind: FindingKind;
  readonly description: string;
  readonly maskedExcerpt: string;
  declare commit?: string;
  readonly #secret: string;
  readonly #fingerprintKey: Buffer | undefined;
  #fingerprint: string | undefined;

  /** `fingerprint`: the finding's fingerprint, or the HMAC key that makes it from the secret. */
  constructor(fields: FindingFields, secret: string, fingerprint: string | Buffer) {
    this.file = fields.file;
    this.line = fields.line;
    this.column = fields.column;
    this.rule = fields.rule;
    this.kind = fields.kind;
    this.description = fields.description;
    this.maskedExcerpt = fields.maskedExcerpt;
    if (fields.commit !== undefined) this.commit = fields.commit;
    this.#secret = secret;
    if (typeof fingerprint === 'string') this.#fingerprint = fingerprint;
    else this.#fingerprintKey = fingerprint;
  }

  /** The matched secret, for in-memory use only (comparing, re-checking); '' for a finding about a whole file. */
  get secret(): string {
    return this.#secret;
  }

  get fingerprint(): string {
    return (this.#fingerprint ??= `${this.rule}:${this.file}:${createHmac('sha256', this.#fingerprintKey!).update(this.#secret).digest('hex').slice(0, 16)}`);
  }

  /** The same finding with another description, or in another commit (none when `commit` is undefined). */
  with(changes: { description?: string; commit?: string | undefined }): SecretFinding {
    const fields: FindingFields = { ...this, description: changes.description ?? this.description, commit: 'commit' in changes ? changes.commit : this.commit };
    return new SecretFinding(fields, this.#secret, this.#fingerprint ?? this.#fingerprintKey!);
  }
}
