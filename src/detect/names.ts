/**
 * Which variable names hold secrets. Names are split into words (snake_case, kebab-case, camelCase,
 * dotted paths) so `keyboard`, `author` and `tokenizer` are not mistaken for `key`, `auth`, `token`.
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

/** A name ending in one of these holds something about a secret, not the secret (API_KEY_ID, TOKEN_URL, PASSWORD_MIN_LENGTH). */
const DESCRIPTIVE_LAST_WORDS = new Set([
  'id', 'ids', 'name', 'names', 'file', 'files', 'path', 'paths', 'dir', 'url', 'uri', 'urls', 'endpoint', 'host', 'domain',
  'header', 'prefix', 'suffix', 'field', 'env', 'var', 'type', 'types', 'kind', 'format', 'length', 'len', 'size', 'count',
  'version', 'mode', 'alg', 'algorithm', 'region', 'ref', 'hint', 'label', 'enabled', 'required', 'hash', 'digest',
  'checksum', 'fingerprint', 'ttl', 'timeout', 'expiry', 'expires', 'expiration', 'lifetime', 'age', 'days', 'hours',
  'minutes', 'seconds', 'max', 'min', 'limit', 'attempts', 'retries', 'rounds', 'policy', 'provider', 'store', 'schema',
  'pattern', 'regex', 'example', 'placeholder', 'description', 'title', 'question', 'location', 'arn', 'method', 'scheme',
  'style', 'class', 'index', 'column', 'strength', 'rotation', 'reset', 'changed', 'updated', 'created', 'usage', 'user',
  'username', 'login', 'email', 'owner', 'status', 'state', 'valid', 'exists', 'set', 'list', 'map', 'flag', 'tag', 'node',
  'sha', 'md', 'etag', 'revision', 'rev', 'commit', 'mac', 'signature', 'sig',
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

export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
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

/**
 * Programming-language sources, where an unquoted value after `=` is an expression (a variable, a
 * call), never a literal secret. Everything else (env, YAML, INI, properties, shell, unknown) may
 * hold bare literals.
 */
const SOURCE_EXTENSIONS = new Set([
  'js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'vue', 'svelte', 'py', 'pyw', 'rb', 'go', 'java', 'kt', 'kts',
  'scala', 'groovy', 'gradle', 'cs', 'fs', 'vb', 'php', 'swift', 'rs', 'c', 'h', 'cc', 'cpp', 'cxx', 'hpp', 'hh', 'm', 'mm',
  'dart', 'lua', 'pl', 'pm', 'r', 'jl', 'ex', 'exs', 'erl', 'clj', 'cljs', 'hs', 'ml', 'elm', 'zig', 'nim', 'tf', 'hcl',
]);

export function isSourceCodeFile(file: string): boolean {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 && SOURCE_EXTENSIONS.has(base.slice(dot + 1).toLowerCase());
}
