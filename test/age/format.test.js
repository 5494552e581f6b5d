// The age file: header layout, STREAM chunking at its edges, armor, and tampering anywhere.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { decryptWith, encryptTo, generateIdentity, parseIdentities, parseRecipient } from '../../dist/age/index.js';
import { parseHeader } from '../../dist/age/format.js';

const RUNS = Number(process.env.ENVSEAL_PROPERTY_RUNS ?? 100);
const fresh = () => {
  const { identity, recipient } = generateIdentity();
  return { recipient: parseRecipient(recipient), identity: parseIdentities(identity, 'a new key')[0].unlock() };
};
const alice = fresh();
const bob = fresh();
const KIB64 = 64 * 1024;

test('the header is the intro, one stanza per recipient, and the MAC line', () => {
  const file = encryptTo([alice.recipient, bob.recipient], Buffer.from('x'));
  const text = file.toString('latin1');
  const lines = text.slice(0, text.indexOf('\n---') + 1).split('\n');
  assert.is(lines[0], 'age-encryption.org/v1');
  assert.ok(/^-> X25519 [A-Za-z0-9+/]{43}$/.test(lines[1]), lines[1]);
  assert.ok(/^[A-Za-z0-9+/]{43}$/.test(lines[2]), 'a 32-byte body on one short line');
  assert.ok(/^-> X25519 /.test(lines[3]));
  assert.ok(/\n--- [A-Za-z0-9+/]{43}\n/.test(text));
  const header = parseHeader(file);
  assert.is(header.stanzas.length, 2);
  assert.is(header.payload.length, 16 + 1 + 16, 'nonce, one byte, one tag');
});

test('STREAM: chunks of 64 KiB, a full last chunk when the plaintext fills them, an empty one only when empty', () => {
  for (const [size, chunks] of [[0, 1], [1, 1], [KIB64 - 1, 1], [KIB64, 1], [KIB64 + 1, 2], [2 * KIB64, 2], [2 * KIB64 + 5, 3]]) {
    const plaintext = Buffer.alloc(size, 0xa5);
    const file = encryptTo([alice.recipient], plaintext);
    assert.is(parseHeader(file).payload.length, 16 + size + 16 * chunks, `${size} bytes`);
    assert.equal(decryptWith(alice.identity, file), plaintext);
  }
});

test('every recipient reads the file; nobody else does', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 3 * KIB64 }), fc.integer({ min: 1, max: 3 }), (plaintext, n) => {
      const people = Array.from({ length: n }, fresh);
      const file = encryptTo(people.map((p) => p.recipient), plaintext);
      for (const p of people) assert.equal(decryptWith(p.identity, file), Buffer.from(plaintext));
      assert.throws(() => decryptWith(bob.identity, file), (e) => e.code === 'E_IDENTITY_NO_MATCH');
    }),
    { numRuns: Math.ceil(RUNS / 4) },
  );
});

test('a file changed anywhere, or truncated anywhere, is refused, never read wrong', () => {
  const plaintext = Buffer.from('KEY=value\nprevious other\n');
  const file = encryptTo([alice.recipient], plaintext);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: file.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, xor) => {
      const changed = Buffer.from(file);
      changed[at] ^= xor;
      assert.throws(() => decryptWith(alice.identity, changed), (e) => ['E_AGE_INVALID', 'E_IDENTITY_NO_MATCH'].includes(e.code));
    }),
    { numRuns: RUNS * 3 },
  );
  for (let length = 0; length < file.length; length++) {
    assert.throws(() => decryptWith(alice.identity, file.subarray(0, length)), (e) => e.code === 'E_AGE_INVALID', `truncated to ${length}`);
  }
});

test('an armored file is read; one line out of place is refused', () => {
  const plaintext = Buffer.from('armored');
  const binary = encryptTo([alice.recipient], plaintext);
  const b64 = binary.toString('base64');
  const lines = b64.match(/.{1,64}/g);
  const armor = (body, ending = '\n') => `-----BEGIN AGE ENCRYPTED FILE-----${ending}${body.join(ending)}${ending}-----END AGE ENCRYPTED FILE-----${ending}`;
  assert.equal(decryptWith(alice.identity, Buffer.from(armor(lines))), plaintext);
  assert.equal(decryptWith(alice.identity, Buffer.from(`\n  ${armor(lines, '\r\n')}\n\n`)), plaintext);
  const refused = (text) => assert.throws(() => decryptWith(alice.identity, Buffer.from(text)), (e) => e.code === 'E_AGE_INVALID' && /armored/.test(e.message));
  refused(armor([b64]));
  refused(armor(lines).replace('\n', '\nVersion: 1\n'));
  refused(`${armor(lines)}trailing`);
  refused(armor(lines).replace('-----END AGE ENCRYPTED FILE-----\n', ''));
});

test.run();
