// Per-file status and the exit code it gives.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import { fileStatuses, statusExitCode } from '../../dist/core/status.js';
import { read } from '../helpers/cli.js';
import { KEY, NOW, ENV, sealedProject } from './helpers.js';

test('status: ok, overdue by policy, key missing; the exit code ranks integrity over keys over policy', () => {
  const { file } = sealedProject();
  const [ok] = fileStatuses({ files: [file], env: ENV, now: NOW, maxAgeDays: 90 });
  assert.is(ok.state, 'ok');
  assert.is(ok.verified, true);
  const [late] = fileStatuses({ files: [file], env: ENV, now: new Date('2026-09-01T00:00:00Z'), maxAgeDays: 90 });
  assert.ok(late.states.includes('overdue'));
  assert.is(statusExitCode([late], true), 1);
  assert.is(statusExitCode([late], false), 0);
  const [locked] = fileStatuses({ files: [file], env: {}, now: NOW, maxAgeDays: 90 });
  assert.is(locked.state, 'key-missing');
  assert.is(locked.sealedWith, KEY.fingerprint);
  fs.writeFileSync(file, read(file).replace('PORT=', 'PORT=x'));
  const [tampered] = fileStatuses({ files: [file], env: ENV, now: NOW, maxAgeDays: 90 });
  assert.is(tampered.state, 'integrity');
  assert.is(statusExitCode([tampered, ok], false), 4);
});

test.run();
