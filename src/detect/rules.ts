/**
 * The built-in rules, written from the vendors' published token formats. Each pattern runs in linear
 * time: no nested unbounded quantifiers, every repetition bounded. Rules declare keywords wherever a
 * match must contain one: all keywords are looked for in one pass (keywords.ts), and a pattern runs
 * only over texts holding one of its keywords. Patterns start with a literal (anchoring on a rare
 * part and looking back for the rest when the token starts with a character class), which V8 finds
 * by skipping through the text.
 */
import { decodeBech32 } from '../age/encoding.js';
import { decodeBase64Url } from '../crypto/fernet.js';
import { characterClasses, shannonEntropy, ValueShape } from './entropy.js';
import { isCredentialName, nameWords, secretNameStrength, type NameStrength } from '../secret-names.js';
import { isSourceCodeFile } from './source-files.js';
import { isDocumentedPassword, isHashShape, isKubesealCiphertext, isLabelledDigest, isPlaceholderOrReference, isUuid } from './not-secrets.js';
import { cliPassword } from './cli-password.js';
import { jwkPrivateKey } from './jwk.js';
import type { MatchContext, Rule } from './types.js';

/** `NAME = `, `"name": `, `name: `, `:name => `, `name := `, `['name'] = `: what follows a secret's name. */
const ASSIGN = String.raw`(?:["'\x60]\]?|\])?[ \t]{0,20}(?:=>|:=|=(?![=>~])|:(?![:/]))[ \t]{0,20}`;

/** Text just before a base64 value that says it is a digest (`pin-sha256="...`, `integrity: sha256-`, `"hash": "`). */
const DIGEST_LABEL = /(?:sha-?(?:256|384|512)|digest|hash|integrity|checksum|fingerprint|thumbprint|\bh1)["']?\s*(?:[=:]\s*)?["']?-?$/i;

/** The last line of a base64 block (a certificate, a key): the line above is full-width base64. */
function endsBase64Block(text: string, start: number): boolean {
  if (start === 0 || text[start - 1] !== '\n') return false;
  const previousStart = text.lastIndexOf('\n', start - 2) + 1;
  return /^[A-Za-z0-9+/]{60,76}\r?$/.test(text.slice(previousStart, start - 1));
}

/**
 * The context of a value at [start, end): the line above and the rest of its own line, each cut to
 * 300 characters around it, without the value itself (whose random characters could spell a word).
 */
function contextAround(text: string, start: number, end: number): string {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const aboveStart = lineStart === 0 ? 0 : text.lastIndexOf('\n', lineStart - 2) + 1;
  const lineEnd = text.indexOf('\n', end);
  const before = text.slice(Math.max(aboveStart, start - 600), start);
  return `${before} ${text.slice(end, Math.min(lineEnd === -1 ? text.length : lineEnd, end + 300))}`;
}

/** `NAME = `, `"name": "`, `key: b'`: the value is assigned to the name it ends with. */
const ASSIGNED_TO = /(?<![\w.$@-])([A-Za-z_$@][\w.$@-]{0,100})["'\]]{0,2}[ \t]*(?:=>|:=|=|:)[ \t]*(?:[bBrRuU]{0,2}["'\x60])?$/;
/** Words of names of values that are 32 bytes but no key: digests, challenges, signatures, nonces, IVs, salts, ids, public keys. */
const NOT_KEY_WORDS = new Set(['hash', 'digest', 'checksum', 'fingerprint', 'thumbprint', 'challenge', 'signature', 'sig', 'mac', 'nonce', 'iv', 'salt', 'id', 'pub', 'public', 'pubkey']);
/** Words near a bare key that say it is a Fernet or envseal key. */
const FERNET_CONTEXT = /fernet|envseal|master[\s_.-]?key/i;

/**
 * Where a 32-byte url-safe base64 value sits says whether it is a Fernet key. Fernet keys are
 * url-safe base64, so a `-` or `_` in the value is evidence enough, unless its name says it is a
 * digest, challenge, nonce or public value. Without one, the value is as likely standard base64 of
 * any 32 bytes (WireGuard and Nix public keys, SOPS IVs, digests), so it counts only assigned to a
 * secret's name (not `PublicKey =`, `iv:`, `salt =`), or, when bare, next to words naming Fernet or
 * envseal or in a key file. A `name:KEY` prefix (`cache.nixos.org-1:...`, SOPS `iv:...`, ejson
 * `EJ[1:...`) marks a key of another format.
 */
function isFernetKeyInContext(secret: string, text: string, start: number, file: string): boolean {
  const urlSafe = /[-_]/.test(secret);
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const before = text.slice(Math.max(lineStart, start - 160), start);
  if (/[^\s"'\x60=:,([{]:$/.test(before)) return urlSafe;
  const assigned = ASSIGNED_TO.exec(before);
  if (assigned) return !nameWords(assigned[1]!).some((word) => NOT_KEY_WORDS.has(word)) && (urlSafe || secretNameStrength(assigned[1]!) !== 'none');
  if (urlSafe) return true;
  return FERNET_CONTEXT.test(contextAround(text, start, start + secret.length)) || FERNET_CONTEXT.test(file) || /\.key$/i.test(file) || (text.length < 64 && text.trim() === secret);
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
  validate: (secret, { text, start, file }) => {
    const classes = characterClasses(secret);
    return (
      classes.lower > 0 &&
      classes.upper > 0 &&
      classes.digit > 0 &&
      decodeBase64Url(secret)?.length === 32 &&
      !DIGEST_LABEL.test(text.slice(Math.max(0, start - 24), start)) &&
      !endsBase64Block(text, start) &&
      isFernetKeyInContext(secret, text, start, file)
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
    const line = raw.replace(/^[\s"'`]+|(?<![\s"'`,;+])[\s"'`,;+]+$/g, '');
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
  // line quoted in code, or followed by another BEGIN, ends at once. The line breaks before the body
  // are read whole (the body starts at what follows them), so they are not split with the body.
  pattern:
    /(?:-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----|---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----)(?:\\[rn]|\s){0,64}(?!\s|\\[rn])((?:(?!----)[^(){}<>[\]|!?*&#$%@^~;]){0,20000}?)(?:-{4,5} ?END |$)/,
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
  // Read line by line from a first line at the start of a line (indented, or after a quote, in YAML
  // and code; looked back for, so the search skips to the literal): header lines (`Encryption: none`, `Public-Lines: 6`) and base64 lines up to the
  // Private-Lines header. No line can be read two ways, and another key's first line ends the
  // search, so each line is read from one start only.
  pattern:
    /PuTTY-User-Key-File-(?<=(?<![^\n])[ \t"'\x60]{0,20}PuTTY-User-Key-File-)\d+: [^\n]{0,200}\n(?:[ \t]{0,20}(?:(?!Private-Lines: |PuTTY-User-Key-File-)[\w-]{1,40}: [^\n]{0,200}\n|[A-Za-z0-9+/=]{1,128}\r?\n)){0,100}[ \t]{0,20}Private-Lines: \d+\r?\n((?:[ \t]{0,20}[A-Za-z0-9+/=]{1,128}\r?\n){1,64})/,
  keywords: ['putty-user-key-file'],
  secretGroup: 1,
  entropy: 3.5,
};

const ageSecretKey: Rule = {
  id: 'age-secret-key',
  description: 'age identity (X25519 private key)',
  kind: 'private-key',
  // Bech32 under the human-readable part AGE-SECRET-KEY-, upper case, 32 bytes (58 characters after
  // the separator, checksum included). The checksum is verified, so placeholders never match.
  pattern: /\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b/,
  keywords: ['age-secret-key-1'],
  secretGroup: 1,
  validate: (key) => decodeBech32(key)?.hrp === 'AGE-SECRET-KEY-',
};

const awsAccessKeyId: Rule = {
  id: 'aws-access-key-id',
  description: 'AWS access key ID',
  // Long-term (AKIA), temporary (ASIA) and other IAM credential ids: 4-letter prefix + 16 base32 characters.
  pattern: /\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b/,
  keywords: ['akia', 'asia', 'abia', 'acca'],
  secretGroup: 1,
  entropy: 3,
};

const awsSecretAccessKey: Rule = {
  id: 'aws-secret-access-key',
  description: 'AWS secret access key',
  // 40 base64 characters, recognisable only by context: assigned to an aws...secret... or
  // secret_access_key / secretAccessKey name (credentials files, SDK configuration), written after
  // its access key id on the same line (CSV exports, `id secret` pairs in scripts and notes), or given
  // to `aws configure set aws_secret_access_key`.
  pattern: new RegExp(
    String.raw`(?:aws(?:(?!aws|secret)[\w.-]){0,20}secret|secret[_.-]?access[_.-]?key)[\w.-]{0,20}${ASSIGN}["'\x60]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])` +
      String.raw`|\b(?:AKIA|ASIA)[A-Z2-7]{16}\b(?:(?!AKIA|ASIA)[^\n]){0,80}?(?<![A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])` +
      String.raw`|\baws[ \t]+configure[ \t]+set[ \t]+(?:[\w-]+\.)?aws_secret_access_key[ \t]+["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
    'i',
  ),
  // Every name above contains "aws" or "secret"; temporary (ASIA) key pairs come with "aws" around them
  // (aws_session_token), and 'asia' itself is too common a string to search for cheaply.
  keywords: ['aws', 'akia', 'secret'],
  secretGroup: [1, 2, 3],
  variants: [
    // Jenkins' credentials.xml (the AWS Credentials plugin): <secretKey> beside an <accessKey>, in
    // clear or as Jenkins encrypts it ({AQAAAB...}, which the master key next to it decrypts).
    {
      pattern: /<secretKey>[ \t]*([A-Za-z0-9/+]{40}|\{AQAAAB[A-Za-z0-9+/]{40,400}={0,2}\})[ \t]*<\/secretKey>/,
      keywords: ['<secretkey>'],
      secretGroup: 1,
    },
  ],
  // Random base64 scores above 4.5; hex (git SHAs, SHA-1 digests) cannot reach 4.
  entropy: 4,
};

const githubToken: Rule = {
  id: 'github-token',
  description: 'GitHub token (personal access, OAuth, user-to-server, server-to-server or refresh)',
  pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,251})(?![A-Za-z0-9_])/,
  keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
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
  pattern: /(?<![\w-])((?:glpat|glptt|glrt|gldt)-[A-Za-z0-9_-]{20,255}(?:\.[A-Za-z0-9_-]{2,64}){0,2})(?![A-Za-z0-9_-])/,
  keywords: ['glpat-', 'glptt-', 'glrt-', 'gldt-'],
  secretGroup: 1,
  entropy: 3.5,
};

const slackToken: Rule = {
  id: 'slack-token',
  description: 'Slack token (bot, user, app, refresh or configuration)',
  pattern: /(?<![\w-])((?:xox[abposr]|xoxe\.xox[bp]|xoxe|xapp)-\d{1,16}-[A-Za-z0-9-]{10,250})(?![A-Za-z0-9-])/,
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
  description: 'Stripe secret or restricted key (live or test mode)',
  // Test-mode keys reach the account's test data, webhooks and settings, so they count too; the
  // publishable keys (pk_) are public by design.
  pattern: /\b((?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{20,247})(?![A-Za-z0-9])/,
  keywords: ['k_live_', 'k_test_', 'k_prod_'],
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
  keywords: ['sg.'],
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
  // 32 hex characters on a line that carries an account SID (AC + 32 hex) or names Twilio, as in
  // `Client("AC...", "token")` or `TWILIO_AUTH_TOKEN=...`. The SID itself is an identifier, not a secret.
  pattern: /\bAC[0-9a-f]{32}\b[^\n]{0,120}?(?<![0-9A-Za-z])([0-9a-f]{32})(?![0-9A-Za-z])/,
  secretGroup: 1,
  variants: [{ pattern: /(?:[Tt]wilio|TWILIO)(?:(?![Tt]wilio|TWILIO)[^\n]){0,120}?(?<![0-9A-Za-z])([0-9a-f]{32})(?![0-9A-Za-z])/, keywords: ['twilio'], secretGroup: 1 }],
  entropy: 3,
};

const npmToken: Rule = {
  id: 'npm-token',
  description: 'npm access token',
  pattern: /\b(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])/,
  keywords: ['npm_'],
  secretGroup: 1,
  // Tokens made before 2021 are UUIDs, found as a registry's _authToken in .npmrc.
  variants: [{ pattern: /_authToken[ \t]*=[ \t]*["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![\w-])/i, keywords: ['_authtoken'], secretGroup: 1 }],
  entropy: 3,
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

const vaultToken: Rule = {
  id: 'hashicorp-vault-token',
  description: 'HashiCorp Vault service or batch token',
  // Vault 1.10+ tokens: service `hvs.` (24 characters, or 90+ with the protobuf wrapping) and batch `hvb.` (138+).
  pattern: /\b(hvs\.[A-Za-z0-9_-]{24,250}|hvb\.[A-Za-z0-9_-]{138,400})(?![A-Za-z0-9_-])/,
  keywords: ['hvs.', 'hvb.'],
  secretGroup: 1,
  entropy: 3.5,
  // The short form is plain base62: a digit and both cases tell it from `hvs.someIdentifierName`.
  validate: (token) => {
    if (token.length >= 94) return true;
    const classes = characterClasses(token.slice(4));
    return classes.digit > 0 && classes.upper > 0 && classes.lower > 0;
  },
};

const grafanaServiceAccountToken: Rule = {
  id: 'grafana-service-account-token',
  description: 'Grafana service account token',
  // glsa_ + 32 base62 + _ + 8 hex of checksum.
  pattern: /\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})(?![A-Za-z0-9_])/,
  keywords: ['glsa_'],
  secretGroup: 1,
  entropy: 3.5,
};

const databricksToken: Rule = {
  id: 'databricks-token',
  description: 'Databricks personal access token',
  // dapi + 32 hex, with an optional -N suffix.
  pattern: /\b(dapi[a-f0-9]{32}(?:-\d)?)(?![A-Za-z0-9_-])/,
  keywords: ['dapi'],
  secretGroup: 1,
  entropy: 3,
};

const postmanApiKey: Rule = {
  id: 'postman-api-key',
  description: 'Postman API key',
  // PMAK- + 24 hex + - + 34 hex.
  pattern: /\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})(?![A-Za-z0-9_-])/,
  keywords: ['pmak-'],
  secretGroup: 1,
  entropy: 3,
};

const linearApiKey: Rule = {
  id: 'linear-api-key',
  description: 'Linear API key',
  pattern: /\b(lin_api_[A-Za-z0-9]{40})(?![A-Za-z0-9_])/,
  keywords: ['lin_api_'],
  secretGroup: 1,
  entropy: 3.5,
};

const dopplerToken: Rule = {
  id: 'doppler-token',
  description: 'Doppler service, personal, CLI or service account token',
  // dp.pt. / dp.ct. / dp.sa. + 40-44 base62; service tokens may carry an environment slug: dp.st.<env>.<token>.
  pattern: /\b(dp\.(?:pt|ct|sa|scim|audit)\.[A-Za-z0-9]{40,44}|dp\.st\.(?:[a-z0-9_-]{2,35}\.)?[A-Za-z0-9]{40,44})(?![A-Za-z0-9_.-])/,
  keywords: ['dp.'],
  secretGroup: 1,
  entropy: 3.5,
};

const huggingFaceToken: Rule = {
  id: 'huggingface-token',
  description: 'Hugging Face access or organization API token',
  // hf_ (users) or api_org_ (organizations) + 34 letters.
  pattern: /(?<![A-Za-z0-9_])((?:hf|api_org)_[A-Za-z]{34})(?![A-Za-z0-9_])/,
  keywords: ['hf_', 'api_org_'],
  secretGroup: 1,
  entropy: 4,
  // Random letters have both cases; `hf_modelcardtemplatefilename...` identifiers do not.
  validate: (token) => /[A-Z]/.test(token.slice(3)) && /[a-z]/.test(token.slice(3)),
};

const shopifyToken: Rule = {
  id: 'shopify-token',
  description: 'Shopify access token, custom app, private app or shared secret',
  pattern: /\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})(?![A-Za-z0-9_])/,
  keywords: ['shp'],
  secretGroup: 1,
  entropy: 3,
};

const digitalOceanToken: Rule = {
  id: 'digitalocean-token',
  description: 'DigitalOcean personal access, OAuth or refresh token',
  pattern: /\b(do[por]_v1_[a-f0-9]{64})(?![A-Za-z0-9_])/,
  keywords: ['_v1_'],
  secretGroup: 1,
  entropy: 3,
};

const azureDevOpsPat: Rule = {
  id: 'azure-devops-pat',
  description: 'Azure DevOps personal access token',
  // The 84-character format (2024+): 52 random base62, Microsoft's common annotated key signature
  // JQQJ9 + 9/D, a creation date (year letter, month A-L), reserved data, the provider signature AZDO
  // and a checksum. The older 52-character base32 tokens have no signature and are not detected.
  // Anchored on the signature, the 52 characters before it looked back for (a pattern starting with
  // them would try 52 characters at every letter of every text).
  pattern: /JQQJ9[9D][A-Za-z0-9][A-L][A-Za-z0-9]{16}AZDO[A-Za-z0-9]{4}(?![A-Za-z0-9])(?<=(?<![A-Za-z0-9])([A-Za-z0-9]{52}JQQJ9.{27}))/,
  keywords: ['jqqj9'],
  secretGroup: 1,
  entropy: 3.5,
};

const azureSasToken: Rule = {
  id: 'azure-sas-token',
  description: 'Azure shared access signature (sig= of a SAS URL or connection string)',
  // The signature is an HMAC-SHA256 in base64 (URL-encoded in URLs); the `sv=` (version) and `se=`
  // (expiry) parameters around it make it a SAS.
  pattern: /[?&;]sig=([A-Za-z0-9%+/=_-]{43,120})/,
  keywords: ['sig='],
  secretGroup: 1,
  validate: (signature, { text, start, end }) => {
    const before = text.slice(Math.max(0, start - 1000), start);
    const after = text.slice(end, end + 1000);
    const parameters = before.slice(before.search(/(?<![^\s"'\x60<>])[^\s"'\x60<>]*$/)) + after.slice(0, after.search(/[\s"'\x60<>]|$/));
    const bytes = Buffer.from(decodeUriComponentSafe(signature), 'base64');
    return /(?:^|[?&;=])sv=/.test(parameters) && /[?&;]se=/.test(parameters) && bytes.length === 32;
  },
};

const telegramBotToken: Rule = {
  id: 'telegram-bot-token',
  description: 'Telegram bot token',
  // The bot's numeric id, a colon and 35 url-safe base64 characters starting "AA". Anchored on ":AA",
  // the id looked back for (standing alone, or after /bot in Bot API URLs). Bare, the id has the 8 to
  // 10 digits bots are given and the rest mixes cases and digits; with a bot or Telegram named on the
  // line or above (`TELEGRAM_BOT_TOKEN=...`, `TeleBot("...")`), any id counts.
  pattern: /:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])(?<=(?:(?<![\w-])|(?<=\/bot))(\d{5,16}:AA[A-Za-z0-9_-]{33}))/,
  keywords: [':aa'],
  secretGroup: 1,
  entropy: 3.5,
  validate: (token, { text, start, end }) => {
    const [id, rest] = token.split(':') as [string, string];
    const classes = characterClasses(rest.slice(2));
    if (id.length >= 8 && id.length <= 10 && classes.upper > 0 && classes.lower > 0 && classes.digit > 0) return true;
    return /telegr|bot/i.test(contextAround(text, start, end));
  },
};

const discordWebhook: Rule = {
  id: 'discord-webhook',
  description: 'Discord webhook URL',
  // discord.com, discordapp.com and their ptb. and canary. hosts.
  pattern: /discord(?:app)?\.com\/api\/(?:v\d{1,2}\/)?webhooks\/\d{17,20}\/([A-Za-z0-9_-]{60,80})/,
  keywords: ['discord'],
  secretGroup: 1,
  entropy: 4,
};

const teamsWebhook: Rule = {
  id: 'microsoft-teams-webhook',
  description: 'Microsoft Teams incoming webhook or workflow URL',
  // https://<tenant>.webhook.office.com/webhookb2/<group>@<tenant>/IncomingWebhook/<32 hex>/<owner>[/<signature>],
  // and the older outlook.office.com/webhook/ form. Their successors, Workflows (Power Automate)
  // URLs, carry their secret in the sig= parameter.
  pattern:
    /(?:\.webhook\.office\.com\/webhookb2|outlook\.office(?:365)?\.com\/webhook)\/([0-9a-f-]{36}@[0-9a-f-]{36}\/IncomingWebhook\/[0-9a-f]{32}\/[0-9a-f-]{36}(?:\/[A-Za-z0-9_-]{20,80})?)/,
  keywords: ['webhook.office.com', 'outlook.office'],
  secretGroup: 1,
  variants: [
    {
      pattern:
        /(?:logic\.azure\.com|api\.powerplatform\.com)(?::443)?\/(?:powerautomate\/automations\/direct\/)?workflows\/[0-9a-f]{32}\/triggers\/[\w.-]{1,60}\/paths\/invoke\?(?:[^\s"'<>&]{1,200}&){0,8}?sig=([A-Za-z0-9_-]{40,50})(?![\w-])/,
      keywords: ['logic.azure.com', 'api.powerplatform.com'],
      secretGroup: 1,
    },
  ],
};

/** A JSON object decoded from base64 (standard or url-safe), undefined when it is not one. */
function base64Json(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const discordBotToken: Rule = {
  id: 'discord-bot-token',
  description: 'Discord bot token',
  // Three url-safe base64 parts: the bot's user id (a snowflake of 17 to 20 digits, whose base64
  // starts MT, Mj, Mz, ND, NT, Nj, Nz, OD or OT), a timestamp of 6 characters and an HMAC of 27 or
  // more. No keyword can find it, so the pattern starts with those two letters, rare in source.
  pattern: /[MNO](?<![\w-][MNO])[TjzD][A-Za-z0-9_-]{22,26}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}(?![\w-])/,
  entropy: 4,
  validate: (token) => /^[1-9]\d{16,19}$/.test(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('latin1')),
};

const mailchimpApiKey: Rule = {
  id: 'mailchimp-api-key',
  description: 'Mailchimp API key',
  // 32 hex characters, a dash and the account's data center (us1 ... us21).
  pattern: /-us\d{1,2}(?![\w-])(?<=(?<![\w-])([0-9a-f]{32}-us\d{1,2}))/,
  keywords: ['-us'],
  secretGroup: 1,
  entropy: 3,
};

/** Words that name Cloudflare near a value: its variables, its CLI's settings, its API's key header. */
const CLOUDFLARE_CONTEXT = /cloudflare|\bcf[_-]?api|\bCF_[A-Z_]*(?:TOKEN|KEY)|x-auth-key/i;

const cloudflareApiToken: Rule = {
  id: 'cloudflare-api-token',
  description: 'Cloudflare API token or Global API key',
  // Since 2026: cfk_ (Global API key), cfut_ (user token), cfat_ (account token), then 40 characters
  // and a checksum. Earlier ones have no prefix: tokens are 40 characters, Global API keys 37 to 45
  // lowercase hex, and count where Cloudflare is named on the line or above.
  pattern: /\b(cf(?:k|ut|at)_[A-Za-z0-9]{40,60})(?![\w-])/,
  keywords: ['cfk_', 'cfut_', 'cfat_'],
  secretGroup: 1,
  variants: [
    // Runs only over texts naming Cloudflare; validate checks the name is near the value.
    { pattern: /(?<![\w-])([A-Za-z0-9_-]{40}|[0-9a-f]{37,45})(?![\w-])/, keywords: ['cloudflare', 'cf_api', 'x-auth-key'], secretGroup: 1 },
  ],
  entropy: 3,
  validate: (token, { text, start, end }) => {
    if (/^cf(?:k|ut|at)_/.test(token)) return true;
    const classes = characterClasses(token);
    // Hex of a digest's length (a commit next to the word) is no key.
    const key = /^[0-9a-f]+$/.test(token) ? !isHashShape(token) : classes.upper > 0 && classes.lower > 0;
    return key && classes.digit > 0 && CLOUDFLARE_CONTEXT.test(contextAround(text, start, end));
  },
};

const sentryToken: Rule = {
  id: 'sentry-auth-token',
  description: 'Sentry auth token (organization or personal)',
  // Personal tokens: sntryu_ and 64 hex. Organization tokens: sntrys_, base64 of a JSON object with
  // the issue time and the instance's URL, an underscore and the secret.
  pattern: /\b(sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/]{20,1000}={0,2}_[A-Za-z0-9+/]{40,50})(?![\w+/=-])/,
  keywords: ['sntryu_', 'sntrys_'],
  secretGroup: 1,
  entropy: 3.5,
  validate: (token) => token.startsWith('sntryu_') || base64Json(token.slice(7, token.lastIndexOf('_')))?.['iat'] !== undefined,
};

const azureAdClientSecret: Rule = {
  id: 'azure-ad-client-secret',
  description: 'Microsoft Entra ID (Azure AD) client secret',
  // Client secrets made since 2021: 40 characters of letters, digits and _ ~ . -, the fourth a digit
  // and the fifth and sixth "Q~". Found whatever the name it is assigned to.
  pattern: /(?<![A-Za-z0-9_~.-])([A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/,
  keywords: ['q~'],
  secretGroup: 1,
  entropy: 3.5,
  validate: (secret) => {
    const classes = characterClasses(secret);
    return classes.upper > 1 && classes.lower > 1 && classes.digit > 1;
  },
};

const oktaApiToken: Rule = {
  id: 'okta-api-token',
  description: 'Okta API token',
  // "00" and 40 url-safe base64 characters, where Okta is named or the SSWS scheme of its API is used.
  pattern: /(?:okta|OKTA|Okta|SSWS)(?:(?!okta|OKTA|Okta|SSWS)[^\n]){0,120}?(?<![\w-])(00[A-Za-z0-9_-]{40})(?![\w-])/,
  keywords: ['okta', 'ssws'],
  secretGroup: 1,
  entropy: 4,
};

const notionToken: Rule = {
  id: 'notion-token',
  description: 'Notion integration token',
  // ntn_ since 2024, secret_ and 43 base62 characters before.
  pattern: /\b(ntn_[A-Za-z0-9]{40,60}|secret_[A-Za-z0-9]{43})(?![\w-])/,
  keywords: ['ntn_', 'secret_'],
  secretGroup: 1,
  entropy: 4,
  validate: (token) => {
    const classes = characterClasses(token.slice(token.indexOf('_') + 1));
    return classes.upper > 0 && classes.lower > 0 && classes.digit > 0;
  },
};

const airtableToken: Rule = {
  id: 'airtable-token',
  description: 'Airtable personal access token',
  // pat, 14 characters of id, a dot and 64 hex of secret; looked for where Airtable is named ("pat"
  // alone is in half of all source files).
  pattern: /\b(pat[A-Za-z0-9]{14}\.[0-9a-f]{64})(?![\w-])/,
  keywords: ['airtable'],
  secretGroup: 1,
  entropy: 3.5,
};

const dropboxToken: Rule = {
  id: 'dropbox-token',
  description: 'Dropbox access token',
  // Short-lived tokens: sl. and about 140 url-safe base64 characters or more.
  pattern: /(?<![\w.-])(sl\.[A-Za-z0-9_-]{130,1500})(?![\w-])/,
  keywords: ['sl.'],
  secretGroup: 1,
  entropy: 4.5,
};

const adobeClientSecret: Rule = {
  id: 'adobe-client-secret',
  description: 'Adobe Developer Console client secret',
  pattern: /\b(p8e-[A-Za-z0-9_-]{32})(?![\w-])/,
  keywords: ['p8e-'],
  secretGroup: 1,
  entropy: 3.5,
};

const alibabaAccessKey: Rule = {
  id: 'alibaba-access-key',
  description: 'Alibaba Cloud AccessKey (ID or secret)',
  // AccessKey IDs start with LTAI; the 30-character secret is found written after its id on a line.
  pattern: /\b(LTAI[A-Za-z0-9]{12,20})(?![A-Za-z0-9])/,
  keywords: ['ltai'],
  secretGroup: 1,
  variants: [{ pattern: /\bLTAI[A-Za-z0-9]{12,20}\b(?:(?!LTAI)[^\n]){0,80}?(?<![A-Za-z0-9])([A-Za-z0-9]{30})(?![A-Za-z0-9])/, keywords: ['ltai'], secretGroup: 1 }],
  entropy: 3.5,
  validate: (key) => {
    const classes = characterClasses(key);
    return classes.upper > 0 && classes.lower > 0 && classes.digit > 0;
  },
};

const mailgunApiKey: Rule = {
  id: 'mailgun-api-key',
  description: 'Mailgun API key',
  // key- and 32 hex (older keys), or 32 hex, 8 hex and 8 hex joined by dashes (current keys, looked
  // for where Mailgun is named: the shape has no literal part to search for). The current form is
  // anchored on its last two groups, the first looked back for.
  pattern: /\b(key-[0-9a-f]{32})(?![\w-])/,
  keywords: ['key-'],
  secretGroup: 1,
  variants: [{ pattern: /-[0-9a-f]{8}-[0-9a-f]{8}(?![\w-])(?<=(?<![\w-])([0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}))/, keywords: ['mailgun'], secretGroup: 1 }],
  entropy: 3,
};

/*
 * Tokens known by a prefix their vendors publish, in a fixed alphabet and length. The look-arounds
 * keep a longer run of the same alphabet (an identifier, another token) from matching in part.
 */

const dockerHubToken: Rule = {
  id: 'docker-hub-token',
  description: 'Docker Hub personal or organization access token',
  // dckr_pat_ (personal) or dckr_oat_ (organization) + 27 url-safe base64 characters.
  pattern: /(?<![\w-])(dckr_(?:pat|oat)_[A-Za-z0-9_-]{27})(?![\w-])/,
  keywords: ['dckr_'],
  secretGroup: 1,
  entropy: 3.5,
};

const pulumiToken: Rule = {
  id: 'pulumi-access-token',
  description: 'Pulumi access token',
  // pul- + 40 hex.
  pattern: /(?<![\w-])(pul-[a-f0-9]{40})(?![\w-])/,
  keywords: ['pul-'],
  secretGroup: 1,
  entropy: 3,
};

const planetScaleToken: Rule = {
  id: 'planetscale-token',
  description: 'PlanetScale service token, database password or OAuth token',
  // pscale_tkn_, pscale_pw_ or pscale_oauth_ + 32 to 64 url-safe characters.
  pattern: /(?<![\w-])(pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64})(?![\w.-])/,
  keywords: ['pscale_'],
  secretGroup: 1,
  entropy: 3.5,
};

const supabaseKey: Rule = {
  id: 'supabase-key',
  description: 'Supabase personal access token or secret API key',
  // Personal access tokens: sbp_ + 40 hex. Secret API keys: sb_secret_ + url-safe base64 (the
  // sb_publishable_ keys beside them are public).
  pattern: /(?<![\w-])(sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{24,64})(?![\w-])/,
  keywords: ['sbp_', 'sb_secret_'],
  secretGroup: 1,
  entropy: 3,
};

const contentfulToken: Rule = {
  id: 'contentful-token',
  description: 'Contentful personal access token',
  // CFPAT- + 43 url-safe base64 characters.
  pattern: /(?<![\w-])(CFPAT-[A-Za-z0-9_-]{43})(?![\w-])/,
  keywords: ['cfpat-'],
  secretGroup: 1,
  entropy: 3.5,
};

const brevoKey: Rule = {
  id: 'brevo-api-key',
  description: 'Brevo (Sendinblue) API or SMTP key',
  // xkeysib- (API) or xsmtpsib- (SMTP relay) + 64 hex + - + 16 letters and digits.
  pattern: /(?<![\w-])(x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16})(?![\w-])/,
  keywords: ['xkeysib-', 'xsmtpsib-'],
  secretGroup: 1,
  entropy: 3,
};

const shippoToken: Rule = {
  id: 'shippo-api-token',
  description: 'Shippo API token (live or test)',
  // shippo_live_ or shippo_test_ + 40 hex.
  pattern: /(?<![\w-])(shippo_(?:live|test)_[a-f0-9]{40})(?![\w-])/,
  keywords: ['shippo_'],
  secretGroup: 1,
  entropy: 3,
};

const rubyGemsKey: Rule = {
  id: 'rubygems-api-key',
  description: 'RubyGems API key',
  // rubygems_ + 48 hex.
  pattern: /(?<![\w-])(rubygems_[a-f0-9]{48})(?![\w-])/,
  keywords: ['rubygems_'],
  secretGroup: 1,
  entropy: 3,
};

const prefectKey: Rule = {
  id: 'prefect-api-key',
  description: 'Prefect Cloud API key',
  // pnu_ + 36 letters and digits.
  pattern: /(?<![\w-])(pnu_[A-Za-z0-9]{36})(?![\w-])/,
  keywords: ['pnu_'],
  secretGroup: 1,
  entropy: 3.5,
};

const sonarToken: Rule = {
  id: 'sonarqube-token',
  description: 'SonarQube or SonarCloud user, project or analysis token',
  // squ_ (user), sqp_ (project analysis) or sqa_ (global analysis) + 40 hex.
  pattern: /(?<![\w-])(sq[upa]_[a-f0-9]{40})(?![\w-])/,
  keywords: ['squ_', 'sqp_', 'sqa_'],
  secretGroup: 1,
  entropy: 3,
};

const tailscaleKey: Rule = {
  id: 'tailscale-key',
  description: 'Tailscale auth key, API access token or OAuth client secret',
  // tskey-<kind>- + the key's id + - + its secret, both letters and digits.
  pattern: /(?<![\w-])(tskey-(?:auth|api|client|scim|webhook)-[A-Za-z0-9]{6,24}-[A-Za-z0-9]{20,48})(?![\w-])/,
  keywords: ['tskey-'],
  secretGroup: 1,
  entropy: 3.5,
};

const googleOAuthSecret: Rule = {
  id: 'google-oauth-secret',
  description: 'Google OAuth client secret or access token',
  // Client secrets: GOCSPX- + 28 url-safe characters. Access tokens: ya29. + url-safe characters.
  pattern: /(?<![\w-])(GOCSPX-[A-Za-z0-9_-]{28}|ya29\.[A-Za-z0-9_-]{30,2048})(?![\w-])/,
  keywords: ['gocspx-', 'ya29.'],
  secretGroup: 1,
  entropy: 3.5,
};

const newRelicKey: Rule = {
  id: 'new-relic-key',
  description: 'New Relic user API key, insert key or license key',
  // User keys: NRAK- + 27 upper-case letters and digits. Insert keys: NRII- + 32 url-safe characters.
  pattern: /(?<![\w-])(NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_-]{32})(?![\w-])/,
  keywords: ['nrak-', 'nrii-'],
  secretGroup: 1,
  variants: [
    // License (ingest) keys: 40 characters, of which the current ones end in NRAL after 36 hex, the
    // first six a region (eu01xx) for accounts outside the US. Anchored on the suffix, the rest looked
    // back for. The older keys, 40 hex with no suffix, are the generic rule's under their name.
    {
      pattern: /NRAL(?![A-Za-z0-9])(?<=(?<![A-Za-z0-9])((?:[a-z]{2}\d{2}xx[a-f0-9]{30}|[a-f0-9]{36})NRAL))/,
      keywords: ['nral'],
      secretGroup: 1,
    },
  ],
  entropy: 3.5,
};

const dynatraceToken: Rule = {
  id: 'dynatrace-token',
  description: 'Dynatrace API token',
  // dt0c01. + a 24-character public id + . + a 64-character secret, upper-case letters and digits.
  pattern: /(?<![\w.-])(dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64})(?![\w.-])/,
  keywords: ['dt0c01.'],
  secretGroup: 1,
  entropy: 3.5,
};

const terraformToken: Rule = {
  id: 'terraform-cloud-token',
  description: 'HCP Terraform (Terraform Cloud) or Terraform Enterprise API token',
  // 14 letters and digits, .atlasv1., and 60 to 70 url-safe base64 characters.
  pattern: /\.atlasv1\.(?<=(?<![\w.-])([A-Za-z0-9]{14}\.atlasv1\.))([A-Za-z0-9_=-]{60,70})(?![\w=-])/,
  keywords: ['.atlasv1.'],
  secretGroup: 2,
  entropy: 3.5,
};

const atlassianToken: Rule = {
  id: 'atlassian-api-token',
  description: 'Atlassian (Jira, Confluence, Bitbucket) API token or Bitbucket app password',
  // ATATT3 + about 180 url-safe base64 characters, ending in = and an 8-hex checksum.
  pattern: /(?<![\w+/-])(ATATT3[A-Za-z0-9_-]{150,250}=[A-F0-9]{8})(?![\w=-])/,
  keywords: ['atatt3'],
  secretGroup: 1,
  // Bitbucket app passwords of the current form: ATBB + 32 letters and digits.
  variants: [{ pattern: /(?<![A-Za-z0-9])(ATBB[A-Za-z0-9]{32})(?![A-Za-z0-9])/, keywords: ['atbb'], secretGroup: 1 }],
  entropy: 3.5,
  // Random characters mix cases and digits; ATBB before a run of words (a constant's name) does not.
  validate: (token) => {
    if (token.startsWith('ATATT3')) return true;
    const classes = characterClasses(token.slice(4));
    return classes.upper > 0 && classes.lower > 0 && classes.digit > 0;
  },
};

const aiProviderKey: Rule = {
  id: 'ai-provider-api-key',
  description: 'Groq, Replicate, Perplexity, xAI or Pinecone API key',
  // Groq: gsk_ + 52; Replicate: r8_ + 37; Perplexity: pplx- + 48; xAI: xai- + 80; letters and digits.
  // Pinecone: pcsk_ + the key's short id + _ + its secret.
  pattern: /(?<![\w-])(gsk_[A-Za-z0-9]{52}|r8_[A-Za-z0-9]{37}|pplx-[A-Za-z0-9]{48}|xai-[A-Za-z0-9]{80}|pcsk_[A-Za-z0-9]{4,10}_[A-Za-z0-9]{50,80})(?![\w-])/,
  keywords: ['gsk_', 'r8_', 'pplx-', 'xai-', 'pcsk_'],
  secretGroup: 1,
  entropy: 3.5,
  // Random keys mix cases and digits; an identifier that happens to follow a prefix rarely does.
  validate: (key) => {
    const classes = characterClasses(key.slice(key.search(/[_-]/) + 1));
    return classes.upper > 0 && classes.lower > 0 && classes.digit > 0;
  },
};

const squareToken: Rule = {
  id: 'square-token',
  description: 'Square access token or OAuth application secret',
  // Personal access tokens: sq0atp- + 22 url-safe characters; application secrets: sq0csp- + 43.
  pattern: /(?<![\w-])(sq0atp-[A-Za-z0-9_-]{22}|sq0csp-[A-Za-z0-9_-]{43})(?![\w-])/,
  keywords: ['sq0atp-', 'sq0csp-'],
  secretGroup: 1,
  // Access tokens of the current form (personal, OAuth, production or sandbox): EAAA + 60 url-safe
  // characters, 64 in all. Facebook's tokens also start EAA but run to 100 characters and more.
  variants: [{ pattern: /(?<![\w-])(EAAA[A-Za-z0-9_-]{60})(?![\w-])/, keywords: ['eaaa'], secretGroup: 1 }],
  entropy: 3.5,
  // Random characters mix cases and digits; base64 of binary data that starts EAAA (a little-endian
  // 16) runs on with more zero bytes (AAAA).
  validate: (token) => {
    if (!token.startsWith('EAAA')) return true;
    const rest = token.slice(4);
    const classes = characterClasses(rest);
    return classes.upper > 0 && classes.lower > 0 && classes.digit > 0 && !rest.includes('AAAA');
  },
};

const braintreeToken: Rule = {
  id: 'braintree-access-token',
  description: 'PayPal Braintree access token',
  // access_token$<environment>$<16-character merchant id>$<32 hex>.
  pattern: /(?<![\w$])(access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32})(?![\w$])/,
  keywords: ['access_token$'],
  secretGroup: 1,
  entropy: 3,
};

const plaidToken: Rule = {
  id: 'plaid-access-token',
  description: 'Plaid access token',
  // access-<environment>- + a UUID.
  pattern: /(?<![\w-])(access-(?:sandbox|development|production)-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12})(?![\w-])/,
  keywords: ['access-sandbox-', 'access-development-', 'access-production-'],
  secretGroup: 1,
  entropy: 3,
};

const onePasswordToken: Rule = {
  id: '1password-service-account-token',
  description: '1Password service account token',
  // ops_ + base64 of a JSON object (so eyJ...).
  pattern: /(?<![\w-])(ops_eyJ[A-Za-z0-9+/_-]{100,2000}={0,2})(?![\w+/=-])/,
  keywords: ['ops_eyj'],
  secretGroup: 1,
  entropy: 4,
};

const netlifyToken: Rule = {
  id: 'netlify-token',
  description: 'Netlify personal access token',
  // nfp_ + 36 letters and digits.
  pattern: /(?<![\w-])(nfp_[A-Za-z0-9]{36})(?![\w-])/,
  keywords: ['nfp_'],
  secretGroup: 1,
  entropy: 3.5,
};

const tencentSecretId: Rule = {
  id: 'tencent-cloud-secret-id',
  description: 'Tencent Cloud API SecretId',
  // AKID + 32 letters and digits (the SecretKey beside it has no prefix: the generic rule's).
  pattern: /(?<![A-Za-z0-9])(AKID[A-Za-z0-9]{32})(?![A-Za-z0-9])/,
  keywords: ['akid'],
  secretGroup: 1,
  entropy: 3.5,
  validate: (id) => {
    const classes = characterClasses(id.slice(4));
    return classes.upper > 0 && classes.lower > 0 && classes.digit > 0;
  },
};

const zapierWebhook: Rule = {
  id: 'zapier-webhook',
  description: 'Zapier catch hook URL',
  // hooks.zapier.com/hooks/catch/<account>/<hook id>: whoever has the URL can trigger the Zap.
  pattern: /hooks\.zapier\.com\/hooks\/catch\/(\d{4,12}\/[a-z0-9]{5,12})/,
  keywords: ['hooks.zapier.com'],
  secretGroup: 1,
  // Hook ids are random letters and digits; documentation writes `123456/abcdef`.
  validate: (path) => {
    const classes = characterClasses(path.slice(path.indexOf('/') + 1));
    return classes.lower > 0 && classes.digit > 0;
  },
};

const firebaseServerKey: Rule = {
  id: 'firebase-cloud-messaging-key',
  description: 'Firebase Cloud Messaging legacy server key',
  // AAAA + 7 url-safe characters + :APA91b + about 134 url-safe characters.
  pattern: /(?<![\w-])(AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{120,160})(?![\w-])/,
  keywords: [':apa91b'],
  secretGroup: 1,
  entropy: 4,
};

const mapboxSecretToken: Rule = {
  id: 'mapbox-secret-token',
  description: 'Mapbox secret access token',
  // sk. + base64url JSON (eyJ...) + . + its signature; the pk. tokens are public.
  pattern: /(?<![\w.-])(sk\.eyJ[A-Za-z0-9_-]{20,300}\.[A-Za-z0-9_-]{20,64})(?![\w.-])/,
  keywords: ['sk.eyj'],
  secretGroup: 1,
  entropy: 3.5,
};

const easyPostKey: Rule = {
  id: 'easypost-api-key',
  description: 'EasyPost production or test API key',
  // EZAK (production) or EZTK (test) + 54 letters and digits.
  pattern: /(?<![A-Za-z0-9])(EZ[AT]K[A-Za-z0-9]{54})(?![A-Za-z0-9])/,
  keywords: ['ezak', 'eztk'],
  secretGroup: 1,
  entropy: 3.5,
};

const flutterwaveKey: Rule = {
  id: 'flutterwave-secret-key',
  description: 'Flutterwave secret key',
  // FLWSECK- (live) or FLWSECK_TEST- + 32 hex + -X.
  pattern: /(?<![\w-])(FLWSECK(?:_TEST)?-[a-f0-9]{32}-X)(?![\w-])/,
  keywords: ['flwseck'],
  secretGroup: 1,
  entropy: 3,
};

const jfrogApiKey: Rule = {
  id: 'jfrog-api-key',
  description: 'JFrog Artifactory API key',
  // AKCp + 69 letters and digits.
  pattern: /(?<![A-Za-z0-9])(AKCp[A-Za-z0-9]{69})(?![A-Za-z0-9])/,
  keywords: ['akcp'],
  secretGroup: 1,
  entropy: 3.5,
};

const UUID_PATTERN = String.raw`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`;

const herokuApiKey: Rule = {
  id: 'heroku-api-key',
  description: 'Heroku API key or OAuth token',
  // Current keys and tokens: HRKU- + 60 url-safe base64 characters. HRKU- before a UUID is seen too,
  // and nothing else has that shape.
  pattern: new RegExp(String.raw`(?<![\w-])(HRKU-(?:[A-Za-z0-9_-]{60}|${UUID_PATTERN}))(?![\w-])`),
  keywords: ['hrku-'],
  secretGroup: 1,
  variants: [
    // Before, keys and tokens were bare UUIDs, a credential only by the name they are given: one ending
    // in api key or token (HEROKU_APP_ID and `heroku authorizations:revoke <id>` hold ids), followed by
    // the UUID with only assignment or fallback punctuation between (`= "`, `: `, `", "` of
    // `os.getenv("HEROKU_API_KEY", "...")`, ` || '` of `process.env.HEROKU_API_KEY || '...'`, `:-`).
    {
      pattern: new RegExp(String.raw`heroku[\w.-]{0,30}?(?:api[_.-]?key|token)s?(?!\w)[ \t"'\x60,|?:=)\]>-]{1,12}(${UUID_PATTERN})(?![\w-])`, 'i'),
      keywords: ['heroku'],
      secretGroup: 1,
    },
  ],
  entropy: 3,
  validate: (token) => {
    if (!token.startsWith('HRKU-') || token.length !== 65) return true;
    const classes = characterClasses(token.slice(5));
    return classes.upper > 0 && classes.lower > 0 && classes.digit > 0;
  },
};

/** `%2B`, `%2F`, `%3D` back to `+`, `/`, `=`: how bearer tokens are written in URLs and often copied. */
function percentDecodeBase64(text: string): string {
  return text.replace(/%2B/gi, '+').replace(/%2F/gi, '/').replace(/%3D/gi, '=');
}

const twitterBearerToken: Rule = {
  id: 'twitter-bearer-token',
  description: 'Twitter / X app-only bearer token',
  // Base64 of binary that starts with 15 zero bytes or more (20 A's), percent-encoded (%2B %2F %3D)
  // as the developer portal and the token endpoint give it or decoded, ending in its padding =, then
  // 40 to 60 letters and digits.
  pattern: /(?<![A-Za-z0-9%+/])(AAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%+/]{20,120}?(?:%3D|=)[A-Za-z0-9]{40,60})(?![A-Za-z0-9%+/=])/,
  keywords: ['aaaaaaaaaaaaaaaaaaaa'],
  secretGroup: 1,
  validate: (token) => {
    const decoded = percentDecodeBase64(token);
    const padding = decoded.indexOf('=');
    const head = decoded.slice(0, padding + 1);
    const tail = decoded.slice(padding + 1);
    // The head is whole base64 (its length a multiple of 4), and more than zero bytes.
    if (head.length % 4 !== 0 || !/^[A-Za-z0-9+/]+=$/.test(head) || head.replace(/^A+/, '').length < 12) return false;
    const classes = characterClasses(tail);
    return classes.upper > 0 && classes.lower > 0 && classes.digit > 0 && shannonEntropy(tail) >= 4;
  },
};

const typeformToken: Rule = {
  id: 'typeform-token',
  description: 'Typeform personal access token',
  // tfp_ + a long run of random url-safe characters (Typeform's documentation shows 40 hex).
  pattern: /(?<![\w-])(tfp_[A-Za-z0-9_-]{40,80})(?![\w-])/,
  keywords: ['tfp_'],
  secretGroup: 1,
  entropy: 3.5,
  // Random characters: hex, or both cases and digits; a long snake_case name after tfp_ is neither.
  validate: (token) => {
    const rest = token.slice(4);
    const classes = characterClasses(rest);
    return /^[0-9a-f]+$/.test(rest) ? classes.digit > 0 && classes.lower > 0 : classes.upper > 0 && classes.lower > 0 && classes.digit > 0;
  },
};

const clojarsToken: Rule = {
  id: 'clojars-deploy-token',
  description: 'Clojars deploy token',
  // CLOJARS_ + 60 lowercase hex (30 random bytes), as Clojars generates and checks them.
  pattern: /(?<![\w-])(CLOJARS_[a-f0-9]{60})(?![\w-])/,
  keywords: ['clojars_'],
  secretGroup: 1,
  entropy: 3,
};

const readmeApiKey: Rule = {
  id: 'readme-api-key',
  description: 'ReadMe API key',
  // rdme_ + 70 lowercase letters and digits.
  pattern: /(?<![\w-])(rdme_[a-z0-9]{70})(?![\w-])/,
  keywords: ['rdme_'],
  secretGroup: 1,
  entropy: 3,
};

const facebookAccessToken: Rule = {
  id: 'facebook-access-token',
  description: 'Facebook (Meta Graph API) access token',
  // User, page and app access tokens start with EAA and run to a hundred base62 characters or more.
  pattern: /\b(EAA[A-Za-z0-9]{90,400})(?![A-Za-z0-9])/,
  keywords: ['eaa'],
  secretGroup: 1,
  entropy: 4,
};

/** `user:password` decoded from HTTP Basic credentials, undefined when they do not decode to that. */
function basicCredentials(encoded: string): { user: string; password: string } | undefined {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const padded = encoded.padEnd(Math.ceil(encoded.length / 4) * 4, '=');
  if (colon < 1 || !/^[\x20-\x7e]+$/.test(decoded) || Buffer.from(decoded, 'utf8').toString('base64') !== padded) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const authorizationHeader: Rule = {
  id: 'authorization-header',
  description: 'credentials in an HTTP Authorization header (Basic, Bearer or Token)',
  // In scripts, docs, HTTP files and code: `-H "Authorization: Basic ..."`, `Authorization: Bearer ...`,
  // `"Authorization": "Token ..."`. Basic credentials must decode to user:password with a real
  // password; bearer tokens must look generated.
  pattern: /\b(?:Proxy-)?Authorization["']?[ \t]*[:=][ \t]*["']?(Basic|Bearer|Token)[ \t]+([A-Za-z0-9._~+/-]{8,2000}={0,2})(?![A-Za-z0-9._~+/=-])/i,
  keywords: ['authorization'],
  secretGroup: 2,
  validate: (credential, { match }) => {
    if (match[1]!.toLowerCase() === 'basic') {
      const basic = basicCredentials(credential);
      return basic !== undefined && basic.password.length >= 4 && !isDocumentedPassword(basic.password) && !isPlaceholderOrReference(basic.password);
    }
    return looksGenerated(new ValueShape(credential), 'weak');
  },
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
  pattern: /(?<![\w-])(eyJ[A-Za-z0-9_-]{8,2000}\.ey[A-Za-z0-9_-]{8,20000}\.[A-Za-z0-9_-]{16,2000})(?![A-Za-z0-9_-])/,
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
    String.raw`(?:"${SCHEME}([^"\s\\]{8,500})"|'${SCHEME}([^'\s\\]{8,500})'|\x60${SCHEME}([^\x60\s\\]{8,500})\x60|(?:(?:Bearer|Basic|Token)[ \t]+)?([^\s"'\x60\\,;&<>(){}\[\]|]{8,500}))`,
  'i',
);

/** A character of a name after its hook word: a word character, `.` or `-`. */
function isNameRest(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 46 || code === 45;
}

/** The full name a value is assigned to: the hook word, what follows it, and what precedes it. */
function assignedName(text: string, hookStart: number, nameEnd: number): string {
  let start = hookStart;
  // Name characters: those after the hook word, and `$` and `@`.
  while (start > 0 && hookStart - start < 100 && (isNameRest(text.charCodeAt(start - 1)) || text[start - 1] === '$' || text[start - 1] === '@')) start--;
  return text.slice(start, nameEnd);
}

/** Words joined by separators, all lowercase (`app.settings.title2`, `my-bucket`): labels, not keys. */
const WORDS_ONLY = /^(?:[a-z]+\d*|\d+)(?:[._/:-](?:[a-z]+\d*|\d+))+$/;
/** A file path: from a root, home or drive and made of path characters, or naming a key or config file. */
const PATH = /^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\)[\w.\/\\@+~ -]*$|\.(?:pem|key|crt|cer|der|p12|pfx|jks|json|ya?ml|txt|env|asc|gpg)$/i;
const MEMBER_ACCESS = /^[A-Za-z_$][\w$]*(?:[?!]?\.[A-Za-z_$][\w$]*)+$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z_$]*\d{0,3}$/;
/**
 * Capitalised or lowercase words run together (`_EllipticCurvePrivateKey`, `DSAPrivateKey`): a name,
 * not random text. Each run of capitals and of lowercase letters is read whole (an acronym ends before
 * the capital of the next word, a word at its last lowercase letter), so a string splits one way only:
 * splitting a run anywhere made a long run of letters before a digit exponential.
 */
const WORDS_RUN_TOGETHER = /^[_$]*(?:[A-Z]{2,}(?=[A-Z][a-z]|[^A-Za-z]|$)|[A-Z]?[a-z]{2,}(?![a-z]))+$/;
const EXPRESSION_CHARACTERS = /^[\w$.[\]()<>,:-]+$/;

/**
 * A type or an index expression (`list[V1Secret]`, `Shards[-1].ShardId`, `getToken()`): identifiers
 * and balanced brackets only, and at least one name indexed or called.
 */
function isExpression(value: string): boolean {
  if (!EXPRESSION_CHARACTERS.test(value)) return false;
  let square = 0;
  let round = 0;
  /** The run of word characters just read holds a letter, `_` or `$`: a name, not a number. */
  let name = false;
  let indexedOrCalled = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 91 || code === 40) indexedOrCalled ||= name;
    if (code === 91) square++;
    else if (code === 93) square--;
    else if (code === 40) round++;
    else if (code === 41) round--;
    if (square < 0 || round < 0) return false;
    const digit = code >= 48 && code <= 57;
    name = (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36 || (name && digit);
  }
  return indexedOrCalled && square === 0 && round === 0;
}

/** Files that may hold code between string literals (minified scripts, inline scripts); '' when unknown. */
function mayHoldCode(file: string): boolean {
  return file === '' || isSourceCodeFile(file) || /\.(?:html?|xhtml|jsp|erb|map)$/i.test(file);
}

/** The first character of a value that begins where a string literal of code ended (`"x="+e`, `"x=",a`, `"x=")`). */
const STARTS_AFTER_LITERAL = /^[+,;:)\]}?|&!]/;
/** What code ends with just before a string literal starts (`a="`, `f("`, `x+"`, `c?"`). */
const ENDS_BEFORE_LITERAL = /[+,;:([{=?|&!]$/;
/**
 * Code structure: brackets (`({u:[I]})`), calls and member access (`encodeURIComponent(t)`,
 * `t.password`). Calls and member access are anchored on the `(` or `.` and look back for the name,
 * so a long word is read once, not once from each of its letters.
 */
const CODE_STRUCTURE = /[(){}[\];][^(){}[\];\n]*[(){}[\];]|\((?<=[A-Za-z_$][\w$]{2,}\()|\.(?<=[A-Za-z_$][\w$]*\.)[A-Za-z_$][\w$]{2}/;
/** What follows the closing quote of a real string literal: the end of the line or of an expression. */
const AFTER_LITERAL = /^(?:[\s,;)\]}.:%+]|$)/;

/**
 * Whether a quoted "value" is really the code between two string literals of minified source:
 * `...credentials: "+e);n=R({u:[I]}),i="cors"` matches `credentials: "<value>"`. Then the quote after
 * the value opens the next literal, so literal text follows it at once, or the value starts with the
 * operator that follows a literal and has code structure. A quoted secret is followed by the end of
 * its expression (`'...';`, `"...",`), so values full of punctuation (Django keys, generated
 * passwords) stay values.
 */
function isCodeBetweenLiterals(value: string, after: string): boolean {
  if (/^[\w$]/.test(after)) return true;
  if (AFTER_LITERAL.test(after) || !STARTS_AFTER_LITERAL.test(value)) return false;
  return ENDS_BEFORE_LITERAL.test(value) || CODE_STRUCTURE.test(value);
}

const INI_SECTION = /^[ \t]*\[([\w .-]{1,60})\][ \t]*\r?$/gm;

/** The `[section]` heading an INI or TOML value sits under (`[auth]` in .sentryclirc), '' when none is near. */
function iniSection(text: string, position: number): string {
  let section = '';
  for (const heading of text.slice(Math.max(0, position - 4000), position).matchAll(INI_SECTION)) section = heading[1]!;
  return section;
}

/** A character no word, slug or path has (separators `-_./:` do not count). */
const SYMBOL = /[^A-Za-z0-9\-_./:]/;
const SYMBOLS = /[^A-Za-z0-9\-_./:]+/g;

/**
 * Random enough to be a generated secret. A strong name (PASSWORD, API_KEY) needs 10+ characters; a
 * weak one (key, token) 16+ and a digit or very high entropy. Both need two character classes
 * (lowercase, uppercase, digits, symbols), so lowercase slugs and words never count.
 */
function looksGenerated(shape: ValueShape, strength: Exclude<NameStrength, 'none'>): boolean {
  const { value, classes } = shape;
  // Letters only (camelCase words, "fakeAwsSecret") need the length and entropy of real random text.
  const lettersOnly = classes.digit === 0 && classes.other === 0;
  const minLength = strength === 'strong' && !lettersOnly ? 10 : 16;
  const minEntropy = lettersOnly ? (strength === 'strong' ? 3.8 : 4.2) : strength === 'strong' ? 3.3 : classes.digit > 0 ? 3.6 : 4.2;
  // Length and entropy first: they turn away most values, and cost less than the word patterns.
  if (value.length < minLength || shape.entropy < minEntropy) return false;
  const kinds = Number(classes.lower > 0) + Number(classes.upper > 0) + Number(classes.digit > 0) + Number(SYMBOL.test(value));
  // Words decorated with symbols ("##invalid-password##", "geheim$parole") are words.
  const words = value.replace(SYMBOLS, '');
  return kinds >= 2 && !WORDS_ONLY.test(words) && !WORDS_RUN_TOGETHER.test(words) && !/^[a-z]+$/.test(words);
}

/**
 * A password a person chose (`thisIsDog11`, `Sommer2024!`): 8 to 64 characters mixing three kinds of
 * character (lowercase, uppercase, digits, symbols), or two over 12 characters with a non-letter.
 * Lower than looksGenerated's bar, so only under a password's own name (whose tutorial and default
 * values are turned away before).
 */
function looksChosen(shape: ValueShape): boolean {
  const { value, classes } = shape;
  // Some variety too: "aaaaaaaaaaaa1" mixes two kinds of character and is no password.
  if (value.length < 8 || value.length > 64 || shape.entropy < 2.5) return false;
  const kinds = Number(classes.lower > 0) + Number(classes.upper > 0) + Number(classes.digit > 0) + Number(classes.other > 0);
  return kinds >= 3 || (kinds === 2 && value.length >= 12 && classes.lower + classes.upper < value.length);
}

/**
 * UUIDs and bare digests are identifiers, cache keys and commits almost everywhere; under a name that
 * says credential (HEROKU_API_KEY, DD_APP_KEY, SNYK_TOKEN, `token` under `[auth]`) they are the
 * credential. Random hex of 32 characters scores over 2.9 bits per character; fillers
 * ("00000000-0000-...", "1111-2222-...") score less.
 */
function isCredentialShapedLikeId(secret: string, name: string, context: MatchContext): boolean {
  if (!isCredentialName(name) && (isSourceCodeFile(context.file) || !isCredentialName(`${iniSection(context.text, context.match.index)}.${name}`))) {
    return false;
  }
  return shannonEntropy(secret.replace(/-/g, '')) >= 2.75;
}

interface NameFacts {
  strength: NameStrength;
  /** A name for a password a person chooses (not a key or token, which are generated). */
  password: boolean;
  /** "hashed_secret": other scanners' baselines list digests of what they found, not secrets. */
  hashed: boolean;
}

/**
 * What a name says, remembered for the names seen last: secret-dense text repeats a few names
 * thousands of times, and splitting a name into words costs more than the rest of a check.
 */
const namesSeen = new Map<string, NameFacts>();
function nameFacts(name: string): NameFacts {
  let facts = namesSeen.get(name);
  if (facts === undefined) {
    if (namesSeen.size >= 512) namesSeen.clear();
    const words = nameWords(name);
    const joined = words.join('');
    facts = {
      strength: secretNameStrength(name),
      password: /password|passwd|passphrase|passcode|pwd/.test(joined) || words.includes('pw'),
      hashed: words.includes('hashed'),
    };
    namesSeen.set(name, facts);
  }
  return facts;
}

function validateGeneric(secret: string, context: MatchContext): boolean {
  const { text, match, file } = context;
  // The name (the hook word and group 1, word characters, `.` and `-`) ends at the first other character.
  let nameEnd = match.index;
  while (nameEnd < text.length && isNameRest(text.charCodeAt(nameEnd))) nameEnd++;
  const name = assignedName(text, match.index, nameEnd);
  // `>` assigns only in an element, <password>value</password>; `<password>@host` in a URL template is a placeholder.
  if (text[nameEnd] === '>' && (text[nameEnd - name.length - 1] !== '<' || !text.startsWith('</', context.end))) return false;
  const { strength, password: passwordName, hashed } = nameFacts(name);
  if (strength === 'none' || hashed) return false;
  const idShaped = isUuid(secret) || isHashShape(secret);
  if (passwordName && isDocumentedPassword(secret)) return false;
  if (!idShaped) {
    const shape = new ValueShape(secret);
    if (!looksGenerated(shape, strength) && !(passwordName && looksChosen(shape))) return false;
  }
  if (match[5] !== undefined) {
    // Unquoted: in source code that is an expression (process.env.X, os.getenv("X"), someVariable).
    if (isSourceCodeFile(file) || MEMBER_ACCESS.test(secret) || IDENTIFIER.test(secret)) return false;
    if (/[([{]/.test(text[context.end] ?? '')) return false;
  } else if (mayHoldCode(file) && isCodeBetweenLiterals(secret, text.slice(context.end + 1, context.end + 2))) {
    return false;
  }
  if (isLabelledDigest(secret) || secret.includes('://') || PATH.test(secret) || isExpression(secret)) return false;
  // Basic credentials are judged decoded, by authorization-header.
  if (/\bbasic[ \t]+$/i.test(text.slice(Math.max(0, context.start - 8), context.start))) return false;
  if (isKubesealCiphertext(secret, context)) return false;
  return !idShaped || isCredentialShapedLikeId(secret, name, context);
}

const genericSecret: Rule = {
  id: 'generic-secret',
  description: 'high-entropy value assigned to a secret-looking name',
  kind: 'generic',
  pattern: GENERIC,
  // The hook words of GENERIC: every match contains one.
  keywords: ['key', 'token', 'pass', 'private', 'auth', 'secret', 'pwd', 'cred'],
  secretGroup: [2, 3, 4, 5],
  validate: validateGeneric,
};

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
      !isDocumentedPassword(plain) &&
      !EXAMPLE_HOST.test(match[3]!)
    );
  },
};

export const builtinRules: readonly Rule[] = Object.freeze([
  masterKey,
  privateKey,
  puttyKey,
  ageSecretKey,
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
  vaultToken,
  grafanaServiceAccountToken,
  databricksToken,
  postmanApiKey,
  linearApiKey,
  dopplerToken,
  huggingFaceToken,
  shopifyToken,
  digitalOceanToken,
  azureDevOpsPat,
  azureSasToken,
  telegramBotToken,
  discordWebhook,
  teamsWebhook,
  discordBotToken,
  mailchimpApiKey,
  cloudflareApiToken,
  sentryToken,
  azureAdClientSecret,
  oktaApiToken,
  notionToken,
  airtableToken,
  dropboxToken,
  adobeClientSecret,
  alibabaAccessKey,
  mailgunApiKey,
  facebookAccessToken,
  dockerHubToken,
  pulumiToken,
  planetScaleToken,
  supabaseKey,
  contentfulToken,
  brevoKey,
  shippoToken,
  rubyGemsKey,
  prefectKey,
  sonarToken,
  tailscaleKey,
  googleOAuthSecret,
  newRelicKey,
  dynatraceToken,
  terraformToken,
  atlassianToken,
  aiProviderKey,
  squareToken,
  braintreeToken,
  plaidToken,
  onePasswordToken,
  netlifyToken,
  tencentSecretId,
  zapierWebhook,
  firebaseServerKey,
  mapboxSecretToken,
  easyPostKey,
  flutterwaveKey,
  jfrogApiKey,
  herokuApiKey,
  twitterBearerToken,
  typeformToken,
  clojarsToken,
  readmeApiKey,
  jwt,
  jwkPrivateKey,
  ethereumKey,
  urlPassword,
  cliPassword,
  authorizationHeader,
  genericSecret,
]);
