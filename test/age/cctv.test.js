// The C2SP CCTV age test vectors (npm cctv-age): every vector is run. Those of types envseal refuses
// are asserted refused: scrypt (passphrase) files, and post-quantum (hybrid) identities.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import * as vectors from 'cctv-age';
import { decryptWith, generateIdentity, parseIdentities } from '../../dist/age/index.js';

function parseVector(bytes) {
  const buffer = Buffer.from(bytes);
  const split = buffer.indexOf('\n\n');
  const fields = { identity: [], passphrase: [] };
  for (const line of buffer.subarray(0, split).toString('utf8').split('\n')) {
    const [key, value] = [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)];
    if (Array.isArray(fields[key])) fields[key].push(value);
    else fields[key] = value;
  }
  const body = buffer.subarray(split + 2);
  return { ...fields, file: fields.compressed === 'zlib' ? inflateSync(body) : body };
}

/** What decryption did, in the vocabulary of the vectors' `expect`. */
function outcome(identities, file) {
  try {
    return { expect: 'success', payload: createHash('sha256').update(decryptWith(identities, file)).digest('hex') };
  } catch (e) {
    if (e.code === 'E_IDENTITY_NO_MATCH') return { expect: 'no match', message: e.message };
    assert.is(e.code, 'E_AGE_INVALID', `${e.message}`);
    const kind = /^not a valid armored/.test(e.message) ? 'armor failure'
      : /header MAC/.test(e.message) ? 'HMAC failure'
      : /payload does not decrypt/.test(e.message) ? 'payload failure'
      : /passphrase \(an scrypt stanza\)/.test(e.message) ? 'scrypt refused'
      : /header is malformed/.test(e.message) ? 'header failure'
      : `unclassified: ${e.message}`;
    return { expect: kind, message: e.message };
  }
}

const names = Object.keys(vectors).sort();

test('the package holds the vectors this suite was written against', () => {
  assert.ok(names.length >= 140, `${names.length} vectors`);
  for (const family of ['x25519', 'stanza_', 'stream_', 'hmac_', 'armor_', 'scrypt', 'hybrid']) assert.ok(names.some((n) => n.startsWith(family)), family);
});

for (const name of names) {
  test(`CCTV ${name}`, () => {
    const v = parseVector(vectors[name]);
    const postQuantum = v.identity.filter((id) => id.startsWith('AGE-SECRET-KEY-PQ-'));
    for (const id of postQuantum) {
      assert.throws(() => parseIdentities(id, 'the vector'), (e) => e.code === 'E_RECIPIENT_UNSUPPORTED' && /post-quantum/.test(e.message));
    }
    const identities = v.identity.filter((id) => !postQuantum.includes(id)).flatMap((id) => parseIdentities(id, 'the vector').map((f) => f.unlock()));
    if (v.passphrase.length > 0) {
      // A passphrase vector: the file is refused, by its scrypt stanza or by a header that does not parse.
      const other = parseIdentities(generateIdentity().identity, 'a new key')[0].unlock();
      const got = outcome(identities.length ? identities : [other], v.file);
      const allowed = { 'header failure': /failure|refused/, 'no match': /^(?:no match|scrypt refused)$/ }[v.expect] ?? /^scrypt refused$/;
      assert.ok(allowed.test(got.expect), `${name}: ${JSON.stringify(got)}`);
      return;
    }
    if (postQuantum.length > 0) {
      // Only header failures do not depend on the identity; the rest need the post-quantum key.
      if (identities.length > 0 && v.expect === 'header failure') assert.is(outcome(identities, v.file).expect, 'header failure');
      return;
    }
    const got = outcome(identities, v.file);
    assert.is(got.expect, v.expect, `${name}: ${got.message ?? ''}`);
    // On a payload failure nothing is released (decryptWith returns all or nothing), so the
    // vectors' rule that released plaintext must match the payload hash holds trivially.
    if (v.expect === 'success') assert.is(got.payload, v.payload);
  });
}

test.run();
