// Which values are secrets: by name, by project config, by shape, and passwords inside values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classify, compileMaskRules, embeddedPasswordSpans, looksLikeKeyMaterial } from '../../dist/mask/rules.js';
import { isSensitiveName } from '../../dist/secret-names.js';

const defaults = compileMaskRules();
const kind = (name, value, rules = defaults) => classify(name, value, rules).kind;

test('a secret word anywhere in the name makes it sensitive', () => {
  for (const name of [
    'API_KEY', 'SECRET', 'GITHUB_TOKEN', 'DB_PASSWORD', 'DB_PASS', 'MYSQL_PWD', 'SMTP_PASSWD', 'PRIVATE_KEY_PEM',
    'GOOGLE_CREDENTIALS', 'AWS_CREDENTIAL', 'BASIC_AUTH', 'PASSWORD_SALT', 'SENTRY_DSN', 'CLIENT_CERT', 'APIKEY',
    'REQUEST_SIGNATURE', 'SESSION', 'COOKIE_SECRET', 'stripeApiKey', 'jwt.secret', 'SLACK_WEBHOOK', 'AWSSecretAccessKey',
    'db-pass-v2', 'HTTPServerToken', 'SIM_PIN', 'DB_PW', 'SMTP_PASSCODE', 'WALLET_MNEMONIC', 'SEED_PHRASE', 'seedPhrase',
  ]) {
    assert.ok(isSensitiveName(name), name);
  }
});

test('words that merely contain a secret word, and names that describe a secret, are not sensitive by name', () => {
  for (const name of [
    'PORT', 'DEBUG', 'KEYBOARD_LAYOUT', 'AUTHOR', 'PASSENGER_COUNT', 'BYPASS_CACHE', 'TOKENIZER_MODEL',
    'SESSION_TIMEOUT', 'PASSWORD_MIN_LENGTH', 'SSL_KEY_FILE', 'AUTH_ENABLED', 'COOKIE_DOMAIN', 'JWT_ALGORITHM',
    'RANDOM_SEED', 'SEED_DATA', 'PWA_ENABLED',
  ]) {
    assert.not.ok(isSensitiveName(name), name);
  }
});

test('a header named for a secret holds the secret (Authorization: Bearer ...), so it is sensitive by name', () => {
  for (const name of ['AUTH_HEADER', 'TOKEN_HEADER', 'API_KEY_HEADER', 'proxyAuthHeader']) assert.ok(isSensitiveName(name), name);
  for (const name of ['CONTENT_HEADER', 'REQUEST_ID_HEADER']) {
    assert.not.ok(isSensitiveName(name), name);
  }
});

test('key material is recognised by shape whatever its name', () => {
  const shapes = [
    ['PEM', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----'],
    ['JWT', ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0In0', 'c2lnbmF0dXJlLXBhcnQ'].join('.')],
    ['Fernet key', 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4='],
    ['Fernet token', 'gAAAAA' + 'Bo1xYz'.repeat(15)],
    ['Stripe', 'sk_' + 'live_' + 'abcdefghijKLMNOPqrst1234'],
    ['GitHub', 'gh' + 'p_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'],
    ['AWS', 'AK' + 'IA' + 'ABCDEFGHIJKLMNOP'],
    ['Slack', 'xo' + 'xb-' + '1234567890-abcdefghij'],
    ['hex', 'a'.repeat(8) + '0123456789abcdef0123456789abcdef'],
    ['random token', 'q8Zr2XbN7vLw1PkT5sYd'],
  ];
  for (const [what, value] of shapes) {
    assert.ok(looksLikeKeyMaterial(value), what);
    assert.is(kind('SOME_SETTING', value), 'secret', what);
  }
});

test('ordinary values are not key material', () => {
  for (const value of [
    '3000', 'true', 'production', 'https://api.example.com/v1', '/usr/local/share/app/data2024',
    'America/Argentina/Buenos_Aires', '550e8400-e29b-41d4-a716-446655440000', 'info,warn,error', 'en_US.UTF-8',
    'development-environment-name', '2026-01-31T12:00:00Z',
  ]) {
    assert.not.ok(looksLikeKeyMaterial(value), value);
    assert.is(kind('SETTING', value), 'public', value);
  }
});

test('a URL with a password: only the password is secret', () => {
  const url = 'postgres://app:s3cr3t@db:5432/app';
  const verdict = classify('DATABASE_URL', url, defaults);
  assert.is(verdict.kind, 'embedded');
  assert.equal(verdict.spans.map(([s, e]) => url.slice(s, e)), ['s3cr3t']);
  assert.is(kind('DATABASE_URL', 'postgres://app@db:5432/app'), 'public');
  assert.is(kind('REDIS_URL', 'redis://:p%40ss@cache:6379'), 'embedded');
  // An '@' inside the password (unencoded) still ends at the last '@' before the host.
  const odd = 'mysql://root:pa@ss@db/x';
  assert.equal(embeddedPasswordSpans(odd).map(([s, e]) => odd.slice(s, e)), ['pa@ss']);
});

test('password fields in connection strings and queries are secret', () => {
  const conn = 'Server=db;User Id=app;Password=hunter22;Database=x';
  assert.equal(embeddedPasswordSpans(conn).map(([s, e]) => conn.slice(s, e)), ['hunter22']);
  const jdbc = 'jdbc:postgresql://db/app?user=app&password=pw123456&ssl=true';
  assert.equal(embeddedPasswordSpans(jdbc).map(([s, e]) => jdbc.slice(s, e)), ['pw123456']);
});

// Built at run time, so this file holds no string a secret scanner would flag.
const b64u = (text) => Buffer.from(text).toString('base64url');
const JWT = [b64u('{"alg":"HS256","typ":"JWT"}'), b64u('{"sub":"user-4821","iat":1767225600}'), 'Qm9ndXNTaWduYXR1cmVGb3JUZXN0c09ubHlYeXo5'].join('.');
const GITHUB = 'gh' + 'p_' + 'Xq4Rz8Lm2Nw6Pt0Vs3Hb7Jk1Fd5Cg9Ya2Ue4';
const NPM = 'np' + 'm_' + 'Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa';
const AWS_ID = 'AK' + 'IA' + 'Q3T7XK2M5PZR4WVN';
const AWS_SECRET = 'Zx8Qv2Lm7Np4Rt6Wy9Ab3Cd5Ef1Gh0Jk/Ls+Tu8V';

/** The secret parts of a value, as classify found them. */
const parts = (name, value) => {
  const verdict = classify(name, value, defaults);
  assert.is(verdict.kind, 'embedded', `${name}: ${verdict.kind}`);
  return verdict.spans.map(([s, e]) => value.slice(s, e));
};

test('key material inside a value is found by the detector: only it is secret, the rest is shown', () => {
  assert.equal(parts('UPSTREAM', `Bearer ${JWT}`), [JWT]);
  assert.equal(parts('GIT_REMOTE', `https://${GITHUB}@github.com/o/r.git`), [GITHUB]);
  assert.equal(parts('NPM_CONFIG', `//registry.npmjs.org/:_authToken=${NPM}`), [NPM]);
  assert.equal(parts('CURL_ARGS', `-H "Authorization: token ${GITHUB}" https://api.github.com/user`), [GITHUB]);
  assert.equal(parts('ATHENA_URL', `athena://${AWS_ID}:${AWS_SECRET}@athena.eu-west-1.amazonaws.com/db`), [AWS_ID, AWS_SECRET]);
  assert.equal(parts('LAKE', `Region=eu-west-1;AccessKeyId=${AWS_ID};aws_secret_access_key=${AWS_SECRET};Db=x`), [AWS_ID, AWS_SECRET]);
  assert.equal(parts('JDBC', `jdbc:x://db/app?user=app&password=pw123456&token=${JWT}`), ['pw123456', JWT]);
  // Offsets are right on any line of a multi-line value.
  assert.equal(parts('NOTES', `first line\nsecond ${GITHUB} and\nthird: Bearer ${JWT}`), [GITHUB, JWT]);
  assert.is(classify('UPSTREAM', `Bearer ${JWT}`, defaults).reason, 'embedded-secret');
});

test('test-mode Stripe keys inside a value are masked, though the commit guard lets them pass', () => {
  const testKey = `sk_test_${'51Hx9TestOnlyAbCdEfGhIjKl'}`;
  assert.equal(parts('PAYMENTS_URL', `https://pay.example.test/hook?key=${testKey}&mode=test`), [testKey]);
  const publishable = `pk_test_${'51Hx9PublicAbCdEfGhIjKl'}`;
  assert.equal(parts('CHECKOUT_URL', `https://pay.example.test/?pk=${publishable}&sk=${testKey}`), [testKey], 'publishable keys are public');
});

test('a secret named so: the key material inside it is also secret on its own', () => {
  const verdict = classify('AUTH_HEADER', `Bearer ${JWT}`, defaults);
  assert.is(verdict.kind, 'secret');
  assert.is(verdict.reason, 'name');
  assert.equal(verdict.spans.map(([s, e]) => `Bearer ${JWT}`.slice(s, e)), [JWT]);
});

test('the project config adds names, exact or with * wildcards, case-insensitively', () => {
  const rules = compileMaskRules(['LICENSE', 'PARTNER_*', '*_ID_PRIVATE']);
  assert.is(kind('LICENSE', 'abc', rules), 'secret');
  assert.is(classify('license', 'abc', rules).reason, 'config');
  assert.is(kind('PARTNER_ACCOUNT', 'x', rules), 'secret');
  assert.is(kind('TENANT_ID_PRIVATE', 'x', rules), 'secret');
  assert.is(kind('LICENSE_URL', 'x', rules), 'public');
  // Regex characters in a pattern are literal.
  assert.is(kind('AXB', 'x', compileMaskRules(['A.B'])), 'public');
});

test('reasons say why', () => {
  assert.is(classify('API_KEY', 'x', defaults).reason, 'name');
  assert.is(classify('X', 'q8Zr2XbN7vLw1PkT5sYd', defaults).reason, 'shape');
  assert.is(classify('DB', 'postgres://a:b@c/d', defaults).reason, 'embedded-password');
});

test.run();
