// A name's words: split on anything but letters and at camelCase boundaries, whatever the name holds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { nameWords } from '../dist/secret-names.js';

test('words of snake, camel and mixed names', () => {
  assert.equal(nameWords('DATABASE_URL_42'), ['database', 'url']);
  assert.equal(nameWords('V2API_KEY'), ['v', 'api', 'key']);
  assert.equal(nameWords('apiKey'), ['api', 'key']);
  assert.equal(nameWords('AWSSecretAccessKey'), ['aws', 'secret', 'access', 'key']);
  assert.equal(nameWords('x2Token'), ['x', 'token']);
});

test('property: the same words as marking every camelCase boundary first, with or without lower-case letters', () => {
  const reference = (name) =>
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/(?<![A-Z])([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^a-z]+/)
      .filter((word) => word.length > 0);
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('A', 'K', 'Z', 'a', 'k', 'z', '0', '9', '_', '-', '.', '\u212a', '\u0130', 'É'), maxLength: 24 }), (name) => {
      assert.equal(nameWords(name), reference(name));
    }),
    { numRuns: 3000 },
  );
});

test.run();
