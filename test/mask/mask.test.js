// The masked form: short secrets all look alike, long ones keep at most a quarter, always one printable line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { FULL_MASK, hasCodePoints, mask } from '../../dist/mask/mask.js';

test('values shorter than 32 characters all become **** (their length is not revealed)', () => {
  for (let n = 0; n < 32; n++) assert.is(mask('x'.repeat(n)), FULL_MASK, `length ${n}`);
});

test('from 32 characters on: first 4 … last 4, a fixed width, at most a quarter of the value kept', () => {
  const key = 'sk_l' + 'ABCDEFGHIJKLMNOPQRSTUVWX' + 'a9Qz';
  assert.is(key.length, 32);
  assert.is(mask(key), 'sk_l…a9Qz');
  for (const n of [32, 33, 44, 100, 5000]) {
    const value = 'a'.repeat(n);
    const masked = mask(value);
    assert.is(masked.length, 9, `width for length ${n}`);
    assert.ok((masked.length - 1) / n <= 0.25, `kept share for length ${n}`);
  }
});

test('whitespace or control characters among the kept ones give **** (a PEM block ends in a newline)', () => {
  const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';
  assert.is(mask(pem), FULL_MASK);
  assert.is(mask(`  ${'a'.repeat(40)}`), FULL_MASK);
  assert.is(mask(`${'a'.repeat(40)}\t`), FULL_MASK);
});

test('characters are code points: a surrogate pair is never split', () => {
  const value = '🔑'.repeat(40);
  assert.is(mask(value), '🔑🔑🔑🔑…🔑🔑🔑🔑');
  assert.is(mask('🔑'.repeat(31)), FULL_MASK);
});

test('property: the rule counted in code points, whatever mix of one- and two-unit characters', () => {
  const reference = (value) => {
    const chars = Array.from(value);
    if (chars.length < 32) return FULL_MASK;
    const kept = chars.slice(0, 4).join('') + chars.slice(-4).join('');
    return /[\s\p{C}]/u.test(kept) ? FULL_MASK : `${chars.slice(0, 4).join('')}…${chars.slice(-4).join('')}`;
  };
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('a', 'Z', '9', '🔑', 'é', ' ', '\n'), maxLength: 80 }), fc.nat(80), (value, count) => {
      assert.is(mask(value), reference(value));
      assert.is(hasCodePoints(value, count), Array.from(value).length >= count);
    }),
    { numRuns: 2000 },
  );
});

test('property: the ends of the ASCII range, kept when printable (! and ~), **** for space, DEL and controls', () => {
  const reference = (value) => {
    const chars = Array.from(value);
    if (chars.length < 32) return FULL_MASK;
    const [head, tail] = [chars.slice(0, 4).join(''), chars.slice(-4).join('')];
    return /[\s\p{C}]/u.test(head + tail) ? FULL_MASK : `${head}…${tail}`;
  };
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('!', '~', 'a', ' ', '\x7f', '\x1f', '\x80', '\u00a0'), minLength: 30, maxLength: 40 }), (value) => {
      assert.is(mask(value), reference(value));
    }),
    { numRuns: 2000 },
  );
});

test.run();
