// Hostile or odd files around the sealed file, and the small things a new user trips on. Each case
// drives the built CLI: a clear error with its documented exit code, quickly, and nothing lost.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, ROOT, assertNoSecrets, cleanEnv, gitRepo, read, run, runAsync, tempDir, write } from '../helpers/cli.js';
import { runAtTerminal } from '../helpers/pty.js';
import { needing } from '../helpers/tools.js';

const SECRET = 'sk-hostile-8Gq2Lm5Xz9Rt4Wv7';

function project(text = `PORT=3000\nAPI_SECRET=${SECRET}\n`) {
  const dir = gitRepo('envseal-hostile-');
  write(path.join(dir, '.env'), text);
  assert.is(run(['init', '--no-hooks'], { cwd: dir }).code, 0);
  assert.is(run(['encrypt'], { cwd: dir }).code, 0);
  return dir;
}

/** Runs with a short timeout: a hang is a failure, reported as such rather than stalling the suite. */
const quick = (args, options) => {
  const r = run(args, { timeout: 15_000, ...options });
  assert.is(r.signal, null, `envseal ${args.join(' ')} hung`);
  return r;
};

const files = suite('odd files');

files('a lock path that is a symlink, a directory or a FIFO: a clear error (exit 5) at once, nothing changed', () => {
  const makers = {
    symlink: (lock) => fs.symlinkSync('/tmp', lock),
    dangling: (lock) => fs.symlinkSync('/nonexistent/envseal-lock', lock),
    directory: (lock) => fs.mkdirSync(lock),
    fifo: (lock) => execFileSync('mkfifo', [lock]),
  };
  for (const [kind, make] of Object.entries(makers)) {
    const dir = project();
    const sealed = path.join(dir, '.env.encrypted');
    const before = read(sealed);
    make(path.join(dir, '..env.encrypted.envseal-lock'));
    for (const args of [['set', 'NEW_NAME'], ['rotate']]) {
      const r = quick(args, { cwd: dir, input: 'value' });
      assert.is(r.code, 5, `${kind} ${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, /lock/);
      assert.match(r.stderr, /not a lock file envseal made/);
      assert.match(r.stderr, /fix: Remove it/);
      assert.is(read(sealed), before, kind);
    }
  }
});

files('a FIFO or a device at the sealed file\'s path is refused at once by status and decrypt', () => {
  const dir = project();
  const sealed = path.join(dir, '.env.encrypted');
  fs.rmSync(sealed);
  execFileSync('mkfifo', [sealed]);
  for (const args of [['status'], ['decrypt', '--stdout']]) {
    const r = quick(args, { cwd: dir });
    assert.is(r.code, 5, `${args.join(' ')}: ${r.output}`);
    assert.match(r.output, /named pipe|FIFO/);
  }
  quick(['status', '--all'], { cwd: dir }); // lists regular files only, and does not wait on the FIFO
  const devnull = quick(['decrypt', '--stdout', '--in', '/dev/zero'], { cwd: dir });
  assert.is(devnull.code, 5, devnull.stderr);
  assert.match(devnull.stderr, /device, not a regular file/);
});

files('the audit log is never written through a symlinked .envseal/ or audit.log', () => {
  const outside = tempDir('envseal-outside-');
  for (const link of ['dir', 'file']) {
    const dir = project();
    const target = path.join(outside, `${link}.log`);
    fs.rmSync(path.join(dir, '.envseal'), { recursive: true, force: true });
    if (link === 'dir') fs.symlinkSync(outside, path.join(dir, '.envseal'));
    else {
      fs.mkdirSync(path.join(dir, '.envseal'));
      fs.symlinkSync(target, path.join(dir, '.envseal', 'audit.log'));
    }
    const r = run(['decrypt', '--stdout'], { cwd: dir });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stderr, /audit log was not written/);
    assert.not.ok(fs.existsSync(target) || fs.existsSync(path.join(outside, 'audit.log')), `${link}: nothing written outside the repository`);
  }
});

files('an edit killed with SIGKILL leaves its workspace; the next edit or status removes it and says so', async () => {
  const dir = project();
  const runtime = tempDir('envseal-runtime-');
  const started = path.join(dir, 'started');
  const editor = path.join(dir, 'slow-editor.sh');
  write(editor, `#!/bin/sh\ntouch '${started}'\nsleep 30\n`, 0o755);
  const child = runAsync(['edit'], { cwd: dir, env: { EDITOR: editor, XDG_RUNTIME_DIR: runtime } });
  for (let i = 0; i < 200 && !fs.existsSync(started); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(fs.existsSync(started), 'the editor started');
  child.kill('SIGKILL');
  await new Promise((resolve) => child.on('exit', resolve));
  const left = fs.readdirSync(runtime);
  assert.is(left.length, 1, 'SIGKILL leaves the workspace behind (no handler runs)');
  assert.match(left[0], new RegExp(`^envseal-edit-${child.pid}-`));
  // A kept edit (its path was given to the user) is never removed.
  const keptDir = path.join(runtime, 'envseal-edit-999999-kept00');
  fs.mkdirSync(keptDir, { mode: 0o700 });
  fs.writeFileSync(path.join(keptDir, '.env'), 'X=1\n');
  fs.writeFileSync(path.join(keptDir, '.kept'), '');
  const r = run(['status'], { cwd: dir, env: { XDG_RUNTIME_DIR: runtime } });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /removed .*envseal-edit-\d+-.*killed before it could clean up/);
  assert.equal(fs.readdirSync(runtime), ['envseal-edit-999999-kept00']);
  spawnSync('pkill', ['-f', editor]);
});

files('a key command that times out is ended with every process it started', () => {
  const dir = project();
  fs.rmSync(path.join(dir, '.env.key'));
  const marker = `envseal-key-command-child-${process.pid}`;
  const started = Date.now();
  const r = quick(['decrypt', '--stdout'], {
    cwd: dir,
    env: { ENVSEAL_KEY_COMMAND: `sh -c 'exec -a ${marker} sleep 60' & sleep 60; echo never`, ENVSEAL_KEY_COMMAND_TIMEOUT: '1' },
  });
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /timed out after 1 s/);
  assert.match(r.stderr, /ENVSEAL_KEY_COMMAND_TIMEOUT/);
  assert.ok(Date.now() - started < 10_000);
  const left = spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' }).stdout.trim();
  assert.is(left, '', 'no process of the key command is left running');
});

files('a legacy whole-file token where the sealed file should be: exit 4 everywhere unless asked for', () => {
  const dir = project();
  const sealed = path.join(dir, '.env.encrypted');
  // An attacker without the key replaces the file with one of its own value tokens.
  const token = /^API_SECRET=fernet:(\S+)$/m.exec(read(sealed))[1];
  fs.writeFileSync(sealed, `${token}\n`);
  const commands = [
    ['run', '--', process.execPath, '-e', '0'],
    ['export'],
    ['show'],
    ['status'],
    ['decrypt', '--stdout'],
  ];
  for (const args of commands) {
    const r = run(args, { cwd: dir });
    assert.is(r.code, 4, `${args[0]}: ${r.output}`);
    assert.match(r.output, /whole-file Fernet token/);
    assert.match(r.output, /envseal import --from fernet --in \.env\.encrypted/);
  }
  // config() never throws (as dotenv's): it returns the error, and loads nothing.
  const app = `import { config } from ${JSON.stringify(path.join(ROOT, 'dist/index.js'))};
    const r = config({ quiet: true }); console.log(r.error?.code, r.error?.exitCode, Object.keys(r.parsed ?? {}).length);`;
  const lib = spawnSync(process.execPath, ['--input-type=module', '-e', app], { cwd: dir, encoding: 'utf8', env: cleanEnv() });
  assert.is(lib.stdout.trim(), 'E_SEALED_LEGACY 4 0', lib.stderr);
});

files('a real legacy file: the deprecated decrypt --legacy opens it, import --from fernet converts it as the note says, and so does the deprecated encrypt --from-legacy', () => {
  const dir = project();
  const sealed = path.join(dir, '.env.encrypted');
  const fernet = spawnSync(process.execPath, ['--input-type=module', '-e', `
    import { FernetKey, encrypt } from ${JSON.stringify(path.join(ROOT, 'dist/crypto/fernet.js'))};
    const key = ${JSON.stringify(read(path.join(dir, '.env.key')))}.split('\\n').find((l) => /^[A-Za-z0-9_-]{43}=$/.test(l));
    process.stdout.write(encrypt(FernetKey.fromString(key), 'PORT=3000\\nOLD_SECRET=legacy-value-x9\\n'));`], { encoding: 'utf8' });
  assert.is(fernet.status, 0, fernet.stderr);
  const token = fernet.stdout;
  fs.writeFileSync(sealed, token);
  const opened = run(['decrypt', '--legacy', '--stdout'], { cwd: dir });
  assert.is(opened.code, 0, opened.stderr);
  assert.match(opened.stdout, /OLD_SECRET=legacy-value-x9/);
  const note = run(['decrypt', '--legacy', '--force'], { cwd: dir });
  assert.match(note.stderr, /deprecated/);
  const suggested = /`envseal (import --from fernet [^`]+)`/.exec(note.stderr)?.[1];
  assert.ok(suggested, note.stderr);
  fs.rmSync(path.join(dir, '.env'));
  const converted = run(suggested.split(' '), { cwd: dir });
  assert.is(converted.code, 0, converted.stderr);
  assert.match(converted.stderr, /Imported 2 values from the whole-file Fernet token in \.env\.encrypted, in place/);
  assert.match(read(sealed), /^#envseal:v1/);
  assert.is(run(['get', 'OLD_SECRET', '--reveal'], { cwd: dir }).stdout.trim(), 'legacy-value-x9');
  const backup = fs.readdirSync(dir).find((f) => f.startsWith('.env.encrypted.backup_'));
  assert.is(read(path.join(dir, backup)), token, 'the token is kept');
  assert.match(converted.stderr, new RegExp(`you can remove: ${backup.replace(/\./g, '\\.')}`));

  fs.writeFileSync(sealed, token);
  const alias = run(['encrypt', '--from-legacy'], { cwd: dir });
  assert.is(alias.code, 0, alias.stderr);
  assert.match(alias.stderr, /`encrypt --from-legacy` is deprecated; use `envseal import --from fernet --in \.env\.encrypted`/);
  assert.is(run(['get', 'OLD_SECRET', '--reveal'], { cwd: dir }).stdout.trim(), 'legacy-value-x9');
});

const rotateFull = needing(suite('full disk'), 'tmpfs-mount');

rotateFull('a full disk after the new key is stored: the message says exactly what changed, and rotate finishes the job', () => {
  const mount = tempDir('envseal-full-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount]);
  try {
    const dir = path.join(mount, 'app');
    fs.mkdirSync(dir);
    const big = Array.from({ length: 300 }, (_, i) => `NAME_${i}=value-${i}-${'x'.repeat(40)}`).join('\n');
    write(path.join(dir, '.env'), `${big}\nAPI_SECRET=${SECRET}\n`);
    assert.is(run(['init', '--no-hooks'], { cwd: dir }).code, 0);
    assert.is(run(['encrypt'], { cwd: dir }).code, 0);
    fs.rmSync(path.join(dir, '.env'));
    const sealed = path.join(dir, '.env.encrypted');
    const before = read(sealed);
    // Fill the disk, then free just enough for the key file's rewrite but not the sealed file's.
    const filler = path.join(mount, 'filler');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k'], { stdio: 'ignore' });
    } catch {
      // dd stops at ENOSPC, as intended
    }
    fs.truncateSync(filler, fs.statSync(filler).size - 12 * 1024);
    const r = run(['rotate', '--no-backup'], { cwd: dir });
    assert.is(r.code, 5, r.output);
    assert.match(r.stderr, /disk is full/);
    assert.match(r.stderr, /stopped half-way: \.env\.key holds the new key \w+ and keeps the old key \w+ as previous/);
    assert.match(r.stderr, /still sealed with the old key/);
    assert.match(r.stderr, /run `envseal rotate` again/);
    assert.not.match(r.stderr, /was not changed/);
    assert.is(read(sealed), before);
    assert.is(run(['get', 'API_SECRET', '--reveal'], { cwd: dir }).stdout.trim(), SECRET, 'still opens (with the previous key)');
    fs.rmSync(filler);
    const finished = run(['rotate', '--no-backup'], { cwd: dir });
    assert.is(finished.code, 0, finished.stderr);
    assert.is(run(['status', '--check'], { cwd: dir }).code, 0);
    assertNoSecrets(r.output + finished.output, [SECRET]);
  } finally {
    execFileSync('umount', [mount]);
  }
});

const small = suite('small things');

small('`set` with a pasted token where the name goes refuses without echoing it; real names pass', () => {
  const dir = project();
  const pasted = 'sk_live_51HqLyjWDarjtT1zdp7dcXYZabc123456';
  const r = run(['set', pasted], { cwd: dir, input: 'v' });
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /looks like a secret value/);
  assertNoSecrets(r.output, [pasted]);
  assert.not.match(read(path.join(dir, '.env.encrypted')), /sk_live/);
  for (const name of ['AWS_SECRET_ACCESS_KEY', 'STRIPE_WEBHOOK_SECRET_2024_PROD_EU1', 'db.password']) {
    assert.is(run(['set', name], { cwd: dir, input: 'v' }).code, 0, name);
  }
});

small('Ctrl-C at the hidden prompt exits 130; Ctrl-D 2; nothing changes', () => {
  const dir = project();
  const before = read(path.join(dir, '.env.encrypted'));
  for (const [reply, code] of [['\x03', 130], ['\x04', 2]]) {
    const r = runAtTerminal([process.execPath, BIN, 'set', 'TYPED'], { cwd: dir, prompt: 'input hidden', reply });
    assert.is(r.code, code, r.output);
  }
  assert.is(read(path.join(dir, '.env.encrypted')), before);
});

small('--env or --in with no value is a usage error, not the default environment', () => {
  const dir = project();
  for (const args of [['decrypt', '--stdout', '--env'], ['decrypt', '--env', '--stdout'], ['show', '--in']]) {
    const r = run(args, { cwd: dir });
    assert.is(r.code, 2, `${args.join(' ')}: ${r.output}`);
    assert.match(r.stderr, /--(env|in) needs a value/);
    assert.not.ok(r.stdout.includes(SECRET));
  }
});

small('help: examples are never wrapped mid-command; `set` advertises no positional value', () => {
  for (const command of ['export', 'set', 'run', 'encrypt', 'rotate']) {
    const help = spawnSync(process.execPath, [BIN, command, '--help'], { encoding: 'utf8', env: { ...cleanEnv(), COLUMNS: '60' } }).stdout;
    const examples = help.slice(help.indexOf('Examples:'));
    for (const line of examples.split('\n').filter((l) => /^ {2}\S/.test(l))) {
      assert.ok(/^ {2}(.*\benvseal\b|eval|docker|pbpaste|printf|EDITOR)/.test(line), `${command}: "${line}" is a whole command`);
    }
  }
  const setHelp = run(['set', '--help']).stdout;
  assert.match(setHelp, /^envseal set <name>$/m);
  assert.not.match(setHelp, /value\.\./);
});

small('edit without a terminal refuses a terminal editor, and runs a non-interactive one', () => {
  const dir = project();
  const refused = run(['edit'], { cwd: dir, env: { EDITOR: 'vim' } });
  assert.is(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /terminal editor/);
  assert.match(refused.stderr, /envseal set/);
  const scripted = run(['edit'], { cwd: dir, env: { EDITOR: 'sed -i s/^PORT=.*/PORT=8080/' } });
  assert.is(scripted.code, 0, scripted.stderr);
  assert.is(run(['get', 'PORT'], { cwd: dir }).stdout.trim(), '8080');
});

small('check: numbers named after secrets are settings; a secret left at the example\'s sample value is reported', () => {
  const dir = project('JWT_RESET_PASSWORD_EXPIRATION_MINUTES=10\nTOKEN_TTL_SECONDS=3600\nPASSWORD_MIN_LENGTH=12\nJWT_SECRET=thisisasamplesecret\n');
  write(path.join(dir, '.env.example'), '# @format int\nJWT_RESET_PASSWORD_EXPIRATION_MINUTES=10\nTOKEN_TTL_SECONDS=60\nPASSWORD_MIN_LENGTH=8\nJWT_SECRET=thisisasamplesecret\n');
  const check = run(['check'], { cwd: dir });
  assert.is(check.code, 1, check.output);
  assert.match(check.stdout, /JWT_SECRET\s+sample:/);
  assert.not.match(check.stdout, /(MINUTES|SECONDS|LENGTH)\s+(low-entropy|reused)/);
  const show = run(['show'], { cwd: dir }).stdout;
  for (const [name, value] of [['JWT_RESET_PASSWORD_EXPIRATION_MINUTES', '10'], ['TOKEN_TTL_SECONDS', '3600'], ['PASSWORD_MIN_LENGTH', '12']]) {
    assert.match(show, new RegExp(`${name}\\s+${value}\\s+no`), name);
  }
  fs.rmSync(path.join(dir, '.env.example'));
  assert.is(run(['example'], { cwd: dir }).code, 0);
  const example = read(path.join(dir, '.env.example'));
  assert.match(example, /^TOKEN_TTL_SECONDS=3600$/m, 'a plain setting stays as the default');
  assert.match(example, /^JWT_SECRET=<jwt-secret>$/m);
  // Placeholders under numeric names are not filled with passwords; a real secret's is.
  const placeholders = project('PASSWORD_MIN_LENGTH=<password-min-length>\nSESSION_TTL_SECONDS=<session-ttl-seconds>\nDB_PASSWORD=<db-password>\n');
  fs.rmSync(path.join(placeholders, '.env')); // so generate fills the sealed file in place
  const generated = run(['generate'], { cwd: placeholders });
  assert.is(generated.code, 0, generated.stderr);
  const filled = run(['decrypt', '--stdout'], { cwd: placeholders }).stdout;
  assert.match(filled, /^PASSWORD_MIN_LENGTH=<password-min-length>$/m);
  assert.match(filled, /^SESSION_TTL_SECONDS=<session-ttl-seconds>$/m);
  assert.not.match(filled, /^DB_PASSWORD=<db-password>$/m);
});

small('export --format github: the masked count is what it prints; values too short to mask are named', () => {
  const dir = project('PORT=3000\nAPI_SECRET=abc\nDB_PASSWORD=long-enough-password\nTOKEN=tok_value_1234\n');
  const githubEnv = path.join(dir, 'github-env');
  fs.writeFileSync(githubEnv, '');
  const r = run(['export', '--format', 'github'], { cwd: dir, env: { GITHUB_ENV: githubEnv, GITHUB_ACTIONS: 'true' } });
  assert.is(r.code, 0, r.stderr);
  const masks = r.stdout.split('\n').filter((l) => l.startsWith('::add-mask::')).length;
  assert.match(r.stderr, new RegExp(`\\(${masks} masked in logs\\)`));
  assert.match(r.stderr, /not masked: API_SECRET/);
  assert.not.ok(r.stderr.includes('abc'), 'the short value itself is not printed');
});

small('an SSH private key blocked by the hook: the fix is a new key pair, not envseal rotate', () => {
  const dir = project();
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'id_ed25519')]);
  execFileSync('git', ['add', '-f', 'id_ed25519'], { cwd: dir });
  const r = run(['hooks', 'run', 'pre-commit'], { cwd: dir });
  assert.is(r.code, 1, r.output);
  assert.match(r.output, /key-container/);
  assert.match(r.output, /replace the key pair/);
  assert.not.match(r.output, /envseal rotate/);
});

for (const s of [files, rotateFull, small]) s.run();
