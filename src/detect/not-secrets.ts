/**
 * Values that match a secret's shape but are not secrets: placeholders and references, credentials
 * published in vendors' documentation, envseal's own ciphertext, and hashes or identifiers that
 * happen to look random. Every rule's candidate goes through these before it becomes a finding.
 */
import type { MatchContext } from './types.js';

/**
 * Placeholders people write where a secret will go, and references to a secret kept elsewhere:
 * `<token>`, `your_api_key_here`, `changeme`, `xxx`, `****`, `sk_live_...`, `${VAR}`, `$(cmd)`,
 * `$VAR`, `{{ var }}`, `#{var}`, `{0}`, `%(var)s`, `%VAR%`, `RANDOMSTRINGHERE`, `####`. Each form is
 * recognised written whole (a bracketed name, a template with its closing brace, a reference at the
 * start, an ellipsis at an end, a format field among word characters), so the same characters
 * scattered through a generated password (`...`, `{{`, `${`, `#{`, `$(`, `$x`, `<D>`, `{}`) do not
 * make it a placeholder.
 */
export const PLACEHOLDER = new RegExp(
  [
    String.raw`^<.*>$`,
    // The last &lt; before a &gt;: a scan from every &lt; to the end of the line would be quadratic.
    String.raw`&lt;(?:(?!&lt;).)*&gt;`,
    String.raw`^your[_-]`,
    String.raw`[_-]here$`,
    String.raw`change[_-]?me`,
    String.raw`replace[_-]?me`,
    String.raw`placeholder`,
    String.raw`redacted`,
    String.raw`dummy`,
    // "xxx" as a word of its own, or a run long enough that random data almost never has it.
    String.raw`(?:^|[^a-z0-9])x{3,}(?:[^a-z0-9]|$)`,
    String.raw`x{6,}`,
    String.raw`\*{3,}`,
    String.raw`#{4,}`,
    String.raw`(?:string|token|key|secret|value|password)here$`,
    // A value cut short for display: "sk_live_...", "...4f2a", "ghp_ab...yz".
    String.raw`^\.{3}|\.{3}$|^.{1,16}\.{3}.{1,16}$`,
    '\u2026',
    // `${VAR}`, `${VAR:-default}`, `${{ secrets.TOKEN }}`, `${var.db_password}`, `${env:DB_PASS}`.
    String.raw`\$\{\{?[ \t]*[A-Za-z_][\w.:/-]*(?:\[[^\]\n]{0,100}\])*[ \t]*(?:\}|[-=?+][^{}\n]{0,200}\})`,
    String.raw`^\$\([a-z]`,
    String.raw`\{\{[^{}]*\}\}`,
    String.raw`#\{[\w.@]+\}`,
    // Format fields among word characters: `{0}`, `{}`, `{password}`, `flow_{0}`, `{self.password}`.
    String.raw`^[\w.:/@-]*(?:\{[\w.]*\}[\w.:/@-]*)+$`,
    String.raw`%\([a-z_]+\)s`,
    String.raw`^%[a-z_]+%$`,
  ].join('|'),
  'i',
);
/**
 * `<password>`, `<YOUR_API_KEY>`, `<Api Key>`: words in angle brackets, in one case style. A word
 * after the first starts at a separator or a capital, never inside a run of lowercase letters: a run
 * split anywhere would be tried every way before failing (exponential in its length).
 */
const BRACKETED_NAME = /<(?:(?=[a-z_ .:-]*[a-z]{3})[a-z][a-z_ .:-]{2,}|(?=[A-Z_ .:-]*[A-Z]{3})[A-Z][A-Z_ .:-]{2,}|[A-Z][a-z]{2,}(?:[ _.:-][A-Z]?[a-z]+|[A-Z][a-z]+)*)>/;
/** `$VAR` and `$var` alone, or an environment variable starting a value (`$HOME/.token`, `$DB_USER:$DB_PASS`). */
const VARIABLE_REFERENCE = /^\$[A-Za-z_]\w*$|^\$(?=[A-Z0-9_]*[A-Z])[A-Z_][A-Z0-9_]{2,}(?![A-Za-z0-9_])/;

export function isPlaceholderOrReference(value: string): boolean {
  return (mayBePlaceholder(value) && PLACEHOLDER.test(value)) || (value.includes('<') && BRACKETED_NAME.test(value)) || (value.charCodeAt(0) === 36 && VARIABLE_REFERENCE.test(value));
}

/**
 * What every form of PLACEHOLDER needs: a `y` first (`your_`), an `e` last (`_here`), one of its
 * punctuation characters, or three letters of one of its words in any case (`ang` of change, `lac`
 * of replace and placeholder, `act` of redacted, `umm` of dummy, `xxx`). Random values, the most
 * common candidates, rarely have any, and this pattern's few forms cost a fraction of the two dozen.
 */
const PLACEHOLDER_NEEDS = /[<&*#.${%\u2026]|a(?:ng|ct)|lac|umm|xxx/i;

function mayBePlaceholder(value: string): boolean {
  return (value.charCodeAt(0) | 32) === 121 || (value.charCodeAt(value.length - 1) | 32) === 101 || PLACEHOLDER_NEEDS.test(value);
}

/** How many characters in alphabet order (`abcdefg`, `0123456`, `ZYXWVUT`) make a value a filler. */
const SEQUENCE_RUN = 7;

/**
 * Sequential fillers and alphabet constants: `AIzaSyabcdefghij...`, `dapi1234567890...`, a base64
 * alphabet in code. Random text almost never holds 7 characters of one class in alphabet order
 * (odds about 1 in 10^10 per position in base62), people filling in a token's shape almost always do.
 * Not a placeholder test for the team's own values: someone may really use such a value.
 */
export function isSequentialFiller(value: string): boolean {
  let up = 1;
  let down = 1;
  let previous = value.charCodeAt(0);
  for (let i = 1; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const step = code - previous;
    previous = code;
    // Classes are contiguous ranges: a step of one stays in the class unless it crosses a boundary.
    if (step === 1) {
      up = isAlphanumeric(code) && code !== 48 && code !== 65 && code !== 97 ? up + 1 : 1;
      down = 1;
      if (up >= SEQUENCE_RUN) return true;
    } else if (step === -1) {
      down = isAlphanumeric(code) && code !== 57 && code !== 90 && code !== 122 ? down + 1 : 1;
      up = 1;
      if (down >= SEQUENCE_RUN) return true;
    } else {
      up = 1;
      down = 1;
    }
  }
  return false;
}

function isAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * Credentials published on purpose (AWS's documented example key id ending in EXAMPLE and its secret
 * key, jwt.io's sample token, the Azure storage emulator's account key, Hardhat's first test account,
 * the OAuth RFCs' examples, Stripe's sample test key, X's and Typeform's sample tokens), and anything
 * that says it is an example.
 */
const DOCUMENTED_EXAMPLES: ReadonlySet<string> = new Set([
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  // OAuth examples of RFC 6749 and RFC 5849, copied into many libraries' documentation.
  '2YotnFZFEjr1zCsicMWpAA',
  'tGzv3JOkF0XG5Qx2TlKWIA',
  '0685bd9184jfhq22',
  'ad180jjd733klru7',
  'wOJIO9A2W5mFwDgiDvZbTSMK%2FPY%3D',
  'dpf43f3p2l4k3l03',
  'nnch734d00sl2jdk',
  'kd94hf93k423kf44',
  'pfkkdhi9sl3r4s00',
  // The Fernet specification's example key, quoted by Fernet libraries' docs and tests. A team that
  // really uses it as its master key is still caught: known keys are matched exactly, before this.
  'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=',
  // Stripe's published test-mode sample key, and the UUID every tutorial and RFC-style example uses.
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  '123e4567-e89b-12d3-a456-426614174000',
  // The decommissioned bearer token of X's (Twitter's) developer documentation, and the sample token
  // of Typeform's, both copied into tutorials and client libraries' docs.
  'AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F',
  'tfp_943af478d3ff3d4d760020c11af102b79c440513',
]);

export function isDocumentedExample(value: string): boolean {
  return DOCUMENTED_EXAMPLES.has(value) || /example/i.test(value);
}

/**
 * Ciphertext: Fernet tokens (envseal's sealed values, whole-file legacy tokens, which start with
 * version byte 0x80 and a timestamp), and the encrypted values of dotenvx (`encrypted:...`), SOPS
 * (`ENC[AES256_GCM,...]`) and ejson (`EJ[1:...]`), which are committed by design.
 */
export function isSealedData(value: string): boolean {
  return value.startsWith('gAAAAA') || value.startsWith('fernet:') || value.startsWith('encrypted:') || value.startsWith('ENC[AES256_GCM,') || /^EJ\[\d:/.test(value);
}

/** envseal's own metadata lines (`#envseal:v1 key=...`, `#envseal:history`, `#envseal:mac`). */
export function isEnvsealMetaLine(text: string, lineStart: number): boolean {
  return text.startsWith('#envseal:', lineStart);
}

/**
 * Base64 DER public keys (SubjectPublicKeyInfo of RSA, P-256, P-384, Ed25519, X25519), as found in
 * package managers' and SDKs' signature checks, and SSH public keys: public by design.
 */
const PUBLIC_KEY_DER = /^(?:MIIB[IC]jANBgkqhkiG9w0BAQEFAAOCA|MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE|MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE|MCowBQYDK2VwAyEA|MCowBQYDK2VuAyEA)/;
/** SSH public key blobs (authorized_keys, known_hosts): the length-prefixed algorithm name in base64. */
const SSH_PUBLIC_KEY = /^AAAA(?:B3NzaC1yc2E|B3NzaC1kc3M|C3NzaC1lZDI1NTE5|E2VjZHNhLXNoYTIt|GnNrLXNzaC1lZDI1NTE5|InNrLWVjZHNh)/;

export function isPublicKeyData(value: string): boolean {
  return PUBLIC_KEY_DER.test(value) || SSH_PUBLIC_KEY.test(value);
}

/**
 * Keys public by design, embedded in web pages: Stripe publishable keys, Supabase publishable keys,
 * New Relic browser keys and Mapbox public tokens.
 */
export function isPublishableKey(value: string): boolean {
  return /^(?:pk_(?:test|live)_|sb_publishable_|NRJS-|pk\.eyJ)/.test(value);
}

/**
 * Passwords nobody means as secrets: defaults of local databases and tutorials ("postgres", "admin",
 * Java's "changeit"), the classic examples ("qwerty", "hunter2"), optionally numbered ("password123"),
 * and short numbers ("123456").
 */
const DEFAULT_PASSWORD =
  /^(?:password|pass|passwd|pwd|pw|secret|key|token|root|admin|administrator|guest|test|testing|user|username|postgres|postgresql|mysql|redis|mongo|mongodb|rabbitmq|default|demo|foo|bar|baz|dev|development|local|sa|oracle|docker|qwerty|letmein|hunter|abc|changeit|welcome|passw0rd|p@ssw0rd|p@ssword|s3cr3t)[_-]?\d{0,6}[!.?*#@$%&]{0,3}$|^\d{1,8}$/i;

/**
 * Passwords of documentation and local setups: the defaults above, and words saying what they are
 * ("my-secret-pw", "mysecretpassword", "app_password1"), which nobody generates.
 */
export function isDocumentedPassword(password: string): boolean {
  if (DEFAULT_PASSWORD.test(password)) return true;
  // Two patterns, not `^[a-z_-]*(?:pass|pwd|secret)[a-z_-]*\d{0,4}$`, whose two runs around the word
  // could split a long run every way (quadratic).
  const words = /^[a-z_-]*(?=\d{0,4}[!.?*#@$%&]{0,3}$)/i.exec(password);
  return words !== null && /pass|pwd|secret/i.test(words[0]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID: an identifier in most places, a credential only under a credential's name (see rules.ts). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Digests written with their algorithm (`sha512-...` integrity, `sha256:...` image digests). */
export function isLabelledDigest(value: string): boolean {
  return /^(?:sha(?:1|224|256|384|512)|md5|blake2b?)[-:][A-Za-z0-9+/=_-]+$/i.test(value);
}

/** Hex of a common digest length (MD5, SHA-1 and git object ids, SHA-256, SHA-512). */
export function isHashShape(value: string): boolean {
  const length = value.length;
  return (length === 32 || length === 40 || length === 64 || length === 128) && /^[0-9a-f]+$/i.test(value);
}

const SEALED_SECRET_KIND = /^[ \t]*(?:- )?kind:[ \t]*["']?SealedSecret\b|"kind"[ \t]*:[ \t]*"SealedSecret"/gm;

/** Where the text's SealedSecret manifests are: the YAML documents (between `---` lines) declaring that kind. */
function sealedSecretDocuments(text: string): Array<[number, number]> {
  const documents: Array<[number, number]> = [];
  if (!text.includes('SealedSecret')) return documents;
  for (const declaration of text.matchAll(SEALED_SECRET_KIND)) {
    const next = text.indexOf('\n---', declaration.index);
    documents.push([text.lastIndexOf('\n---', declaration.index) + 1, next === -1 ? text.length : next]);
  }
  return documents;
}

/**
 * Bitnami SealedSecret manifests hold values encrypted to the cluster's key: committing them is their
 * purpose. Anything in a manifest of that kind, and kubeseal ciphertext under `encryptedData` (long
 * base64 starting "Ag", the length prefix of the wrapped session key), is not a secret.
 */
export function isKubesealCiphertext(value: string, { text, start, once }: MatchContext): boolean {
  if (once('sealed-secret-documents', () => sealedSecretDocuments(text)).some(([from, to]) => start >= from && start < to)) return true;
  return value.startsWith('Ag') && value.length >= 300 && /^[A-Za-z0-9+/]+={0,2}$/.test(value) && once('encrypted-data', () => text.includes('encryptedData'));
}
