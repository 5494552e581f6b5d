/**
 * The built-in rules, written from the vendors' published token formats. Each pattern runs in linear
 * time: no nested unbounded quantifiers, every repetition bounded. A pass of a pattern over the text
 * costs several times a keyword search (see engine.ts), so rules declare keywords unless their
 * pattern starts with a rare literal prefix and runs about as fast as the search would.
 */
import { decodeBase64Url } from '../crypto/fernet.js';
import { characterClasses, shannonEntropy } from './entropy.js';
import { isSourceCodeFile, secretNameStrength, type NameStrength } from './names.js';
import { isHashShape, isIdentifierShape } from './not-secrets.js';
import type { MatchContext, Rule } from './types.js';

/** `NAME = `, `"name": `, `name: `, `:name => `, `name := `, `['name'] = `: what follows a secret's name. */
const ASSIGN = String.raw`(?:["'\x60]\]?|\])?[ \t]{0,20}(?:=>|:=|=(?![=>~])|:(?![:/]))[ \t]{0,20}`;

/** Text just before a base64 value that says it is a digest (`pin-sha256="...`, `integrity: sha256-`, `"hash": "`). */
const DIGEST_LABEL = /(?:sha-?(?:256|384|512)|digest|hash|integrity|checksum|fingerprint|thumbprint|\bh1)["']?\s*[=:]?\s*["']?-?$/i;

/** The last line of a base64 block (a certificate, a key): the line above is full-width base64. */
function endsBase64Block(text: string, start: number): boolean {
  if (start === 0 || text[start - 1] !== '\n') return false;
  const previousStart = text.lastIndexOf('\n', start - 2) + 1;
  return /^[A-Za-z0-9+/]{60,76}\r?$/.test(text.slice(previousStart, start - 1));
}

const masterKey: Rule = {
  id: 'envseal-master-key',
  description: 'envseal/Fernet master key (32 bytes of url-safe base64)',
  kind: 'master-key',
  // Anchored on the padding '=' (rarer than letters) and looks back for exactly 43 key characters, so
  // longer base64 (Fernet tokens, digests) never matches.
  pattern: /=(?<=(?<![\w-])([\w-]{43}=))(?![\w=-])/,
  secretGroup: 1,
  entropy: 4,
  validate: (secret, { text, start }) => {
    const classes = characterClasses(secret);
    return (
      classes.lower > 0 &&
      classes.upper > 0 &&
      classes.digit > 0 &&
      decodeBase64Url(secret)?.length === 32 &&
      !DIGEST_LABEL.test(text.slice(Math.max(0, start - 24), start)) &&
      !endsBase64Block(text, start)
    );
  },
};

/**
 * The base64 payload of a PEM body, or undefined when the body is not one: its lines (real or `\n`
 * escaped, or quoted string pieces) must be base64, apart from RFC 1421 / OpenPGP headers
 * (Proc-Type, DEK-Info, Version, Comment) and blank lines.
 */
function pemPayload(body: string): string | undefined {
  let payload = '';
  let other = 0;
  // Escaped newlines, and the seams of string pieces in code ('...', '...' or "..." + "..."), are line breaks.
  for (const raw of body.replace(/\\[rn]|["'`]\s*[,+]\s*["'`]/g, '\n').split('\n')) {
    const line = raw.replace(/^[\s"'`]+|[\s"'`,;+]+$/g, '');
    if (line === '' || /^[\w-]+: /.test(line)) continue;
    if (/^[A-Za-z0-9+/=]+$/.test(line)) payload += line;
    else other++;
  }
  return other === 0 ? payload : undefined;
}

const privateKey: Rule = {
  id: 'private-key',
  description: 'private key (PEM or PGP block)',
  kind: 'private-key',
  // Every PEM label ending in PRIVATE KEY (RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8's bare one), PGP
  // private key blocks and SSH2 (RFC 4716) keys; the body may use real newlines or JSON's `\n`. The
  // body stops at characters no key body or header has, and at the next run of dashes, so a BEGIN
  // line quoted in code, or followed by another BEGIN, ends at once.
  pattern:
    /(?:-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----|---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----)(?:\\[rn]|\s){0,8}((?:(?!----)[^(){}<>[\]|!?*&#$%@^~;]){0,20000}?)(?:-{4,5} ?END |$)/,
  keywords: ['private key'],
  secretGroup: 1,
  validate: (body) => {
    const payload = pemPayload(body);
    return payload !== undefined && payload.length >= 64 && shannonEntropy(payload) >= 4;
  },
};

const puttyKey: Rule = {
  id: 'putty-private-key',
  description: 'PuTTY private key (.ppk)',
  kind: 'private-key',
  pattern: /PuTTY-User-Key-File-\d+: [^\n]{0,200}\n[\s\S]{0,8000}?Private-Lines: \d+\r?\n((?:[A-Za-z0-9+/=]{1,128}\r?\n){1,64})/,
  keywords: ['putty-user-key-file'],
  secretGroup: 1,
  entropy: 3.5,
};

const awsAccessKeyId: Rule = {
  id: 'aws-access-key-id',
  description: 'AWS access key ID',
  // Long-term (AKIA), temporary (ASIA) and other IAM credential ids: 4-letter prefix + 16 base32 characters.
  pattern: /\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b/,
  secretGroup: 1,
  entropy: 3,
};

const awsSecretAccessKey: Rule = {
  id: 'aws-secret-access-key',
  description: 'AWS secret access key',
  // 40 base64 characters, recognisable only by context: assigned to an aws...secret... or
  // secret_access_key / secretAccessKey name (credentials files, SDK configuration), or written after
  // its access key id on the same line (CSV exports, `id secret` pairs in scripts and notes).
  pattern: new RegExp(
    String.raw`(?:aws[\w.-]{0,20}?secret|secret[_.-]?access[_.-]?key)[\w.-]{0,20}?${ASSIGN}["'\x60]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])` +
      String.raw`|\b(?:AKIA|ASIA)[A-Z2-7]{16}\b[^\n]{0,80}?(?<![A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
    'i',
  ),
  // Every name above contains "aws" or "secret"; temporary (ASIA) key pairs come with "aws" around them
  // (aws_session_token), and 'asia' itself is too common a string to search for cheaply.
  keywords: ['aws', 'akia', 'secret'],
  secretGroup: [1, 2],
  // Random base64 scores above 4.5; hex (git SHAs, SHA-1 digests) cannot reach 4.
  entropy: 4,
};

const githubToken: Rule = {
  id: 'github-token',
  description: 'GitHub token (personal access, OAuth, user-to-server, server-to-server or refresh)',
  pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,251})(?![A-Za-z0-9_])/,
  secretGroup: 1,
  entropy: 3.5,
};

const githubFineGrained: Rule = {
  id: 'github-fine-grained-token',
  description: 'GitHub fine-grained personal access token',
  pattern: /\b(github_pat_[A-Za-z0-9]{20,30}_[A-Za-z0-9]{50,70})(?![A-Za-z0-9_])/,
  keywords: ['github_pat_'],
  secretGroup: 1,
  entropy: 3.5,
};

const gitlabToken: Rule = {
  id: 'gitlab-token',
  description: 'GitLab token (personal, pipeline trigger, runner or deploy)',
  pattern: /\b((?:glpat|glptt|glrt|gldt)-[A-Za-z0-9_-]{20,255}(?:\.[A-Za-z0-9_-]{2,64}){0,2})(?![A-Za-z0-9_-])/,
  secretGroup: 1,
  entropy: 3.5,
};

const slackToken: Rule = {
  id: 'slack-token',
  description: 'Slack token (bot, user, app, refresh or configuration)',
  pattern: /\b((?:xox[abposr]|xoxe\.xox[bp]|xoxe|xapp)-\d{1,16}-[A-Za-z0-9-]{10,250})(?![A-Za-z0-9-])/,
  keywords: ['xox', 'xapp-'],
  secretGroup: 1,
  entropy: 3,
};

const slackWebhook: Rule = {
  id: 'slack-webhook',
  description: 'Slack incoming webhook URL',
  pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9+/_-]{20,250})/,
  keywords: ['hooks.slack.com'],
  secretGroup: 1,
  entropy: 3.5,
};

const stripeSecretKey: Rule = {
  id: 'stripe-secret-key',
  description: 'Stripe live secret or restricted key',
  pattern: /\b((?:sk|rk)_live_[A-Za-z0-9]{20,247})(?![A-Za-z0-9])/,
  keywords: ['k_live_'],
  secretGroup: 1,
  entropy: 3.5,
};

const stripeWebhookSecret: Rule = {
  id: 'stripe-webhook-secret',
  description: 'Stripe webhook signing secret',
  pattern: /\b(whsec_[A-Za-z0-9+/]{24,100}={0,2})(?![A-Za-z0-9+/=])/,
  keywords: ['whsec_'],
  secretGroup: 1,
  entropy: 3.5,
};

const googleApiKey: Rule = {
  id: 'google-api-key',
  description: 'Google API key',
  pattern: /\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/,
  keywords: ['aiza'],
  secretGroup: 1,
  entropy: 3.5,
};

const sendgridKey: Rule = {
  id: 'sendgrid-api-key',
  description: 'SendGrid API key',
  pattern: /\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/,
  secretGroup: 1,
  entropy: 4,
};

const twilioApiKey: Rule = {
  id: 'twilio-api-key',
  description: 'Twilio API key SID',
  pattern: /\b(SK[0-9a-f]{32})\b/,
  secretGroup: 1,
  entropy: 3,
};

const twilioAuthToken: Rule = {
  id: 'twilio-auth-token',
  description: 'Twilio auth token',
  // 32 hex characters on a line that names Twilio or carries an account SID (AC + 32 hex), as in
  // `TWILIO_AUTH_TOKEN=...` or `Client("AC...", "token")`. The SID itself is an identifier, not a secret.
  pattern: /(?:[Tt]wilio|TWILIO|\bAC[0-9a-f]{32}\b)[^\n]{0,120}?(?<![0-9A-Za-z])([0-9a-f]{32})(?![0-9A-Za-z])/,
  keywords: ['twilio'],
  secretGroup: 1,
  entropy: 3,
};

const npmToken: Rule = {
  id: 'npm-token',
  description: 'npm access token',
  pattern: /\b(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])/,
  secretGroup: 1,
  entropy: 3.5,
};

const pypiToken: Rule = {
  id: 'pypi-token',
  description: 'PyPI API token',
  // A macaroon whose base64 starts with the issuer: "pypi.org" (AgEIcHlwaS5vcmc) or "test.pypi.org".
  pattern: /\b(pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000})/,
  keywords: ['pypi-age'],
  secretGroup: 1,
  entropy: 4,
};

const openaiKey: Rule = {
  id: 'openai-api-key',
  description: 'OpenAI API key',
  // Project, service-account and admin keys, and the legacy form with "T3BlbkFJ" ("OpenAI" in base64) in the middle.
  pattern: /\b(sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,250}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}))(?![A-Za-z0-9_-])/,
  keywords: ['sk-'],
  secretGroup: 1,
  entropy: 3.5,
};

const anthropicKey: Rule = {
  id: 'anthropic-api-key',
  description: 'Anthropic API key',
  pattern: /\b(sk-ant-(?:api|admin|oat|sid)\d{2}-[A-Za-z0-9_-]{32,250})(?![A-Za-z0-9_-])/,
  keywords: ['sk-ant-'],
  secretGroup: 1,
  entropy: 3.5,
};

const azureStorageKey: Rule = {
  id: 'azure-storage-account-key',
  description: 'Azure storage account key',
  // 64 bytes in base64, as it appears in connection strings.
  pattern: /[Aa]ccount[Kk]ey=([A-Za-z0-9+/]{86}==)/,
  keywords: ['accountkey'],
  secretGroup: 1,
  entropy: 4,
};

/** Decodes a JWT segment to JSON, undefined when it is not a JSON object. */
function jsonSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const jwt: Rule = {
  id: 'jwt',
  description: 'JSON Web Token',
  pattern: /\b(eyJ[A-Za-z0-9_-]{8,2000}\.ey[A-Za-z0-9_-]{8,20000}\.[A-Za-z0-9_-]{16,2000})(?![A-Za-z0-9_-])/,
  keywords: ['eyj'],
  secretGroup: 1,
  // Signed tokens only: a header that decodes to JSON naming an algorithm, and a JSON payload.
  validate: (token) => {
    const [header, payload] = token.split('.');
    const decoded = jsonSegment(header!);
    return typeof decoded?.['alg'] === 'string' && decoded['alg'] !== 'none' && jsonSegment(payload!) !== undefined;
  },
};

const ethereumKey: Rule = {
  id: 'ethereum-private-key',
  description: 'Ethereum-style private key (0x + 64 hex assigned to a private key name)',
  // Anchored on "0x" and checks the name behind it: 0x + 64 hex alone is as often a transaction or
  // block hash. `accounts: ['0x...']` is how Hardhat and Truffle configurations list signing keys.
  pattern: new RegExp(
    String.raw`0x[0-9a-f]{64}(?![0-9a-f])(?<=(?:priv(?:ate)?[_.-]?key|privkey|secret[_.-]?key|wallet[_.-]?(?:key|secret|private[_.-]?key)|signer[_.-]?key|deployer[_.-]?key|mnemonic|\bpk|\baccounts)[\w.-]{0,40}${ASSIGN}\[?[ \t]*["'\x60]?0x[0-9a-f]{64})`,
    'i',
  ),
  keywords: ['0x'],
  entropy: 3,
};

const HOOK = String.raw`(?:key|secret|token|passw|pwd|passphrase|credential|cred|auth|private|pass)`;
const SCHEME = String.raw`(?:(?:Bearer|Basic|Token) )?`;

/**
 * Groups: 1 the rest of the name after the hook word, then the value in double quotes (2), single
 * quotes (3), backquotes (4) or bare (5). `<name>value</name>` counts as an assignment too.
 */
const GENERIC = new RegExp(
  String.raw`${HOOK}([\w.-]{0,60}?)(?:>|${ASSIGN})` +
    String.raw`(?:"${SCHEME}([^"\s\\]{8,500})"|'${SCHEME}([^'\s\\]{8,500})'|\x60([^\x60\s\\]{8,500})\x60|(?:(?:Bearer|Basic|Token)[ \t]+)?([^\s"'\x60\\,;&<>(){}\[\]|]{8,500}))`,
  'i',
);

const NAME_CHAR = /[\w.$@-]/;

/** The full name a value is assigned to: the hook word, what follows it, and what precedes it. */
function assignedName(text: string, hookStart: number, nameEnd: number): string {
  let start = hookStart;
  while (start > 0 && hookStart - start < 100 && NAME_CHAR.test(text[start - 1]!)) start--;
  return text.slice(start, nameEnd);
}

/** Words joined by separators, all lowercase (`app.settings.title2`, `my-bucket`): labels, not keys. */
const WORDS_ONLY = /^(?:[a-z]+\d*|\d+)(?:[._/:-](?:[a-z]+\d*|\d+))+$/;
const PATH = /^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\)|\.(?:pem|key|crt|cer|der|p12|pfx|jks|json|ya?ml|txt|env|asc|gpg)$/i;
/** Code between two string literals of minified source (`"+e);n=R({u:[I]}),i="`), not one value. */
const CODE = /[(){}[\];].*[(){}[\];]/;
const MEMBER_ACCESS = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z_$]*\d{0,3}$/;
/** Capitalised or lowercase words run together (`_EllipticCurvePrivateKey`, `DSAPrivateKey`): a name, not random text. */
const WORDS_RUN_TOGETHER = /^[_$]*(?:[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]{2,})+$/;

/**
 * Random enough to be a generated secret. A strong name (PASSWORD, API_KEY) needs 10+ characters; a
 * weak one (key, token) 16+ and a digit or very high entropy. Both need two character classes, so
 * lowercase slugs and words never count.
 */
function looksGenerated(value: string, strength: Exclude<NameStrength, 'none'>): boolean {
  const classes = characterClasses(value);
  const kinds = Number(classes.lower > 0) + Number(classes.upper > 0) + Number(classes.digit > 0);
  if (kinds < 2 || WORDS_ONLY.test(value) || WORDS_RUN_TOGETHER.test(value)) return false;
  const entropy = shannonEntropy(value);
  // Letters only (camelCase words, "fakeAwsSecret") need the length and entropy of real random text.
  if (classes.digit === 0 && classes.other === 0) return value.length >= 16 && entropy >= (strength === 'strong' ? 3.8 : 4.2);
  if (strength === 'strong') return value.length >= 10 && entropy >= 3.3;
  return value.length >= 16 && entropy >= (classes.digit > 0 ? 3.6 : 4.2);
}

function validateGeneric(secret: string, context: MatchContext): boolean {
  const { text, match } = context;
  const nameEnd = match.indices![1]![1];
  const name = assignedName(text, match.index, nameEnd);
  // `>` assigns only in an element, <password>value</password>; `<password>@host` in a URL template is a placeholder.
  if (text[nameEnd] === '>' && (text[nameEnd - name.length - 1] !== '<' || !text.startsWith('</', context.end))) return false;
  const strength = secretNameStrength(name);
  if (strength === 'none') return false;
  if (match[5] !== undefined) {
    // Unquoted: in source code that is an expression (process.env.X, os.getenv("X"), someVariable).
    if (isSourceCodeFile(context.file) || MEMBER_ACCESS.test(secret) || IDENTIFIER.test(secret)) return false;
    if (/[([{]/.test(text[context.end] ?? '')) return false;
  }
  if (isIdentifierShape(secret) || secret.includes('://') || PATH.test(secret) || CODE.test(secret)) return false;
  // A weak name with a bare digest is a cache key or a commit, not a credential.
  if (strength === 'weak' && isHashShape(secret)) return false;
  return looksGenerated(secret, strength);
}

const genericSecret: Rule = {
  id: 'generic-secret',
  description: 'high-entropy value assigned to a secret-looking name',
  kind: 'generic',
  pattern: GENERIC,
  // Most frequent first: the search stops at the first one present.
  keywords: ['key', 'token', 'pass', 'private', 'auth', 'secret', 'pwd', 'cred'],
  secretGroup: [2, 3, 4, 5],
  validate: validateGeneric,
};

/**
 * Passwords nobody means as secrets: defaults of local databases and tutorials ("postgres", "admin"),
 * optionally numbered ("password123", "key_1234").
 */
const DEFAULT_PASSWORD =
  /^(?:password|pass|passwd|pwd|pw|secret|key|token|root|admin|administrator|guest|test|testing|user|username|postgres|postgresql|mysql|redis|mongo|mongodb|rabbitmq|default|demo|foo|bar|baz|dev|development|local|sa|oracle|docker)[_-]?\d{0,6}$/i;

/** Documentation and loopback hosts (RFC 2606, RFC 6761): credentials there are examples or local defaults. */
const EXAMPLE_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|(?:[\w-]+\.)*(?:example(?:\.com|\.org|\.net)?|test|invalid|localhost))$/i;

function decodeUriComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const urlPassword: Rule = {
  id: 'url-password',
  description: 'password embedded in a URL (scheme://user:password@host)',
  pattern: /:\/\/([^\s:@/?#"'<>\\]{0,128}):([^\s@/?#"'<>\\]{1,256})@([^\s/?#"'<>:@\\]{1,253})/,
  keywords: ['://'],
  secretGroup: 2,
  validate: (password, { match }) => {
    const plain = decodeUriComponentSafe(password);
    // A second ':' means this is not user:password (CVS's `:pserver:anoncvs@`, `host:port:path` forms).
    return (
      plain.length >= 4 &&
      !plain.includes(':') &&
      plain !== decodeUriComponentSafe(match[1]!) &&
      !DEFAULT_PASSWORD.test(plain) &&
      !EXAMPLE_HOST.test(match[3]!)
    );
  },
};

export const builtinRules: readonly Rule[] = Object.freeze([
  masterKey,
  privateKey,
  puttyKey,
  awsAccessKeyId,
  awsSecretAccessKey,
  githubToken,
  githubFineGrained,
  gitlabToken,
  slackToken,
  slackWebhook,
  stripeSecretKey,
  stripeWebhookSecret,
  googleApiKey,
  sendgridKey,
  twilioApiKey,
  twilioAuthToken,
  npmToken,
  pypiToken,
  openaiKey,
  anthropicKey,
  azureStorageKey,
  jwt,
  ethereumKey,
  urlPassword,
  genericSecret,
]);
