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
 *     are deliberately broader than the commit guard's (secret-names.ts): a hook must not cry wolf,
 *     while masking a harmless value costs nothing.
 *  3. shape: the value looks like key material: a PEM block, a JWT, a Fernet key or token, a token
 *     with a well-known vendor prefix (sk_live_, ghp_, AKIA..., xoxb-, glpat-, ...), 32+ hex digits,
 *     or a high-entropy token of 20+ characters mixing letters and digits.
 *  4. embedded: the value holds secrets inside it: key material the detector (src/detect) finds there
 *     (`Bearer <JWT>`, `https://<token>@github.com/...`, `:_authToken=npm_...`, an AWS key pair in a
 *     connection string), or a password, as a URL's user-info (`postgres://app:PASSWORD@db/app`) or a
 *     `password=`/`pwd=` field of a connection string or query. Only those parts are secret; the rest
 *     of the value is shown.
 *
 * Whatever the verdict, the secrets found inside a value are listed as spans, so a redactor also hides
 * them when a program prints them alone (the token without its `Bearer `).
 *
 * The rules err towards masking: a false positive hides a harmless value, a false negative leaks one.
 */

import { secretSpans } from '../detect/engine.js';
import { shannonEntropy } from '../detect/entropy.js';
import { isSensitiveName } from '../secret-names.js';
import { nameGlob } from '../name-glob.js';

export type SensitivityReason = 'config' | 'name' | 'shape' | 'embedded-secret' | 'embedded-password';

/** [start, end) offsets into a value, in order, not overlapping. */
export type Spans = ReadonlyArray<readonly [number, number]>;

export type Sensitivity =
  | { kind: 'public' }
  /** The whole value is secret; `spans` are the secrets found inside it, each also secret on its own. */
  | { kind: 'secret'; reason: 'config' | 'name' | 'shape'; spans: Spans }
  /** Only the `spans` are secret: key material (`embedded-secret`), or passwords only (`embedded-password`). */
  | { kind: 'embedded'; reason: 'embedded-secret' | 'embedded-password'; spans: Spans };

export interface MaskRules {
  /** Names the project declared sensitive, compiled. */
  readonly configured: readonly RegExp[];
}

/** Compiles `mask.sensitive` patterns (name-glob.ts). */
export function compileMaskRules(sensitive: readonly string[] = []): MaskRules {
  return {
    configured: sensitive.map(nameGlob),
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

/** The prefixes above as one expression: one test per value, which tells them apart by the first characters. */
const VENDOR_TOKEN = new RegExp(VENDOR_TOKENS.map((re) => `(?:${re.source})`).join('|'));

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
  if (VENDOR_TOKEN.test(v)) return true;
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
  // Most values hold neither a URL nor an `=`: the expressions are not run over them.
  const urls = value.includes('://') ? value.matchAll(URL_AUTHORITY) : [];
  for (const m of urls) {
    const authority = m[1]!;
    const at = authority.lastIndexOf('@');
    const colon = authority.indexOf(':');
    if (at < 0 || colon < 0 || colon > at) continue;
    const start = m.index + m[0].length - authority.length;
    if (at > colon + 1) spans.push([start + colon + 1, start + at]);
  }
  const fields = value.includes('=') ? value.matchAll(PASSWORD_FIELD) : [];
  for (const m of fields) {
    const password = m[1]!;
    if (password !== '') spans.push([m.index + m[0].length - password.length, m.index + m[0].length]);
  }
  return disjoint(spans);
}

/**
 * Stripe test-mode keys: the guard lets them be committed (they move no money and fill test suites),
 * but they still open the team's test account, so output does not show them.
 */
const TEST_MODE_KEY = /\b[sr]k_test_[A-Za-z0-9]{16,}/g;

/**
 * Where the detector finds key material inside a value (tokens, JWTs, private keys, AWS keys...): the
 * commit guard's rules, run over the value alone, so the mask and the guard agree on what a secret is;
 * plus test-mode keys, which only the guard forgives.
 */
export function keyMaterialSpans(value: string): Array<[number, number]> {
  if (value === '') return [];
  const spans = secretSpans(value, VALUE_ALONE);
  if (value.includes('k_test_')) for (const m of value.matchAll(TEST_MODE_KEY)) spans.push([m.index, m.index + m[0].length]);
  return disjoint(spans);
}

/** The detector's options for a value read outside any file: one object, as every value is classified. */
const VALUE_ALONE = { file: '' };

/** Sorted, overlapping spans merged. */
function disjoint(spans: Array<[number, number]>): Array<[number, number]> {
  // Nearly every value has no span or one: classifying a file of 10k values called this 30k times.
  if (spans.length === 0) return [];
  if (spans.length === 1) return [[spans[0]![0], spans[0]![1]]];
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] < last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

/** One span holding all of the value but surrounding whitespace: the value is key material. */
function coversValue(spans: Spans, value: string): boolean {
  const start = value.length - value.trimStart().length;
  return spans.length === 1 && spans[0]![0] <= start && spans[0]![1] >= value.trimEnd().length;
}

export function classify(name: string, value: string, rules: MaskRules): Sensitivity {
  const material = keyMaterialSpans(value);
  const passwords = embeddedPasswordSpans(value);
  const spans = passwords.length === 0 ? material : material.length === 0 ? passwords : disjoint([...material, ...passwords]);
  if (rules.configured.some((re) => re.test(name))) return { kind: 'secret', reason: 'config', spans };
  if (isSensitiveName(name)) return { kind: 'secret', reason: 'name', spans };
  if (looksLikeKeyMaterial(value) || coversValue(material, value)) return { kind: 'secret', reason: 'shape', spans };
  if (spans.length === 0) return { kind: 'public' };
  const passwordsOnly = material.every(([start, end]) => passwords.some(([from, to]) => from <= start && end <= to));
  return { kind: 'embedded', reason: passwordsOnly ? 'embedded-password' : 'embedded-secret', spans };
}
