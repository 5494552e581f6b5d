import { createHash } from 'node:crypto';

/**
 * The HMAC key of finding fingerprints (`rule:file:hash`). It is public and fixed, so a committed
 * baseline matches on every machine. It hides nothing the repository does not already hold:
 * baselined findings are, by definition, in its history.
 */
export const FINGERPRINT_KEY = createHash('sha256').update('envseal/v1/finding-fingerprint').digest();
