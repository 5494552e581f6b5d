// The sealed format: what a sealed file looks like, and that every kind of edit to it is caught
// before any value is returned.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { TEST_KEY, OTHER_KEY } from '../helpers/cli.js';
import { python } from '../helpers/python.js';
import { MasterKey } from '../../dist/crypto/master-key.js';
import { decrypt as fernetDecrypt, encrypt as fernetEncrypt } from '../../dist/crypto/fernet.js';
import { parseEnv, toRecord } from '../../dist/format/envfile.js';
import { KeyRing } from '../../dist/keys/key-ring.js';
import { fileMac, isLegacySealed, openSealed, parseSealedStructure, renderPlaintext, sealLines } from '../../dist/format/sealed.js';
import { needing } from '../helpers/tools.js';

const withPython = needing(test, 'python3-cryptography');

const dotenv = createRequire(import.meta.url)('dotenv');

const key = MasterKey.parse(TEST_KEY, 'test key');
const other = MasterKey.parse(OTHER_KEY, 'other key');

const SECRETS = {
  DATABASE_URL: 'postgres://app:fake-db-pass-1234@db.internal:5432/app',
  STRIPE_SECRET_KEY: 'sk_test_' + 'FAKEFAKEFAKE0000',
  API_TOKEN: 'fake-api-token-5678',
};
const PLAIN = [
  '# app settings',
  `DATABASE_URL="${SECRETS.DATABASE_URL}"`,
  '',
  `export STRIPE_SECRET_KEY=${SECRETS.STRIPE_SECRET_KEY} # test mode`,
  `API_TOKEN='${SECRETS.API_TOKEN}'`,
  'DEBUG=false',
  '',
].join('\n');

const HISTORY = [{ date: '2026-01-01T00:00:00Z', event: 'created', key: key.fingerprint, envseal: '0.1.0' }];
const seal = (text = PLAIN, options = {}) => sealLines(parseEnv(text, '.env'), key, { now: '2026-01-01T00:00:00Z', history: HISTORY, label: '.env', ...options });
const ring = ([current, ...previous]) => new KeyRing({ current, previous: previous.map((k) => ({ key: k })), kind: 'memory', source: 'test key' });
const open = (text, keys = [key], options = {}) => openSealed(text, ring(keys), '.env.encrypted', options);
const LEGACY = { legacy: true };

const SEALED = seal();
const LINES = SEALED.split('\n').slice(0, -1); // without the empty string after the final newline
const HEADER = 0;
const HISTORY_LINE = 1;
const MAC = LINES.length - 1;
const BODY = LINES.map((_, i) => i).filter((i) => i > HISTORY_LINE && i < MAC);
const lineOf = (name) => LINES.findIndex((l) => l.replace(/^export /, '').startsWith(`${name}=`));
const join = (lines) => `${lines.join('\n')}\n`;

/** Asserts `text` fails to open with `code` (and `exitCode`), and that the error leaks nothing. */
function rejects(text, code, exitCode = 4, keys = [key], options = {}) {
  let opened;
  try {
    opened = open(text, keys, options);
  } catch (e) {
    assert.is(e.name, 'EnvsealError', `an EnvsealError, not ${e.name}: ${e.message}`);
    assert.is(e.code, code, `${e.code}: ${e.message}`);
    assert.is(e.exitCode, exitCode);
    assert.ok(e.message.includes('.env.encrypted'), 'names the file');
    assert.ok(e.hint && e.hint.length > 10, 'says how to fix it');
    const said = `${e.message}\n${e.hint}\n${e.stack}`;
    for (const secret of [...Object.values(SECRETS), TEST_KEY, OTHER_KEY]) assert.not.ok(said.includes(secret), `${code} leaks a secret`);
    return e;
  }
  assert.unreachable(`opened a modified file (${opened.lines.length} lines)`);
}

test('a sealed file: header, history, body with fernet: values, MAC last', () => {
  assert.is(LINES[HEADER], `#envseal:v1 key=${key.fingerprint}`);
  assert.match(key.fingerprint, /^[0-9a-f]{16}$/);
  assert.ok(LINES[HISTORY_LINE].startsWith('#envseal:history {'));
  assert.equal(JSON.parse(LINES[HISTORY_LINE].slice('#envseal:history '.length)), HISTORY[0]);
  assert.match(LINES[MAC], /^#envseal:mac [0-9a-f]{64}$/);
  assert.equal(LINES.slice(2, MAC).map((l) => l.replace(/fernet:[A-Za-z0-9_=-]+/, 'fernet:T')), [
    '# app settings',
    'DATABASE_URL="fernet:T"',
    '',
    'export STRIPE_SECRET_KEY=fernet:T # test mode',
    "API_TOKEN='fernet:T'",
    'DEBUG=fernet:T',
  ]);
  for (const secret of Object.values(SECRETS)) assert.not.ok(SEALED.includes(secret));
});

test('the MAC is HMAC-SHA256 over every byte above it under the file-mac sub-key', () => {
  const signed = SEALED.slice(0, SEALED.lastIndexOf('#envseal:mac '));
  assert.is(LINES[MAC], `#envseal:mac ${fileMac(key, signed)}`);
  assert.is.not(fileMac(other, signed), fileMac(key, signed));
});

test('a token the file MAC vouches for but that is no valid token, or no UTF-8, is refused naming its line', () => {
  const remac = (text) => {
    const signed = text.slice(0, text.lastIndexOf('#envseal:mac '));
    return `${signed}#envseal:mac ${fileMac(key, signed)}\n`;
  };
  const debugLine = LINES.findIndex((l) => l.startsWith('DEBUG=')) + 1;
  for (const token of [fernetEncrypt(other.fernet, 'x'), fernetEncrypt(key.fernet, Buffer.from([0xff, 0xfe])), `${fernetEncrypt(key.fernet, 'x').slice(0, -4)}!!!!`]) {
    const forged = remac(SEALED.replace(/^DEBUG=fernet:\S+/m, `DEBUG=fernet:${token}`));
    assert.throws(() => openSealed(forged, ring([key]), '.env.encrypted'), (e) => e.exitCode === 4 && e.message === `.env.encrypted line ${debugLine} (DEBUG) holds a token that does not decrypt to UTF-8 text under the file's key`);
  }
});

test('the sealed file is a dotenv file listing the same names; each token is Fernet of exactly the value', () => {
  const parsed = dotenv.parse(SEALED);
  assert.equal(Object.keys(parsed), Object.keys(dotenv.parse(PLAIN)));
  for (const [name, sealedValue] of Object.entries(parsed)) {
    assert.ok(sealedValue.startsWith('fernet:'));
    assert.is(fernetDecrypt(key.fernet, sealedValue.slice('fernet:'.length)).toString('utf8'), dotenv.parse(PLAIN)[name]);
  }
});

test('opens to the same entries, comments and order', () => {
  const opened = open(SEALED);
  assert.is(opened.fingerprint, key.fingerprint);
  assert.is(opened.keyIndex, 0);
  assert.is(opened.legacy, false);
  assert.equal(opened.history, HISTORY);
  assert.is(renderPlaintext(opened, '.env.encrypted'), PLAIN);
});

withPython('python decrypts a value token (values are plain Fernet under the master key)', () => {
  const token = dotenv.parse(SEALED).API_TOKEN.slice('fernet:'.length);
  const out = python(
    'import sys, json; from cryptography.fernet import Fernet; d = json.load(sys.stdin); sys.stdout.write(Fernet(d["key"]).decrypt(d["token"].encode()).decode())',
    JSON.stringify({ key: TEST_KEY, token }),
  );
  assert.is(out, SECRETS.API_TOKEN);
});

// ---- tamper matrix -------------------------------------------------------------------------------

test('one flipped bit anywhere in history or body (every byte, every low bit) is caught by the MAC', () => {
  const start = SEALED.indexOf('\n') + 1;
  const end = SEALED.lastIndexOf('#envseal:mac ') - 1; // the newline that puts the MAC on its own line: below
  let cases = 0;
  for (let i = start; i < end; i++) {
    for (const bit of [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40]) {
      const flipped = SEALED.slice(0, i) + String.fromCharCode(SEALED.charCodeAt(i) ^ bit) + SEALED.slice(i + 1);
      rejects(flipped, 'E_SEALED_TAMPERED');
      cases++;
    }
  }
  assert.ok(cases > 1000, `${cases} cases`);
  // Joining the MAC line to the line above it leaves no MAC line.
  rejects(SEALED.slice(0, end) + String.fromCharCode(SEALED.charCodeAt(end) ^ 0x01) + SEALED.slice(end + 1), 'E_SEALED_TRUNCATED');
});

test('a changed byte in the header', () => {
  const header = LINES[HEADER];
  const at = (i, c) => join([header.slice(0, i) + c + header.slice(i + 1), ...LINES.slice(1)]);
  // The fingerprint names another key: that is a wrong key as far as anyone can tell (exit 3).
  const fpStart = header.indexOf('key=') + 4;
  const swapped = header[fpStart] === '0' ? '1' : '0';
  const e = rejects(at(fpStart, swapped), 'E_KEY_WRONG', 3);
  assert.ok(e.message.includes(key.fingerprint), 'names the fingerprint of the key that was tried');
  rejects(at(fpStart, 'g'), 'E_NOT_SEALED'); // not hex any more
  rejects(at(0, '!'), 'E_NOT_SEALED');
  rejects(at(header.indexOf('v1') + 1, '2'), 'E_SEALED_VERSION');
  rejects(at(header.indexOf(' '), '\t'), 'E_NOT_SEALED');
  rejects(join([`${header} `, ...LINES.slice(1)]), 'E_NOT_SEALED');
});

test('a reordered line', () => {
  for (const [a, b] of [[BODY[0], BODY[1]], [lineOf('API_TOKEN'), lineOf('DEBUG')], [HISTORY_LINE, BODY[0]]]) {
    const lines = [...LINES];
    [lines[a], lines[b]] = [lines[b], lines[a]];
    rejects(join(lines), 'E_SEALED_TAMPERED');
  }
  // The MAC line moved up is no longer last.
  const lines = [...LINES];
  [lines[MAC], lines[MAC - 1]] = [lines[MAC - 1], lines[MAC]];
  rejects(join(lines), 'E_SEALED_TRUNCATED');
});

test('a deleted line', () => {
  for (const i of [HISTORY_LINE, ...BODY]) rejects(join(LINES.filter((_, j) => j !== i)), 'E_SEALED_TAMPERED');
  rejects(join(LINES.slice(1)), 'E_NOT_SEALED');
});

test('an added line', () => {
  for (const added of ['# harmless comment', '', 'NEW_VAR=fernet:gAAAAAB', 'EVIL=plaintext', `#envseal:history ${JSON.stringify(HISTORY[0])}`]) {
    for (const at of [HISTORY_LINE + 1, BODY[3], MAC]) {
      const lines = [...LINES];
      lines.splice(at, 0, added);
      rejects(join(lines), 'E_SEALED_TAMPERED');
    }
  }
  rejects(join([...LINES, 'AFTER=1']), 'E_SEALED_TRUNCATED');
  rejects(`${SEALED}\n`, 'E_SEALED_TRUNCATED');
});

test('two values swapped between names', () => {
  const a = lineOf('DATABASE_URL');
  const b = lineOf('API_TOKEN');
  const tokenOf = (line) => /fernet:[A-Za-z0-9_=-]+/.exec(line)[0];
  const lines = [...LINES];
  lines[a] = LINES[a].replace(tokenOf(LINES[a]), tokenOf(LINES[b]));
  lines[b] = LINES[b].replace(tokenOf(LINES[b]), tokenOf(LINES[a]));
  rejects(join(lines), 'E_SEALED_TAMPERED');
  // Names swapped instead of values: same thing.
  const renamed = [...LINES];
  renamed[a] = LINES[a].replace('DATABASE_URL', 'API_TOKEN');
  renamed[b] = LINES[b].replace('API_TOKEN', 'DATABASE_URL');
  rejects(join(renamed), 'E_SEALED_TAMPERED');
});

test('a history line edited', () => {
  const lines = [...LINES];
  lines[HISTORY_LINE] = LINES[HISTORY_LINE].replace('created', 'rotated');
  rejects(join(lines), 'E_SEALED_TAMPERED');
  lines[HISTORY_LINE] = LINES[HISTORY_LINE].replace('2026', '2025');
  rejects(join(lines), 'E_SEALED_TAMPERED');
  lines[HISTORY_LINE] = '#envseal:history {not json';
  rejects(join(lines), 'E_SEALED_TAMPERED');
});

test('the MAC line removed or altered', () => {
  rejects(join(LINES.slice(0, MAC)), 'E_SEALED_TRUNCATED');
  const mac = LINES[MAC];
  const last = mac.at(-1) === '0' ? '1' : '0';
  rejects(join([...LINES.slice(0, MAC), mac.slice(0, -1) + last]), 'E_SEALED_TAMPERED');
  rejects(join([...LINES.slice(0, MAC), `#envseal:mac ${'0'.repeat(64)}`]), 'E_SEALED_TAMPERED');
  rejects(join([...LINES.slice(0, MAC), mac.slice(0, -1)]), 'E_SEALED_TRUNCATED');
  rejects(join([...LINES.slice(0, MAC), mac.toUpperCase().replace('#ENVSEAL:MAC', '#envseal:mac')]), 'E_SEALED_TRUNCATED');
  // A MAC made with another key over the same bytes.
  const signed = SEALED.slice(0, SEALED.lastIndexOf('#envseal:mac '));
  rejects(`${signed}#envseal:mac ${fileMac(other, signed)}\n`, 'E_SEALED_TAMPERED');
});

test('a truncated file, cut at any byte', () => {
  for (let length = 0; length < SEALED.length - 1; length++) {
    const cut = SEALED.slice(0, length);
    const e = rejects(cut, length < LINES[HEADER].length ? 'E_NOT_SEALED' : 'E_SEALED_TRUNCATED');
    assert.ok(e);
  }
  // Only the final newline is optional.
  assert.is(open(SEALED.slice(0, -1)).lines.length, open(SEALED).lines.length);
});

test('a wrong key: exit 3 with both fingerprints, and previous keys are tried in order', () => {
  const e = rejects(SEALED, 'E_KEY_WRONG', 3, [other]);
  assert.ok(e.message.includes(key.fingerprint) && e.message.includes(other.fingerprint));
  const opened = open(SEALED, [other, key]);
  assert.is(opened.keyIndex, 1);
  assert.equal(toRecord(opened.lines), toRecord(parseEnv(PLAIN, '.env')));
});

test('a file with a valid MAC but a bad token or a plaintext value (made with the key) is still refused', () => {
  const remac = (lines) => {
    const signed = join(lines);
    return `${signed}#envseal:mac ${fileMac(key, signed)}\n`;
  };
  const body = LINES.slice(0, MAC);
  const i = lineOf('DEBUG');
  rejects(remac(body.map((l, j) => (j === i ? 'DEBUG=fernet:gAAAAABnot-a-real-token' : l))), 'E_SEALED_CORRUPT');
  const otherToken = sealLines(parseEnv('DEBUG=false\n', '.env'), other, { now: '2026-01-01T00:00:00Z', history: [], label: 'x' }).split('\n')[1];
  rejects(remac(body.map((l, j) => (j === i ? otherToken : l))), 'E_SEALED_CORRUPT');
  const e = rejects(remac(body.map((l, j) => (j === i ? 'DEBUG=false' : l))), 'E_SEALED_PLAINTEXT');
  assert.ok(e.message.includes('DEBUG'));
});

test('not a sealed file at all', () => {
  rejects('', 'E_NOT_SEALED');
  rejects(PLAIN, 'E_NOT_SEALED');
  rejects('\n', 'E_NOT_SEALED');
  assert.throws(() => parseSealedStructure(PLAIN, 'x'), (e) => e.code === 'E_NOT_SEALED');
});

test('parseSealedStructure reads fingerprint, history and names without a key', () => {
  const s = parseSealedStructure(SEALED, '.env.encrypted');
  assert.is(s.fingerprint, key.fingerprint);
  assert.equal(s.history, HISTORY);
  assert.equal(s.body.filter((l) => l.kind === 'entry').map((l) => l.name), ['DATABASE_URL', 'STRIPE_SECRET_KEY', 'API_TOKEN', 'DEBUG']);
});

test('sealing refuses comments that would pass for envseal metadata', () => {
  assert.throws(() => seal('#envseal:mac 00\nA=1\n'), (e) => e.code === 'E_ENV_RESERVED' && e.exitCode === 4);
  assert.throws(() => seal('  #envseal:v1 key=0000000000000000\n'), (e) => e.code === 'E_ENV_RESERVED');
});

// ---- legacy migration ----------------------------------------------------------------------------

const PY_FERNET = 'import sys, json; from cryptography.fernet import Fernet; d = json.load(sys.stdin); sys.stdout.write(Fernet(d["key"]).encrypt(d["text"].encode()).decode())';

withPython('legacy: a whole-file Fernet token made by Python opens', () => {
  const token = python(PY_FERNET, JSON.stringify({ key: TEST_KEY, text: PLAIN }));
  assert.ok(isLegacySealed(token));
  assert.ok(isLegacySealed(`${token}\n`));
  const opened = open(`${token}\n`, [key], LEGACY);
  assert.is(opened.legacy, true);
  assert.is(opened.keyIndex, 0);
  assert.is(opened.fingerprint, key.fingerprint);
  assert.equal(opened.history, []);
  assert.is(renderPlaintext(opened, '.env.encrypted'), PLAIN);
  assert.equal(toRecord(opened.lines), dotenv.parse(PLAIN));
  // Through previous keys too (a team that rotated before migrating).
  assert.is(open(token, [other, key], LEGACY).keyIndex, 1);
});

test('a whole-file Fernet token is not opened unless asked: exit 4, and the fix names import --from fernet', () => {
  const token = fernetEncrypt(key.fernet, PLAIN);
  const e = rejects(token, 'E_SEALED_LEGACY', 4);
  assert.match(e.hint, 'envseal import --from fernet --in');
});

withPython('legacy: CRLF content, a wrong key and a damaged token', () => {
  const crlf = python(PY_FERNET, JSON.stringify({ key: TEST_KEY, text: 'A=1\r\nB="two"\r\n' }));
  assert.equal(toRecord(open(crlf, [key], LEGACY).lines), { A: '1', B: 'two' });
  rejects(crlf, 'E_KEY_WRONG', 3, [other], LEGACY);
  const i = 60;
  const damaged = crlf.slice(0, i) + (crlf[i] === 'A' ? 'B' : 'A') + crlf.slice(i + 1);
  const e = rejects(damaged, 'E_KEY_WRONG', 3, [key], LEGACY);
  assert.ok(e.message.includes('changed'), 'says the file may have been changed');
  rejects('gAAAAA' + 'x'.repeat(10), 'E_SEALED_CORRUPT', 4, [key], LEGACY);
});

withPython('a legacy file that decrypts to something that is not a .env is refused', () => {
  const token = python(PY_FERNET, JSON.stringify({ key: TEST_KEY, text: 'A=1\nnot an assignment\n' }));
  assert.throws(() => open(token, [key], LEGACY), (e) => e.code === 'E_ENV_SYNTAX' && e.exitCode === 4 && e.message.includes('line 2'));
});

test.run();
