// age X25519 keys: the recipient and identity texts, their checks, and what the messages never show.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { decryptWith, encryptTo, generateIdentity, parseIdentities, parseRecipient } from '../../dist/age/index.js';
import { encodeBech32 } from '../../dist/age/encoding.js';
import { assertNoSecrets } from '../helpers/cli.js';

const code = (c, pattern = /./) => (e) => e.code === c && pattern.test(e.message);

test('generateIdentity: an AGE-SECRET-KEY-1 line and its age1 recipient, which parse back to each other', () => {
  const { identity, recipient } = generateIdentity();
  assert.ok(/^AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}$/.test(identity));
  assert.ok(/^age1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}$/.test(recipient));
  const [file] = parseIdentities(identity, 'a new key');
  assert.is(file.recipient.text, recipient);
  assert.is(file.encrypted, false);
  const parsed = parseRecipient(recipient);
  assert.equal({ ...parsed }, { type: 'x25519', text: recipient, fingerprint: `SHA256:${createHash('sha256').update(recipient).digest('base64').replace(/=+$/, '')}` });
  assert.equal(file.recipient, parsed);
  assert.is.not(generateIdentity().identity, identity);
});

test('a recipient line may carry a comment, kept apart from the canonical text', () => {
  const { recipient } = generateIdentity();
  const parsed = parseRecipient(`  ${recipient}   ci deploy\t`);
  assert.is(parsed.text, recipient);
  assert.is(parsed.comment, 'ci deploy');
  assert.is(parseRecipient(`${recipient} a\x1b[31mred\x07`).comment, 'a[31mred', 'no control characters reach a terminal');
});

test('an identity file: comments, blank lines, CRLF, several keys; decryptWith takes them all', () => {
  const a = generateIdentity();
  const b = generateIdentity();
  const text = `# created: 2026-01-01T00:00:00Z\r\n# public key: ${a.recipient}\r\n${a.identity}\r\n\r\n${b.identity}\n`;
  const files = parseIdentities(text, 'keys.txt');
  assert.equal(files.map((f) => f.recipient.text), [a.recipient, b.recipient]);
  const file = encryptTo([parseRecipient(b.recipient)], Buffer.from('for b'));
  assert.equal(decryptWith(files.map((f) => f.unlock()), file), Buffer.from('for b'));
  assert.throws(() => decryptWith(files[0].unlock(), file), code('E_IDENTITY_NO_MATCH', new RegExp(files[0].recipient.fingerprint.replace(/[+/]/g, '\\$&'))));
});

test('malformed age keys are refused without echoing them', () => {
  const { identity, recipient } = generateIdentity();
  const flip = (s, i) => s.slice(0, i) + (s[i] === 'q' ? 'p' : 'q') + s.slice(i + 1);
  for (const bad of [flip(recipient, 20), recipient.toUpperCase(), recipient.slice(0, -1), encodeBech32('age', Buffer.alloc(31, 1)), encodeBech32('age', Buffer.alloc(32))]) {
    assert.throws(() => parseRecipient(bad), code('E_RECIPIENT_INVALID'), bad);
  }
  for (const bad of [flip(identity, 30), identity.toLowerCase(), `${identity} trailing`, 'not a key at all']) {
    try {
      parseIdentities(bad, 'ENVSEAL_IDENTITY');
      assert.unreachable(bad);
    } catch (e) {
      assert.is(e.code, 'E_IDENTITY_INVALID', e.message);
      assert.ok(e.message.includes('ENVSEAL_IDENTITY'));
      assertNoSecrets(`${e.message}\n${e.hint}`, [identity, identity.slice(16, 40), identity.toLowerCase().slice(16, 40)], 'the error');
    }
  }
  assert.throws(() => parseIdentities('# only comments\n\n', 'x'), code('E_IDENTITY_INVALID', /no key/));
  assert.throws(() => parseIdentities(recipient, 'x'), code('E_IDENTITY_INVALID', /public key/));
});

test('a private key given as a recipient is refused, and not repeated', () => {
  const { identity } = generateIdentity();
  try {
    parseRecipient(identity);
    assert.unreachable();
  } catch (e) {
    assert.is(e.code, 'E_RECIPIENT_INVALID');
    assert.ok(/private key/.test(e.message));
    assertNoSecrets(`${e.message}\n${e.hint}`, [identity, identity.slice(20, 40)], 'the error');
  }
});

test('post-quantum and plugin age keys are refused with the reason', () => {
  const pq = `age1pq1${'q'.repeat(60)}`;
  assert.throws(() => parseRecipient(pq), code('E_RECIPIENT_UNSUPPORTED', /post-quantum.*Node 20/));
  assert.throws(() => parseRecipient(encodeBech32('age1yubikey', Buffer.alloc(33, 2))), code('E_RECIPIENT_UNSUPPORTED', /plugin/));
  assert.throws(() => parseIdentities(`AGE-SECRET-KEY-PQ-1${'Q'.repeat(60)}`, 'id'), code('E_RECIPIENT_UNSUPPORTED', /post-quantum/));
  assert.throws(() => parseIdentities(`AGE-PLUGIN-YUBIKEY-1${'Q'.repeat(40)}`, 'id'), code('E_RECIPIENT_UNSUPPORTED', /plugin/));
});

test('encryptTo accepts recipients as plain data (read back from JSON) and re-derives their keys', () => {
  const a = generateIdentity();
  const copy = JSON.parse(JSON.stringify(parseRecipient(a.recipient)));
  const file = encryptTo([copy], Buffer.from('plain data'));
  assert.equal(decryptWith(parseIdentities(a.identity, 'a')[0].unlock(), file), Buffer.from('plain data'));
  assert.throws(() => encryptTo([], Buffer.from('x')), code('E_INTERNAL'));
});

test('an identity prints as its public key only', () => {
  const a = generateIdentity();
  const [file] = parseIdentities(a.identity, 'a');
  const identity = file.unlock();
  assert.is(file.unlock(), identity);
  const shown = `${JSON.stringify(identity)} ${JSON.stringify(file)} ${inspect(identity, { showHidden: true, depth: 5 })} ${inspect(file, { showHidden: true, depth: 5 })}`;
  assertNoSecrets(shown, [a.identity, a.identity.slice(16, 40)], 'an identity');
  assert.ok(shown.includes(a.recipient));
});

test.run();
