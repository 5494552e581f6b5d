/**
 * Values that match a secret's shape but are not secrets: placeholders and references, credentials
 * published in vendors' documentation, envseal's own ciphertext, and hashes or identifiers that
 * happen to look random. Every rule's candidate goes through these before it becomes a finding.
 */

/**
 * Placeholders people write where a secret will go, and references to a secret kept elsewhere:
 * `<token>`, `your_api_key_here`, `changeme`, `xxx`, `****`, `...`, `${VAR}`, `$(cmd)`, `$VAR`,
 * `{{ var }}`, `#{var}`, `%(var)s`, `%VAR%`.
 */
const PLACEHOLDER = new RegExp(
  [
    String.raw`<[^<>]*>`,
    String.raw`&lt;.*&gt;`,
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
    String.raw`\.{3}`,
    '\u2026',
    String.raw`\$\{`,
    String.raw`\$\(`,
    String.raw`^\$[a-z_]`,
    String.raw`\{\{`,
    String.raw`#\{`,
    String.raw`%\([a-z_]+\)s`,
    String.raw`^%[a-z_]+%$`,
  ].join('|'),
  'i',
);

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}

/**
 * Credentials published on purpose (AWS's documented example key id ending in EXAMPLE and its secret key, jwt.io's sample
 * token, the Azure storage emulator's account key, Hardhat's first test account, the OAuth RFCs'
 * examples), and anything that says it is an example.
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
]);

export function isDocumentedExample(value: string): boolean {
  return DOCUMENTED_EXAMPLES.has(value) || /example/i.test(value);
}

/** Fernet tokens (envseal's sealed values, whole-file legacy tokens) start with version byte 0x80 and a timestamp. */
export function isSealedData(value: string): boolean {
  return value.startsWith('gAAAAA') || value.startsWith('fernet:');
}

/** envseal's own metadata lines (`#envseal:v1 key=...`, `#envseal:history`, `#envseal:mac`). */
export function isEnvsealMetaLine(text: string, lineStart: number): boolean {
  return text.startsWith('#envseal:', lineStart);
}

/**
 * Base64 DER public keys (SubjectPublicKeyInfo of RSA, P-256, P-384, Ed25519, X25519), as found in
 * package managers' and SDKs' signature checks: public by design.
 */
const PUBLIC_KEY_DER = /^(?:MIIB[IC]jANBgkqhkiG9w0BAQEFAAOCA|MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE|MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE|MCowBQYDK2VwAyEA|MCowBQYDK2VuAyEA)/;

export function isPublicKeyData(value: string): boolean {
  return PUBLIC_KEY_DER.test(value);
}

/** UUIDs, and digests written with their algorithm (`sha512-...` integrity, `sha256:...` image digests). */
const IDENTIFIER_SHAPE =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?:sha(?:1|224|256|384|512)|md5|blake2b?)[-:][A-Za-z0-9+/=_-]+)$/i;

export function isIdentifierShape(value: string): boolean {
  return IDENTIFIER_SHAPE.test(value);
}

/** Hex of a common digest length (MD5, SHA-1 and git object ids, SHA-256, SHA-512). */
export function isHashShape(value: string): boolean {
  return /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$/i.test(value);
}
