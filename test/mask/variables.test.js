// Masking a set of variables: what `show` prints of each, and `get`'s one variable, which must print
// the same though its redactor is built from only the secrets that can show in it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { maskVariables } from '../../dist/mask/variables.js';
import { compileMaskRules } from '../../dist/mask/rules.js';

const rules = compileMaskRules(['*_PIN']);
const shownAll = (values) => new Map(maskVariables(values, rules).map((v) => [v.name, v.shown]));
const shownOne = (values, name) => maskVariables(values, rules, name).map((v) => v.shown);

test('one variable is shown as among all: another secret inside it, encoded, or its start at the end', () => {
  const secret = 'Zq8#mW2$kP9!vR4x';
  const values = {
    API_SECRET: secret,
    // A public value holding the secret as base64, URL-encoded, and ending in its start.
    NOTE: `b64 ${Buffer.from(secret).toString('base64')} url ${encodeURIComponent(secret)}`,
    TAIL: `see ${secret.slice(0, 10)}`,
    SHORT_PIN: '4711',
    PUBLIC: 'code 4711 and more',
    LONG_TOKEN: `${secret}-and-more-2`,
  };
  const all = shownAll(values);
  for (const name of Object.keys(values)) assert.equal(shownOne(values, name), [all.get(name)], name);
  assert.not.ok(all.get('NOTE').includes(Buffer.from(secret).toString('base64')));
  assert.not.ok(all.get('PUBLIC').includes('4711'));
  assert.equal(shownOne(values, 'MISSING'), []);
});

test("a secret in the kept characters of another's masked form decides how that one is replaced", () => {
  // The masked form of LONG keeps its last 4 characters, which are PIN; PIN's own forms are not in
  // the base64 of LONG (its fragments at that alignment are too short to look for).
  const long = 'k9Vq2mX7pL4sN8rT1wY5zB3cD6fG0hJq7';
  const values = { API_SECRET: long, SHORT_PIN: long.slice(-4), NOTE: `b64 ${Buffer.from(long).toString('base64')}` };
  assert.is(shownAll(values).get('NOTE'), 'b64 ****');
  assert.equal(shownOne(values, 'NOTE'), ['b64 ****']);
});

test('property: get shows exactly what show shows, however the values hold one another', () => {
  const piece = fc.stringMatching(/^[A-Za-z0-9+/=%!:@ _.-]{1,12}$/);
  const encode = fc.constantFrom(
    (s) => s,
    (s) => Buffer.from(s).toString('base64'),
    (s) => Buffer.from(s).toString('base64url'),
    (s) => encodeURIComponent(s),
    (s) => s.slice(0, Math.max(1, s.length - 3)),
    (s) => JSON.stringify(s).slice(1, -1),
  );
  const name = fc.constantFrom('API_KEY', 'DB_PASSWORD', 'NOTE', 'HOST', 'SHORT_PIN', 'TOKEN', 'URL', 'GREETING');
  const value = fc.tuple(piece, piece, fc.nat(9), encode, piece);
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(name, fc.nat(99)), { minLength: 2, maxLength: 8, selector: ([n, i]) => `${n}_${i}` }), fc.array(value, { minLength: 8, maxLength: 8 }), (names, parts) => {
      const values = {};
      const list = [];
      names.forEach(([n, i], k) => {
        const [a, b, from, how, c] = parts[k];
        // Some values embed an earlier one, encoded or cut.
        const earlier = list.length > 0 ? how(list[from % list.length]) : '';
        const text = k % 2 === 0 ? `${a}${b}${c}` : `${a}${earlier}${c}`;
        values[`${n}_${i}`] = text;
        list.push(text);
      });
      const all = shownAll(values);
      for (const key of Object.keys(values)) assert.equal(shownOne(values, key), [all.get(key)], key);
    }),
    { numRuns: 300 },
  );
});

test.run();
