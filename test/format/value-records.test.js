// Value records in the sealed format: each value's date (its token's timestamp), grace expiries,
// sealed markers of earlier values; what survives a re-seal under a new key, what is refused, and how
// two branches' records merge.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TEST_KEY, OTHER_KEY } from '../helpers/cli.js';
import { python } from '../helpers/python.js';
import { needing } from '../helpers/tools.js';
import { MasterKey } from '../../dist/crypto/master-key.js';
import { parseEnv } from '../../dist/format/envfile.js';
import { KeyRing } from '../../dist/keys/key-ring.js';
import { changeDates, fileMac, openSealed, parseSealedStructure, recordsBaseOf, sealLines } from '../../dist/format/sealed.js';
import { markerOf, mergeRecords } from '../../dist/format/value-records.js';
import { latestValues } from '../../dist/format/envfile.js';

const withPython = needing(test, 'python3-cryptography');
const key = MasterKey.parse(TEST_KEY, 'test key');
const other = MasterKey.parse(OTHER_KEY, 'other key');
const ring = KeyRing.of(key, 'test key');
const T1 = '2026-01-01T00:00:00Z';
const T2 = '2026-02-01T00:00:00Z';

const seal = (text, options = {}, k = key) => sealLines(parseEnv(text, '.env'), k, { history: [], label: '.env', now: T1, ...options });
const open = (sealed, r = ring) => openSealed(sealed, r, '.env.encrypted');
/** Re-signs edited metadata, as someone holding the key could: what a reader then makes of it. */
const resign = (text) => {
  const signed = text.slice(0, text.lastIndexOf('#envseal:mac '));
  return `${signed}#envseal:mac ${fileMac(key, signed)}\n`;
};

test('a value\'s date is its token\'s timestamp: a change dates only its value, and gives the old one a marker', () => {
  const first = seal('A=1\nB=2\nC=3\n');
  assert.not.match(first, /#envseal:(?:expires|earlier)/, 'nothing to record yet');
  const second = sealLines(parseEnv('A=1\nB=20\nC=3\n', '.env'), key, { history: [], label: '.env', now: T2, previous: open(first) });
  assert.equal(second.split('\n').filter((l) => l.startsWith('#envseal:')).map((l) => l.split(' ')[0]), ['#envseal:v1', '#envseal:earlier', '#envseal:mac']);
  const opened = open(second);
  assert.equal([...changeDates(opened.lines)], [['A', Date.parse(T1)], ['B', Date.parse(T2)], ['C', Date.parse(T1)]]);
  assert.equal([...opened.records.earlier.names.keys()], ['B']);
  assert.is(opened.records.earlier.names.get('B')[0], markerOf(opened.records.earlier.key, 'B', '2'));
  // Readable without the key (status), except the markers.
  const unverified = parseSealedStructure(second, '.env.encrypted');
  assert.equal([...changeDates(unverified.body)], [['A', Date.parse(T1)], ['B', Date.parse(T2)], ['C', Date.parse(T1)]]);
  assert.is(unverified.records.earlier, undefined);
  // Only names asked for get markers (the core asks for secrets and names with a policy).
  const third = sealLines(parseEnv('A=10\nB=20\nC=3\n', '.env'), key, { history: [], label: '.env', now: T2, previous: opened, remember: (n) => n !== 'A' });
  assert.equal([...open(third).records.earlier.names.keys()], ['B']);
});

test('a re-seal under a new key keeps every date and marker, with the marker token re-encrypted', () => {
  const first = seal('A=1\nB=x\n');
  const changed = sealLines(parseEnv('A=2\nB=x\n', '.env'), key, { history: [], label: '.env', now: T2, previous: open(first) });
  const before = open(changed);
  const rotated = sealLines(before.lines, other, { history: [], label: '.env', now: '2026-03-01T00:00:00Z', previous: before });
  const token = (text) => /^#envseal:earlier (\S+)$/m.exec(text)[1];
  assert.is.not(token(rotated), token(changed));
  const after = open(rotated, KeyRing.of(other, 'other key'));
  assert.equal([...changeDates(after.lines)], [['A', Date.parse(T2)], ['B', Date.parse(T1)]]);
  assert.ok(after.lines.every((l, i) => l.kind !== 'entry' || l.token !== before.lines[i].token), 'every value re-encrypted');
  assert.equal(after.records.earlier.names, before.records.earlier.names);
  // Unchanged under the same key, the token is kept byte for byte (small diffs).
  const again = sealLines(after.lines, other, { history: [], label: '.env', now: '2026-04-01T00:00:00Z', previous: after });
  assert.is(token(again), token(rotated));
  // And a value that comes back is still recognised: refused where asked.
  const refuse = () => true;
  assert.throws(
    () => sealLines(parseEnv('A=1\nB=x\n', '.env'), other, { history: [], label: '.env', now: T2, previous: after, refuseReuse: refuse }),
    (e) => e.code === 'E_VALUE_REUSED' && !e.message.includes('=1'),
  );
});

test('a name that takes the value of one of its shadowed entries has changed, under the same key or a new one', () => {
  const first = seal('A=old\nA=current\n');
  for (const k of [key, other]) {
    const second = sealLines(parseEnv('A=old\nA=old\n', '.env'), k, { history: [], label: '.env', now: T2, previous: open(first) });
    assert.equal([...changeDates(open(second, KeyRing.of(k, 'k')).lines)], [['A', Date.parse(T2)]], k.fingerprint);
  }
});

test('grace expiries are set when asked, kept while the value stays, and dropped with the name', () => {
  const first = seal('A=new\nA_PREVIOUS=old\n', { expires: new Map([['A_PREVIOUS', '2026-01-03T00:00:00Z']]) });
  assert.match(first, /^#envseal:expires 2026-01-03T00:00:00Z A_PREVIOUS$/m);
  const kept = sealLines(parseEnv('A=new\nA_PREVIOUS=old\nB=1\n', '.env'), key, { history: [], label: '.env', now: T2, previous: open(first) });
  assert.match(kept, /^#envseal:expires 2026-01-03T00:00:00Z A_PREVIOUS$/m);
  const gone = sealLines(parseEnv('A=new\nB=1\n', '.env'), key, { history: [], label: '.env', now: T2, previous: open(kept) });
  assert.not.match(gone, /#envseal:expires/);
  // A_PREVIOUS never gets markers of its own: A's are what count.
  assert.is(open(gone).records.earlier, undefined);
});

test('malformed records are corrupt; metadata from a newer envseal says so', () => {
  const good = seal('A_PREVIOUS=1\nA=2\n', { expires: new Map([['A_PREVIOUS', '2026-01-03T00:00:00Z']]) });
  const bad = resign(good.replace('#envseal:expires 2026-01-03T00:00:00Z A_PREVIOUS', '#envseal:expires tomorrow A_PREVIOUS'));
  assert.throws(() => open(bad), (e) => e.code === 'E_SEALED_CORRUPT' && /malformed expires line/.test(e.message));
  const newer = resign(good.replace('#envseal:expires', '#envseal:owners alice\n#envseal:expires'));
  assert.throws(() => open(newer), (e) => e.code === 'E_SEALED_VERSION' && /newer envseal/.test(e.message));
  const outOfPlace = resign(good.replace('\n#envseal:mac', '\n#envseal:expires 2026-01-01T00:00:00Z B\n#envseal:mac'));
  assert.throws(() => open(outOfPlace), (e) => e.code === 'E_SEALED_CORRUPT' && /out of place/.test(e.message));
  const forgedMarkers = resign(good.replace('\nA_PREVIOUS=', '\n#envseal:earlier gAAAAAnotatoken\nA_PREVIOUS='));
  assert.throws(() => open(forgedMarkers), (e) => e.code === 'E_SEALED_CORRUPT' && /malformed earlier line/.test(e.message));
});

test('a merge keeps both sides\' markers, and each grace expiry from the side whose value it kept', () => {
  const base = open(seal('A=1\nB=1\n'));
  const ours = open(sealLines(parseEnv('A=2\nB=1\n', '.env'), key, { history: [], label: '.env', now: T2, previous: base }));
  const theirs = open(sealLines(parseEnv('A=1\nB=3\nB_PREVIOUS=1\n', '.env'), key, { history: [], label: '.env', now: T2, previous: base, expires: new Map([['B_PREVIOUS', '2026-03-01T00:00:00Z']]) }));
  const merged = latestValues(parseEnv('A=2\nB=3\nB_PREVIOUS=1\n', '.env'));
  const records = mergeRecords(merged, [recordsBaseOf(ours), recordsBaseOf(theirs)]);
  assert.equal([...records.expires], [['B_PREVIOUS', '2026-03-01T00:00:00Z']]);
  assert.equal([...records.earlier.names.keys()].sort(), ['A', 'B'], 'the same master key derived the same marker key on both branches');
});

withPython('the markers token is a plain Fernet token under the file key, holding the JSON FORMAT.md describes', () => {
  const first = seal('API_KEY=one\n');
  const sealed = sealLines(parseEnv('API_KEY=two\n', '.env'), key, { history: [], label: '.env', now: T2, previous: open(first) });
  const token = /^#envseal:earlier (\S+)$/m.exec(sealed)[1];
  const out = python(
    [
      'import sys, json, hmac, hashlib, base64',
      'from cryptography.fernet import Fernet',
      'from cryptography.hazmat.primitives.kdf.hkdf import HKDF',
      'from cryptography.hazmat.primitives import hashes',
      'key, token = sys.stdin.read().split()',
      'data = json.loads(Fernet(key).decrypt(token.encode()))',
      'raw = base64.urlsafe_b64decode(key)',
      "derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b'envseal', info=b'envseal/v1/value-markers').derive(raw)",
      "marker_key = base64.urlsafe_b64decode(data['key'] + '=' * (-len(data['key']) % 4))",
      "print(marker_key == derived, data['names']['API_KEY'] == [hmac.new(marker_key, b'API_KEY\\x00one', hashlib.sha256).hexdigest()[:32]])",
    ].join('\n'),
    `${TEST_KEY} ${token}`,
  );
  assert.is(out.trim(), 'True True');
});

test.run();
