// Binary content: UTF-16 text told from binary, core dumps by their header, and the exact knowledge
// (master keys, team values) found in UTF-8 and UTF-16 text inside arbitrary bytes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { binaryViews, decodeUtf16Text, detectInBinary, isCoreDump } from '../../dist/detect/binary.js';
import { TeamSecretIndex } from '../../dist/detect/team-secrets.js';
import { TEST_KEY } from '../helpers/cli.js';

const VALUE = `tEaM-s3cr3t-Value-${'9f8e7d6c5b4a'}`;
const utf16be = (text) => Buffer.from(text, 'utf16le').swap16();
const options = () => ({ file: 'blob.bin', fingerprintKey: Buffer.alloc(32), knownKeys: [TEST_KEY], teamSecrets: TeamSecretIndex.build([{ name: 'SECRET_KEY', value: VALUE }]) });
const found = (bytes) => detectInBinary(bytes, options()).map((f) => `${f.rule} ${f.description.split(', in binary content as ')[1]}`);

test('UTF-16 text, with or without a byte order mark, in either byte order, decodes as text', () => {
  const text = 'DB_PASSWORD=Zk3pR9vQ2mT7x\r\nPORT=3000\r\n';
  assert.is(decodeUtf16Text(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])), text);
  assert.is(decodeUtf16Text(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)])), text);
  assert.is(decodeUtf16Text(Buffer.from(text, 'utf16le')), text);
  assert.is(decodeUtf16Text(utf16be(text)), text);
  assert.is(decodeUtf16Text(Buffer.from('pässwörd ☃ ok\n', 'utf16le')), 'pässwörd ☃ ok\n');
});

test('binary content is not UTF-16 text', () => {
  assert.is(decodeUtf16Text(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d])), undefined);
  assert.is(decodeUtf16Text(Buffer.concat([Buffer.from('ab', 'utf16le'), Buffer.from([0, 0, 1, 0])])), undefined, 'a NUL unit');
  assert.is(decodeUtf16Text(Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\0'), Buffer.alloc(56)])), undefined, 'an ELF header');
  assert.is(decodeUtf16Text(Buffer.from([0xff, 0xfe, 0x00, 0xd8])), undefined, 'an unpaired surrogate');
  assert.is(decodeUtf16Text(Buffer.from([0xff, 0xfe, 0x61])), undefined, 'an odd length');
});

test('a core dump is an ELF file of type CORE, in either byte order; an executable is not', () => {
  const elf = (data, type) => {
    const header = Buffer.alloc(64);
    header.set([0x7f, 0x45, 0x4c, 0x46, 2, data]);
    if (data === 1) header.writeUInt16LE(type, 16);
    else header.writeUInt16BE(type, 16);
    return header;
  };
  assert.ok(isCoreDump(elf(1, 4)));
  assert.ok(isCoreDump(elf(2, 4)));
  assert.not.ok(isCoreDump(elf(1, 2)), 'an executable');
  assert.not.ok(isCoreDump(Buffer.from('\x7fELF')));
});

test('keys and team values are found in binary bytes as UTF-8, UTF-16LE and UTF-16BE, at any alignment', () => {
  const noise = randomBytes(301);
  assert.equal(found(Buffer.concat([noise, Buffer.from(`\0${VALUE}\0`), noise])), ['team-secret UTF-8']);
  assert.equal(found(Buffer.concat([noise, Buffer.from(`KEY=${TEST_KEY}\n`), noise])), ['envseal-master-key-exact UTF-8']);
  for (const pad of [0, 1]) {
    assert.equal(found(Buffer.concat([noise.subarray(pad), Buffer.from(`\0${VALUE}\0`, 'utf16le'), noise])), ['team-secret UTF-16LE'], `LE, ${pad}`);
    // Big-endian text is little-endian text shifted by one byte, so either may be named.
    assert.match(found(Buffer.concat([noise.subarray(pad), utf16be(`${TEST_KEY}`), noise])).join(), /^envseal-master-key-exact UTF-16(?:BE|LE)$/, `BE, ${pad}`);
    assert.match(found(Buffer.concat([noise.subarray(pad), utf16be(` ${VALUE} `), noise])).join(), /^team-secret UTF-16(?:BE|LE)$/, `BE, ${pad}`);
  }
  assert.equal(found(randomBytes(5000)), []);
});

test('nothing to look for: no work, no findings', () => {
  assert.equal(detectInBinary(Buffer.from(`\0${VALUE}`), { file: 'x', fingerprintKey: Buffer.alloc(32) }), []);
});

test('views are linear and drop UTF-16 views without a run of text', () => {
  const views = binaryViews(randomBytes(1 << 20)).map((v) => v.encoding);
  assert.equal(views, ['UTF-8']);
});

test.run();
