// Sealing refuses a comment that would leave a value readable, in any form the index knows, however
// many names the file has; and the filter that spares the index most values never drops one it finds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { parseEnv } from '../../dist/format/envfile.js';
import { KeyRing } from '../../dist/keys/key-ring.js';
import { TeamSecretIndex } from '../../dist/detect/team-secrets.js';
import { sealGuarded, valuesThatCanOccur } from '../../dist/core/seal-guarded.js';
import { KEY, errorCode, history } from './helpers.js';

const ring = KeyRing.of(KEY, 'test key');
const seal = (text) => sealGuarded(parseEnv(text, '.env'), ring, { history, label: '.env', now: '2026-01-01T00:00:00Z' });

/** A file of `names` values, most of them secret-looking, and one comment line. */
function file(names, comment) {
  const lines = [comment];
  for (let i = 0; i < names; i++) lines.push(`SECRET_${i}=v${i}-${(i * 2654435761) >>> 0}-Qx7${i % 97}z # note ${i}`);
  lines.push('DATABASE_URL=postgres://app:Hunter2-db-pass@db.internal:5432/app');
  return `${lines.join('\n')}\n`;
}

test('a comment holding one of many values, as is, base64, url-safe base64 or URL-encoded, is refused', () => {
  const value = `v777-${(777 * 2654435761) >>> 0}-Qx7${777 % 97}z`;
  for (const form of [value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('base64url'), encodeURIComponent(`${value} x`).slice(0, -4)]) {
    assert.is(errorCode(() => seal(file(2000, `# copied from prod: ${form}`))), 'E_PLAINTEXT_LEAK', form);
  }
  assert.is(errorCode(() => seal(file(2000, '# the db password is Hunter2-db-pass'))), 'E_PLAINTEXT_LEAK', 'a URL password alone');
  assert.ok(seal(file(2000, '# nothing secret here, only words and v777 fragments')).startsWith('#envseal:v1'));
});

test('property: the filter keeps every value the index finds in the text', () => {
  const unit = fc.constantFrom('a', 'B', '7', '-', '_', '/', '+', '=', ':', '@', ' ', '%', 'é');
  fc.assert(
    fc.property(fc.array(fc.string({ unit, minLength: 6, maxLength: 24 }), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (raw, picks) => {
      const values = raw.map((value, i) => ({ name: `N${i}`, value: i % 3 === 2 ? `https://u:${value}@h.example/p` : value }));
      const pieces = values.flatMap(({ value }) => [value, Buffer.from(value.trim()).toString('base64'), encodeURIComponent(value.trim()), value.slice(2)]);
      const text = picks.map((n) => `${pieces[n % pieces.length]}${n % 2 ? ' ' : '\n'}`).join('');
      const kept = new Set(valuesThatCanOccur(values, text).map((v) => v.name));
      for (const v of values) if (TeamSecretIndex.build([v]).find(text).length > 0) assert.ok(kept.has(v.name), v.name);
    }),
    { numRuns: 500 },
  );
});

test.run();
