// Which values are secrets: by name, by project config, by shape, and passwords inside values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classify, compileMaskRules, embeddedPasswordSpans, isSensitiveName, looksLikeKeyMaterial } from '../../dist/mask/rules.js';

const defaults = compileMaskRules();
const kind = (name, value, rules = defaults) => classify(name, value, rules).kind;

test('a secret word anywhere in the name makes it sensitive', () => {
  for (const name of [
    'API_KEY', 'SECRET', 'GITHUB_TOKEN', 'DB_PASSWORD', 'DB_PASS', 'MYSQL_PWD', 'SMTP_PASSWD', 'PRIVATE_KEY_PEM',
    'GOOGLE_CREDENTIALS', 'AWS_CREDENTIAL', 'BASIC_AUTH', 'PASSWORD_SALT', 'SENTRY_DSN', 'CLIENT_CERT', 'APIKEY',
    'REQUEST_SIGNATURE', 'SESSION', 'COOKIE_SECRET', 'stripeApiKey', 'jwt.secret', 'SLACK_WEBHOOK', 'AWSSecretAccessKey',
    'db-pass-v2', 'HTTPServerToken', 'SIM_PIN',
  ]) {
    assert.ok(isSensitiveName(name), name);
  }
});

test('words that merely contain a secret word, and names that describe a secret, are not sensitive by name', () => {
  for (const name of [
    'PORT', 'DEBUG', 'KEYBOARD_LAYOUT', 'AUTHOR', 'PASSENGER_COUNT', 'BYPASS_CACHE', 'TOKENIZER_MODEL',
    'SESSION_TIMEOUT', 'PASSWORD_MIN_LENGTH', 'SSL_KEY_FILE', 'AUTH_ENABLED', 'COOKIE_DOMAIN', 'JWT_ALGORITHM',
  ]) {
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
