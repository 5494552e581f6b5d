#!/usr/bin/env node
// `npm run demo`: envseal's main job, end to end, in a throwaway git repository, narrated.
// Every step checks its result, so the demo doubles as a smoke test: it exits non-zero when a step
// misbehaves. Pass --keep to leave the directory behind for a look around.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/envseal.js');
const dotenv = createRequire(import.meta.url)('dotenv');
const keep = process.argv.includes('--keep');
const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (tty ? `\u001b[1m${s}\u001b[0m` : s);
const dim = (s) => (tty ? `\u001b[2m${s}\u001b[0m` : s);

if (!fs.existsSync(path.join(ROOT, 'dist/cli.cjs'))) {
  console.error('envseal is not built yet: run `npm install` (it builds) or `npm run build`.');
  process.exit(1);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'envseal-demo-'));
const dir = path.join(work, 'app');
const binDir = path.join(work, 'bin');
fs.mkdirSync(dir);
fs.mkdirSync(binDir);
// The git hooks look for envseal in node_modules/.bin, then on PATH: the demo puts this build on PATH.
fs.symlinkSync(BIN, path.join(binDir, 'envseal'));
const env = {
  ...process.env,
  PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
  NO_COLOR: '1',
  GIT_AUTHOR_NAME: 'Demo',
  GIT_AUTHOR_EMAIL: 'demo@example.com',
  GIT_COMMITTER_NAME: 'Demo',
  GIT_COMMITTER_EMAIL: 'demo@example.com',
};
for (const name of Object.keys(env)) if (name.startsWith('ENVSEAL_') || name === 'SECRETS_MASTER_KEY' || name === 'FORCE_COLOR') delete env[name];
let step = 0;

function say(title, text) {
  console.log(`\n${bold(`${++step}. ${title}`)}`);
  if (text) console.log(dim(text));
}

function fail(message) {
  console.error(`\ndemo FAILED at step ${step}: ${message}\n(the directory is kept: ${dir})`);
  process.exit(1);
}

function sh(command, args, { expect = 0, quiet = false, input } = {}) {
  const r = spawnSync(command, args, { cwd: dir, env, encoding: 'utf8', input });
  const output = `${r.stdout}${r.stderr}`.trimEnd();
  if (!quiet && output) console.log(output.replace(/^/gm, '   '));
  if (r.status !== expect) fail(`\`${[command, ...args].join(' ')}\` exited ${r.status}, expected ${expect}`);
  return r;
}

function envseal(args, options = {}) {
  console.log(`${bold('  $')} envseal ${args.join(' ')}`);
  // Plaintext on stdout (--stdout) is checked, not shown: the demo practises what envseal preaches.
  return sh(process.execPath, [BIN, ...args], { quiet: args.includes('--stdout'), ...options });
}

function git(args, options = {}) {
  console.log(`${bold('  $')} git ${args.join(' ')}`);
  return sh('git', args, options);
}

const show = (file, lines = 12) => {
  const text = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
  const clipped = text.slice(0, lines).map((l) => (l.length > 100 ? `${l.slice(0, 97)}...` : l));
  console.log(clipped.map((l) => `   │ ${l}`).join('\n'));
  if (text.length > lines + 1) console.log(`   │ ... (${text.length - lines - 1} more lines)`);
};

const readEnv = () => dotenv.parse(fs.readFileSync(path.join(dir, '.env'), 'utf8'));

console.log(bold('envseal demo') + dim(` — in ${dir}`));
sh('git', ['init', '-q', '-b', 'main']);
fs.copyFileSync(path.join(ROOT, '.env.example'), path.join(dir, '.env.example'));

say('Set up the repository', 'A master key in .env.key (mode 0600), .gitignore rules for plaintext and keys, and the git hooks.');
envseal(['init']);
if ((fs.statSync(path.join(dir, '.env.key')).mode & 0o777) !== 0o600) fail('.env.key is not mode 0600');

say('Fill .env from .env.example', 'generate makes fresh random values for the placeholders it can; provider credentials are pasted by hand (stand-ins here).');
envseal(['generate']);
const standIns = fs.readFileSync(path.join(dir, '.env'), 'utf8').replace(/<[^>\n]*>/g, () => randomBytes(18).toString('base64url'));
fs.writeFileSync(path.join(dir, '.env'), standIns);
const values = readEnv();
if (values.SECRET_KEY?.length !== 64) fail('SECRET_KEY was not generated with 64 characters');
console.log(`   .env has ${Object.keys(values).length} variables, no placeholders left.`);

say('Seal it', 'Each value becomes a Fernet token (AES-128-CBC + HMAC-SHA256); names stay readable; a MAC covers the file.');
envseal(['encrypt']);
show('.env.encrypted');
const sealed = fs.readFileSync(path.join(dir, '.env.encrypted'), 'utf8');
for (const [name, value] of Object.entries(values)) if (value.length > 5 && sealed.includes(value)) fail(`${name}'s value is visible in .env.encrypted`);

say('Look at the values without showing them', 'show masks every secret; --reveal would print plaintext.');
const shown = envseal(['show']).stdout;
if (shown.includes(values.SECRET_KEY)) fail('show printed a secret');

say('Commit the sealed file', 'The pre-commit hook checks what is staged; a sealed file passes.');
git(['add', '.env.encrypted', '.env.example', '.gitignore']);
git(['commit', '-qm', 'Seal env']);

say('Try to commit the plaintext .env', 'Even forced past .gitignore, the hook refuses it, and names the fix.');
git(['add', '-f', '.env']);
const refused = git(['commit', '-qm', 'oops'], { expect: 1 });
if (!/plaintext-env-file/.test(refused.stderr)) fail('the hook did not explain the refusal');
if (refused.stderr.includes(values.SECRET_KEY)) fail('the hook printed a secret');
git(['reset', '-q']);

say('Change one value', 'set reads it from stdin (never argv); unchanged values keep their ciphertext, so the diff is one line plus the MAC line.');
envseal(['set', 'PORT'], { input: '8080\n' });
const diff = sh('git', ['diff', '--numstat', '.env.encrypted'], { quiet: true }).stdout.trim();
console.log(`   git diff --numstat: ${diff}`);
if (!/^2\t2\t/.test(diff)) fail(`expected 2 changed lines (the value and the MAC), got: ${diff}`);
git(['commit', '-qam', 'Change PORT']);

say('Rotate the master key', 'A new key, the file re-sealed and verified, the old file backed up, the rotation recorded in its history.');
envseal(['rotate', '--reason', 'demo']);
envseal(['status']);
git(['commit', '-qam', 'Rotate key']);

say('A teammate clones and decrypts', 'Without .env, decrypt writes it back (mode 0600) from the sealed file and the key.');
fs.rmSync(path.join(dir, '.env'));
envseal(['decrypt']);
const reopened = readEnv();
if (JSON.stringify(reopened) !== JSON.stringify({ ...values, PORT: '8080' })) fail('decrypted values differ from the originals');
console.log('   ✓ every value matches, under the new key');

say('Deploy: run a command with the values', 'run injects them in memory (the master key is not passed on); --mask redacts secrets from its output.');
const script = "console.log('PORT is', process.env.PORT, '- SECRET_KEY is', process.env.SECRET_KEY, '- master key passed on:', 'ENVSEAL_MASTER_KEY' in process.env)";
const ran = envseal(['run', '--mask', '--', process.execPath, '-e', script]);
if (!ran.stdout.includes('PORT is 8080') || ran.stdout.includes(values.SECRET_KEY) || !ran.stdout.includes('master key passed on: false')) fail('run did not deliver or mask as expected');

console.log(`\n${bold('Demo complete.')} ${keep ? `Look around: ${dir}` : 'Cleaning up.'}`);
if (!keep) fs.rmSync(work, { recursive: true, force: true });
