// Per-teammate access through the built CLI: three teammates with their own HOME and real ssh-keygen
// keys (ed25519, RSA 3072, a passphrase-protected ed25519 typed at a PTY), a CI identity, and a
// shared bare remote. Nobody ever handles the master key.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, assertNoSecrets, cleanEnv, git, read, run, runAsync, tempDir, write } from '../helpers/cli.js';
import { runAtTerminal } from '../helpers/pty.js';
import { needing } from '../helpers/tools.js';

const SECRET = 'sk-team-Qw8Zr4Lp9Xv2Nt6Y';

/** A teammate: a HOME of their own with an SSH key made by ssh-keygen. */
function teammate(name, keyArgs, passphrase = '') {
  const home = tempDir(`envseal-home-${name}-`);
  fs.mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
  const file = path.join(home, '.ssh', keyArgs.includes('rsa') ? 'id_rsa' : 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-f', file, '-N', passphrase, '-C', `${name}@laptop`, ...keyArgs]);
  return { name, home, pub: `${file}.pub`, env: { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') } };
}

/** Alice starts the project with a key file, grants herself and Bob, removes the key file, pushes. */
function project() {
  const alice = teammate('alice', ['-t', 'ed25519']);
  const bob = teammate('bob', ['-t', 'rsa', '-b', '3072']);
  const remote = path.join(tempDir('envseal-remote-'), 'app.git');
  git(path.dirname(remote), 'init', '-q', '--bare', '-b', 'main', remote);
  const dir = clone(remote, alice);
  write(path.join(dir, '.env'), `PORT=3000\nAPI_SECRET=${SECRET}\n`);
  ok(run(['init', '--no-hooks'], { cwd: dir, env: alice.env }));
  ok(run(['encrypt'], { cwd: dir, env: alice.env }));
  ok(run(['grant', 'alice', alice.pub], { cwd: dir, env: alice.env }));
  ok(run(['grant', 'bob', bob.pub], { cwd: dir, env: alice.env }));
  fs.rmSync(path.join(dir, '.env.key')); // from here on, nobody holds the key in a file
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'sealed, with recipients');
  git(dir, 'push', '-q', 'origin', 'main');
  return { alice, bob, remote, dir };
}

function clone(remote, who) {
  const dir = path.join(tempDir(`envseal-clone-${who.name}-`), 'app');
  git(path.dirname(dir), 'clone', '-q', remote, dir);
  git(dir, 'config', 'user.name', who.name);
  return dir;
}

function ok(r) {
  assert.is(r.code, 0, r.output);
  return r;
}
const secretOf = (dir, who) => run(['get', 'API_SECRET', '--reveal'], { cwd: dir, env: who.env });

const access = needing(suite('team access'), 'ssh-keygen');

access('grant, clone, open: each teammate opens with their own SSH key; the fingerprint is ssh-keygen\'s', () => {
  const { alice, bob, remote } = project();
  const bobs = clone(remote, bob);
  const opened = secretOf(bobs, bob);
  assert.is(opened.code, 0, opened.stderr);
  assert.is(opened.stdout.trim(), SECRET);
  const list = ok(run(['recipients'], { cwd: bobs, env: bob.env })).stdout;
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', bob.pub], { encoding: 'utf8' }).split(' ')[1];
  assert.match(list, new RegExp(`bob\\s+ssh-rsa\\s+${fingerprint.replace(/[+/]/g, '\\$&')}.*ok`));
  assert.is(read(path.join(bobs, '.gitattributes')).includes('*.recipients merge=union'), true);
  // A stranger gets exit 3 with the identities tried, the recipients, and what to send.
  const carol = teammate('carol', ['-t', 'ed25519']);
  const refused = run(['decrypt', '--stdout'], { cwd: bobs, env: carol.env });
  assert.is(refused.code, 3);
  assert.match(refused.stderr, /id_ed25519 \(SHA256:/);
  assert.match(refused.stderr, /Recipients: alice, bob/);
  assert.match(refused.stderr, /envseal grant/);
  const whoami = run(['whoami'], { cwd: bobs, env: carol.env });
  assert.match(whoami.stdout, new RegExp(`envseal grant <your-name> 'ssh-ed25519 `));
  for (const r of [refused, whoami]) assertNoSecrets(r.output, [SECRET]);
  void alice;
});

access('revoke: one command; the revoked teammate is locked out of new versions; the values they knew are listed', () => {
  const { alice, bob, remote, dir } = project();
  const bobs = clone(remote, bob);
  const revoked = ok(run(['revoke', 'bob', '--reason', 'offboarding'], { cwd: dir, env: alice.env }));
  assert.match(revoked.stderr, /bob could read every value .*API_SECRET/);
  assertNoSecrets(revoked.output, [SECRET]);
  git(dir, 'commit', '-qam', 'revoke bob');
  git(dir, 'push', '-q', 'origin', 'main');
  git(bobs, 'pull', '-q');
  const locked = run(['decrypt', '--stdout'], { cwd: bobs, env: bob.env });
  assert.is(locked.code, 3, locked.output);
  assert.match(locked.stderr, /Recipients: alice/);
  assert.is(secretOf(dir, alice).stdout.trim(), SECRET, 'alice still opens it');
  const list = ok(run(['recipients'], { cwd: dir, env: alice.env })).stdout;
  assert.match(list, /bob .*revoked \d{4}-\d\d-\d\d \(offboarding\)/);
  ok(run(['recipients', 'verify'], { cwd: dir, env: alice.env }));
  // What bob saw stays exposed until it changes; a rotation does not change it, a new value does.
  const exposed = run(['status', '--check'], { cwd: dir, env: alice.env });
  assert.is(exposed.code, 1, exposed.output);
  assert.match(exposed.stdout, /exposed\s+bob \(revoked \d{4}-\d\d-\d\d\) knows PORT, API_SECRET/);
  ok(run(['rotate'], { cwd: dir, env: alice.env }));
  assert.match(run(['status'], { cwd: dir, env: alice.env }).stdout, /bob .* knows PORT, API_SECRET/, 'rotation re-keys the markers');
  ok(run(['set', 'API_SECRET'], { cwd: dir, env: alice.env, input: 'sk-new-value-after-bob-9Q' }));
  assert.match(run(['status'], { cwd: dir, env: alice.env }).stdout, /bob .* knows PORT:/);
  ok(run(['set', 'PORT'], { cwd: dir, env: alice.env, input: '3001' }));
  const clear = run(['status', '--check'], { cwd: dir, env: alice.env });
  assert.is(clear.code, 0, clear.output);
  assert.not.ok(read(path.join(dir, '.env.encrypted')).includes(SECRET), 'markers, never values');
});

access('a CI identity: granted with --new-identity, opened from ENVSEAL_IDENTITY; rotate re-wraps to it, nothing to hand out', () => {
  const { alice, dir } = project();
  const granted = ok(run(['grant', 'ci', '--new-identity'], { cwd: dir, env: alice.env }));
  const identity = granted.stdout.trim();
  assert.match(identity, /^AGE-SECRET-KEY-1[0-9A-Z]+$/);
  const ci = { HOME: tempDir('envseal-ci-home-'), ENVSEAL_IDENTITY: identity };
  assert.is(run(['get', 'API_SECRET', '--reveal'], { cwd: dir, env: ci }).stdout.trim(), SECRET);
  ok(run(['rotate'], { cwd: dir, env: alice.env }));
  assert.is(run(['get', 'API_SECRET', '--reveal'], { cwd: dir, env: ci }).stdout.trim(), SECRET, 'CI opens the rotated file with the same secret');
  const child = run(['run', '--', process.execPath, '-e', 'console.log(Object.keys(process.env).filter((k) => k.startsWith("ENVSEAL")).join(","))'], { cwd: dir, env: ci });
  assert.is(child.stdout.trim(), '', 'the identity never reaches the child');
});

access('two concurrent grants on two branches merge by union; both new teammates open the file', () => {
  const { alice, bob, remote, dir } = project();
  const carol = teammate('carol', ['-t', 'ed25519']);
  const dave = teammate('dave', ['-t', 'ed25519']);
  const bobs = clone(remote, bob);
  ok(run(['grant', 'carol', carol.pub], { cwd: dir, env: alice.env }));
  git(dir, 'commit', '-qam', 'grant carol');
  git(dir, 'push', '-q', 'origin', 'main');
  ok(run(['grant', 'dave', dave.pub], { cwd: bobs, env: bob.env }));
  git(bobs, 'commit', '-qam', 'grant dave');
  git(bobs, 'pull', '-q', '--no-rebase', '--no-edit');
  for (const who of [carol, dave, alice, bob]) assert.is(secretOf(bobs, who).stdout.trim(), SECRET, who.name);
  // A grant merged in after a rotation on the other branch is stale until repaired.
  ok(run(['rotate'], { cwd: bobs, env: bob.env }));
  const eve = teammate('eve', ['-t', 'ed25519']);
  const before = read(path.join(bobs, '.env.recipients'));
  ok(run(['grant', 'eve', eve.pub, '--trust-new-key'], { cwd: dir, env: alice.env }));
  const eveLine = read(path.join(dir, '.env.recipients')).split('\n').find((l) => l.startsWith('#envseal:recipient eve '));
  fs.writeFileSync(path.join(bobs, '.env.recipients'), `${before}${eveLine}\n`); // what merge=union leaves
  const stale = run(['recipients', 'verify'], { cwd: bobs, env: bob.env });
  assert.is(stale.code, 1, stale.output);
  assert.match(stale.stderr, /eve: granted under a previous key/);
  ok(run(['recipients', 'repair'], { cwd: bobs, env: bob.env }));
  ok(run(['recipients', 'verify'], { cwd: bobs, env: bob.env }));
  assert.is(secretOf(bobs, eve).stdout.trim(), SECRET, 'eve opens the repaired file');
  git(bobs, 'checkout', '-q', '--', '.');
  const diff = ok(run(['recipients', '--diff', 'origin/main~1'], { cwd: bobs, env: bob.env })).stdout;
  assert.match(diff, /^\+ carol ssh-ed25519 SHA256:\S+ granted \d{4}-\d\d-\d\d by .+$/m);
  assert.match(diff, /^\+ dave ssh-ed25519 /m);
  ok(run(['recipients', 'verify'], { cwd: bobs, env: bob.env }));
});

access('a forged line (pushed by someone without the key) is refused and reported; verify exits 1', () => {
  const { alice, dir } = project();
  const mallory = teammate('mallory', ['-t', 'ed25519']);
  // Mallory copies Alice's line with her own key and a payload of her own: the MAC cannot match.
  const file = path.join(dir, '.env.recipients');
  const mine = read(mallory.pub).trim().split(' ').slice(0, 2).join(' ');
  const aliceLine = read(file).split('\n').find((l) => l.startsWith('#envseal:recipient alice '));
  const forged = aliceLine.replace(/^#envseal:recipient alice \S+ \S+/, `#envseal:recipient mallory ${mine}`);
  fs.appendFileSync(file, `${forged}\n`);
  const opened = run(['decrypt', '--stdout'], { cwd: dir, env: mallory.env });
  assert.ok([3, 4].includes(opened.code), opened.output);
  assert.not.ok(opened.stdout.includes(SECRET));
  const verify = run(['recipients', 'verify'], { cwd: dir, env: alice.env });
  assert.is(verify.code, 1, verify.output);
  assert.match(verify.stderr, /mallory: its MAC does not verify/);
});

access('the hook: a recipients file is no plaintext env file; a forged grant is blocked', () => {
  const { alice, dir } = project();
  ok(run(['hooks', 'install'], { cwd: dir, env: alice.env }));
  const carol = teammate('carol', ['-t', 'ed25519']);
  ok(run(['grant', 'carol', carol.pub], { cwd: dir, env: alice.env }));
  git(dir, 'add', '.env.recipients');
  // The installed shim finds envseal on PATH, as after a global install.
  const bin = tempDir('envseal-bin-');
  fs.symlinkSync(BIN, path.join(bin, 'envseal'));
  const env = { ...cleanEnv(), ...alice.env, PATH: `${bin}:${process.env.PATH}` };
  const commit = (message) => spawnSync('git', ['commit', '-qm', message], { cwd: dir, env, encoding: 'utf8' });
  const granted = commit('grant carol');
  assert.is(granted.status, 0, granted.stderr);
  const file = path.join(dir, '.env.recipients');
  const forged = read(file).split('\n').find((l) => l.startsWith('#envseal:recipient carol ')).replace('recipient carol', 'recipient mallory');
  fs.appendFileSync(file, `${forged}\n`);
  git(dir, 'add', '.env.recipients');
  const blocked = commit('sneak in mallory');
  assert.is(blocked.status, 1, blocked.stderr);
  assert.match(blocked.stderr, /recipients-forged/);
});

access('key continuity: a key swapped in by a pusher who never held the old one is refused; a real rotation is not', () => {
  const { alice, bob, remote, dir } = project();
  const bobs = clone(remote, bob);
  assert.is(secretOf(bobs, bob).stdout.trim(), SECRET, 'bob has seen the key once');
  // Alice rotates for real: bob follows without a flag.
  ok(run(['rotate'], { cwd: dir, env: alice.env }));
  git(dir, 'commit', '-qam', 'rotate');
  git(dir, 'push', '-q', 'origin', 'main');
  git(bobs, 'pull', '-q');
  assert.is(secretOf(bobs, bob).stdout.trim(), SECRET, 'a linked rotation is accepted');
  // Mallory can push but holds no key: a new key, her values, wrapped to everyone's public keys.
  const mallory = clone(remote, { name: 'mallory' });
  const key = run(['keygen']).stdout.trim();
  const evil = { HOME: tempDir('envseal-mallory-'), ENVSEAL_MASTER_KEY: key };
  write(path.join(mallory, '.env'), 'PORT=3000\nAPI_SECRET=sk-mallory-chosen-value-77\n');
  fs.rmSync(path.join(mallory, '.env.encrypted'));
  fs.rmSync(path.join(mallory, '.env.recipients'));
  ok(run(['encrypt'], { cwd: mallory, env: evil }));
  for (const who of [alice, bob]) ok(run(['grant', who.name, who.pub], { cwd: mallory, env: evil }));
  git(mallory, 'add', '-A');
  git(mallory, 'commit', '-qm', 'routine rotation');
  git(mallory, 'push', '-q', 'origin', 'main');
  const before = git(bobs, 'rev-parse', 'HEAD').trim();
  git(bobs, 'pull', '-q');
  // CI's check: every line verifies (mallory holds her key), but the key does not link to the old one.
  const verify = run(['recipients', 'verify', '--base', before], { cwd: bobs, env: bob.env });
  assert.is(verify.code, 1, verify.output);
  assert.match(verify.stderr, /no link in its history/);
  const refused = secretOf(bobs, bob);
  assert.is(refused.code, 4, refused.output);
  assert.match(refused.stderr, /not opened it with before/);
  assert.match(refused.stderr, /--trust-new-key/);
  assert.not.match(refused.stdout, /mallory-chosen/);
  const trusted = run(['get', 'API_SECRET', '--reveal', '--trust-new-key'], { cwd: bobs, env: bob.env });
  assert.is(trusted.stdout.trim(), 'sk-mallory-chosen-value-77', '--trust-new-key accepts it, after checking with the team');
});

access('a passphrase-protected key is asked for at a terminal only, never without one', () => {
  const { alice, dir } = project();
  const erin = teammate('erin', ['-t', 'ed25519'], 'correct horse');
  ok(run(['grant', 'erin', erin.pub], { cwd: dir, env: alice.env }));
  const noTerminal = run(['decrypt', '--stdout'], { cwd: dir, env: erin.env });
  assert.is(noTerminal.code, 3, noTerminal.output);
  assert.match(noTerminal.stderr, /passphrase/);
  const typed = runAtTerminal([process.execPath, BIN, 'get', 'API_SECRET', '--reveal'], { cwd: dir, env: erin.env, prompt: 'input hidden', reply: 'correct horse\r' });
  assert.is(typed.code, 0, typed.output);
  assert.match(typed.output, new RegExp(SECRET));
  assert.not.match(typed.output, /correct horse/, 'the passphrase is not echoed');
});

access('kill -9 at any instant of revoke: the remaining teammates always open the file, and rotate finishes it', async () => {
  for (const step of ['key-stored', 'temp-written', 'verified', 'backed-up']) {
    const { alice, dir } = project();
    const child = runAsync(['revoke', 'bob'], { cwd: dir, env: { ...alice.env, ENVSEAL_TEST_CRASH_AT: step } });
    const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(signal ?? c)));
    assert.is(code, 'SIGKILL', step);
    assert.is(secretOf(dir, alice).stdout.trim(), SECRET, `opens after a kill at ${step}`);
    ok(run(['rotate'], { cwd: dir, env: alice.env }));
    assert.is(secretOf(dir, alice).stdout.trim(), SECRET);
    assert.match(read(path.join(dir, '.env.recipients')), /#envseal:revoked bob /);
  }
});

access.run();
