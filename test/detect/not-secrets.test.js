// What the detector calls "not a secret", checked where the code takes a short cut: the placeholder
// test skips its pattern for values that lack every character and word the pattern's forms need.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { isPlaceholderOrReference, PLACEHOLDER } from '../../dist/detect/not-secrets.js';

test('the placeholder pre-check never hides a form of the pattern, in any case, among any characters', () => {
  // The pattern's own vocabulary, in pieces and in other cases, among random and non-ASCII text
  // (\u212a, the Kelvin sign, lowercases to k; \u0130 to two characters).
  const words = ['<', '>', '&lt;', '&gt;', 'your', 'here', 'change', 'replace', 'me', 'placeholder', 'redacted', 'dummy', 'x', 'xxx', 'xxxxxx', '***', '####', 'string', 'token', 'key', 'secret', 'value', 'password', '...', '\u2026', '${', '}', '$(', '{{', '}}', '#{', '{', '%(', ')s', '%', '_', '-', '.', ':', '/', '@', ' ', '\n'];
  const piece = fc.oneof(
    fc.constantFrom(...words).chain((w) => fc.constantFrom(w, w.toUpperCase(), w[0].toUpperCase() + w.slice(1))),
    fc.constantFrom('\u212a', '\u0130', '\u00e9', 'a', 'Z', '9'),
    fc.string({ maxLength: 5 }),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
      const value = pieces.join('');
      if (PLACEHOLDER.test(value)) assert.ok(isPlaceholderOrReference(value), JSON.stringify(value));
    }),
    { numRuns: 20000 },
  );
  for (const value of ['<token>', 'your_api_key_here', 'CHANGE-ME', 'Replaceme', 'PlaceHolder1', 'REDACTED', 'dummyvalue', 'abc-XXX-def', 'xxxxxxxx', '****', '#####', 'MYTOKENHERE', 'sk_live_...', '\u2026abcd', '${DB_PASS}', '$(cat x)', '{{ .Values.x }}', '#{pass}', '{0}', '%(password)s', '%APPDATA%', '$HOME/.token']) {
    assert.ok(isPlaceholderOrReference(value), value);
  }
  for (const value of ['fJzFWhEdBIqPRJFRHptYegfcZnkrVGbWngOQqDMa1', 'sBbcZXDROaO6aonIcnEw', 'm{{h}o)p${e]nb..x']) assert.not.ok(isPlaceholderOrReference(value), value);
});

test.run();
