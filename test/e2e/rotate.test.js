// Key rotation, previous keys, history, status and the audit log, through the real CLI.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, assertNoSecrets, read, run, runAsync, snapshot, tempDir, write, mode } from '../helpers/cli.js';
import { runAtTerminal } from '../helpers/pty.js';

const VALUES = {
  SECRET_KEY: 'dG9rZW4tc2lnbmluZy1rZXktZm9yLXRlc3RzLW9ubHktbm90LXJlYWw',
  DATABASE_URL: 'postgres://app:s3cr3t-pw-for-tests@db:5432/app',
  STRIPE_SECRET_KEY: 'sk_test_notarealkey_4eC39HqLyjWDarjtT1zdp7dc',
  PORT: '3000',
};
const ENV_TEXT = `# test env\n${Object.entries(VALUES).map(([k, v]) => `${k}=${v}`).join('\n')}\nMULTI="a\nb"\n`;
const SECRETS = Object.values(VALUES).filter((v) => v.length > 8);

function project() {
  const dir = tempDir('envseal-rotate-');
  fs.mkdirSync(path.join(dir, '.git')); // a repository root for key lookup and the audit log
  write(path.join(dir, '.env'), ENV_TEXT);
  assert.is(run(['init'], { cwd: dir }).code, 0);
  assert.is(run(['encrypt'], { cwd: dir }).code, 0);
  return dir;
}

const keyFileKeys = (dir, name = '.env.key') => {
  const lines = read(path.join(dir, name)).split('\n').filter((l) => l && !l.startsWith('#'));
  return { current: lines[0], previous: lines.slice(1).map((l) => l.split(/\s+/)[1]) };
};

function decryptedValues(dir, env = {}) {
  const r = run(['decrypt', '--stdout'], { cwd: dir, env });
  return { ...r, text: r.stdout };
}

function history(dir, file = '.env.encrypted') {
  return read(path.join(dir, file))
    .split('\n')
    .filter((l) => l.startsWith('#envseal:history '))
    .map((l) => JSON.parse(l.slice('#envseal:history '.length)));
}

const allKeys = (dir) => {
  const k = keyFileKeys(dir);
  return [k.current, ...k.previous];
};

const basics = suite('rotate: basics');

basics('rotate re-seals under a new key, keeps the old one as previous, backs up, records history', () => {
  const dir = project();
  const before = keyFileKeys(dir);
  const r = run(['rotate', '--reason', 'offboarding'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  const after = keyFileKeys(dir);
  assert.is.not(after.current, before.current);
  assert.equal(after.previous, [before.current]);
  assert.is(mode(path.join(dir, '.env.key')), 0o600);
  assert.match(r.stderr, /Rotated \.env\.encrypted: key [0-9a-f]{16} → [0-9a-f]{16}/);
  assertNoSecrets(r.output, [...SECRETS, before.current, after.current]);

  const backups = fs.readdirSync(dir).filter((n) => n.startsWith('.env.encrypted.backup_'));
  assert.is(backups.length, 1);
  const h = history(dir);
  assert.is(h.length, 2);
  assert.is(h[0].event, 'created');
  assert.is(h[1].event, 'rotated');
  assert.is(h[1].reason, 'offboarding');
  assert.is(h[1].verified, true);
  assert.is(h[1].previousKey, h[0].key);
  assert.ok(/^[0-9a-f]{16}$/.test(h[1].key));
  assert.not.ok(JSON.stringify(h).includes(after.current));

  // The new key alone opens it; values unchanged.
  const d = decryptedValues(dir, {});
  assert.is(d.code, 0);
  for (const v of Object.values(VALUES)) assert.ok(d.text.includes(v));
  const onlyNew = run(['decrypt', '--stdout'], { cwd: dir, env: { ENVSEAL_MASTER_KEY: after.current } });
  assert.is(onlyNew.code, 0);
  // The backup still opens with the old key.
  const backup = run(['decrypt', '--stdout', '--in', backups[0]], { cwd: dir, env: { ENVSEAL_MASTER_KEY: before.current } });
  assert.is(backup.code, 0, backup.stderr);
});

basics('rotate twice: the oldest key alone fails with a clear message, the newest works', () => {
  const dir = project();
  const k0 = keyFileKeys(dir).current;
  assert.is(run(['rotate'], { cwd: dir }).code, 0);
  assert.is(run(['rotate', '--no-backup'], { cwd: dir }).code, 0);
  const k2 = keyFileKeys(dir).current;
  assert.equal(keyFileKeys(dir).previous.length, 2);
  fs.rmSync(path.join(dir, '.env.key'));
  const old = run(['decrypt', '--stdout'], { cwd: dir, env: { ENVSEAL_MASTER_KEY: k0 } });
  assert.is(old.code, 3);
  assert.match(old.stderr, /was sealed with key [0-9a-f]{16}, but the key from ENVSEAL_MASTER_KEY is [0-9a-f]{16}/);
  assert.match(old.stderr, /rotated/);
  assertNoSecrets(old.output, [k0, k2, ...SECRETS]);
  const fresh = run(['decrypt', '--stdout'], { cwd: dir, env: { ENVSEAL_MASTER_KEY: k2 } });
  assert.is(fresh.code, 0);
  assert.is(fs.readdirSync(dir).filter((n) => n.includes('.backup_')).length, 1, '--no-backup made none');
});

basics('previous-key fallback: ENVSEAL_MASTER_KEY_PREVIOUS opens a file not yet rotated, and says so', () => {
  const dir = project();
  const old = keyFileKeys(dir).current;
  fs.rmSync(path.join(dir, '.env.key'));
  const newKey = run(['keygen'], { cwd: dir }).stdout.trim();
  const r = run(['decrypt', '--stdout'], { cwd: dir, env: { ENVSEAL_MASTER_KEY: newKey, ENVSEAL_MASTER_KEY_PREVIOUS: old } });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /still sealed with a previous key/);
  assert.ok(r.stdout.includes(VALUES.SECRET_KEY));
  // encrypt never seals with a previous key: it refuses, and --rekey moves the file to the current key.
  write(path.join(dir, '.env'), ENV_TEXT);
  const refused = run(['encrypt'], { cwd: dir, env: { ENVSEAL_MASTER_KEY: newKey, ENVSEAL_MASTER_KEY_PREVIOUS: old } });
  assert.is(refused.code, 3);
  assert.match(refused.stderr, /not with your current key/);
  assert.match(refused.stderr, /--rekey/);
  const rekeyed = run(['encrypt', '--rekey'], { cwd: dir, env: { ENVSEAL_MASTER_KEY: newKey, ENVSEAL_MASTER_KEY_PREVIOUS: old } });
  assert.is(rekeyed.code, 0, rekeyed.stderr);
  const oldFingerprint = /sealed with a previous key \(?([0-9a-f]{16})/.exec(r.stderr)?.[1] ?? '';
  assert.is(oldFingerprint.length, 16, r.stderr);
  assert.match(rekeyed.stderr, new RegExp(`Re-sealed all \\d+ values of .*previously sealed with key ${oldFingerprint}`));
  assert.not.match(rekeyed.stderr, /added|kept their ciphertext|not carried over/);
  assert.equal(history(dir).map((h) => h.event), ['created', 'rekeyed'], 'history carried over');
  assert.is(run(['decrypt', '--stdout'], { cwd: dir, env: { ENVSEAL_MASTER_KEY: newKey } }).code, 0);
  // Re-keyed by someone who has no key that opens it: the unverifiable history is dropped, and said so.
  const third = run(['keygen'], { cwd: dir }).stdout.trim();
  const blind = run(['encrypt', '--rekey'], { cwd: dir, env: { ENVSEAL_MASTER_KEY: third } });
  assert.is(blind.code, 0, blind.stderr);
  assert.match(blind.stderr, /history, which no key here could verify, was not carried over/);
  assert.equal(history(dir).map((h) => h.event), ['rekeyed']);
});

basics('--dry-run changes nothing: bytes, modes and mtimes identical, no audit log', () => {
  const dir = project();
  fs.rmSync(path.join(dir, '.envseal'), { recursive: true, force: true });
  const before = snapshot(dir);
  const r = run(['rotate', '--dry-run'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /Dry run/);
  assert.equal(snapshot(dir), before);
});

basics('history tampering is an integrity failure', () => {
  const dir = project();
  assert.is(run(['rotate', '--reason', 'scheduled'], { cwd: dir }).code, 0);
  const file = path.join(dir, '.env.encrypted');
  write(file, read(file).replace('"reason":"scheduled"', '"reason":"emergency"'));
  const r = run(['decrypt', '--stdout'], { cwd: dir });
  assert.is(r.code, 4);
  assert.match(r.stderr, /integrity check/);
  assert.is(r.stdout, '');
});

basics('key from a variable: printed once on a terminal with --force, never into a pipe; --new-key-out writes a 0600 file', () => {
  const dir = project();
  const old = keyFileKeys(dir).current;
  fs.rmSync(path.join(dir, '.env.key'));
  const env = { ENVSEAL_MASTER_KEY: old };
  const sealedBefore = read(path.join(dir, '.env.encrypted'));

  // Into a pipe the key could be lost (a reader that went away, a log nobody keeps): refused, nothing changed.
  for (const args of [['rotate'], ['rotate', '--force']]) {
    const refused = run(args, { cwd: dir, env });
    assert.is(refused.code, 2, `${args.join(' ')}: ${refused.stderr}`);
    assert.match(refused.stderr, /--new-key-out/);
    assert.is(read(path.join(dir, '.env.encrypted')), sealedBefore);
  }

  const r = runAtTerminal([process.execPath, BIN, 'rotate', '--force'], { cwd: dir, env, prompt: 'no prompt expected', reply: '' });
  assert.is(r.code, 0, r.output);
  const printed = /^([A-Za-z0-9_-]{43}=)\s*$/m.exec(r.output)?.[1];
  assert.ok(printed, 'the new key was shown on the terminal');
  assert.is(r.output.split(printed).length - 1, 1, 'the new key appears exactly once');
  assertNoSecrets(r.output, [old, ...SECRETS]);
  assert.is(run(['decrypt', '--stdout'], { cwd: dir, env: { ENVSEAL_MASTER_KEY: printed } }).code, 0);

  const out = path.join(dir, 'new.key');
  const r2 = run(['rotate', '--new-key-out', 'new.key'], { cwd: dir, env: { ENVSEAL_MASTER_KEY: printed } });
  assert.is(r2.code, 0, r2.stderr);
  assert.is(mode(out), 0o600);
  const written = keyFileKeys(dir, 'new.key');
  assert.equal(written.previous, [printed]);
  assertNoSecrets(r2.output, [printed, written.current]);
  assert.is(run(['decrypt', '--stdout', '--key-file', 'new.key'], { cwd: dir }).code, 0);
});

basics('two rotations at once: one waits for the other, and every value still opens', async () => {
  const dir = project();
  for (let round = 0; round < 5; round++) {
    const children = [0, 1].map(() => runAsync(['rotate', '--no-backup'], { cwd: dir }));
    const codes = await Promise.all(children.map((c) => new Promise((resolve) => c.on('exit', resolve))));
    assert.equal(codes, [0, 0], `round ${round}`);
    const d = run(['decrypt', '--stdout'], { cwd: dir });
    assert.is(d.code, 0, `round ${round}: ${d.stderr}`);
    assert.ok(d.stdout.includes(VALUES.SECRET_KEY));
  }
});

basics('at a terminal, a new key shown once must be confirmed; no, or Ctrl-C, changes nothing', () => {
  const dir = project();
  const old = keyFileKeys(dir).current;
  fs.rmSync(path.join(dir, '.env.key'));
  const env = { ENVSEAL_MASTER_KEY: old };
  for (const [reply, code] of [['no\r', 2], ['\x03', 130]]) {
    const before = read(path.join(dir, '.env.encrypted'));
    const r = runAtTerminal([process.execPath, BIN, 'rotate'], { cwd: dir, env, prompt: 'once the new key is stored', reply });
    assert.is(r.code, code, r.output);
    assert.match(r.output, /nothing (has|was) changed|aborted/);
    assert.is(read(path.join(dir, '.env.encrypted')), before, 'the sealed file is untouched');
  }
  const confirmed = runAtTerminal([process.execPath, BIN, 'rotate'], { cwd: dir, env, prompt: 'once the new key is stored', reply: 'stored\r' });
  assert.is(confirmed.code, 0, confirmed.output);
  const printed = /^([A-Za-z0-9_-]{43}=)\s*$/m.exec(confirmed.output)?.[1];
  assert.ok(printed, 'the new key was shown');
  assert.is(run(['decrypt', '--stdout'], { cwd: dir, env: { ENVSEAL_MASTER_KEY: printed } }).code, 0);
  assertNoSecrets(confirmed.output, [old, ...SECRETS]);
});

basics('the audit log records operations and failures, never values or keys', () => {
  const dir = project();
  assert.is(run(['rotate'], { cwd: dir }).code, 0);
  assert.is(run(['decrypt', '--force'], { cwd: dir }).code, 0);
  const keys = allKeys(dir);
  fs.rmSync(path.join(dir, '.env.key'));
  assert.is(run(['decrypt', '--stdout'], { cwd: dir, env: { ENVSEAL_MASTER_KEY: run(['keygen']).stdout.trim() } }).code, 3);
  const log = read(path.join(dir, '.envseal/audit.log'));
  const records = log.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(records.map((r) => `${r.op}:${r.outcome}`), ['encrypt:ok', 'rotate:ok', 'decrypt:ok', 'decrypt --stdout:error']);
  assert.is(records[3].code, 'E_KEY_WRONG');
  assert.is(records[1].reason, 'scheduled');
  for (const r of records) assert.ok(r.time && r.file === '.env.encrypted');
  assertNoSecrets(log, [...SECRETS, ...keys], 'audit log');
  assert.is(mode(path.join(dir, '.envseal/audit.log')), 0o600);
});

basics.run();

const status = suite('status');

status('status --check: fresh 0, overdue 1 (injected clock), stale 1, --max-age', () => {
  const dir = project();
  const fresh = run(['status', '--check'], { cwd: dir });
  assert.is(fresh.code, 0, fresh.stdout + fresh.stderr);
  assert.match(fresh.stdout, /next due/);

  const later = run(['status', '--check'], { cwd: dir, env: { ENVSEAL_NOW: new Date(Date.now() + 91 * 86_400_000).toISOString() } });
  assert.is(later.code, 1);
  assert.match(later.stdout, /OVERDUE/);
  assert.is(run(['status', '--check', '--max-age', '120'], { cwd: dir, env: { ENVSEAL_NOW: new Date(Date.now() + 91 * 86_400_000).toISOString() } }).code, 0);
  assert.is(run(['status'], { cwd: dir, env: { ENVSEAL_NOW: new Date(Date.now() + 91 * 86_400_000).toISOString() } }).code, 0, 'without --check it only reports');

  write(path.join(dir, '.env'), ENV_TEXT.replace('PORT=3000', 'PORT=4000'));
  const stale = run(['status', '--check', '--json'], { cwd: dir });
  assert.is(stale.code, 1);
  const report = JSON.parse(stale.stdout);
  assert.equal(report.files[0].stale.changed, ['PORT']);
  assert.ok(report.files[0].states.includes('stale'));
  assertNoSecrets(stale.output, SECRETS);
});

status('a .env the sealed file moved past is behind, not stale: --check passes and says a plain decrypt refreshes it', () => {
  const dir = project();
  assert.is(run(['set', 'PORT'], { cwd: dir, input: '4000\n' }).code, 0);
  const r = run(['status', '--check', '--json'], { cwd: dir });
  assert.is(r.code, 0, r.stdout);
  const [file] = JSON.parse(r.stdout).files;
  assert.equal(file.behind.changed, ['PORT']);
  assert.is(file.stale, undefined);
  // The recorded base shows .env holds no edits of its own, so no --force is needed (issue 11).
  assert.match(run(['status'], { cwd: dir }).stdout, /has changes \.env lacks \(changed: PORT\): `envseal decrypt` refreshes it/);
  assert.is(run(['decrypt'], { cwd: dir }).code, 0);
  assert.match(read(path.join(dir, '.env')), /^PORT=4000$/m);
});

status('status --all finds every sealed file and works without the key (unverified)', () => {
  const dir = project();
  write(path.join(dir, '.env.production'), 'API_TOKEN=prod-token-value-123456\n');
  assert.is(run(['init', '--env', 'production'], { cwd: dir }).code, 0);
  assert.is(run(['encrypt', '--env', 'production'], { cwd: dir }).code, 0);
  fs.mkdirSync(path.join(dir, 'services/api'), { recursive: true });
  fs.copyFileSync(path.join(dir, '.env.encrypted'), path.join(dir, 'services/api/.env.encrypted'));
  const r = run(['status', '--all', '--json'], { cwd: dir });
  const files = JSON.parse(r.stdout).files.map((f) => f.file);
  assert.equal(files, ['.env.encrypted', '.env.production.encrypted', 'services/api/.env.encrypted']);
  fs.rmSync(path.join(dir, '.env.production.key'));
  const noKey = JSON.parse(run(['status', '--env', 'production', '--json'], { cwd: dir }).stdout).files[0];
  assert.is(noKey.verified, false);
  assert.ok(noKey.states.includes('key-missing'));
  assert.ok(noKey.lastRotation);
});

status.run();

// ---- crash safety: kill -9 at every step and at random moments ----

const crash = suite('rotate: crash safety');
const STEPS = ['opened', 'key-stored', 'temp-written', 'verified', 'backed-up', 'replaced'];

/** Every value must be recoverable with the key file's current key or its previous one. */
function assertRecoverable(dir, context) {
  const r = run(['decrypt', '--stdout'], { cwd: dir });
  assert.is(r.code, 0, `${context}: decrypt failed: ${r.stderr}`);
  for (const v of Object.values(VALUES)) assert.ok(r.stdout.includes(v), `${context}: a value was lost`);
  const s = run(['status', '--json'], { cwd: dir });
  assert.ok([0].includes(s.code), `${context}: status failed: ${s.stderr}`);
  return JSON.parse(s.stdout).files[0];
}

crash('SIGKILL at every named step leaves a recoverable state that status explains, and rotate finishes it', () => {
  for (const step of STEPS) {
    const dir = project();
    const r = run(['rotate'], { cwd: dir, env: { ENVSEAL_TEST_CRASH_AT: step } });
    assert.is(r.signal, 'SIGKILL', `${step}: the process was stopped there`);
    const s = assertRecoverable(dir, `after SIGKILL at ${step}`);
    const keyStored = step !== 'opened';
    const replaced = step === 'replaced';
    assert.is(s.sealedWithPrevious, keyStored && !replaced, `${step}: state`);
    if (s.sealedWithPrevious) {
      const text = run(['status'], { cwd: dir }).stdout;
      assert.match(text, /unfinished/);
      assert.match(text, /envseal rotate/);
    }
    // Whatever the state, running rotate again completes a rotation and everything still opens.
    const again = run(['rotate'], { cwd: dir });
    assert.is(again.code, 0, `${step}: rotate after crash: ${again.stderr}`);
    if (keyStored && !replaced) assert.match(again.stderr, /Finished an unfinished rotation/);
    const final = assertRecoverable(dir, `${step}: after rotate again`);
    assert.is(final.sealedWithPrevious, false);
  }
});

crash('SIGKILL at random moments, many times: nothing is ever lost', async () => {
  const dir = project();
  const iterations = Number(process.env.ENVSEAL_CRASH_ITERATIONS ?? 30);
  let killed = 0;
  for (let i = 0; i < iterations; i++) {
    const child = runAsync(['rotate'], { cwd: dir, env: { ENVSEAL_TEST_STEP_DELAY_MS: '8' } });
    const delay = Math.floor(Math.random() * 220);
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const timer = setTimeout(() => child.kill('SIGKILL'), delay);
    const { signal } = await exited;
    clearTimeout(timer);
    if (signal === 'SIGKILL') killed++;
    assertRecoverable(dir, `iteration ${i} (killed after ${delay} ms: ${signal === 'SIGKILL'})`);
  }
  assert.ok(killed > 0, 'some runs were actually interrupted');
  assert.is(run(['rotate'], { cwd: dir }).code, 0);
  assert.is(assertRecoverable(dir, 'final').sealedWithPrevious, false);
});

crash.run();
