/**
 * Which variable names hold secrets: one module, three policies, because three callers ask three
 * different questions and the cost of a wrong answer differs for each.
 *
 *  - The commit guard (secretNameStrength, isCredentialName) blocks a commit on its answer, so a false
 *    alarm costs a teammate's time on every commit: its lists are narrow, and a weak name (KEY, TOKEN)
 *    needs a random-looking value too.
 *  - Masking (isSensitiveName) hides a value on its answer, and hiding a harmless value costs nothing
 *    while showing a secret leaks it: its list is broad (SESSION, COOKIE, PIN, DSN, CERT...).
 *  - `check`'s weak-value rule (isSecretLookingName) reports a short or low-entropy value under a name
 *    that must hold a strong secret: masking's names, narrowed to the words that mean "a secret someone
 *    chose" (a PIN or a session cookie name is not expected to be long).
 *
 * Names are split into words (snake_case, kebab-case, camelCase, dotted paths) so `keyboard`, `author`
 * and `tokenizer` are not mistaken for `key`, `auth`, `token`.
 */

/**
 * 'strong': the name says secret (SECRET_KEY, dbPassword, client_secret, API_KEY): a modest value is
 * enough. 'weak': the name only might (key, token, auth, private): the value must look random.
 */
export type NameStrength = 'strong' | 'weak' | 'none';

const STRONG_WORDS = new Set(['secret', 'secrets', 'password', 'passwords', 'passwd', 'pwd', 'passphrase', 'credential', 'credentials']);

/** Matched on the name with separators removed, so SECRETKEY, APIKEY and dbpassword count too. */
const STRONG_COMPOUNDS = [
  'secret',
  'password',
  'passwd',
  'passphrase',
  'credential',
  'apikey',
  'privatekey',
  'authtoken',
  'accesstoken',
  'refreshtoken',
  'apitoken',
  'bearertoken',
  'signingkey',
  'encryptionkey',
  'masterkey',
];

const WEAK_WORDS = new Set(['key', 'keys', 'token', 'tokens', 'auth', 'authorization', 'oauth', 'pass', 'private', 'cred', 'creds']);

/** A name mentioning one of these holds something public (publishable keys, public keys). */
const PUBLIC_WORDS = new Set(['public', 'publishable', 'pub', 'pubkey']);

/**
 * Last words of a number about a secret: how long it lives, how often it may be tried, how big it is
 * (TOKEN_TTL_SECONDS=3600, JWT_RESET_PASSWORD_EXPIRATION_MINUTES=10, PASSWORD_MIN_LENGTH=12).
 */
const QUANTITY_WORDS = [
  'ttl', 'timeout', 'expiry', 'expires', 'expiration', 'lifetime', 'age', 'duration', 'interval', 'window', 'delay',
  'ms', 'millis', 'milliseconds', 'sec', 'secs', 'seconds', 'mins', 'minutes', 'hours', 'days', 'weeks', 'months', 'years',
  'length', 'len', 'size', 'count', 'max', 'min', 'limit', 'threshold', 'attempts', 'retries', 'rounds', 'cost', 'bits',
];

/** A name ending in one of these holds something about a secret, not the secret (API_KEY_ID, TOKEN_URL, PASSWORD_MIN_LENGTH). */
const DESCRIPTIVE_LAST_WORDS = new Set([
  'id', 'ids', 'name', 'names', 'file', 'files', 'path', 'paths', 'dir', 'url', 'uri', 'urls', 'endpoint', 'host',
  'domain', 'header', 'prefix', 'suffix', 'field', 'env', 'var', 'type', 'types', 'kind', 'format', 'version', 'mode',
  'alg', 'algorithm', 'region', 'ref', 'hint', 'label', 'enabled', 'required', 'hash', 'digest', 'checksum',
  'fingerprint', 'policy', 'provider', 'store', 'schema', 'pattern', 'regex', 'example', 'placeholder', 'description',
  'title', 'question', 'location', 'arn', 'method', 'scheme', 'style', 'class', 'index', 'column', 'strength',
  'rotation', 'reset', 'changed', 'updated', 'created', 'usage', 'user', 'username', 'login', 'email', 'owner',
  'status', 'state', 'valid', 'exists', 'set', 'list', 'map', 'flag', 'tag', 'node', 'sha', 'md', 'etag', 'revision',
  'rev', 'commit', 'mac', 'signature', 'sig', ...QUANTITY_WORDS,
]);

/** A key or token name with one of these says what kind of credential it is (DD_APP_KEY, ALGOLIA_ADMIN_KEY, license_key). */
const CREDENTIAL_WORDS = new Set([
  'api', 'app', 'application', 'admin', 'license', 'auth', 'access', 'secret', 'private', 'signing', 'bearer', 'bot',
  'deploy', 'personal', 'service', 'server', 'client', 'master', 'management', 'integration', 'webhook', 'write',
]);

/**
 * Words of names whose keys and tokens are data, not credentials: cache and lookup keys, pagination
 * and idempotency tokens, digests, revisions, builds, sessions and devices.
 */
const NON_CREDENTIAL_WORDS = new Set([
  'cache', 'etag', 'commit', 'sha', 'hash', 'checksum', 'digest', 'revision', 'rev', 'build', 'version', 'idempotency',
  'dedup', 'dedupe', 'page', 'next', 'continuation', 'cursor', 'pagination', 'output', 'input', 'partition', 'sort',
  'primary', 'foreign', 'row', 'object', 'lookup', 'routing', 'lock', 'map', 'translation', 'i', 'csrf', 'xsrf',
  'request', 'correlation', 'trace', 'session', 'device', 'registration', 'nonce', 'state', 'file', 'content', 'upload',
  'idem', 'group', 'message', 'event', 'order', 'item', 'record', 'entity', 'user', 'public', 'test', 'example', 'sample',
  'fake', 'mock', 'dummy',
]);

/**
 * Whether a name says its value is a credential, which makes values that are usually identifiers
 * (UUIDs) or digests (32-128 hex) secrets under it: a strong name (HEROKU_API_KEY, password,
 * _authToken), or a key or token name qualified by a credential word (DD_APP_KEY, license_key) or by
 * a vendor (SNYK_TOKEN, POSTMARK_SERVER_TOKEN), but not one that names data (cache_key,
 * next_page_token, idempotency_key).
 */
export function isCredentialName(name: string): boolean {
  const strength = secretNameStrength(name);
  if (strength !== 'weak') return strength === 'strong';
  const words = nameWords(name);
  if (words.some((word) => NON_CREDENTIAL_WORDS.has(word))) return false;
  return words.some((word) => CREDENTIAL_WORDS.has(word)) || (words.length >= 2 && ['key', 'token'].includes(words[words.length - 1]!));
}

const LOWER = /[a-z]/;

export function nameWords(name: string): string[] {
  // Without a lower-case letter (most environment variables) there is no camelCase boundary to mark:
  // digits and underscores split the words anyway. Masking asks this of every name it classifies.
  const marked = LOWER.test(name)
    ? name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/(?<![A-Z])([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    : name;
  return marked
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((word) => word.length > 0);
}

export function secretNameStrength(name: string): NameStrength {
  const words = nameWords(name);
  if (words.length === 0) return 'none';
  if (words.some((word) => PUBLIC_WORDS.has(word))) return 'none';
  if (DESCRIPTIVE_LAST_WORDS.has(words[words.length - 1]!)) return 'none';
  const joined = words.join('');
  if (words.some((word) => STRONG_WORDS.has(word)) || STRONG_COMPOUNDS.some((compound) => joined.includes(compound))) return 'strong';
  if (words.some((word) => WEAK_WORDS.has(word)) || joined.includes('token')) return 'weak';
  return 'none';
}

/** Masking: any of these among a name's words makes it sensitive. */
const MASKED_WORDS = new Set([
  'key', 'keys', 'apikey', 'accesskey', 'secretkey', 'privatekey', 'masterkey',
  'secret', 'secrets', 'clientsecret',
  'token', 'tokens', 'authtoken', 'accesstoken', 'refreshtoken',
  'password', 'passwords', 'pass', 'passwd', 'pwd', 'pw', 'passphrase', 'passcode', 'mnemonic', 'seedphrase',
  'private', 'credential', 'credentials', 'creds', 'auth', 'bearer',
  'salt', 'pepper', 'hmac', 'signature', 'dsn', 'cert', 'certificate',
  'session', 'cookie', 'otp', 'pin', 'webhook',
]);

/**
 * A last word that makes the name describe a secret rather than hold one. Not `header`: AUTH_HEADER
 * holds `Bearer <token>` itself.
 */
const MASK_DESCRIPTIVE_WORDS = new Set([
  ...QUANTITY_WORDS, 'enabled', 'disabled', 'enable', 'disable', 'required', 'file',
  'path', 'dir', 'host', 'port', 'name', 'type', 'algorithm', 'alg', 'domain', 'samesite',
  'secure', 'httponly', 'prefix', 'version', 'mode', 'provider', 'strategy', 'format',
]);

export function isSensitiveName(name: string): boolean {
  const words = nameWords(name);
  if (words.length > 1 && MASK_DESCRIPTIVE_WORDS.has(words[words.length - 1]!)) return false;
  // Two words may name a secret together (SEED_PHRASE, seedPhrase) where neither does alone (RANDOM_SEED).
  return words.some((word, i) => MASKED_WORDS.has(word) || MASKED_WORDS.has(word + (words[i + 1] ?? '')));
}

/** Name words that make a variable secret-looking for the entropy rule. */
const CHOSEN_SECRET_WORDS = new Set([
  'key', 'keys', 'apikey', 'accesskey', 'secretkey', 'privatekey', 'masterkey', 'secret', 'secrets', 'clientsecret',
  'token', 'tokens', 'authtoken', 'accesstoken', 'refreshtoken', 'password', 'passwords', 'pass', 'passwd', 'pwd',
  'passphrase', 'private', 'credential', 'credentials', 'auth', 'salt',
]);

/** KEY, SECRET, TOKEN, PASSWORD, PASS, PWD, PRIVATE, CREDENTIAL, AUTH or SALT among the name's words, and not a name that only describes a secret (PASSWORD_MIN_LENGTH). */
export function isSecretLookingName(name: string): boolean {
  const words = nameWords(name);
  // API_KEY_HEADER=X-Api-Key names a header; masking treats it as secret (it may hold the value), but a
  // short value there is no weak secret.
  if (words[words.length - 1] === 'header') return false;
  return isSensitiveName(name) && words.some((word) => CHOSEN_SECRET_WORDS.has(word));
}
