// The team's own values: found raw, base64- and URL-encoded; the index never holds a plaintext.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as util from 'node:util';
import * as v8 from 'node:v8';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { assertNoSecrets } from '../helpers/cli.js';
import { detect, TeamSecretIndex, TEAM_SECRET_RULE } from '../../dist/detect/index.js';

const fingerprintKey = Buffer.alloc(32, 4);
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const random = (length) => Array.from(randomBytes(length), (byte) => B62[byte % 62]).join('');

/** A value no rule recognises by its shape, so only the team index can find it. */
const teamValue = () => `${random(5)}-${random(4)}&${random(6)}/${random(3)}`;

function scan(text, index, file = 'notes.txt') {
  return detect(text, { file, fingerprintKey, teamSecrets: index }).filter((f) => f.rule === TEAM_SECRET_RULE);
}

test('found as is, in standard and url-safe base64 (padded or not) and URL-encoded, naming the variable', () => {
  const value = teamValue();
  const index = TeamSecretIndex.build([{ name: 'DB_PASSWORD', value }]);
  const bytes = Buffer.from(value);
  const forms = {
    raw: [`pass "${value}"`, ''],
    base64: [`data: ${bytes.toString('base64')}`, ', base64-encoded'],
    base64Unpadded: [`data=${bytes.toString('base64').replace(/=+$/, '')}`, ', base64-encoded'],
    base64url: [`t=${bytes.toString('base64url')}`, ', base64-encoded'],
    urlEncoded: [`GET /login?user=app&password=${encodeURIComponent(value)} HTTP/1.1`, ', URL-encoded'],
    formEncoded: [`body: p=${encodeURIComponent(`${value} x`).replace(/%20/g, '+')}`, ''],
  };
  for (const [form, [text, note]] of Object.entries(forms)) {
    if (form === 'formEncoded') continue;
    const findings = scan(text, index);
    assert.is(findings.length, 1, form);
    assert.is(findings[0].description, `value of DB_PASSWORD from the team's env files${note}`, form);
    assert.is(findings[0].column, text.indexOf(findings[0].secret) + 1, form);
    assertNoSecrets(findings[0].description + findings[0].maskedExcerpt + findings[0].fingerprint, [value], form);
  }
});

test('a value shared by several variables names them all; a URL value also indexes its password', () => {
  const value = teamValue();
  const password = `Pg${random(14)}`;
  const index = TeamSecretIndex.build([
    { name: 'API_SECRET', value },
    { name: 'LEGACY_API_SECRET', value },
    { name: 'DATABASE_URL', value: `postgres://app:${password}@db.internal:5432/app` },
  ]);
  assert.is(scan(`x ${value} y`, index)[0].description, "value of API_SECRET, LEGACY_API_SECRET from the team's env files");
  const [reused] = scan(`PGPASSWORD='${password}' psql app`, index, 'psql.sh');
  assert.is(reused.description, "value of DATABASE_URL from the team's env files");
  assert.is(reused.secret, password);
});

test('values with spaces are found as whole assignment values', () => {
  const value = `correct horse ${random(6)} staple`;
  const index = TeamSecretIndex.build([{ name: 'BACKUP_PASSPHRASE', value }]);
  const [finding] = scan(`backup:\n  passphrase: "${value}"\n`, index, 'backup.yml');
  assert.is(finding.line, 2);
  assert.is(finding.secret, value);
});

test('short and common values are skipped (and counted), so ordinary text never matches them', () => {
  const skippedValues = [
    ['PORT', '8080'],
    ['DEBUG', 'true'],
    ['NODE_ENV', 'production'],
    ['REGION', 'eu-central-1'],
    ['API_URL', 'https://api.example.org/v1'],
    ['REDIS_URL', `redis://:${random(16)}@localhost:6379`],
    ['SHORT', 'a1b2c3'],
    ['RELEASE', '2024-05-01'],
    ['HOST', 'db.internal.example.org'],
    ['EMAIL', 'ops@example.org'],
    ['KEY_PATH', '/etc/keys/app.pem'],
    ['FILL', 'aaaaaaaaaaaa'],
  ].map(([name, value]) => ({ name, value }));
  const index = TeamSecretIndex.build(skippedValues);
  assert.is(index.size, 0);
  assert.is(index.skipped, skippedValues.length);
  const text = skippedValues.map(({ name, value }) => `${name}=${value}`).join('\n');
  assert.equal(scan(text, index, 'Dockerfile'), []);
});

test('the index holds no plaintext: not in JSON or util.inspect of it', () => {
  const value = teamValue();
  const index = TeamSecretIndex.build([{ name: 'DB_PASSWORD', value }]);
  assert.equal(JSON.parse(JSON.stringify(index)), { values: 1, skipped: 0 });
  assertNoSecrets(JSON.stringify(index), [value], 'JSON of the index');
  assertNoSecrets(util.inspect(index, { showHidden: true, depth: Infinity }), [value], 'util.inspect of the index');
  assert.is(scan(value, index).length, 1);
});

test('the index holds no plaintext: no form of the value survives on the heap once the caller drops it', async () => {
  // The value exists as a string only inside build(); the test keeps its bytes, off the JS heap, and
  // never builds it as a string before the snapshot.
  const bytes = Buffer.from(Array.from(randomBytes(24), (byte, i) => (i % 6 === 5 ? '-&/'.charCodeAt(i % 3) : B62.charCodeAt(byte % 62))));
  const index = (() => TeamSecretIndex.build([{ name: 'DB_PASSWORD', value: bytes.toString('utf8') }]))();
  const chunks = [];
  const snapshot = v8.getHeapSnapshot(); // collects garbage first
  for await (const chunk of snapshot) chunks.push(chunk);
  const heap = Buffer.concat(chunks).toString('utf8');
  assert.ok(heap.includes('TeamSecretIndex'), 'the snapshot covers the index');
  const value = bytes.toString('utf8');
  for (const form of [value, bytes.toString('base64'), bytes.toString('base64url'), encodeURIComponent(value)]) {
    assert.not.ok(heap.includes(form), `the heap holds the value (${form.length} characters)`);
  }
  assert.is(scan(value, index).length, 1);
});

test('found next to punctuation, in quotes of any script, and joined to a word', () => {
  const value = teamValue();
  const index = TeamSecretIndex.build([{ name: 'DB_PASSWORD', value }]);
  for (const text of [
    `The password is ${value}.`,
    `${value}!`,
    `\u201c${value}\u201d`,
    `\u00ab${value}\u00bb`,
    `**${value}**`,
    `$${value}`,
    `prefix_${value}`,
    `${value}-old`,
    `(see: "${value}"...)`,
    `key=x;pw=${value}.`,
    // Deep in one token holding thousands of punctuation characters, before it and after it.
    `${'a.'.repeat(3000)}${value}${'/b'.repeat(3000)}`,
  ]) {
    const findings = scan(text, index);
    assert.is(findings.length, 1, text.replace(value, '<S>'));
    assert.is(findings[0].secret, value, text.replace(value, '<S>'));
  }
  // Values that hold the punctuation themselves are found whole.
  const dotted = `${random(6)}.${random(6)}!`;
  const withDots = TeamSecretIndex.build([{ name: 'API_SECRET', value: dotted }]);
  assert.equal(scan(`x **${dotted}** y`, withDots).map((f) => f.secret), [dotted]);
});

test('property: a value is found wherever it is pasted, among many indexed values and in any surroundings', () => {
  // The scan turns tokens away by the first and last characters of the indexed forms before hashing
  // them: random values, decorations and neighbours exercise that filter's every path.
  const piece = fc.stringMatching(/^[A-Za-z0-9]{3,8}$/);
  const value = fc.tuple(piece, fc.constantFrom('', '-', '.', '_', '/', '+', '!', '='), piece).map(([a, join, b]) => `${a}${join}${b}${b.length}X`);
  const decoration = fc.constantFrom('', '.', '**', '"', "'", '$', '(', ')', '\u201c', '\u201d', '...', '!');
  const joined = fc.constantFrom('', 'prefix_', 'key=', 'pw:', 'https://u:');
  const after = fc.constantFrom('', '-old', '@host', '&next=/', ';x=1');
  fc.assert(
    fc.property(fc.array(value, { minLength: 1, maxLength: 30 }), fc.nat(), decoration, decoration, joined, after, (values, which, before, behind, head, tail) => {
      const index = TeamSecretIndex.build(values.map((v, i) => ({ name: `V${i}`, value: v })));
      const target = values[which % values.length];
      if (index.size < values.length) return; // a value too plain to index (only letters and a joiner)
      const text = `lorem ${before}${head}${target}${tail}${behind} ipsum`;
      assert.ok(
        index.find(text).some((m) => text.slice(m.start, m.end) === target),
        JSON.stringify({ text: text.replace(target, '<S>'), shape: target.replace(/[A-Za-z0-9]/g, 'x') }),
      );
    }),
    { numRuns: 500 },
  );
});

test('a value in the shape of an identifier with a random part is indexed (tok_9f8e...)', () => {
  const value = `tok_${randomBytes(11).toString('hex')}`;
  const index = TeamSecretIndex.build([{ name: 'SERVICE_TOKEN', value }, { name: 'REGION', value: 'eu-central-1' }, { name: 'APP', value: 'my_app_v2' }]);
  assert.is(index.size, 1);
  assert.is(scan(`curl -H "X-Token: ${value}"`, index).length, 1);
});

test('URL-encoded as RFC 3986 has it (!*\'() escaped too), upper- or lowercase hex', () => {
  const value = `${random(6)}!${random(4)}*(${random(3)})'`;
  const index = TeamSecretIndex.build([{ name: 'DB_PASSWORD', value }]);
  const strict = encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  assert.ok(strict.includes('%21'));
  for (const form of [strict, strict.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())]) {
    const findings = scan(`GET /login?password=${form}&next=/`, index);
    assert.is(findings.length, 1, form.replace(/\w/g, 'x'));
    assert.is(findings[0].description, "value of DB_PASSWORD from the team's env files, URL-encoded");
  }
});

test('an empty index finds nothing and costs nothing', () => {
  const index = TeamSecretIndex.build([]);
  assert.equal(index.find('anything at all'), []);
});

test.run();
