// The C2SP CCTV age test vectors (npm cctv-age, by age's author): every X25519, header, STREAM and
// ssh-free vector decrypts exactly when it should, to the expected payload. Armored, scrypt and
// post-quantum (hybrid) vectors are out of scope: envseal writes binary X25519/SSH files only, and
// the scrypt ones must be refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import * as vectors from 'cctv-age';
import { decryptWith, parseIdentity } from '../../dist/age/index.js';

function parse(bytes) {
  const buffer = Buffer.from(bytes);
  const end = buffer.indexOf('\n\n');
  const fields = Object.fromEntries(buffer.subarray(0, end).toString('latin1').split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
  const body = buffer.subarray(end + 2);
  return { fields, file: fields.compressed === 'zlib' ? inflateSync(body) : body };
}

const names = Object.keys(vectors).filter((n) => n !== 'default');
const inScope = (name, fields) => !fields.armored && !name.startsWith('hybrid') && !name.startsWith('scrypt') && fields.identity?.startsWith('AGE-SECRET-KEY-1');

test('every in-scope vector: success decrypts to the payload; every failure fails', () => {
  let checked = 0;
  for (const name of names) {
    const { fields, file } = parse(vectors[name]);
    if (!inScope(name, fields)) continue;
    checked++;
    const identities = fields.identity.split(' ');
    let plaintext;
    let error;
    try {
      const identity = parseIdentity(identities[0], 'vector').unlock();
      plaintext = decryptWith(identity, file);
    } catch (e) {
      error = e;
    }
    if (fields.expect === 'success') {
      assert.ok(plaintext, `${name}: ${error?.message}`);
      assert.is(createHash('sha256').update(plaintext).digest('hex'), fields.payload, name);
    } else {
      assert.ok(error, `${name} must fail (${fields.expect})`);
      assert.ok(['E_AGE_INVALID', 'E_IDENTITY_NO_MATCH'].includes(error.code), `${name}: ${error.code} ${error.message}`);
      if (fields.expect === 'no match') assert.is(error.code, 'E_IDENTITY_NO_MATCH', name);
    }
  }
  assert.ok(checked > 60, `${checked} vectors checked`);
});

test('scrypt (passphrase) files are refused, never tried', () => {
  const { file } = parse(vectors.scrypt);
  const identity = parseIdentity('AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0', 'vector').unlock();
  try {
    decryptWith(identity, file);
    assert.unreachable();
  } catch (e) {
    assert.is(e.code, 'E_AGE_INVALID');
    assert.match(e.message, /scrypt/);
  }
});

test.run();
