// dotenvx's format, decoded on node:crypto, against dotenvx's own code (the devDependency): its
// encryptor makes the ciphertexts, its parser says what a value means, its naming rule names keys.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { inspect } from 'node:util';
import {
  DotenvxKey,
  conventionalPrivateKeyName,
  decryptDotenvx,
  dotenvxMeaning,
  isDotenvxCiphertext,
  parsePrivateKeys,
  readDotenvxFile,
} from '../../dist/import/dotenvx.js';
import { parseEnv } from '../../dist/format/envfile.js';

const require = createRequire(import.meta.url);
// dotenvx's own modules, found from the installed package (its primitives are its dependency).
const main = require.resolve('@dotenvx/dotenvx');
const dotenvx = createRequire(main)('@dotenvx/primitives');
const { keynames } = require(path.join(path.dirname(main), 'conventions/keynames.js'));

const open = (key, value) => {
  const blob = Buffer.from(value.slice('encrypted:'.length), 'base64');
  return key.open(blob)?.toString('utf8');
};

test('values dotenvx encrypts open with the private key, whichever root of the shared point is used', () => {
  const values = ['', 'x', 'héllo wörld ✓ 日本', 'line one\nline two\n', '  padded  ', '"quoted" and \'single\'', 'a'.repeat(10_000), '\0\x01binary\x7f'];
  let opened = 0;
  for (let i = 0; i < 8; i++) {
    const pair = dotenvx.keypair();
    const key = new DotenvxKey(pair.privateKey, 'test key');
    assert.is(key.publicKey, pair.publicKey, 'the public key is derived as dotenvx derives it');
    for (const value of values) {
      const encrypted = dotenvx.encrypt(pair.publicKey, value);
      assert.ok(isDotenvxCiphertext(encrypted));
      assert.is(open(key, encrypted), value);
      opened++;
    }
  }
  assert.is(opened, 64, "64 values: both roots of the shared point come up, each half the time");
});

test('another key does not open a value; a changed byte anywhere makes it fail', () => {
  const pair = dotenvx.keypair();
  const encrypted = dotenvx.encrypt(pair.publicKey, 'the value');
  assert.is(open(new DotenvxKey(dotenvx.keypair().privateKey, 'other'), encrypted), undefined);
  const blob = Buffer.from(encrypted.slice(10), 'base64');
  const key = new DotenvxKey(pair.privateKey, 'right');
  for (const at of [70, 90, 100, blob.length - 1]) {
    const damaged = Buffer.from(blob);
    damaged[at] ^= 1;
    assert.is(key.open(damaged), undefined, `byte ${at}`);
  }
});

test('only real ciphertexts count: "encrypted:" and canonical base64 of an ECIES blob on the curve', () => {
  const real = dotenvx.encrypt(dotenvx.keypair().publicKey, '');
  assert.ok(isDotenvxCiphertext(real));
  const notPoint = Buffer.alloc(97, 7);
  notPoint[0] = 4;
  for (const value of [
    'encrypted:',
    'encrypted:hello',
    'encrypted:yes please',
    `encrypted:${randomBytes(200).toString('base64')}`,
    `encrypted:${notPoint.toString('base64')}`,
    real.slice(0, 60),
    `${real}x`,
    real.replace('encrypted:', 'Encrypted:'),
    real.slice('encrypted:'.length),
  ]) {
    assert.not.ok(isDotenvxCiphertext(value), value.slice(0, 30));
  }
});

test('malformed private keys are refused without being echoed', () => {
  const n = 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141';
  for (const bad of ['abc', 'zz'.repeat(32), '0'.repeat(64), n, `${dotenvx.keypair().privateKey}00`]) {
    assert.throws(
      () => new DotenvxKey(bad, 'DOTENV_PRIVATE_KEY from .env.keys'),
      (e) => e.code === 'E_IMPORT_KEY_WRONG' && e.exitCode === 3 && !e.message.includes(bad) && e.message.includes('DOTENV_PRIVATE_KEY from .env.keys'),
    );
  }
  const [a, b] = [dotenvx.keypair(), dotenvx.keypair()];
  assert.equal(parsePrivateKeys(`${a.privateKey},${b.privateKey}`, 's').map((k) => k.publicKey), [a.publicKey, b.publicKey], 'a comma-separated list, as dotenvx rotates');
  const key = new DotenvxKey(a.privateKey, 's');
  assert.not.ok(JSON.stringify({ key }).includes(a.privateKey));
  assert.not.ok(inspect(key).includes(a.privateKey));
});

test('private-key names follow dotenvx\'s own rule', () => {
  for (const file of ['.env', '.env.production', '.env.ci', '.env.ci.local', '.env.a.b.c', '.env1', '.env.Staging']) {
    assert.is(conventionalPrivateKeyName(file), keynames(file).privateKeyName, file);
  }
});

// What dotenvx makes of a value when it loads it, for every quote style: envseal either delivers
// exactly that or refuses the value.
const CORPUS = [
  'plain', 'a\\tb', 'a\\nb', 'a\\rb', 'a\\\\nb', 'c\\\\d', 'e\\"f', "it\\'s", 'tab\there', 'multi\nline', '  padded  ',
  '$', 'price$5', 'p@ss$', 'a$ b', '$$', '$1', '${X}', '$X', '$(echo hi)', '\\$X', 'a\\$', '${NOPE:-d}', 'x${X}y',
  'héllo ✓', 'back`tick', "single'quote", 'double"quote', '#hash', 'a # b', '',
];

test('dotenvxMeaning agrees with dotenvx on every value it accepts, in every quote style', () => {
  let accepted = 0;
  let refused = 0;
  for (const raw of CORPUS) {
    for (const quote of ['', '"', "'", '`']) {
      if (quote === '' && /[\n#'"`]|^\s|\s$/.test(raw)) continue; // not writable unquoted
      if (quote !== '' && raw.includes(quote)) continue;
      const line = `A=${quote}${raw}${quote}`;
      const theirs = dotenvx.parseSync(line, { processEnv: { X: 'ENVX' } }).parsed.A;
      // The raw text as dotenvx encrypts it; for a value in the clear, as dotenv reads it.
      const ours = dotenvxMeaning(raw, quote);
      const clear = dotenvxMeaning(parseEnv(`${line}\n`, 't')[0].value, quote);
      if ('value' in ours) {
        accepted++;
        assert.is(ours.value, theirs, `${line}: encrypted`);
        assert.is(clear.value, theirs, `${line}: in the clear`);
      } else {
        refused++;
        assert.ok('reason' in clear, `${line}: refused both ways`);
      }
    }
  }
  assert.ok(accepted > 60 && refused > 20, `${accepted} accepted, ${refused} refused`);
});

test('the values that matter are accepted: quotes, unicode, newlines, empty', () => {
  for (const [raw, quote, value] of [['multi\nline', '"', 'multi\nline'], ['a\\nb', '"', 'a\nb'], ['it has "quotes"', "'", 'it has "quotes"'], ['日本', '', '日本'], ['', '', ''], ['p@ss$', '', 'p@ss$']]) {
    assert.equal(dotenvxMeaning(raw, quote), { value });
  }
});

const SAMPLE = (publicKey, encrypted) => `#/-------------------[DOTENV_PUBLIC_KEY]--------------------/
#/            public-key encryption for .env files          /
#/       [how it works](https://dotenvx.com/encryption)     /
#/----------------------------------------------------------/
DOTENV_PUBLIC_KEY_PRODUCTION="${publicKey}"

# .env.production
# the database
DB_PASSWORD=${encrypted}
PUBLIC_URL="https://example.com"
`;

test('a dotenvx file: its banner and public key are dotenvx\'s, the rest is imported, comments kept', () => {
  const pair = dotenvx.keypair();
  const text = SAMPLE(pair.publicKey, dotenvx.encrypt(pair.publicKey, 'fake-db-pass-1'));
  const file = readDotenvxFile(parseEnv(text, '.env.production'), '.env.production');
  assert.equal(file.publicKeys, [{ name: 'DOTENV_PUBLIC_KEY_PRODUCTION', value: pair.publicKey }]);
  assert.equal(file.encrypted, ['DB_PASSWORD']);
  const lines = decryptDotenvx(file, new DotenvxKey(pair.privateKey, 'k'), '.env.production');
  assert.equal(
    lines.map((l) => (l.kind === 'entry' ? `${l.name}=${l.value}` : l.text)),
    ['# the database', 'DB_PASSWORD=fake-db-pass-1', 'PUBLIC_URL=https://example.com'],
  );
});

test('a value dotenvx would expand is refused with its name, never its value', () => {
  const pair = dotenvx.keypair();
  const text = `DOTENV_PUBLIC_KEY="${pair.publicKey}"\nBASE=x\nURL=${dotenvx.encrypt(pair.publicKey, 'postgres://${BASE}/db-secret-77')}\n`;
  const file = readDotenvxFile(parseEnv(text, '.env'), '.env');
  assert.throws(
    () => decryptDotenvx(file, new DotenvxKey(pair.privateKey, 'k'), '.env'),
    (e) => e.code === 'E_IMPORT_AMBIGUOUS' && e.exitCode === 4 && e.message.includes('URL') && !e.message.includes('db-secret-77'),
  );
});

test('a damaged value under the file\'s own key is corruption, named by line and name', () => {
  const pair = dotenvx.keypair();
  const good = dotenvx.encrypt(pair.publicKey, 'v');
  const blob = Buffer.from(good.slice(10), 'base64');
  blob[blob.length - 1] ^= 1;
  const text = `DOTENV_PUBLIC_KEY="${pair.publicKey}"\nA=${good}\nB=encrypted:${blob.toString('base64')}\n`;
  const file = readDotenvxFile(parseEnv(text, '.env'), '.env');
  assert.throws(() => decryptDotenvx(file, new DotenvxKey(pair.privateKey, 'k'), '.env'), (e) => e.code === 'E_IMPORT_CORRUPT' && /line 3: B does not decrypt/.test(e.message));
  // Cut short, it is no ciphertext any more: still damage in a dotenvx file, never imported as text.
  const cut = readDotenvxFile(parseEnv(`DOTENV_PUBLIC_KEY="${pair.publicKey}"\nA=${good.slice(0, 80)}\n`, '.env'), '.env');
  assert.equal(cut.encrypted, ['A']);
  assert.throws(() => decryptDotenvx(cut, new DotenvxKey(pair.privateKey, 'k'), '.env'), (e) => e.code === 'E_IMPORT_CORRUPT' && /line 2: A starts with "encrypted:" but is not a dotenvx ciphertext/.test(e.message));
});

test.run();
