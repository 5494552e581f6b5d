/**
 * The HMAC key of finding fingerprints (`rule:file:hash`). It is public and fixed, so a committed
 * baseline matches on every machine. It hides nothing the repository does not already hold:
 * baselined findings are, by definition, in its history.
 *
 * It is SHA-256("envseal/v1/finding-fingerprint") (its test recomputes it), written
 * out so that loading the detector does not load node:crypto: a commit hook that finds nothing needs
 * no hash at all.
 */
export const FINGERPRINT_KEY = Buffer.from('49bff92a0310436277b567d1e6247a93a950f122720e0df33f1f0d57cb3bbb50', 'hex');
