// Strict base64 and bech32: one spelling per value.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { decodeBech32, decodePaddedBase64, decodeRawBase64, encodeBech32, encodeRawBase64 } from '../../dist/age/encoding.js';

test('raw base64 decodes only its canonical, unpadded spelling', () => {
  assert.equal(decodeRawBase64('AAEC'), Buffer.from([0, 1, 2]));
  assert.equal(decodeRawBase64(''), Buffer.alloc(0));
  for (const bad of ['AAE=', 'AB', 'AAEC\n', 'AA EC', 'A', 'AAE-', 'AAF']) assert.is(decodeRawBase64(bad), undefined, bad);
  assert.equal(decodeRawBase64('AAE'), Buffer.from([0, 1]));
});

test('padded base64 requires its padding and canonical trailing bits', () => {
  assert.equal(decodePaddedBase64('AAE='), Buffer.from([0, 1]));
  for (const bad of ['AAE', 'AAF=', 'AA==A', 'A===', 'AAE= ']) assert.is(decodePaddedBase64(bad), undefined, bad);
});

test('base64 round trips any bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => assert.equal(decodeRawBase64(encodeRawBase64(bytes)), Buffer.from(bytes))));
});

// BIP 173's own test vectors (valid and invalid bech32 strings).
test('BIP 173 valid strings decode, and encode back', () => {
  for (const text of ['A12UEL5L', 'a12uel5l', 'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw', 'split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w']) {
    const decoded = decodeBech32(text);
    assert.ok(decoded, text);
    if (decoded.bytes.length * 8 % 5 === 0 || text === 'A12UEL5L' || text === 'a12uel5l') assert.is(encodeBech32(decoded.hrp, decoded.bytes), text);
  }
});

test('BIP 173 invalid strings are refused', () => {
  for (const text of ['\x201nwldj5', 'pzry9x0s0muk', '1pzry9x0s0muk', 'x1b4n0q5v', 'li1dgmt3', 'de1lg7wt\xff', 'A1G7SGD8', '10a06t8', '1qzzfhee', 'A12uEL5L', 'a12uel5m']) {
    assert.is(decodeBech32(text), undefined, JSON.stringify(text));
  }
});

test('bech32 keeps the case of the human-readable part, as age keys need', () => {
  const bytes = Buffer.alloc(32, 7);
  const upper = encodeBech32('AGE-SECRET-KEY-', bytes);
  assert.ok(/^AGE-SECRET-KEY-1[A-Z0-9]+$/.test(upper));
  assert.equal(decodeBech32(upper), { hrp: 'AGE-SECRET-KEY-', bytes });
  const lower = encodeBech32('age', bytes);
  assert.is(lower.length, 62);
  assert.equal(decodeBech32(lower), { hrp: 'age', bytes });
  fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 80 }), (data) => assert.equal(decodeBech32(encodeBech32('age', data))?.bytes, Buffer.from(data))));
});

test.run();
