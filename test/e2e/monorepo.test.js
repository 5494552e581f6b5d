// A monorepo whose root key file (or recipients file) serves several apps, and a repository with
// several environments: rotate --all, revoke of every file sharing a recipients file, grant and
// revoke --all-envs, status --all (one line per app) and its warning about thin access. Real files,
// a real git work tree, the built CLI.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { assertNoSecrets, gitRepo, read, run, tempDir, write } from '../helpers/cli.js';

const API = 'sk-api-Zq4Rm8Tn2Wb6Yc1K';
const WEB = 'sk-web-Hx7Lp3Vd9Fs5Gj0N';

function ok(r) {
  assert.is(r.code, 0, r.output);
  return r;
}

/** root/.env.key serves apps/api and apps/web; each app has its own .env and sealed file. */
function monorepo() {
  const root = gitRepo('envseal-mono-');
  ok(run(['init', '--no-hooks'], { cwd: root }));
  for (const [app, secret] of [['api', API], ['web', WEB]]) {
    const dir = path.join(root, 'apps', app);
    write(path.join(dir, '.env'), `PORT=3000\n${app.toUpperCase()}_SECRET=${secret}\n`);
    ok(run(['encrypt'], { cwd: dir }));
  }
  return { root, api: path.join(root, 'apps/api'), web: path.join(root, 'apps/web') };
}

const header = (file) => /^#envseal:v1 key=([0-9a-f]+)/.exec(read(file))?.[1];
const sealed = (dir) => path.join(dir, '.env.encrypted');
const secret = (dir, name, env = {}) => ok(run(['get', name, '--reveal'], { cwd: dir, env })).stdout.trim();

const mono = suite('monorepo: one key, several apps');

mono('rotate --all from any app re-seals every app sharing the root key, under one new key', () => {
  const { root, api, web } = monorepo();
  const before = header(sealed(api));
  const r = ok(run(['rotate', '--all', '--reason', 'offboarding'], { cwd: api }));
  assert.match(r.stderr, /Rotated 2 files sharing one key/);
  assert.match(r.stderr, /apps\/web\/\.env\.encrypted re-sealed and verified/);
  const after = header(sealed(api));
  assert.is.not(after, before);
  assert.is(header(sealed(web)), after);
  assert.is(secret(api, 'API_SECRET'), API);
  assert.is(secret(web, 'WEB_SECRET'), WEB);
  const status = ok(run(['status', '--all', '--check'], { cwd: root }));
  assert.match(status.stdout, /FILE\s+STATE\s+SEALED WITH/);
  assert.match(status.stdout, /apps\/api\/\.env\.encrypted\s+ok\s+key [0-9a-f]+\s+2/);
  assert.match(status.stdout, /apps\/web\/\.env\.encrypted\s+ok/);
  // Progress is for a terminal: piped, neither rotate --all nor status --all draws a spinner.
  for (const out of [r.stderr, status.stderr]) assert.not.match(out, /Rotating|Checking|\u001b\[/);
  assertNoSecrets(r.output + status.output, [API, WEB]);
});

mono('a plain rotate names the apps it left behind; rotate --all then finishes them without a new key', () => {
  const { root, api, web } = monorepo();
  const r = ok(run(['rotate'], { cwd: api }));
  assert.match(r.stderr, /apps\/web\/\.env\.encrypted shares this key .*envseal rotate --all/);
  const current = header(sealed(api));
  const behind = run(['status', '--all', '--check'], { cwd: root });
  assert.is(behind.code, 1, behind.output);
  assert.match(behind.stdout, /apps\/web\/\.env\.encrypted\s+rotation-unfinished/);
  const finish = ok(run(['rotate', '--all'], { cwd: root }));
  assert.match(finish.stderr, /Finished an unfinished rotation of apps\/web\/\.env\.encrypted/);
  assert.is(header(sealed(web)), current);
  assert.is(header(sealed(api)), current, 'the finished app was not rotated again');
  ok(run(['status', '--all', '--check'], { cwd: root }));
});

mono('kill -9 after the new key is stored: every app still opens, and rotate --all finishes the job', () => {
  const { root, api, web } = monorepo();
  for (const step of ['key-stored', 'replaced']) {
    const crashed = run(['rotate', '--all'], { cwd: root, env: { ENVSEAL_TEST_CRASH_AT: step } });
    assert.is(crashed.signal, 'SIGKILL', crashed.output);
    assert.is(secret(api, 'API_SECRET'), API);
    assert.is(secret(web, 'WEB_SECRET'), WEB);
    const key = read(path.join(root, '.env.key'));
    ok(run(['rotate', '--all'], { cwd: root }));
    assert.is(read(path.join(root, '.env.key')), key, `after a crash at ${step}, no second key was made`);
    assert.is(header(sealed(api)), header(sealed(web)));
    ok(run(['status', '--all', '--check'], { cwd: root }));
  }
});

mono('rotate --all --dry-run changes nothing; --all with --in is a usage error', () => {
  const { root, api } = monorepo();
  const before = read(sealed(api));
  const dry = ok(run(['rotate', '--all', '--dry-run'], { cwd: root }));
  assert.match(dry.stderr, /Dry run: would rotate .*apps\/api\/\.env\.encrypted, .*apps\/web\/\.env\.encrypted/);
  assert.is(read(sealed(api)), before);
  const both = run(['rotate', '--all', '--in', 'apps/api/.env.encrypted'], { cwd: root });
  assert.is(both.code, 2, both.output);
});

/** A teammate with an age identity of their own (envseal identity new), in their own HOME. */
function teammate(name) {
  const home = tempDir(`envseal-home-${name}-`);
  const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };
  const recipient = ok(run(['identity', 'new'], { cwd: home, env })).stdout.trim();
  return { name, env, recipient };
}

mono('revoke re-seals every app sharing the root recipients file, and each records what the revoked teammate knew', () => {
  const { root, api, web } = monorepo();
  const alice = teammate('alice');
  const bob = teammate('bob');
  // From the root, which has no sealed file: the recipients file goes beside the key file it takes over from.
  assert.match(ok(run(['grant', 'alice', alice.recipient], { cwd: root })).stderr, /in \.env\.recipients \(new file\)/);
  ok(run(['grant', 'bob', bob.recipient], { cwd: api }));
  assert.ok(fs.existsSync(path.join(root, '.env.recipients')) && !fs.existsSync(path.join(api, '.env.recipients')));
  fs.rmSync(path.join(root, '.env.key'));
  assert.is(secret(web, 'WEB_SECRET', bob.env), WEB);
  const revoked = ok(run(['revoke', 'bob', '--reason', 'left', '--in', 'apps/api/.env.encrypted'], { cwd: root, env: alice.env }));
  assert.match(revoked.stderr, /Revoked bob: new key/);
  assert.match(revoked.stderr, /apps\/web\/\.env\.encrypted re-sealed and verified/);
  assert.match(revoked.stderr, /apps\/api\/\.env\.encrypted: .*API_SECRET.*apps\/web\/\.env\.encrypted: .*WEB_SECRET/);
  assert.is(header(sealed(api)), header(sealed(web)));
  assert.is(run(['get', 'WEB_SECRET', '--reveal'], { cwd: web, env: bob.env }).code, 3, 'bob is locked out of every app');
  assert.is(secret(web, 'WEB_SECRET', alice.env), WEB);
  const status = run(['status', '--all', '--check'], { cwd: root, env: alice.env });
  assert.is(status.code, 1, status.output);
  assert.match(status.stdout, /apps\/web\/\.env\.encrypted\s+exposed/);
  assert.match(status.stdout, /bob \(revoked .*\) knows .*WEB_SECRET/);
  assertNoSecrets(revoked.output + status.output, [API, WEB]);
});

mono('an interrupted revoke is finished by running it again: no new key, the revocation recorded everywhere', () => {
  const { root, api, web } = monorepo();
  const alice = teammate('alice');
  const bob = teammate('bob');
  ok(run(['grant', 'alice', alice.recipient], { cwd: root }));
  ok(run(['grant', 'bob', bob.recipient], { cwd: root }));
  fs.rmSync(path.join(root, '.env.key'));
  const crashed = run(['revoke', 'bob', '--in', 'apps/api/.env.encrypted'], { cwd: root, env: { ...alice.env, ENVSEAL_TEST_CRASH_AT: 'replaced' } });
  assert.is(crashed.signal, 'SIGKILL');
  assert.is(secret(web, 'WEB_SECRET', alice.env), WEB, 'the app not yet re-sealed still opens');
  const recipients = read(path.join(root, '.env.recipients'));
  const again = ok(run(['revoke', 'bob', '--in', 'apps/web/.env.encrypted'], { cwd: root, env: alice.env }));
  assert.match(again.stderr, /Finished revoking bob: apps\/web\/\.env\.encrypted re-sealed/);
  assert.is(read(path.join(root, '.env.recipients')), recipients, 'the key the first run stored is kept');
  assert.is(header(sealed(api)), header(sealed(web)));
  assert.match(run(['status', '--all'], { cwd: root, env: alice.env }).stdout, /apps\/web\/\.env\.encrypted\s+exposed/);
  const nothing = run(['revoke', 'bob', '--in', 'apps/web/.env.encrypted'], { cwd: root, env: alice.env });
  assert.is(nothing.code, 2, nothing.output);
  assert.match(nothing.stderr, /already revoked/);
});

mono('scan knows the values of every sealed file git lists, a dot-directory\'s too, without the plaintext beside it', () => {
  const { root } = monorepo();
  const deploy = path.join(root, '.deploy');
  const DEPLOY = 'sk-dep-Qw3Er5Ty7Ui9Op1A';
  write(path.join(deploy, '.env'), `DEPLOY_SECRET=${DEPLOY}\n`);
  ok(run(['encrypt'], { cwd: deploy }));
  fs.rmSync(path.join(deploy, '.env'));
  assert.is(spawnSync('git', ['add', '.deploy/.env.encrypted'], { cwd: root }).status, 0);
  write(path.join(root, 'notes.md'), `the deploy token is ${DEPLOY}\n`);
  const r = run(['scan'], { cwd: root });
  assert.is(r.code, 1, r.output);
  assert.match(r.output, /notes\.md:1:\d+\s+team-secret\s+value of DEPLOY_SECRET/);
  assertNoSecrets(r.output, [DEPLOY]);
});

mono.run();

const envs = suite('several environments: --all-envs, and thin access');

/** One directory with development (.env) and production (.env.production) sealed, each with its own key. */
function environments() {
  const dir = gitRepo('envseal-envs-');
  ok(run(['init', '--no-hooks'], { cwd: dir }));
  ok(run(['init', '--no-hooks', '--env', 'production'], { cwd: dir }));
  write(path.join(dir, '.env'), `API_SECRET=${API}\n`);
  write(path.join(dir, '.env.production'), `API_SECRET=${WEB}\n`);
  ok(run(['encrypt'], { cwd: dir }));
  ok(run(['encrypt', '--env', 'production'], { cwd: dir }));
  return dir;
}

envs('grant --all-envs grants every environment here; revoke --all-envs revokes each one NAME could open', () => {
  const dir = environments();
  const alice = teammate('alice');
  const granted = ok(run(['grant', 'alice', alice.recipient, '--all-envs'], { cwd: dir }));
  assert.match(granted.stderr, /Granted alice .* in \.env\.recipients \(new file\)/);
  assert.match(granted.stderr, /Granted alice .* in \.env\.production\.recipients \(new file\)/);
  const home = { ...alice.env };
  fs.renameSync(path.join(dir, '.env.key'), path.join(dir, 'dev.key.bak'));
  fs.renameSync(path.join(dir, '.env.production.key'), path.join(dir, 'prod.key.bak'));
  assert.is(secret(dir, 'API_SECRET', home), API);
  assert.is(ok(run(['get', 'API_SECRET', '--reveal', '--env', 'production'], { cwd: dir, env: home })).stdout.trim(), WEB);
  const again = ok(run(['grant', 'alice', alice.recipient, '--all-envs'], { cwd: dir, env: home }));
  assert.match(again.stderr, /alice already has access/);

  const bob = teammate('bob');
  ok(run(['grant', 'bob', bob.recipient, '--env', 'production'], { cwd: dir, env: home }));
  const revoked = ok(run(['revoke', 'bob', '--all-envs'], { cwd: dir, env: home }));
  assert.match(revoked.stderr, /Revoked bob: .*\.env\.production\.recipients/);
  assert.not.match(revoked.stderr, /in \.env\.recipients\./, 'development, where bob was never granted, is left alone');
  const none = run(['revoke', 'carol', '--all-envs'], { cwd: dir, env: home });
  assert.is(none.code, 2, none.output);
  assert.match(none.stderr, /carol is not a recipient of any environment here/);
  const verified = ok(run(['recipients', 'verify', '--all-envs'], { cwd: dir, env: home }));
  assert.match(verified.stderr, /^\.env\.encrypted:$/m);
  assert.match(verified.stdout, /bob\s+unknown.*revoked/);
  const mixed = run(['grant', 'bob', bob.recipient, '--all-envs', '--env', 'production'], { cwd: dir, env: home });
  assert.is(mixed.code, 2, mixed.output);
  assertNoSecrets(granted.output + revoked.output, [API, WEB]);
});

envs('status warns when fewer than two people and a recovery identity can open a file, and stops once they can', () => {
  const dir = environments();
  const alice = teammate('alice');
  ok(run(['grant', 'alice', alice.recipient], { cwd: dir }));
  const thin = ok(run(['status', '--check'], { cwd: dir }));
  assert.match(thin.stdout, /access\s+only alice and no recovery identity can open this/);
  assert.match(thin.stdout, /envseal grant recovery --new-identity --identity-out recovery\.age/);
  const json = JSON.parse(ok(run(['status', '--json'], { cwd: dir })).stdout);
  assert.equal(json.files[0].access, { people: ['alice'], recovery: [], ci: [], thin: true });
  ok(run(['grant', 'bob', teammate('bob').recipient], { cwd: dir }));
  ok(run(['grant', 'ci-main', teammate('ci').recipient], { cwd: dir }));
  assert.match(ok(run(['status'], { cwd: dir })).stdout, /alice, bob and no recovery identity/);
  const out = path.join(tempDir('envseal-recovery-'), 'recovery.age');
  ok(run(['grant', 'recovery', '--new-identity', '--identity-out', out], { cwd: dir }));
  const covered = ok(run(['status'], { cwd: dir }));
  assert.not.match(covered.stdout, /access/);
  assert.equal(JSON.parse(ok(run(['status', '--json'], { cwd: dir })).stdout).files[0].access, { people: ['alice', 'bob'], recovery: ['recovery'], ci: ['ci-main'], thin: false });
});

envs.run();
