// Per-secret rotation through the built CLI (issue 15): every value's age, kept across master-key
// rotations; maximum ages from .env.example and .envseal.json that `status --check` enforces; the
// NAME_PREVIOUS grace window of `generate --rotate --grace`, ended by `generate --finish`; refusal
// of a value a name held before; and the last rotation's reason and operator in `status`. The clock
// is ENVSEAL_NOW, as in the other status tests. Real files, a real git work tree.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertNoSecrets, git, gitRepo, read, run, write } from '../helpers/cli.js';

const JWT_V1 = 'jwt-v1-Qm3Zr8Tk2Wn6Yb1Lp5Hd';
const JWT_V2 = 'jwt-v2-Xc7Vf4Gs9Jq0Rm2Kw8Ne';
const API_KEY = 'api-Hx7Lp3Vd9Fs5Gj0NtY4';
const SECRETS = [JWT_V1, JWT_V2, API_KEY];

const at = (iso) => ({ ENVSEAL_NOW: iso });

function ok(r) {
  assert.is(r.code, 0, r.output);
  return r;
}

/** A project sealed on 2026-01-01 with a 90-day policy on JWT_SECRET and a 48-hour grace window. */
function project({ example = '# @rotate 90d @grace 48h\nJWT_SECRET=<64-char-random>\nAPI_KEY=<key>\nPORT=3000\n', config } = {}) {
  const dir = gitRepo('envseal-ages-');
  ok(run(['init', '--no-hooks'], { cwd: dir }));
  write(path.join(dir, '.env.example'), example);
  if (config) write(path.join(dir, '.envseal.json'), JSON.stringify(config));
  write(path.join(dir, '.env'), `JWT_SECRET=${JWT_V1}\nAPI_KEY=${API_KEY}\nPORT=3000\n`);
  ok(run(['encrypt'], { cwd: dir, env: at('2026-01-01T00:00:00Z') }));
  // Changes go to the sealed file from here on (set, generate): no plaintext to fall behind.
  fs.rmSync(path.join(dir, '.env'));
  return dir;
}

const sealedText = (dir) => read(path.join(dir, '.env.encrypted'));
const ages = (dir, now) => Object.fromEntries(JSON.parse(ok(run(['show', '--ages', '--json'], { cwd: dir, env: at(now) })).stdout).map((v) => [v.name, v]));
const status = (dir, now, ...args) => run(['status', ...args], { cwd: dir, env: at(now) });
const setValue = (dir, name, value, now, ...args) => run(['set', name, ...args], { cwd: dir, input: value, env: at(now) });

const ageSuite = suite('per-value ages');

ageSuite('show --ages dates each value when it last changed, and a master-key rotation keeps those dates', () => {
  const dir = project();
  ok(setValue(dir, 'API_KEY', 'api-rotated-Zq4Rm8Tn2Wb6Yc1K', '2026-02-10T12:00:00Z'));
  const before = ages(dir, '2026-03-01T00:00:00Z');
  assert.is(before.JWT_SECRET.changed, '2026-01-01T00:00:00Z');
  assert.is(before.API_KEY.changed, '2026-02-10T12:00:00Z');
  assert.is(before.PORT.changed, '2026-01-01T00:00:00Z');
  assert.is(before.JWT_SECRET.ageDays, 59);
  assert.is(before.JWT_SECRET.maxAge, '90d');
  assert.is(before.JWT_SECRET.due, '2026-04-01T00:00:00Z');
  const key = /^#envseal:v1 key=(\w+)/.exec(sealedText(dir))[1];

  ok(run(['rotate', '--reason', 'quarterly'], { cwd: dir, env: at('2026-03-01T00:00:00Z') }));
  assert.is.not(/^#envseal:v1 key=(\w+)/.exec(sealedText(dir))[1], key, 'the master key changed');
  const after = ages(dir, '2026-03-01T00:00:00Z');
  for (const name of ['JWT_SECRET', 'API_KEY', 'PORT']) assert.is(after[name].changed, before[name].changed, `${name} keeps its date`);

  const table = ok(run(['show', '--ages'], { cwd: dir, env: at('2026-03-01T00:00:00Z') }));
  assert.match(table.stdout, /NAME\s+VALUE\s+SENSITIVE\s+CHANGED\s+ROTATION/);
  assert.match(table.stdout, /JWT_SECRET\s+\S+\s+yes\s+2026-01-01 \(59d ago\)\s+ok: every 90d, by 2026-04-01/);
  assertNoSecrets(table.output, SECRETS, 'show --ages');
  // A date is the value's token timestamp, under the token's HMAC and the file MAC: moving one is tampering.
  const text = sealedText(dir);
  const token = /^API_KEY=fernet:(\S+)/m.exec(text)[1];
  const bytes = Buffer.from(token, 'base64url');
  assert.is(Number(bytes.readBigUInt64BE(1)), Date.parse('2026-02-10T12:00:00Z') / 1000);
  bytes.writeBigUInt64BE(BigInt(Date.parse('2026-02-11T12:00:00Z') / 1000), 1);
  fs.writeFileSync(path.join(dir, '.env.encrypted'), text.replace(token, bytes.toString('base64url')));
  const tampered = run(['show', '--ages'], { cwd: dir });
  assert.is(tampered.code, 4, tampered.output);
  assert.match(tampered.stderr, /integrity check/);
});

ageSuite('the dates are in the sealed file, not in the plaintext: decrypt writes none, and encrypt dates only what changed', () => {
  const dir = project();
  ok(run(['decrypt'], { cwd: dir, env: at('2026-01-05T00:00:00Z') }));
  assert.not.match(read(path.join(dir, '.env')), /2026|envseal/);
  write(path.join(dir, '.env'), read(path.join(dir, '.env')).replace('PORT=3000', 'PORT=4000'));
  ok(run(['encrypt'], { cwd: dir, env: at('2026-01-20T00:00:00Z') }));
  const dated = ages(dir, '2026-01-20T00:00:00Z');
  assert.is(dated.PORT.changed, '2026-01-20T00:00:00Z');
  assert.is(dated.JWT_SECRET.changed, '2026-01-01T00:00:00Z');
});

const policy = suite('maximum ages and status --check');

policy('an overdue value fails status --check, naming the value, its policy and the fix; a due one is listed and passes', () => {
  const dir = project();
  const due = status(dir, '2026-03-25T00:00:00Z', '--check', '--max-age', '365');
  assert.is(due.code, 0, due.output);
  assert.match(due.stdout, /JWT_SECRET: due by 2026-04-01 \(changed 2026-01-01, 83 days ago; every 90d, from \.env\.example @rotate\)/);

  const overdue = status(dir, '2026-04-02T00:00:00Z', '--check', '--max-age', '365');
  assert.is(overdue.code, 1, overdue.output);
  assert.match(overdue.stdout, /JWT_SECRET: OVERDUE since 2026-04-01 .*`envseal generate --rotate JWT_SECRET`/);
  assert.match(overdue.stdout, /state\s+value-overdue/);
  assert.not.match(overdue.stdout, /API_KEY:/, 'a value without a policy is not listed');
  const json = JSON.parse(status(dir, '2026-04-02T00:00:00Z', '--json', '--max-age', '365').stdout);
  const [file] = json.files;
  assert.ok(file.states.includes('value-overdue'));
  assert.equal(file.valueAges.map((v) => [v.name, v.state]), [['JWT_SECRET', 'overdue']]);
  assertNoSecrets(overdue.output + JSON.stringify(json), SECRETS, 'status');
  const doctor = JSON.parse(run(['doctor', '--json'], { cwd: dir, env: at('2026-04-02T00:00:00Z') }).stdout);
  const check = doctor.checks.find((c) => c.name === 'value-rotation');
  assert.is(check?.status, 'problem', JSON.stringify(doctor.checks));
  assert.match(check.fix, /envseal generate --rotate JWT_SECRET/);

  // A new value ends it.
  ok(run(['generate', '--rotate', 'JWT_SECRET'], { cwd: dir, env: at('2026-04-02T01:00:00Z') }));
  assert.is(status(dir, '2026-04-02T02:00:00Z', '--check', '--max-age', '365').code, 0);
});

policy('rotation.values in .envseal.json gives name patterns a maximum age; the example\'s @rotate wins for its name', () => {
  const dir = project({ example: 'JWT_SECRET=<x>  # @rotate 200d\nAPI_KEY=<key>\nPORT=3000\n', config: { rotation: { values: { 'API_*': '30d', '*_SECRET': '10d' } } } });
  const r = status(dir, '2026-02-15T00:00:00Z', '--check', '--max-age', '365');
  assert.is(r.code, 1, r.output);
  assert.match(r.stdout, /API_KEY: OVERDUE since 2026-01-31 .*from \.envseal\.json rotation\.values "API_\*"/);
  assert.not.match(r.stdout, /JWT_SECRET:/, '@rotate 200d applies, not the 10d pattern');
  const bad = project({ config: { rotation: { values: { 'API_*': '1 month' } } } });
  const invalid = status(bad, '2026-02-15T00:00:00Z');
  assert.is(invalid.code, 4, invalid.output);
  assert.match(invalid.stderr + invalid.stdout, /"rotation\.values"\."API_\*" must be a maximum age such as "90d"/);
});

const grace = suite('the grace window of NAME_PREVIOUS');

grace('generate --rotate --grace records when NAME_PREVIOUS expires; after it, status --check fails until generate --finish removes it', () => {
  const dir = project({ example: 'JWT_SECRET=<x>\nAPI_KEY=<key>\nPORT=3000\n' });
  const rotated = ok(run(['generate', '--rotate', 'JWT_SECRET', '--grace', '48h'], { cwd: dir, env: at('2026-03-01T10:00:00Z') }));
  assert.match(rotated.stderr, /kept as JWT_SECRET_PREVIOUS until 2026-03-03T10:00:00Z/);
  assert.match(rotated.stderr, /envseal generate --finish JWT_SECRET/);
  assert.match(sealedText(dir), /^#envseal:expires 2026-03-03T10:00:00Z JWT_SECRET_PREVIOUS$/m);
  assert.is(ok(run(['get', 'JWT_SECRET_PREVIOUS', '--reveal'], { cwd: dir })).stdout.trim(), JWT_V1);

  const inWindow = status(dir, '2026-03-02T10:00:00Z', '--check');
  assert.is(inWindow.code, 0, inWindow.output);
  assert.match(inWindow.stdout, /JWT_SECRET_PREVIOUS: the previous value of JWT_SECRET, kept until 2026-03-03 10:00:00Z/);

  const ended = status(dir, '2026-03-03T10:00:00Z', '--check');
  assert.is(ended.code, 1, ended.output);
  assert.match(ended.stdout, /JWT_SECRET_PREVIOUS: its grace window ended 2026-03-03 10:00:00Z; remove it: `envseal generate --finish JWT_SECRET`/);
  assert.match(ended.stdout, /grace-expired/);

  const finished = ok(run(['generate', '--finish', 'JWT_SECRET'], { cwd: dir, env: at('2026-03-03T11:00:00Z') }));
  assert.match(finished.stderr, /Removed JWT_SECRET_PREVIOUS from \.env\.encrypted/);
  assert.is(run(['get', 'JWT_SECRET_PREVIOUS'], { cwd: dir }).code, 1);
  assert.not.match(sealedText(dir), /#envseal:expires/);
  assert.is(status(dir, '2026-03-03T12:00:00Z', '--check').code, 0);
  const again = run(['generate', '--finish', 'JWT_SECRET'], { cwd: dir });
  assert.is(again.code, 2);
  assert.match(again.stderr, /keeps no JWT_SECRET_PREVIOUS/);
  assertNoSecrets(rotated.output + inWindow.output + ended.output + finished.output, SECRETS, 'grace');
});

grace('@grace in the example is the default window; a bad --grace is a usage error that changes nothing', () => {
  const dir = project();
  const before = sealedText(dir);
  const bad = run(['generate', '--rotate', 'JWT_SECRET', '--grace', '2 days'], { cwd: dir });
  assert.is(bad.code, 2, bad.output);
  assert.match(bad.stderr, /--grace 2 days is not a duration/);
  assert.is(sealedText(dir), before);
  ok(run(['generate', '--rotate', 'JWT_SECRET'], { cwd: dir, env: at('2026-03-01T10:00:00Z') }));
  assert.match(sealedText(dir), /^#envseal:expires 2026-03-03T10:00:00Z JWT_SECRET_PREVIOUS$/m);
});

const reuse = suite('a rotated value is never an earlier one');

reuse('set refuses a value the name held before or its NAME_PREVIOUS, also after a master-key rotation; --allow-reuse rolls back on purpose', () => {
  const dir = project();
  ok(setValue(dir, 'JWT_SECRET', JWT_V2, '2026-02-01T00:00:00Z'));
  ok(run(['rotate'], { cwd: dir, env: at('2026-02-02T00:00:00Z') }));
  const before = sealedText(dir);
  const refused = setValue(dir, 'JWT_SECRET', JWT_V1, '2026-02-03T00:00:00Z');
  assert.is(refused.code, 2, refused.output);
  assert.match(refused.stderr, /the new value of JWT_SECRET equals one it held before/);
  assert.match(refused.stderr, /--allow-reuse/);
  assert.is(sealedText(dir), before, 'nothing written');
  assertNoSecrets(refused.output, SECRETS, 'refusal');
  // The earlier values are markers, sealed: neither they nor the values appear in the file.
  assert.not.match(before, new RegExp(`${JWT_V1}|${Buffer.from(JWT_V1).toString('base64')}`));

  // A name without a policy may go back and forth (LOG_LEVEL, a feature flag).
  ok(setValue(dir, 'PORT', '4000', '2026-02-03T00:00:00Z'));
  ok(setValue(dir, 'PORT', '3000', '2026-02-03T00:00:00Z'));

  ok(setValue(dir, 'JWT_SECRET', JWT_V1, '2026-02-04T00:00:00Z', '--allow-reuse'));
  assert.is(ok(run(['get', 'JWT_SECRET', '--reveal'], { cwd: dir })).stdout.trim(), JWT_V1);
});

reuse('in rotation, the new value may not be its NAME_PREVIOUS, whatever the policy; encrypt refuses an earlier value too', () => {
  const dir = project({ example: 'JWT_SECRET=<x>\nAPI_KEY=<key>\nPORT=3000\n' });
  ok(run(['generate', '--rotate', 'API_KEY'], { cwd: dir, env: at('2026-02-01T00:00:00Z') }));
  const back = setValue(dir, 'API_KEY', API_KEY, '2026-02-02T00:00:00Z');
  assert.is(back.code, 2, back.output);
  assert.match(back.stderr, /or its API_KEY_PREVIOUS/);

  const withPolicy = project();
  ok(setValue(withPolicy, 'JWT_SECRET', JWT_V2, '2026-02-01T00:00:00Z'));
  ok(run(['decrypt'], { cwd: withPolicy }));
  const plain = path.join(withPolicy, '.env');
  write(plain, read(plain).replace(JWT_V2, JWT_V1));
  const sealedBefore = sealedText(withPolicy);
  const refused = run(['encrypt'], { cwd: withPolicy, env: at('2026-02-03T00:00:00Z') });
  assert.is(refused.code, 2, refused.output);
  assert.match(refused.stderr, /JWT_SECRET equals one it held before/);
  assert.is(sealedText(withPolicy), sealedBefore);
  ok(run(['encrypt', '--allow-reuse'], { cwd: withPolicy, env: at('2026-02-03T00:00:00Z') }));
});

ageSuite('a git merge through envseal\'s driver keeps each value\'s date from the branch it came from', () => {
  const dir = project();
  write(path.join(dir, '.gitignore'), '.env\n.env.key\n.envseal/\n');
  ok(run(['git', 'setup'], { cwd: dir }));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'sealed');
  git(dir, 'checkout', '-qb', 'feature');
  ok(setValue(dir, 'API_KEY', 'api-feature-Zq4Rm8Tn2Wb6Yc1K', '2026-02-01T00:00:00Z'));
  git(dir, 'commit', '-qam', 'feature: new API key');
  git(dir, 'checkout', '-q', 'main');
  ok(setValue(dir, 'PORT', '4000', '2026-03-01T00:00:00Z'));
  git(dir, 'commit', '-qam', 'main: port');
  git(dir, 'merge', '-q', '--no-edit', 'feature');
  const dated = ages(dir, '2026-03-02T00:00:00Z');
  assert.is(dated.API_KEY.changed, '2026-02-01T00:00:00Z');
  assert.is(dated.PORT.changed, '2026-03-01T00:00:00Z');
  assert.is(dated.JWT_SECRET.changed, '2026-01-01T00:00:00Z');
});

const reason = suite('the last rotation in status');

reason('status and status --json show the last rotation\'s reason and operator', () => {
  const dir = project();
  ok(run(['rotate', '--reason', 'offboarding alice'], { cwd: dir, env: at('2026-02-01T00:00:00Z') }));
  const text = ok(status(dir, '2026-02-02T00:00:00Z'));
  assert.match(text.stdout, /last rotation\s+2026-02-01 \(rotated, 1 days ago; reason: offboarding alice, by Test User\)/);
  const [file] = JSON.parse(ok(status(dir, '2026-02-02T00:00:00Z', '--json')).stdout).files;
  assert.equal(file.lastRotation, { date: '2026-02-01T00:00:00Z', event: 'rotated', reason: 'offboarding alice', by: 'Test User' });
});

ageSuite.run();
policy.run();
grace.run();
reuse.run();
reason.run();
