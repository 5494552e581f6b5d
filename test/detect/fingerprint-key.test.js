// The fingerprint key is written out as bytes; it must stay the hash it was derived as, or every
// committed baseline stops matching.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { FINGERPRINT_KEY } from '../../dist/detect/fingerprint-key.js';

test('FINGERPRINT_KEY is SHA-256 of "envseal/v1/finding-fingerprint"', () => {
  assert.equal(FINGERPRINT_KEY, createHash('sha256').update('envseal/v1/finding-fingerprint').digest());
});

test.run();
