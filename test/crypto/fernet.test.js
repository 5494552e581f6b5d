// Fernet: the spec's acceptance vectors, strictness, and interop with real implementations.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { ROOT } from '../helpers/cli.js';
import { python } from '../helpers/python.js';
import { FernetKey, InvalidTokenError, decrypt, decryptEach, decryptWithKeys, encrypt, decodeBase64Url } from '../../dist/crypto/fernet.js';
import { needing } from '../helpers/tools.js';

const withPython = needing(test, 'python3-cryptography');

const SPEC = path.join(ROOT, 'test/fixtures/fernet-spec');
const SHARED_SPEC = path.resolve(ROOT, '../shared/fernet-spec');
const vectors = (name) => JSON.parse(fs.readFileSync(path.join(SPEC, name), 'utf8'));

test('the vendored vectors are the spec\'s own (when ../shared is present)', () => {
  for (const name of ['generate.json', 'verify.json', 'invalid.json']) {
    const shared = path.join(SHARED_SPEC, name);
    if (fs.existsSync(shared)) assert.ok(fs.readFileSync(shared).equals(fs.readFileSync(path.join(SPEC, name))), name);
  }
});
const seconds = (iso) => Math.floor(Date.parse(iso) / 1000);

test('generates every token in generate.json byte for byte', () => {
  const cases = vectors('generate.json');
  assert.ok(cases.length > 0);
  for (const v of cases) {
    const token = encrypt(FernetKey.fromString(v.secret), v.src, { now: seconds(v.now), iv: Uint8Array.from(v.iv) });
    assert.is(token, v.token);
  }
});

test('verifies every token in verify.json', () => {
  for (const v of vectors('verify.json')) {
    const plain = decrypt(FernetKey.fromString(v.secret), v.token, { ttl: v.ttl_sec, now: seconds(v.now) });
    assert.is(plain.toString('utf8'), v.src);
  }
});

test('rejects every token in invalid.json with a typed error', () => {
  const cases = vectors('invalid.json');
  assert.ok(cases.length >= 8);
  for (const v of cases) {
    try {
      decrypt(FernetKey.fromString(v.secret), v.token, { ttl: v.ttl_sec, now: seconds(v.now) });
      assert.unreachable(`accepted: ${v.desc}`);
    } catch (e) {
      assert.instance(e, InvalidTokenError, v.desc);
      assert.is(e.exitCode, 4);
    }
  }
});

test('invalid.json reasons are the specific ones', () => {
  const reasons = Object.fromEntries(
    vectors('invalid.json').map((v) => {
      try {
        decrypt(FernetKey.fromString(v.secret), v.token, { ttl: v.ttl_sec, now: seconds(v.now) });
      } catch (e) {
        return [v.desc, e.reason];
      }
      return [v.desc, 'accepted'];
    }),
  );
  assert.equal(reasons, {
    'incorrect mac': 'mac',
    'too short': 'length',
    'invalid base64': 'encoding',
    'payload size not multiple of block size': 'length',
    'payload padding error': 'padding',
    'far-future TS (unacceptable clock skew)': 'future',
    'expired TTL': 'expired',
    'incorrect IV (causes padding error)': 'padding',
  });
});

test('base64url decoding is strict', () => {
  const good = encrypt(FernetKey.fromString(vectors('generate.json')[0].secret), 'x');
  assert.ok(decodeBase64Url(good));
  assert.is(decodeBase64Url(good.replace(/=+$/, '')), undefined, 'padding required');
  assert.is(decodeBase64Url(`+${good.slice(1)}`), undefined, 'standard base64 alphabet refused');
  assert.is(decodeBase64Url(` ${good}`), undefined, 'no whitespace');
  assert.is(decodeBase64Url(`${good}\n`), undefined, 'no newline');
  assert.equal(decodeBase64Url('QQ=='), Buffer.from('A'));
  // Unused low bits set: lenient decoders accept it as "A" too; it is not what an encoder produces.
  assert.is(decodeBase64Url('QR=='), undefined, 'non-canonical trailing bits');
});

test('keys: wrong length or alphabet is refused, and keys never print', () => {
  assert.throws(() => FernetKey.fromString('short'), /invalid Fernet key/);
  assert.throws(() => FernetKey.fromString('cw/0x689RpI+jtRR7oE8h/eQsKImvJapLeSbXpwF4e4='), /invalid Fernet key/);
  const key = FernetKey.generate();
  assert.is(JSON.stringify({ key }), '{"key":"[FernetKey]"}');
  const { inspect } = createRequire(import.meta.url)('node:util');
  assert.not.ok(inspect(key).includes(key.export()));
  assert.is(key.export().length, 44);
});

test('a key list decrypts with the first key that verifies (MultiFernet)', () => {
  const oldKey = FernetKey.generate();
  const newKey = FernetKey.generate();
  const token = encrypt(oldKey, 'value');
  const result = decryptWithKeys([newKey, oldKey], token);
  assert.is(result.plaintext.toString(), 'value');
  assert.is(result.keyIndex, 1);
  assert.throws(() => decryptWithKeys([newKey], token), (e) => e instanceof InvalidTokenError && e.reason === 'mac');
});

test('round-trips binary and empty messages; ciphertext length is block-aligned', () => {
  const key = FernetKey.generate();
  for (const message of [Buffer.alloc(0), Buffer.from([0, 255, 1]), Buffer.alloc(1000, 7)]) {
    assert.equal(decrypt(key, encrypt(key, message)), message);
  }
});

test('property: decryption equals OpenSSL AES-128-CBC on any ciphertext under a valid MAC (padding right or wrong)', () => {
  const keyBytes = randomBytes(32);
  const key = FernetKey.fromBytes(keyBytes);
  const token = (iv, ciphertext) => {
    const body = Buffer.concat([Buffer.from([0x80]), Buffer.alloc(8), iv, ciphertext]);
    const mac = createHmac('sha256', keyBytes.subarray(0, 16)).update(body).digest();
    return Buffer.concat([body, mac]).toString('base64url').padEnd(Math.ceil(((body.length + 32) * 4) / 3 / 4) * 4, '=');
  };
  const openssl = (iv, ciphertext) => {
    try {
      const d = createDecipheriv('aes-128-cbc', keyBytes.subarray(16), iv);
      return Buffer.concat([d.update(ciphertext), d.final()]);
    } catch {
      return 'padding';
    }
  };
  const ours = (t) => {
    try {
      return decrypt(key, t);
    } catch (e) {
      assert.ok(e instanceof InvalidTokenError);
      return e.reason;
    }
  };
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 1, max: 6 }), fc.uint8Array({ maxLength: 96 }), fc.boolean(), (iv, blocks, seed, padded) => {
      // Half the time a real encryption (valid padding), else arbitrary blocks (padding mostly wrong).
      const ivBuf = Buffer.from(iv);
      const ciphertext = padded ? decodeBase64Url(encrypt(key, Buffer.from(seed), { iv: ivBuf, now: 0 })).subarray(25, -32) : Buffer.concat([Buffer.from(seed), Buffer.alloc(96)]).subarray(0, blocks * 16);
      assert.equal(ours(token(ivBuf, ciphertext)), openssl(ivBuf, ciphertext));
      if (padded) assert.equal(ours(token(ivBuf, ciphertext)), Buffer.from(seed));
    }),
    { numRuns: 2000 },
  );
});

/** decryptEach's plaintexts, copied, or the failing token's [index, reason]. */
function openEach(key, tokens) {
  const out = [];
  try {
    decryptEach(key, tokens, (index, plaintext) => out.push([index, Buffer.from(plaintext)]));
  } catch (e) {
    assert.instance(e, InvalidTokenError);
    return [e.index, e.reason];
  }
  return out.map(([index, plaintext], i) => (assert.is(index, i), plaintext));
}

test('decryptEach: every spec vector, and each invalid one (without a TTL) refused for its reason, named by index', () => {
  for (const v of vectors('verify.json')) assert.equal(openEach(FernetKey.fromString(v.secret), [v.token]), [Buffer.from(v.src)]);
  for (const v of vectors('invalid.json').filter((c) => !/TTL|clock skew/.test(c.desc))) {
    const key = FernetKey.fromString(v.secret);
    const good = encrypt(key, 'fine');
    let expected;
    try {
      decrypt(key, v.token);
    } catch (e) {
      expected = e.reason;
    }
    assert.equal(openEach(key, [good, good, v.token, good]), [2, expected], v.desc);
  }
});

test('property: decryptEach opens what decryptWithKeys opens, across its batches, and names the first token that fails', () => {
  const key = FernetKey.fromBytes(randomBytes(32));
  const other = FernetKey.fromBytes(randomBytes(32));
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 1000, maxLength: 30000 })), { maxLength: 60 }), fc.option(fc.nat()), (messages, bad) => {
      const tokens = messages.map((m) => encrypt(key, Buffer.from(m)));
      const wrong = bad === null || tokens.length === 0 ? undefined : bad % tokens.length;
      if (wrong !== undefined) tokens[wrong] = encrypt(other, 'x');
      const opened = openEach(key, tokens);
      if (wrong === undefined) assert.equal(opened, tokens.map((t) => decryptWithKeys([key], t).plaintext));
      else assert.equal(opened, [wrong, 'mac']);
    }),
    { numRuns: 200 },
  );
});

test('property: encryption equals OpenSSL AES-128-CBC with the token\'s IV, token after token under one key', () => {
  const keyBytes = randomBytes(32);
  const key = FernetKey.fromBytes(keyBytes);
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 70 })), { minLength: 1, maxLength: 5 }), (messages) => {
      for (const [iv, message] of messages) {
        const token = decodeBase64Url(encrypt(key, Buffer.from(message), { iv: Buffer.from(iv), now: 1 }));
        const c = createCipheriv('aes-128-cbc', keyBytes.subarray(16), iv);
        assert.equal(token.subarray(25, -32), Buffer.concat([c.update(message), c.final()]));
        assert.equal(token.subarray(-32), createHmac('sha256', keyBytes.subarray(0, 16)).update(token.subarray(0, -32)).digest());
      }
    }),
    { numRuns: 500 },
  );
});

test('IVs are fresh for every token, across the random batches they are cut from', () => {
  const key = FernetKey.generate();
  const ivs = new Set(Array.from({ length: 2000 }, () => decodeBase64Url(encrypt(key, 'same')).subarray(9, 25).toString('hex')));
  assert.is(ivs.size, 2000);
});

// ---- interop with real implementations ----

withPython("Python's cryptography.fernet decrypts envseal's tokens", () => {
  const key = FernetKey.generate();
  const messages = ['hello', '', 'ünïcödé ✓ 🔑', 'line1\nline2', 'x'.repeat(5000)];
  const tokens = messages.map((m) => encrypt(key, m));
  // The key travels on stdin, never in argv.
  const out = python(
    'import sys, json\nfrom cryptography.fernet import Fernet\nd = json.load(sys.stdin)\nf = Fernet(d["key"])\nprint(json.dumps([f.decrypt(t.encode()).decode("utf-8") for t in d["tokens"]]))',
    JSON.stringify({ key: key.export(), tokens }),
  );
  assert.equal(JSON.parse(out), messages);
});

withPython("envseal decrypts tokens made by Python's cryptography.fernet, including MultiFernet rotation", () => {
  const out = python(
    'import json\nfrom cryptography.fernet import Fernet, MultiFernet\nk1 = Fernet.generate_key(); k2 = Fernet.generate_key()\nt1 = Fernet(k1).encrypt("from python ✓".encode())\nt2 = MultiFernet([Fernet(k2), Fernet(k1)]).rotate(t1)\nprint(json.dumps({"k1": k1.decode(), "k2": k2.decode(), "t1": t1.decode(), "t2": t2.decode()}))',
  );
  const { k1, k2, t1, t2 } = JSON.parse(out);
  assert.is(decrypt(FernetKey.fromString(k1), t1).toString(), 'from python ✓');
  assert.is(decrypt(FernetKey.fromString(k2), t2).toString(), 'from python ✓');
  assert.is(decryptWithKeys([FernetKey.fromString(k2), FernetKey.fromString(k1)], t1).keyIndex, 1);
});

withPython("Python rejects a token envseal's strictness rejects (tampered MAC)", () => {
  const key = FernetKey.generate();
  const token = encrypt(key, 'v');
  const bytes = decodeBase64Url(token);
  bytes[bytes.length - 1] ^= 1;
  const tampered = Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  const out = python(
    'import sys, json\nfrom cryptography.fernet import Fernet, InvalidToken\nd = json.load(sys.stdin)\ntry:\n  Fernet(d["key"]).decrypt(d["t"].encode()); print("accepted")\nexcept InvalidToken:\n  print("rejected")',
    JSON.stringify({ key: key.export(), t: tampered }),
  );
  assert.is(out.trim(), 'rejected');
  assert.throws(() => decrypt(key, tampered), (e) => e.reason === 'mac');
});

test('the npm fernet package decodes envseal tokens (ttl 0)', () => {
  const require = createRequire(import.meta.url);
  const fernet = require('fernet');
  const key = FernetKey.generate();
  const token = encrypt(key, 'npm interop ✓');
  const secret = new fernet.Secret(key.export());
  const decoded = new fernet.Token({ secret, token, ttl: 0 }).decode();
  assert.is(decoded, 'npm interop ✓');
});

test.run();
