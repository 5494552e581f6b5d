// Rule families one by one: what each finds, where it reports it, and what it must leave alone.
// Fake secrets are assembled at run time so this file holds none in a form scanners match.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { detect, builtinRules, shannonEntropy } from '../../dist/detect/index.js';

const fingerprintKey = Buffer.alloc(32, 1);
const scan = (text, file = 'fixture.txt', options = {}) => detect(text, { file, fingerprintKey, ...options });
const rules = (text, file) => scan(text, file).map((f) => f.rule);

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Random characters from `alphabet`, drawn fresh per test run. */
const random = (length, alphabet = B62) => Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
const hex = (length) => randomBytes(length / 2).toString('hex');
const fernetKey = () => {
  for (;;) {
    const key = randomBytes(32).toString('base64url') + '=';
    if (/\d/.test(key) && /[A-Z]/.test(key) && /[a-z]/.test(key)) return key;
  }
};

test('Shannon entropy: 0 for repetition, log2(n) for n distinct characters, high for random base64', () => {
  assert.is(shannonEntropy(''), 0);
  assert.is(shannonEntropy('aaaaaaaa'), 0);
  assert.is(shannonEntropy('abab'), 1);
  assert.is(shannonEntropy('abcdefgh'), 3);
  assert.ok(shannonEntropy(randomBytes(48).toString("base64")) > 4.5);
});

test('every built-in rule has a unique kebab-case id, a description and a linear-time pattern shape', () => {
  const ids = builtinRules.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const rule of builtinRules) {
    assert.match(rule.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    assert.ok(rule.description.length > 5);
    for (const keyword of rule.keywords ?? []) assert.is(keyword, keyword.toLowerCase(), `${rule.id}: keywords are lowercase`);
  }
});

test('master key: bare, assigned, in source; located at the key; masked to its first 4 characters', () => {
  const key = fernetKey();
  const [finding] = scan(`# staging\nENVSEAL_MASTER_KEY=${key}\n`, '.env');
  assert.is(finding.rule, 'envseal-master-key');
  assert.is(finding.kind, 'master-key');
  assert.is(finding.line, 2);
  assert.is(finding.column, 'ENVSEAL_MASTER_KEY='.length + 1);
  assert.is(finding.secret, key);
  assert.is(finding.maskedExcerpt, `ENVSEAL_MASTER_KEY=${key.slice(0, 4)}\u2026`);
  assert.equal(rules(key, '.env.key'), ['envseal-master-key']);
  assert.equal(rules(`const k = "${key}";`, 'src/a.ts'), ['envseal-master-key']);
});

test('master key: not Fernet tokens, longer base64, digests, certificate lines, or 44 characters that are not 32 bytes', () => {
  const key = fernetKey();
  assert.equal(rules(`API_KEY=fernet:gAAAAAB${random(100, B62)}==`, '.env.encrypted'), []);
  assert.equal(rules(`x ${random(60)}${key}`), []);
  assert.equal(rules(`pin-sha256="${key}"`), []);
  assert.equal(rules(`integrity="sha256-${key}"`), []);
  assert.equal(rules(`${random(64, B62 + '+/')}\n${key}\n-----END CERTIFICATE-----`), []);
  // The last character before '=' carries 2 unused bits: a non-zero one means this is not a key.
  assert.equal(rules(`${key.slice(0, 42)}B=`), []);
});

test('private keys: every PEM label, PGP blocks, JSON-escaped bodies; reported at BEGIN; public material ignored', () => {
  const body = Array.from({ length: 6 }, () => randomBytes(48).toString('base64')).join('\n');
  for (const label of ['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'PGP PRIVATE KEY BLOCK']) {
    const findings = scan(`intro\n-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`, 'key.pem');
    assert.equal(findings.map((f) => [f.rule, f.line, f.column]), [['private-key', 2, 1]], label);
    assert.is(findings[0].maskedExcerpt, `-----BEGIN ${label}-----`);
  }
  const json = JSON.stringify({ type: 'service_account', private_key: `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n` }, null, 2);
  const [inJson] = scan(json, 'sa.json');
  assert.is(inJson.rule, 'private-key');
  assert.is(inJson.line, 3);
  assert.not.ok(inJson.maskedExcerpt.includes(body.slice(0, 20)));
  for (const label of ['PUBLIC KEY', 'RSA PUBLIC KEY', 'CERTIFICATE']) {
    assert.equal(rules(`-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`, 'pub.pem'), [], label);
  }
});

test('AWS: access key ids; secret keys by the name they are assigned to; documented examples ignored', () => {
  const id = `AKIA${random(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
  const secret = random(40, B62 + '+/');
  assert.equal(rules(`aws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`, 'credentials'), ['aws-access-key-id', 'aws-secret-access-key']);
  assert.equal(rules(`new S3Client({ credentials: { secretAccessKey: "${secret}" } })`, 's3.js'), ['aws-secret-access-key']);
  assert.equal(rules(`${'AKIA'}IOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCY${'EXAMPLE'}KEY`), []);
  assert.equal(rules(`aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY${'EXAMPLE'}KEY`), []);
});

test('token formats: each vendor prefix is found, as the specific rule and not the generic one', () => {
  const cases = {
    'github-token': `ghp_${random(36)}`,
    'github-fine-grained-token': `github_pat_${random(22)}_${random(59)}`,
    'gitlab-token': `glpat-${random(20)}`,
    'slack-token': `xoxb-${random(12, '0123456789')}-${random(13, '0123456789')}-${random(24)}`,
    'stripe-secret-key': `sk_live_${random(99)}`,
    'stripe-webhook-secret': `whsec_${random(32)}`,
    'google-api-key': `AIza${random(35)}`,
    'sendgrid-api-key': `SG.${random(22)}.${random(43)}`,
    'twilio-api-key': `SK${hex(32)}`,
    'npm-token': `npm_${random(36)}`,
    'pypi-token': `pypi-AgEIcHlwaS5vcmc${random(120, B62 + '-_')}`,
    'openai-api-key': `sk-proj-${random(150, B62 + '-_')}`,
    'anthropic-api-key': `sk-ant-api03-${random(95, B62 + '-_')}`,
  };
  for (const [rule, token] of Object.entries(cases)) {
    const findings = scan(`SERVICE_TOKEN=${token}\n`, '.env');
    assert.equal(findings.map((f) => f.rule), [rule], rule);
    assert.is(findings[0].secret, token, rule);
    assert.not.ok(findings[0].maskedExcerpt.includes(token.slice(4)), `${rule} excerpt is masked`);
  }
});

test('token formats: placeholders, truncated examples and neighbouring characters are not tokens', () => {
  assert.equal(rules(`GITHUB_TOKEN=ghp_${'x'.repeat(36)}`), []);
  assert.equal(rules(`see ghp_${random(36)}_and_more in the log`), []);
  assert.equal(rules('STRIPE_KEY=sk_live_...'), []);
  assert.equal(rules('SLACK=xoxb-your-token-here'), []);
  assert.equal(rules(`STRIPE_PUBLISHABLE_KEY=pk_live_${random(99)}`), []);
});

test('Slack webhooks, Twilio auth tokens and Azure account keys need their context', () => {
  assert.equal(rules(`url: https://hooks.slack.com/services/T${random(10)}/B${random(10)}/${random(24)}`), ['slack-webhook']);
  assert.equal(rules(`TWILIO_AUTH_TOKEN=${hex(32)}`), ['twilio-auth-token']);
  assert.equal(rules(`checksum ${hex(32)}`), []);
  assert.equal(rules(`AccountName=x;AccountKey=${randomBytes(64).toString('base64')};EndpointSuffix=core.windows.net`), ['azure-storage-account-key']);
});

test('JWT: signed tokens with a JSON header are found; alg none and non-JSON look-alikes are not', () => {
  const enc = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const jwt = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: random(8) })}.${randomBytes(32).toString('base64url')}`;
  assert.equal(rules(`Authorization: Bearer ${jwt}`, 'smoke.sh'), ['jwt']);
  assert.equal(rules(`${enc({ alg: 'none' })}.${enc({ sub: 'x' })}.${randomBytes(16).toString('base64url')}`), []);
  assert.equal(rules(`eyJ${random(20)}.eyJ${random(20)}.${random(40)}`), []);
});

test('Ethereum keys only when assigned to a private key name', () => {
  const key = `0x${hex(64)}`;
  assert.equal(rules(`DEPLOYER_PRIVATE_KEY=${key}`, '.env'), ['ethereum-private-key']);
  assert.equal(rules(`const privateKey = "${key}";`, 'deploy.js'), ['ethereum-private-key']);
  assert.equal(rules(`{"transactionHash": "${key}"}`, 'receipt.json'), []);
});

test('URL passwords: found and masked; local defaults, documentation hosts and references are not', () => {
  const password = random(18);
  const [finding] = scan(`DATABASE_URL=postgres://app:${password}@db.internal:5432/app`, '.env');
  assert.is(finding.rule, 'url-password');
  assert.is(finding.secret, password);
  assert.is(finding.maskedExcerpt, 'DATABASE_URL=postgres://app:****@db.internal:5432/app');
  assert.equal(rules('postgres://postgres:postgres@localhost:5432/db'), []);
  assert.equal(rules(`https://user:${random(12)}@example.com/`), []);
  assert.equal(rules('postgres://app:${DB_PASSWORD}@db.internal/app'), []);
  assert.equal(rules('cvs://:pserver:anoncvs@sources.example.org:/cvs/src'), []);
});

test('generic: a random value assigned to a secret name, in every common syntax', () => {
  const value = `${random(6)}7${random(20)}`;
  const samples = [
    ['.env', `DB_PASSWORD=${value}`],
    ['.env', `export API_TOKEN="${value}"`],
    ['app.yml', `client_secret: ${value}`],
    ['app.json', `{"apiKey": "${value}"}`],
    ['app.toml', `password = "${value}"`],
    ['app.ini', `secret_key = ${value}`],
    ['app.properties', `spring.datasource.password=${value}`],
    ['app.js', `const apiSecret = '${value}';`],
    ['app.ts', `  authToken: \`${value}\`,`],
    ['app.py', `SECRET_KEY = '${value}'`],
    ['app.rb', `Client.new(:api_key => "${value}")`],
    ['main.go', `token := "${value}"`],
    ['App.java', `private static final String API_KEY = "${value}";`],
    ['settings.xml', `<password>${value}</password>`],
    ['req.http', `Authorization: Bearer ${value}`],
  ];
  for (const [file, line] of samples) {
    const findings = scan(line, file);
    assert.equal(findings.map((f) => f.rule), ['generic-secret'], `${file}: ${line}`);
    assert.is(findings[0].secret, value, file);
    assert.is(findings[0].column, line.indexOf(value) + 1, file);
  }
});

test('generic: code that only names a secret, references and descriptive names are not secrets', () => {
  const value = `${random(6)}7${random(20)}`;
  const samples = [
    ['server.js', 'const secret = process.env.SECRET_KEY;'],
    ['settings.py', 'SECRET_KEY = os.environ["SECRET_KEY"]'],
    ['settings.py', 'API_TOKEN = os.getenv("API_TOKEN")'],
    ['app.rb', 'config.secret_key_base = ENV.fetch("SECRET_KEY_BASE")'],
    ['main.go', 'token := os.Getenv("API_TOKEN")'],
    ['App.java', 'String apiKey = System.getenv("API_KEY");'],
    ['compose.yml', 'POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}'],
    ['ci.yml', 'token: ${{ secrets.GITHUB_TOKEN }}'],
    ['.env', 'TOKEN=$(vault read -field=token secret/app)'],
    ['.env', `SECRET_KEY_PATH=/etc/keys/${value}.pem`],
    ['.env', `TOKEN_URL=https://auth.example.org/${value}`],
    ['.env', 'API_KEY=123e4567-e89b-12d3-a456-426614174000'],
    ['.env', `PUBLIC_KEY=${value}`],
    ['deploy.yml', `image: app@sha256:${hex(64)}`],
    ['ui.ts', `const keyboard = "${value}";`],
    ['auth.ts', 'private readonly tokenService: TokenService2;'],
    ['ssl.py', 'def sign(private_key: "_EllipticCurvePrivateKey", data: bytes): ...'],
  ];
  for (const [file, line] of samples) assert.equal(rules(line, file), [], `${file}: ${line}`);
});

test('sealed files and envseal metadata lines are data', () => {
  const sealed = [
    `#envseal:v1 key=${hex(16)}`,
    `#envseal:history {"date":"2024-01-01T00:00:00Z","event":"created","key":"${hex(16)}","envseal":"0.1.0"}`,
    `API_KEY=fernet:gAAAAAB${random(120, B62 + '-_')}==`,
    `export SECRET_TOKEN="fernet:gAAAAAB${random(120, B62 + '-_')}=="`,
    `#envseal:mac ${hex(64)}`,
  ].join('\n');
  assert.equal(rules(sealed, '.env.encrypted'), []);
});

test.run();
