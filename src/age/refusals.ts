/**
 * The public keys envseal refuses, and why: one table for recipients (`grant`) and for identities
 * (a private key of such a type says the same). Messages name key types from this table only, never
 * the text they were given: a pasted "sk-…" may as well be an API token as a security key.
 */
import { Code, EnvsealError } from '../errors.js';

const HINT = 'Use an ssh-ed25519 key, an ssh-rsa key of 2048 bits or more, or an age key (`envseal identity new` makes one and prints its age1… line).';

const REASONS = {
  'security-key': 'a security key (sk-…) can sign but not decrypt, so nothing can be encrypted to it',
  ecdsa: 'age has no recipient type for ECDSA keys',
  dsa: 'age has no recipient type for DSA keys (obsolete, and removed from OpenSSH)',
  certificate: 'an SSH certificate is not a recipient: grant the plain public key it certifies',
  'post-quantum': 'post-quantum age keys (age1pq1…) cannot be read by Node 20 nor by Debian\'s age 1.1.1',
  plugin: 'an age plugin key (age1<plugin>1…) needs its plugin program, which envseal does not run',
} as const;

export type Refusal = keyof typeof REASONS;

/** Why an SSH key type is refused, or undefined for a type that is not (supported or unknown). */
export function sshRefusal(type: string): Refusal | undefined {
  if (type === 'sk-ssh-ed25519@openssh.com' || type === 'sk-ecdsa-sha2-nistp256@openssh.com') return 'security-key';
  if (type === 'sk-ssh-ed25519-cert-v01@openssh.com' || type === 'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com') return 'security-key';
  if (/^ecdsa-sha2-nistp(?:256|384|521)$/.test(type)) return 'ecdsa';
  if (type === 'ssh-dss') return 'dsa';
  if (/^(?:ssh-ed25519|ssh-rsa|ssh-dss|ecdsa-sha2-nistp(?:256|384|521))-cert-v01@openssh\.com$/.test(type)) return 'certificate';
  return undefined;
}

/** `what` says whose key it is: "this public key", "the identity in ~/.ssh/id_ecdsa". */
export function refused(what: string, why: Refusal | string): EnvsealError {
  const reason = why in REASONS ? REASONS[why as Refusal] : why;
  return new EnvsealError(Code.RECIPIENT_UNSUPPORTED, `${what} cannot be used: ${reason}`, HINT);
}
