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

if (!fs.existsSync(path.join(ROOT, 'dist/cli/main.js'))) {
  console.error('envseal is not built yet: run `npm install` (it builds) or `npm run build`.');
  process.exit(1);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envseal-demo-'));
const env = { ...process.env, NO_COLOR: '1', GIT_AUTHOR_NAME: 'Demo', GIT_AUTHOR_EMAIL: 'demo@example.com', GIT_COMMITTER_NAME: 'Demo', GIT_COMMITTER_EMAIL: 'demo@example.com' };
for (const name of Object.keys(env)) if (name.startsWith('ENVSEAL_') || name === 'SECRETS_MASTER_KEY') delete env[name];
let step = 0;

function say(title, text) {
  console.log(`\n${bold(`${++step}. ${title}`)}`);
  if (text) console.log(dim(text));
}

function fail(message) {
  console.error(`\ndemo FAILED at step ${step}: ${message}\n(the directory is kept: ${dir})`);
  process.exit(1);
}

function sh(command, args, { expect = 0, quiet = false } = {}) {
  const r = spawnSync(command, args, { cwd: dir, env, encoding: 'utf8' });
  const output = `${r.stdout}${r.stderr}`.trimEnd();
  if (!quiet && output) console.log(output.replace(/^/gm, '   '));
  if (r.status !== expect) fail(`\`${[command, ...args].join(' ')}\` exited ${r.status}, expected ${expect}`);
  return r;
}

function envseal(...args) {
  console.log(`${bold('  $')} envseal ${args.join(' ')}`);
  // Plaintext on stdout (--stdout) is checked, not shown: the demo practises what envseal preaches.
  return sh(process.execPath, [BIN, ...args], { quiet: args.includes('--stdout') });
}

/** What `envseal generate` will do: replace each <placeholder> with a fresh random value. */
function fillPlaceholders(text) {
  return text.replace(/<([^>\n]*)>/g, (_, hint) => {
    if (/fernet/.test(hint)) return randomBytes(32).toString('base64url') + '=';
    const length = Number(/(\d+)-char/.exec(hint)?.[1] ?? 24);
    return randomBytes(length).toString('base64url').slice(0, length);
  });
}

const show = (file, lines = 14) => {
  const text = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
  const clipped = text.slice(0, lines).map((l) => (l.length > 100 ? `${l.slice(0, 97)}...` : l));
  console.log(clipped.map((l) => `   │ ${l}`).join('\n'));
  if (text.length > lines + 1) console.log(`   │ ... (${text.length - lines - 1} more lines)`);
};

console.log(bold('envseal demo') + dim(` — in ${dir}`));
sh('git', ['init', '-q', '-b', 'main']);

say('Set up the repository', 'envseal init creates a master key in .env.key (mode 0600) and makes .gitignore keep plaintext out.');
envseal('init');
if ((fs.statSync(path.join(dir, '.env.key')).mode & 0o777) !== 0o600) fail('.env.key is not mode 0600');

say('Write a .env', 'Start from the project\'s .env.example and fill its placeholders with random values.');
fs.writeFileSync(path.join(dir, '.env.example'), fs.readFileSync(path.join(ROOT, '.env.example')));
const plaintext = fillPlaceholders(fs.readFileSync(path.join(dir, '.env.example'), 'utf8'));
fs.writeFileSync(path.join(dir, '.env'), plaintext, { mode: 0o600 });
const values = dotenv.parse(plaintext);
console.log(`   .env has ${Object.keys(values).length} variables.`);

say('Seal it', 'Each value becomes a Fernet token (AES-128-CBC + HMAC-SHA256); names stay readable; a MAC covers the file.');
envseal('encrypt');
show('.env.encrypted');
const sealed = fs.readFileSync(path.join(dir, '.env.encrypted'), 'utf8');
for (const [name, value] of Object.entries(values)) if (value.length > 5 && sealed.includes(value)) fail(`${name}'s value is visible in .env.encrypted`);

say('Commit the sealed file', 'git status shows .env and .env.key as ignored: only .env.encrypted, .env.example and .gitignore are committed.');
sh('git', ['add', '.']);
const staged = sh('git', ['diff', '--cached', '--name-only'], { quiet: true }).stdout.trim().split('\n').sort();
console.log(`   staged: ${staged.join(', ')}`);
if (staged.includes('.env') || staged.includes('.env.key')) fail('plaintext or key was staged');
sh('git', ['commit', '-qm', 'Add sealed env'], { quiet: true });

say('Change one value', 'Unchanged values keep their ciphertext, so the diff is one line plus the MAC line.');
fs.writeFileSync(path.join(dir, '.env'), plaintext.replace('PORT=3000', 'PORT=8080'));
envseal('encrypt');
const diff = sh('git', ['diff', '--numstat', '.env.encrypted'], { quiet: true }).stdout.trim();
console.log(`   git diff --numstat: ${diff}`);
if (!/^2\t2\t/.test(diff)) fail(`expected 2 changed lines (the value and the MAC), got: ${diff}`);
sh('git', ['commit', '-qam', 'Change PORT'], { quiet: true });

say('A teammate clones and decrypts', 'Without .env, decrypt writes it back (mode 0600) from the sealed file and the key.');
fs.rmSync(path.join(dir, '.env'));
envseal('decrypt');
const reopened = dotenv.parse(fs.readFileSync(path.join(dir, '.env'), 'utf8'));
if (JSON.stringify(reopened) !== JSON.stringify({ ...values, PORT: '8080' })) fail('decrypted values differ from the originals');
console.log('   ✓ every value matches the original');

say('Rotate the master key', 'A new key, the file re-sealed and verified, the old file backed up, the rotation recorded in its history.');
envseal('rotate', '--reason', 'demo');
envseal('status');

say('Open it again with the new key', 'decrypt --stdout feeds a pipe; the demo compares the values instead of printing them.');
const afterRotation = dotenv.parse(envseal('decrypt', '--stdout').stdout);
if (JSON.stringify(afterRotation) !== JSON.stringify(reopened)) fail('values changed across rotation');
console.log('   ✓ same values under the new key');

console.log(`\n${bold('Demo complete.')} ${keep ? `Look around: ${dir}` : 'Cleaning up.'}`);
if (!keep) fs.rmSync(dir, { recursive: true, force: true });
