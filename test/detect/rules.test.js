// Rule families one by one: what each finds, where it reports it, and what it must leave alone.
// Fake secrets are assembled at run time so this file holds none in a form scanners match.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as crypto from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { detect, builtinRules, shannonEntropy } from '../../dist/detect/index.js';

const fingerprintKey = Buffer.alloc(32, 1);
const scan = (text, file = 'fixture.txt', options = {}) => detect(text, { file, fingerprintKey, ...options });
const rules = (text, file) => scan(text, file).map((f) => f.rule);

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Random characters from `alphabet`, drawn fresh per test run. */
const random = (length, alphabet = B62) => Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
const hex = (length) => randomBytes(length / 2).toString('hex');
/** A random Fernet key; `urlSafe` says whether it must (true) or must not (false) hold a '-' or '_'. */
const fernetKey = (urlSafe) => {
  for (;;) {
    const key = randomBytes(32).toString('base64url') + '=';
    if (urlSafe !== undefined && /[-_]/.test(key) !== urlSafe) continue;
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
    for (const form of [rule, ...(rule.variants ?? [])]) {
      for (const keyword of form.keywords ?? []) assert.is(keyword, keyword.toLowerCase(), `${rule.id}: keywords are lowercase`);
    }
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
  assert.equal(rules(`const k = "${fernetKey(true)}";`, 'src/a.ts'), ['envseal-master-key']);
});

test('master key: without - or _ only assigned to a secret name, or next to words naming Fernet or envseal', () => {
  const plain = fernetKey(false);
  assert.equal(rules(`ENVSEAL_MASTER_KEY=${plain}`, '.env'), ['envseal-master-key']);
  assert.equal(rules(`# Fernet key for staging\n${plain}`, 'NOTES.md'), ['envseal-master-key']);
  assert.equal(rules(plain, '.env.key'), ['envseal-master-key']);
  assert.equal(rules(`const k = "${plain}";`, 'src/a.ts'), []);
  assert.equal(rules(`digest ${plain}`, 'NOTES.md'), []);
  for (const line of [`PublicKey = ${plain}`, `iv: ${plain}`, `"nonce": "${plain}"`, `salt = ${plain}`, `trusted-public-keys = cache.example.org-1:${plain}`]) {
    assert.equal(rules(line, 'x.conf'), [], line);
  }
  assert.equal(rules(`x: ENC[AES256_GCM,data:${plain},iv:${fernetKey(false)},type:str]`, 'secrets.enc.yaml'), []);
  // A url-safe key is a key whatever it is assigned to, unless the name says digest, nonce or public value.
  assert.equal(rules(`value = "${fernetKey(true)}"`, 'x.cfg'), ['envseal-master-key']);
  assert.equal(rules(`challenge_hash = "${fernetKey(true)}"`, 'x.cfg'), []);
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
    'hashicorp-vault-token': `hvs.CAESI${random(90, B62 + '-_')}`,
    'grafana-service-account-token': `glsa_${random(32)}_${hex(8)}`,
    'databricks-token': `dapi${hex(32)}`,
    'postman-api-key': `PMAK-${hex(24)}-${hex(34)}`,
    'linear-api-key': `lin_api_${random(40)}`,
    'doppler-token': `dp.pt.${random(43)}`,
    'huggingface-token': `hf_Ab${random(32, B62.slice(0, 52))}`,
    'shopify-token': `shpat_${hex(32)}`,
    'digitalocean-token': `dop_v1_${hex(64)}`,
    'azure-devops-pat': `${random(52)}JQQJ99${random(1)}C${random(16)}AZDO${random(4)}`,
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

test('webhook URLs: Discord (discord.com, discordapp.com) and Microsoft Teams, in every form', () => {
  const token = random(68, B62 + '-_');
  for (const host of ['discord.com', 'discordapp.com', 'canary.discord.com']) {
    const [finding] = scan(`DISCORD_WEBHOOK_URL=https://${host}/api/webhooks/${random(18, '0123456789')}/${token}`, '.env');
    assert.is(finding.rule, 'discord-webhook', host);
    assert.is(finding.secret, token);
  }
  const uuid = () => crypto.randomUUID();
  const teams = `https://contoso.webhook.office.com/webhookb2/${uuid()}@${uuid()}/IncomingWebhook/${hex(32)}/${uuid()}`;
  assert.equal(rules(`url: ${teams}`, 'alerts.yml'), ['microsoft-teams-webhook']);
  assert.equal(rules('url: https://discord.com/api/webhooks/{id}/{token}', 'docs.md'), []);
});

test('Azure SAS signatures need sv= and se= around them and 32 bytes of signature', () => {
  const sig = encodeURIComponent(randomBytes(32).toString('base64'));
  const url = `https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&se=2030-01-01T00:00:00Z&sig=${sig}`;
  assert.equal(rules(url), ['azure-sas-token']);
  assert.equal(rules(`https://img.example.net/a.png?w=1&sig=${sig}`), []);
  assert.equal(rules(`https://acct.blob.core.windows.net/c/f?sv=2022-11-02&se=2030-01-01&sig=${encodeURIComponent(randomBytes(20).toString('base64'))}`), []);
});

test('Telegram bot tokens: bare with a bot id of 8 to 10 digits, any id where a bot or Telegram is named', () => {
  const rest = () => `AA${random(30, B62 + '-_')}Zz9`;
  const token = `${random(9, '0123456789')}:${rest()}`;
  assert.equal(rules(`TELEGRAM_BOT_TOKEN=${token}`, '.env'), ['telegram-bot-token']);
  assert.equal(rules(`curl https://api.telegram.org/bot${token}/getMe`, 'x.sh'), ['telegram-bot-token']);
  assert.equal(rules(`ratio=${token}`, 'x.txt'), ['telegram-bot-token']);
  const shortId = `${random(5, '0123456789')}:${rest()}`;
  assert.equal(rules(`ratio=${shortId}`, 'x.txt'), []);
  assert.equal(rules(`BOT_TOKEN=${shortId}`, '.env'), ['telegram-bot-token']);
});

test('JWK private keys: a "d" (or a symmetric "k") member in an object with its "kty"', () => {
  const b = (n) => randomBytes(n).toString('base64url');
  assert.equal(rules(JSON.stringify({ kty: 'EC', crv: 'P-256', x: b(32), y: b(32), d: b(32) }), 'k.json'), ['jwk-private-key']);
  assert.equal(rules(JSON.stringify({ kty: 'RSA', n: b(256), e: 'AQAB', d: b(256) }, null, 2), 'k.json'), ['jwk-private-key']);
  assert.equal(rules(JSON.stringify({ kty: 'oct', k: b(32) }), 'k.json'), ['jwk-private-key']);
  assert.equal(rules(JSON.stringify({ kty: 'EC', crv: 'P-256', x: b(32), y: b(32) }), 'k.json'), []);
  assert.equal(rules(`{"kty": "none"} {"d": "${b(32)}"}`, 'k.json'), []);
});

test('command-line and .netrc passwords: each tool, never prompts, references or defaults', () => {
  const pw = () => `${random(6)}!${random(8)}`;
  const found = [
    `machine api.example.net login ci password ${pw()}`,
    `mysql -u app -p'${pw()}' app`,
    `mysqldump -u root -p${pw()} db`,
    `curl -u ci:${pw()} https://api.example.net`,
    `curl --user "ci:${pw()}" https://api.example.net`,
    `docker login -u ci -p ${pw()} registry.example.net`,
    `docker login --password ${pw()} -u ci`,
    `sshpass -p '${pw()}' ssh host`,
    `htpasswd -bc .htpasswd admin ${pw()}`,
    `htpasswd -nb admin ${pw()}`,
    `CREATE USER app WITH PASSWORD '${pw()}';`,
    `CREATE USER 'app'@'%' IDENTIFIED BY '${pw()}';`,
  ];
  for (const line of found) {
    const findings = scan(line, 'x.sh');
    assert.equal(findings.map((f) => f.rule), ['cli-password'], line);
    assert.ok(line.includes(`${findings[0].secret}`) && findings[0].secret.includes('!'), line);
  }
  const ignored = ['mysql -u root -p', "mysql -p'' db", 'mysql -p"$DB_PASS" db', 'curl -u ci https://x', 'curl -u "$U:$P" https://x', 'docker login -u ci --password-stdin', 'mysql -uroot -proot', 'the key identified by alias'];
  for (const line of ignored) assert.equal(rules(line, 'x.sh'), [], line);
  assert.equal(rules(`aws configure set aws_secret_access_key ${random(40, B62 + '/+')}`, 'setup.sh'), ['aws-secret-access-key']);
});

test('cli-password forms name every capture group of their pattern as a password alternative', () => {
  // The groups are counted from the pattern source; the compiled pattern must agree.
  for (const rule of builtinRules.filter((r) => r.id === 'cli-password')) {
    for (const form of [rule, ...(rule.variants ?? [])]) {
      const groups = new RegExp(`${form.pattern.source}|`).exec('').length - 1;
      assert.equal(form.secretGroup, Array.from({ length: groups }, (_, i) => i + 1), `${rule.id}: ${form.pattern.source.slice(0, 40)}`);
    }
  }
});

test('Slack webhooks, Twilio auth tokens and Azure account keys need their context', () => {
  assert.equal(rules(`url: https://hooks.slack.com/services/T${random(10)}/B${random(10)}/${random(24)}`), ['slack-webhook']);
  assert.equal(rules(`TWILIO_AUTH_TOKEN=${hex(32)}`), ['twilio-auth-token']);
  assert.equal(rules(`client = Client("AC${hex(32)}", "${hex(32)}")`, 'sms.py'), ['twilio-auth-token']);
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
  ];
  for (const [file, line] of samples) {
    const findings = scan(line, file);
    assert.equal(findings.map((f) => f.rule), ['generic-secret'], `${file}: ${line}`);
    assert.is(findings[0].secret, value, file);
    assert.is(findings[0].column, line.indexOf(value) + 1, file);
  }
});

test('generic: punctuation in generated values; placeholders only when written whole', () => {
  const django = `django-insecure-${random(50, 'abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)')}`;
  assert.equal(rules(`SECRET_KEY = '${django}'`, 'settings.py'), ['generic-secret']);
  assert.equal(rules(`SECRET_KEY = '(${random(20)})${random(20)}$(x'`, 'settings.py'), ['generic-secret']);
  assert.equal(rules('  password: "i)%,LRQ{.xeLn?QK2;Sn"', 'db.yml'), ['generic-secret']);
  assert.equal(rules(`API_SECRET="${random(10)}...${random(10)}{{${random(5)}#{${random(5)}$x${random(5)}"`, '.env'), ['generic-secret']);
  assert.equal(rules(`  headers: { Authorization: \`Bearer ${random(40)}\` },`, 'api.ts'), ['generic-secret']);
  for (const value of ['<your-api-key>', '${API_KEY}', '{{ .Values.apiKey }}', '{{apiKey}}', '#{apiKey}', '$API_KEY', `${random(8)}...`, 'key_{0}', '{self.secret}']) {
    assert.equal(rules(`API_SECRET="${value}"`, '.env'), [], value);
  }
  // Minified code between two literals, types and index expressions are not values.
  assert.equal(rules('throw new TypeError("URL includes credentials: "+e);n=R0({urlList:[I]}),i="cors"', 'bundle.js'), []);
  assert.equal(rules('q="?access_token="+encodeURIComponent(t)+"&x=1"', 'bundle.js'), []);
  assert.equal(rules(`{'image_pull_secrets': 'list[V1LocalObjectReference]'}`, 'models.py'), []);
});

test('generic: UUIDs and hex digests are secrets only under credential names', () => {
  const uuid = crypto.randomUUID();
  for (const line of [`export CIRCLE_TOKEN=${uuid}`, `password: ${uuid}`, `SNYK_TOKEN=${uuid}`, `POSTMARK_SERVER_TOKEN=${uuid}`]) {
    assert.equal(rules(line, '.env'), ['generic-secret'], line);
  }
  // Under Heroku's name, Heroku's own rule reports it (it also finds it as a fallback in code).
  assert.equal(rules(`export HEROKU_API_KEY=${uuid}`, '.env'), ['heroku-api-key']);
  assert.equal(rules(`key = os.getenv("HEROKU_API_KEY", "${uuid}")`, 'app.py'), ['heroku-api-key']);
  for (const line of [`session_id: ${uuid}`, `idempotency_key: ${uuid}`, `key: ${uuid}`, `next_page_token: ${uuid}`]) assert.equal(rules(line, 'a.yml'), [], line);
  for (const line of [`DD_APP_KEY=${hex(40)}`, `ALGOLIA_ADMIN_KEY=${hex(32)}`, `license_key: ${hex(40)}`, `GITHUB_TOKEN=${hex(40)}`]) {
    assert.equal(rules(line, '.env'), ['generic-secret'], line);
  }
  assert.equal(rules(`[auth]\ntoken=${hex(64)}`, '.sentryclirc'), ['generic-secret']);
  for (const line of [`cache_key: ${hex(40)}`, `token: ${hex(40)}`, `build_key: ${hex(64)}`, `etag_key: ${hex(32)}`]) assert.equal(rules(line, 'ci.yml'), [], line);
});

test('generic: SealedSecret ciphertext and the published sample key are not findings; Stripe test-mode keys are', () => {
  const sealed = `kind: SealedSecret\nspec:\n  encryptedData:\n    password: Ag${randomBytes(400).toString('base64')}`;
  assert.equal(rules(sealed, 'sealed.yaml'), []);
  assert.equal(rules(`STRIPE_SECRET_KEY=sk_test_${random(99)}\nSTRIPE_KEY=rk_test_${random(99)}`, '.env'), ['stripe-secret-key', 'stripe-secret-key']);
  assert.equal(rules("stripe.api_key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'", 'pay.py'), []);
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
