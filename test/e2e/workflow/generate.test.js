// envseal generate: types and lengths, inference from annotations and names, never touching real values
// without --force, --rotate, the sealed-only path, and values never printed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, assertNoSecrets, mode, read, run, tempDir, write } from '../../helpers/cli.js';
import { decodeBase64Url } from '../../../dist/crypto/fernet.js';
import { generateSecret } from '../../../dist/core/generate.js';
import { dotenv, lines, sealedProject, spot, values } from './helpers.js';

const plainValues = (dir, file = '.env') => dotenv.parse(read(path.join(dir, file)));

function project(envText, exampleText) {
  const dir = tempDir('envseal-gen-');
  if (envText !== undefined) write(path.join(dir, '.env'), envText);
  if (exampleText !== undefined) write(path.join(dir, '.env.example'), exampleText);
  return dir;
}

/** Runs generate and checks that no generated value reached the output. */
function generate(dir, args = [], env = {}) {
  const before = fs.existsSync(path.join(dir, '.env')) ? plainValues(dir) : {};
  const r = run(['generate', ...args], { cwd: dir, env });
  const after = fs.existsSync(path.join(dir, '.env')) ? plainValues(dir) : {};
  assertNoSecrets(r.output, [...Object.values(after), ...Object.values(before)].filter((v) => v.length >= 8 && !v.includes('<')));
  return r;
}

const PATTERNS = {
  token: /^[A-Za-z0-9_-]+$/,
  hex: /^[0-9a-f]+$/,
  base64: /^[A-Za-z0-9+/]+$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
};

const types = suite('generate types and lengths');

types('--type and --length produce exactly that shape', () => {
  for (const [type, length, check] of [
    ['token', 40, (v) => PATTERNS.token.test(v) && v.length === 40],
    ['token', undefined, (v) => PATTERNS.token.test(v) && v.length === 64],
    ['hex', 33, (v) => PATTERNS.hex.test(v) && v.length === 33],
    ['hex', undefined, (v) => PATTERNS.hex.test(v) && v.length === 64],
    ['base64', 48, (v) => PATTERNS.base64.test(v) && v.length === 48 && Buffer.from(v, 'base64').length === 36],
    ['base64', undefined, (v) => v.length === 44 && Buffer.from(v, 'base64').length === 33],
    ['fernet', undefined, (v) => decodeBase64Url(v)?.length === 32 && v.length === 44],
    ['uuid', undefined, (v) => PATTERNS.uuid.test(v)],
    ['password', 30, (v) => v.length === 30],
    ['password', undefined, (v) => v.length === 24],
  ]) {
    const dir = project('APP=1\n');
    const r = generate(dir, ['VALUE', '--type', type, ...(length ? ['--length', String(length)] : [])]);
    assert.is(r.code, 0, r.stderr);
    const value = plainValues(dir).VALUE;
    assert.ok(check(value), `${type} ${length ?? '(default)'}: got ${value.length} characters`);
    assert.match(r.stderr, new RegExp(`VALUE \\((${type}|Fernet key|UUID)`, 'i'));
  }
});

types('passwords mix upper, lower, digits and symbols, all safe unquoted in .env', () => {
  for (let i = 0; i < 50; i++) {
    const v = generateSecret({ type: 'password', length: 8 });
    assert.ok(/[A-Z]/.test(v) && /[a-z]/.test(v) && /[0-9]/.test(v) && /[^A-Za-z0-9]/.test(v), v);
    assert.ok(!/[#"'`$\\\s]/.test(v));
  }
});

types('characters are drawn uniformly (every character of the alphabet, no skew)', () => {
  const text = generateSecret({ type: 'token', length: 4096 * 16 });
  const counts = new Map();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  assert.is(counts.size, 64);
  const expected = text.length / 64;
  for (const n of counts.values()) assert.ok(n > expected * 0.8 && n < expected * 1.2);
  assert.is.not(generateSecret({ type: 'token', length: 32 }), generateSecret({ type: 'token', length: 32 }));
});

types('impossible requests are usage errors', () => {
  const dir = project('APP=1\n');
  for (const args of [['V', '--length', '4'], ['V', '--length', 'ten'], ['V', '--type', 'fernet', '--length', '32'], ['V', '--type', 'base64', '--length', '30'], ['--force'], ['A', '--rotate', 'B']]) {
    const r = generate(dir, args);
    assert.is(r.code, 2, args.join(' '));
  }
  assert.equal(plainValues(dir), { APP: '1' });
});

const infer = suite('generate inference and safety');

infer('from the shipped .env.example: a new .env (0600) with the right kinds, provider-issued values left', () => {
  const dir = project(undefined, read(path.join(ROOT, '.env.example')));
  const r = generate(dir);
  assert.is(r.code, 0, r.stderr);
  assert.is(mode(path.join(dir, '.env')), 0o600);
  const v = plainValues(dir);
  assert.ok(PATTERNS.token.test(v.SECRET_KEY) && v.SECRET_KEY.length === 64, 'SECRET_KEY: 64 url-safe characters');
  assert.ok(PATTERNS.token.test(v.ENCRYPTION_KEY) && v.ENCRYPTION_KEY.length === 32, '@length 32');
  assert.is(decodeBase64Url(v.PII_FERNET_KEY)?.length, 32, '@format fernet');
  assert.is(v.SMTP_PASSWORD.length, 24, 'a password');
  assert.is(v.AWS_ACCESS_KEY_ID, '<access-key-id>', 'an id issued by AWS is not invented');
  assert.is(v.STRIPE_SECRET_KEY, 'sk_test_<key>', 'a vendor-prefixed placeholder is left');
  assert.is(v.PORT, '3000');
  assert.match(r.stderr, /Created \.env \(mode 0600\) from the example/);
  assert.match(r.stderr, /STRIPE_SECRET_KEY: its placeholder is part of a structured value/);
  assert.match(r.stderr, /Next: `envseal encrypt`/);
  // Untouched lines are byte for byte the example's.
  const example = read(path.join(dir, '.env.example')).split('\n');
  const env = read(path.join(dir, '.env')).split('\n');
  const changed = example.flatMap((line, i) => (line === env[i] ? [] : [line.split('=')[0]]));
  assert.equal(changed.sort(), ['AWS_SECRET_ACCESS_KEY', 'ENCRYPTION_KEY', 'PII_FERNET_KEY', 'SECRET_KEY', 'SMTP_PASSWORD']);
});

infer('names: *_UUID and *_ID with @format uuid get a UUID, PASSWORD a password, other secrets a 64-character token', () => {
  const dir = project('REQUEST_UUID=<uuid>\n# @format uuid\nTENANT_ID=<id>\nCLIENT_ID=<id>\nADMIN_PASSWORD=changeme\nWEBHOOK_SECRET=your_secret_here\nSIGNING_KEY=\n# @format hex @length 40\nSALT=<salt>\nAUTH_HEADER=<bearer-token>\n');
  const r = generate(dir);
  assert.is(r.code, 0, r.stderr);
  const v = plainValues(dir);
  assert.match(v.REQUEST_UUID, PATTERNS.uuid);
  assert.match(v.TENANT_ID, PATTERNS.uuid);
  assert.is(v.CLIENT_ID, '<id>');
  assert.is(v.ADMIN_PASSWORD.length, 24);
  assert.ok(PATTERNS.token.test(v.WEBHOOK_SECRET) && v.WEBHOOK_SECRET.length === 64);
  assert.is(v.SIGNING_KEY.length, 64, 'an empty secret is filled too');
  assert.ok(PATTERNS.hex.test(v.SALT) && v.SALT.length === 40);
  assert.is(v.AUTH_HEADER, '<bearer-token>', 'a header has a shape of its own (Bearer ...): not a random token');
});

infer('real values are never touched without --force, and --force touches only the names given', () => {
  const real = spot('real');
  const other = spot('other');
  const dir = project(`SECRET_KEY=${real}\nOTHER_SECRET=${other}\nEMPTY_TOKEN=\n`);
  const all = generate(dir);
  assert.is(all.code, 0);
  assert.is(plainValues(dir).SECRET_KEY, real);
  assert.is(plainValues(dir).OTHER_SECRET, other);
  assert.is(plainValues(dir).EMPTY_TOKEN.length, 64);

  const named = generate(dir, ['SECRET_KEY']);
  assert.is(named.code, 1, 'a requested name that was not generated fails the command');
  assert.match(named.stderr, /SECRET_KEY: it has a value; add --force/);
  assert.is(plainValues(dir).SECRET_KEY, real);

  const forced = generate(dir, ['SECRET_KEY', '--force']);
  assert.is(forced.code, 0, forced.stderr);
  assert.is.not(plainValues(dir).SECRET_KEY, real);
  assert.is(plainValues(dir).OTHER_SECRET, other);
  assert.not.ok(forced.output.includes(real));
});

infer('a new name is added; @format url/int/bool values cannot be generated', () => {
  const dir = project('A=1\n', '# @format url\nCALLBACK_URL=<url>\n');
  const r = generate(dir, ['NEW_SECRET', 'CALLBACK_URL']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /CALLBACK_URL is annotated @format url, which envseal cannot generate/);
  const v = plainValues(dir);
  assert.is(v.NEW_SECRET.length, 64);
  assert.not.ok('CALLBACK_URL' in v);
  assert.equal(read(path.join(dir, '.env')).split('\n').slice(0, 2), ['A=1', `NEW_SECRET=${v.NEW_SECRET}`]);
});

infer('--rotate keeps the old value as NAME_PREVIOUS right after it', () => {
  const old = spot('old');
  const dir = project(`JWT_SECRET=${old}\nPORT=1\n`);
  const r = generate(dir, ['--rotate', 'JWT_SECRET']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /kept as JWT_SECRET_PREVIOUS/);
  assert.not.ok(r.output.includes(old));
  const text = read(path.join(dir, '.env')).split('\n');
  assert.match(text[0], /^JWT_SECRET=/);
  assert.is(text[1], `JWT_SECRET_PREVIOUS=${old}`);
  assert.is.not(plainValues(dir).JWT_SECRET, old);
  assert.is(plainValues(dir).JWT_SECRET.length, 64);
  const again = generate(dir, ['--rotate', 'JWT_SECRET']);
  assert.is(again.code, 0);
  assert.is(plainValues(dir).JWT_SECRET_PREVIOUS, text[0].slice('JWT_SECRET='.length), 'a second rotation replaces the previous-previous');

  const none = generate(project('JWT_SECRET=<x>\n'), ['--rotate', 'JWT_SECRET']);
  assert.is(none.code, 2);
  assert.match(none.stderr, /no value .* to rotate/);
});

infer('only a sealed file: it is re-sealed in place, no plaintext is written, other tokens are kept', () => {
  const keep = spot('keep');
  const dir = sealedProject(`API_SECRET=changeme\nKEEP_TOKEN=${keep}\nPORT=3000\n`);
  const sealed = path.join(dir, '.env.encrypted');
  const before = lines(sealed);
  const r = run(['generate'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /re-sealed in place; no plaintext written/);
  assert.not.ok(fs.existsSync(path.join(dir, '.env')));
  const after = lines(sealed);
  const diff = before.flatMap((line, i) => (line === after[i] ? [] : [line.split(/[= ]/)[0]]));
  assert.equal(diff, ['API_SECRET', '#envseal:mac']);
  const v = values(dir);
  assert.is(v.API_SECRET.length, 64);
  assert.is(v.KEEP_TOKEN, keep);
  assertNoSecrets(r.output, [v.API_SECRET, keep]);

  const rotated = run(['generate', '--rotate', 'KEEP_TOKEN'], { cwd: dir });
  assert.is(rotated.code, 0, rotated.stderr);
  assert.is(values(dir).KEEP_TOKEN_PREVIOUS, keep);
  assert.not.ok(fs.existsSync(path.join(dir, '.env')));
});

infer('a world-readable .env (cp .env.example .env under umask 022) is 0600 once it holds generated secrets', () => {
  for (const args of [[], ['NEW_SECRET'], ['--rotate', 'OLD_SECRET']]) {
    const dir = project(`SECRET_KEY=<secret>\nOLD_SECRET=${spot('old')}\n`);
    fs.chmodSync(path.join(dir, '.env'), 0o644);
    const r = generate(dir, args);
    assert.is(r.code, 0, r.stderr);
    assert.is(mode(path.join(dir, '.env')), 0o600, args.join(' ') || '(placeholders)');
  }
});

infer('nothing to do: exit 0, nothing written', () => {
  const dir = project(`SECRET_KEY=${spot('x')}\n`);
  const bytes = read(path.join(dir, '.env'));
  const r = generate(dir);
  assert.is(r.code, 0);
  assert.match(r.stderr, /Nothing to generate/);
  assert.is(read(path.join(dir, '.env')), bytes);
  assert.is(generate(tempDir()).code, 5, 'no env and no example: nothing to fill');
});

types.run();
infer.run();
