// The path a user takes: `npm pack`, install the tarball into a fresh project (no devDependencies come
// along), and use envseal there through npx, its git hooks and its library.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, assertNoSecrets, cleanEnv, tempDir, write } from '../helpers/cli.js';

const SECRET = 'Pkg-Test-Secret-Value-8f7e6d5c4b3a';

function sh(cwd, command, args, { env = {}, input } = {}) {
  const r = spawnSync(command, args, { cwd, env: cleanEnv(env), encoding: 'utf8', input, timeout: 180_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, output: r.stdout + r.stderr };
}

let project;
let tarball;

test.before(() => {
  const packDir = tempDir('envseal-pack-');
  // dist/ is already built by `npm test`; packing must not run lifecycle scripts again.
  const pack = sh(ROOT, 'npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir]);
  assert.is(pack.code, 0, pack.stderr);
  const [info] = JSON.parse(pack.stdout);
  tarball = path.join(packDir, info.filename);
  const files = info.files.map((f) => f.path);
  assert.ok(['bin/envseal.js', 'dist/cli.cjs', 'dist/hook.cjs', 'dist/data.cjs', 'hooks/pre-commit'].every((f) => files.includes(f)), 'ships what runs');
  assert.not.ok(files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('bench/')), 'ships nothing else');

  project = tempDir('envseal-consumer-');
  write(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  assert.is(sh(project, 'git', ['init', '-q', '-b', 'main']).code, 0);
  const install = sh(project, 'npm', ['install', '-D', '--no-audit', '--no-fund', '--prefer-offline', tarball]);
  assert.is(install.code, 0, install.output);
});

test('installs with its runtime dependencies only', () => {
  const modules = fs.readdirSync(path.join(project, 'node_modules'));
  for (const dev of ['typescript', 'uvu', 'esbuild', 'fast-check', 'fernet', 'husky', '@dotenvx', 'simple-git']) assert.not.ok(modules.includes(dev), `${dev} is not installed`);
  for (const dep of ['yargs', 'dotenv', 'ora']) assert.ok(modules.includes(dep), `${dep} is installed`);
  const manifest = JSON.parse(fs.readFileSync(path.join(project, 'node_modules/envseal/package.json'), 'utf8'));
  for (const script of ['preinstall', 'install', 'postinstall']) assert.is(manifest.scripts?.[script], undefined, `no ${script} script`);
});

test('npx envseal: init, encrypt, decrypt, run, and a commit the hook blocks', () => {
  const npx = (args, options) => sh(project, 'npx', ['--no-install', 'envseal', ...args], options);
  const init = npx(['init']);
  assert.is(init.code, 0, init.output);
  assert.match(init.stderr, /hooks/);
  write(path.join(project, '.env'), `API_SECRET=${SECRET}\nPORT=3000\n`);
  assert.is(npx(['encrypt']).code, 0);
  const opened = npx(['decrypt', '--stdout']);
  assert.is(opened.code, 0, opened.stderr);
  assert.match(opened.stdout, new RegExp(`API_SECRET=${SECRET}`));
  const ran = npx(['run', '--', process.execPath, '-e', 'process.stdout.write(String(process.env.API_SECRET.length))']);
  assert.is(ran.stdout, String(SECRET.length));
  const hooks = npx(['hooks', 'install']);
  assert.is(hooks.code, 0, hooks.output);
  assert.match(hooks.stderr, /pre-commit: already installed/, 'init installed them; install is idempotent');
  assert.is(npx(['hooks', 'status']).code, 0);
  assert.is(sh(project, 'git', ['add', '.env.encrypted', '.gitignore', 'package.json']).code, 0);
  const ok = sh(project, 'git', ['commit', '-qm', 'sealed']);
  assert.is(ok.code, 0, ok.output);
  assert.is(sh(project, 'git', ['add', '-f', '.env']).code, 0);
  const blocked = sh(project, 'git', ['commit', '-qm', 'plaintext']);
  assert.is(blocked.code, 1, blocked.output);
  assert.match(blocked.stderr, /plaintext-env-file/);
  assertNoSecrets(blocked.output, [SECRET]);
});

test('the library from ESM and CommonJS, with types', () => {
  const esm = sh(project, process.execPath, ['--input-type=module', '-e', "import { load, mask } from 'envseal'; const v = load(); process.stdout.write(mask(v.API_SECRET) + ' ' + v.PORT);"]);
  assert.is(esm.code, 0, esm.stderr);
  assert.is(esm.stdout, 'Pkg-…4b3a 3000', 'a 34-character secret masks to its first and last 4 characters');
  const cjs = sh(project, process.execPath, ['-e', "const { config } = require('envseal'); const r = config({ quiet: true }); process.stdout.write(String(process.env.PORT) + ' ' + Object.keys(r.parsed).length);"]);
  assert.is(cjs.code, 0, cjs.stderr);
  assert.is(cjs.stdout, '3000 2');
  const preload = sh(project, process.execPath, ['--import', 'envseal/config', '-e', 'process.stdout.write(process.env.PORT)']);
  assert.is(preload.stdout, '3000', preload.stderr);
  assert.ok(fs.existsSync(path.join(project, 'node_modules/envseal/dist/index.d.ts')));
});

test.run();
