/**
 * Which values are secrets. Pure: a name and a value in, a verdict out. In order:
 *
 *  1. config: the name matches `mask.sensitive` in .envseal.json (exact, or with `*` wildcards;
 *     case-insensitive). Always wins.
 *  2. name: one of the name's words is a secret word (KEY, SECRET, TOKEN, PASSWORD, PASS, PWD, PRIVATE,
 *     CREDENTIAL, AUTH, SALT, DSN, CERT, SESSION, COOKIE, PIN, ...). Words are the detector's (split on
 *     `_ . -` and camelCase), so KEYBOARD_LAYOUT and AUTHOR are not secrets but apiKey is. A name whose
 *     last word says it only describes a secret (SESSION_TIMEOUT, PASSWORD_MIN_LENGTH, SSL_KEY_FILE,
 *     AUTH_ENABLED) is not sensitive by name; its value is still checked by shape. These word lists
 *     are deliberately broader than the commit guard's (detect/names.ts): a hook must not cry wolf,
 *     while masking a harmless value costs nothing.
 *  3. shape: the value looks like key material: a PEM block, a JWT, a Fernet key or token, a token
 *     with a well-known vendor prefix (sk_live_, ghp_, AKIA..., xoxb-, glpat-, ...), 32+ hex digits,
 *     or a high-entropy token of 20+ characters mixing letters and digits.
 *  4. embedded password: the value holds a password inside it, as a URL's user-info
 *     (`postgres://app:PASSWORD@db/app`) or a `password=`/`pwd=` field of a connection string or
 *     query. Only the password is secret; the rest of the value is shown.
 *
 * The rules err towards masking: a false positive hides a harmless value, a false negative leaks one.
 */

import { shannonEntropy } from '../detect/entropy.js';
import { nameWords } from '../detect/names.js';

export type SensitivityReason = 'config' | 'name' | 'shape' | 'embedded-password';

export type Sensitivity =
  | { kind: 'public' }
  | { kind: 'secret'; reason: Exclude<SensitivityReason, 'embedded-password'> }
  /** Only parts of the value are secret: `spans` are [start, end) offsets, in order, not overlapping. */
  | { kind: 'embedded'; reason: 'embedded-password'; spans: ReadonlyArray<readonly [number, number]> };

export interface MaskRules {
  /** Names the project declared sensitive, compiled. */
  readonly configured: readonly RegExp[];
}

const SECRET_WORDS = new Set([
  'key', 'keys', 'apikey', 'accesskey', 'secretkey', 'privatekey', 'masterkey',
  'secret', 'secrets', 'clientsecret',
  'token', 'tokens', 'authtoken', 'accesstoken', 'refreshtoken',
  'password', 'passwords', 'pass', 'passwd', 'pwd', 'passphrase',
  'private', 'credential', 'credentials', 'creds', 'auth', 'bearer',
  'salt', 'pepper', 'hmac', 'signature', 'dsn', 'cert', 'certificate',
  'session', 'cookie', 'otp', 'pin', 'webhook',
]);

/** A last word that makes the name describe a secret rather than hold one. */
const DESCRIPTIVE_WORDS = new Set([
  'timeout', 'ttl', 'expiry', 'expires', 'expiration', 'lifetime', 'age', 'length', 'len', 'size',
  'count', 'limit', 'min', 'max', 'enabled', 'disabled', 'enable', 'disable', 'required', 'file',
  'path', 'dir', 'host', 'port', 'name', 'type', 'algorithm', 'alg', 'header', 'domain', 'samesite',
  'secure', 'httponly', 'prefix', 'version', 'mode', 'provider', 'strategy', 'format',
]);

export function isSensitiveName(name: string): boolean {
  const words = nameWords(name);
  if (words.length > 1 && DESCRIPTIVE_WORDS.has(words[words.length - 1]!)) return false;
  return words.some((word) => SECRET_WORDS.has(word));
}

/** Compiles `mask.sensitive` patterns: `*` matches any run of characters, everything else is literal. */
export function compileMaskRules(sensitive: readonly string[] = []): MaskRules {
  return {
    configured: sensitive.map(
      (pattern) => new RegExp(`^${pattern.trim().split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i'),
    ),
  };
}

const VENDOR_TOKENS: readonly RegExp[] = [
  /^(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,}$/, // Stripe secret and restricted keys
  /^whsec_[0-9A-Za-z+/=]{16,}$/, // webhook signing secrets (Stripe, Svix)
  /^gh[pousr]_[0-9A-Za-z]{30,}$/, // GitHub tokens
  /^github_pat_\w{30,}$/,
  /^glpat-[\w-]{20,}$/, // GitLab
  /^xox[abposr]-[\w-]{10,}$/, // Slack
  /^xapp-[\w-]{10,}$/,
  /^(?:AKIA|ASIA)[0-9A-Z]{16}$/, // AWS access key ids
  /^AIza[\w-]{35}$/, // Google API keys
  /^ya29\.[\w-]{20,}$/, // Google OAuth access tokens
  /^npm_[0-9A-Za-z]{36}$/,
  /^pypi-[\w-]{50,}$/,
  /^SG\.[\w-]{16,}\.[\w-]{16,}$/, // SendGrid
  /^sk-[\w-]{20,}$/, // OpenAI, Anthropic
  /^hf_[0-9A-Za-z]{30,}$/, // Hugging Face
  /^shp(?:at|ss|ca|pa)_[0-9a-fA-F]{32}$/, // Shopify
  /^dop_v1_[0-9a-f]{64}$/, // DigitalOcean
];

const PEM = /-----BEGIN [A-Z0-9 ]+-----/;
const JWT = /^eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*$/;
const FERNET_TOKEN = /^gAAAAA[\w-]{50,}={0,2}$/;
const FERNET_KEY = /^[\w-]{43}=$/;
const HEX = /^[0-9a-fA-F]{32,}$/;
const TOKEN_CHARS = /^[A-Za-z0-9_+/-]+={0,2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HIGH_ENTROPY_MIN_LENGTH = 20;
/** Bits per character. Random base62/base64 of 20+ characters scores ~4; words and paths score lower. */
const HIGH_ENTROPY_BITS = 3.5;

export function looksLikeKeyMaterial(value: string): boolean {
  const v = value.trim();
  if (PEM.test(v) || JWT.test(v) || FERNET_TOKEN.test(v) || FERNET_KEY.test(v) || HEX.test(v)) return true;
  if (VENDOR_TOKENS.some((re) => re.test(v))) return true;
  return isHighEntropyToken(v);
}

/**
 * A random-looking token: token characters only, letters and digits both present, and a high Shannon
 * entropy. UUIDs are excluded: they are mostly identifiers (tenant, client, project ids); a UUID used
 * as a secret is caught by its name.
 */
function isHighEntropyToken(v: string): boolean {
  if (v.length < HIGH_ENTROPY_MIN_LENGTH || !TOKEN_CHARS.test(v) || v.startsWith('/') || UUID.test(v)) return false;
  if (!/[0-9]/.test(v) || !/[A-Za-z]/.test(v)) return false;
  return shannonEntropy(v) >= HIGH_ENTROPY_BITS;
}

const URL_AUTHORITY = /[a-z][a-z0-9+.-]*:\/\/([^\s/?#]*)/gi;
const PASSWORD_FIELD = /(?:^|[;?&\s])\s*(?:password|passwd|pwd)\s*=\s*([^;&\s]*)/gi;

/** Where passwords sit inside a value: URL user-info passwords and `password=` fields. */
export function embeddedPasswordSpans(value: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const m of value.matchAll(URL_AUTHORITY)) {
    const authority = m[1]!;
    const at = authority.lastIndexOf('@');
    const colon = authority.indexOf(':');
    if (at < 0 || colon < 0 || colon > at) continue;
    const start = m.index + m[0].length - authority.length;
    if (at > colon + 1) spans.push([start + colon + 1, start + at]);
  }
  for (const m of value.matchAll(PASSWORD_FIELD)) {
    const password = m[1]!;
    if (password !== '') spans.push([m.index + m[0].length - password.length, m.index + m[0].length]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const disjoint: Array<[number, number]> = [];
  for (const span of spans) {
    const last = disjoint[disjoint.length - 1];
    if (last && span[0] < last[1]) last[1] = Math.max(last[1], span[1]);
    else disjoint.push(span);
  }
  return disjoint;
}

export function classify(name: string, value: string, rules: MaskRules): Sensitivity {
  if (rules.configured.some((re) => re.test(name))) return { kind: 'secret', reason: 'config' };
  if (isSensitiveName(name)) return { kind: 'secret', reason: 'name' };
  if (looksLikeKeyMaterial(value)) return { kind: 'secret', reason: 'shape' };
  const spans = embeddedPasswordSpans(value);
  return spans.length > 0 ? { kind: 'embedded', reason: 'embedded-password', spans } : { kind: 'public' };
}
