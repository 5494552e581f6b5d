/** The shapes the recipient types share: what the public API hands out, and what each type implements. */
import type { Stanza } from './format.js';

export type RecipientType = 'x25519' | 'ssh-ed25519' | 'ssh-rsa';

/** A public key envseal can encrypt to. Plain data: safe to print, store and compare by `text`. */
export interface Recipient {
  readonly type: RecipientType;
  /** The canonical one-line public key, without comment: "age1…", "ssh-ed25519 AAAA…", "ssh-rsa AAAA…". */
  readonly text: string;
  /** "SHA256:" and unpadded base64, as `ssh-keygen -l` prints it; for age1 keys, over the bech32 text. */
  readonly fingerprint: string;
  readonly comment?: string;
}

/** A recipient with what it takes to wrap a file key to it. */
export interface RecipientKey {
  readonly recipient: Recipient;
  wrap(fileKey: Buffer): Stanza;
}

/**
 * A private key's side. `unwrap` returns the file key from a stanza made for this key, undefined for
 * a stanza that is not (another type, another key), and throws AGE_INVALID for a stanza that is
 * addressed to this key but malformed, as the reference implementation does.
 */
export interface IdentityKey {
  readonly recipient: Recipient;
  unwrap(stanza: Stanza): Buffer | undefined;
}
