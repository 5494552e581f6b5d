// bin/envseal.js: the bundled CLI through a per-user V8 code cache that only a private directory may hold.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_KEY, gitRepo, mode, run, tempDir, write } from '../helpers/cli.js';

const cacheFiles = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.v8')) : []);

test('the first run writes a private cache; later runs use it, including paths that load yargs lazily', () => {
  const home = tempDir('envseal-cache-');
  const env = { XDG_CACHE_HOME: home };
  assert.is(run(['keygen'], { env }).code, 0);
  const dir = path.join(home, 'envseal');
  assert.is(mode(dir), 0o700);
  const [file] = cacheFiles(dir);
  assert.ok(file, 'a cache file was written');
  assert.is(mode(path.join(dir, file)), 0o600);
  const before = fs.statSync(path.join(dir, file)).mtimeMs;
  // With the cache: a plain command, and --help, which loads yargs through a dynamic import.
  assert.is(run(['keygen'], { env }).code, 0);
  const help = run(['encrypt', '--help'], { env });
  assert.is(help.code, 0, help.stderr);
  assert.match(help.stdout, /Examples:/);
  assert.is(run(['encrypt', '--bogus'], { env }).code, 2, 'usage errors come from yargs, through the cache');
  assert.is(fs.statSync(path.join(dir, file)).mtimeMs, before, 'an accepted cache is not rewritten');
});

test('writing a cache prunes the oldest, past 16: past builds go, other files stay', () => {
  const home = tempDir('envseal-cache-');
  const dir = path.join(home, 'envseal');
  fs.mkdirSync(dir, { mode: 0o700 });
  for (let i = 0; i < 20; i++) {
    const old = path.join(dir, `cli-v20.0.0-x64-1-${i}.v8`);
    fs.writeFileSync(old, 'stale', { mode: 0o600 });
    fs.utimesSync(old, 1_000_000 + i, 1_000_000 + i);
  }
  write(path.join(dir, 'notes.txt'), 'not a cache\n');
  assert.is(run(['keygen'], { env: { XDG_CACHE_HOME: home } }).code, 0);
  const left = cacheFiles(dir);
  assert.is(left.length, 16);
  assert.ok(left.some((f) => f.includes(`-${process.version}-`)), 'the new cache is kept');
  assert.not.ok(left.includes('cli-v20.0.0-x64-1-4.v8'), 'the oldest went');
  assert.ok(left.includes('cli-v20.0.0-x64-1-19.v8'), 'the newest old ones stay');
  assert.ok(fs.existsSync(path.join(dir, 'notes.txt')));
});

test('a cache directory others can write to is never used', () => {
  const home = tempDir('envseal-cache-');
  const dir = path.join(home, 'envseal');
  fs.mkdirSync(dir, { mode: 0o777 });
  fs.chmodSync(dir, 0o777);
  assert.is(run(['keygen'], { env: { XDG_CACHE_HOME: home } }).code, 0);
  assert.equal(cacheFiles(dir), []);
});

test('ENVSEAL_NO_COMPILE_CACHE turns the cache off', () => {
  const home = tempDir('envseal-cache-');
  assert.is(run(['keygen'], { env: { XDG_CACHE_HOME: home, ENVSEAL_NO_COMPILE_CACHE: '1' } }).code, 0);
  assert.equal(cacheFiles(path.join(home, 'envseal')), []);
});

test('hooks run loads the hook bundle, with a cache of its own; argv it does not take runs the whole CLI', () => {
  const home = tempDir('envseal-cache-');
  const env = { XDG_CACHE_HOME: home };
  const dir = gitRepo('envseal-launcher-');
  write(path.join(dir, 'app.js'), 'export const port = 3000;\n');
  assert.is(run(['add', '--', 'app.js'], { cwd: dir, env }).code, 2, 'not a command: the whole CLI says so');
  const bundles = () => cacheFiles(path.join(home, 'envseal')).map((f) => f.split('-')[0]).sort();
  assert.equal(bundles(), ['cli']);
  fs.rmSync(path.join(home, 'envseal'), { recursive: true });
  const clean = run(['hooks', 'run', 'pre-commit'], { cwd: dir, env });
  assert.is(clean.code, 0, clean.stderr);
  assert.equal(bundles(), ['hook'], 'only the hook bundle ran');
  // An option (the hook bundle takes none), a hook that does not exist, a missing hook name: the whole
  // CLI answers, as it would without the hook bundle.
  const optioned = run(['hooks', 'run', 'pre-commit', '--no-inline-allow'], { cwd: dir, env });
  assert.is(optioned.code, 0, optioned.stderr);
  assert.equal(bundles(), ['cli', 'hook']);
  const unknown = run(['hooks', 'run', 'post-commit'], { cwd: dir, env });
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /unknown hook "post-commit"/);
  const missing = run(['hooks', 'run'], { cwd: dir, env });
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /non-option arguments/, 'the usage error comes from yargs');
});

test('decrypt loads the data bundle, with a cache of its own; argv it does not take runs the whole CLI', () => {
  const home = tempDir('envseal-cache-');
  const dir = tempDir('envseal-launcher-');
  fs.mkdirSync(path.join(dir, '.git'));
  write(path.join(dir, '.env'), 'PORT=3000\n');
  const env = { XDG_CACHE_HOME: home, ENVSEAL_MASTER_KEY: TEST_KEY };
  assert.is(run(['encrypt', '-q'], { cwd: dir, env }).code, 0);
  const bundles = () => cacheFiles(path.join(home, 'envseal')).map((f) => f.split('-')[0]).sort();
  fs.rmSync(path.join(home, 'envseal'), { recursive: true });
  const opened = run(['decrypt', '--stdout'], { cwd: dir, env });
  assert.is(opened.code, 0, opened.stderr);
  assert.is(opened.stdout, 'PORT=3000\n');
  assert.equal(bundles(), ['data'], 'only the data bundle ran');
  // --help and a usage error: the whole CLI answers, as it would without the data bundle.
  const help = run(['decrypt', '--help'], { cwd: dir, env });
  assert.is(help.code, 0, help.stderr);
  assert.match(help.stdout, /Examples:/);
  assert.equal(bundles(), ['cli', 'data']);
  const bogus = run(['decrypt', '--bogus'], { cwd: dir, env });
  assert.is(bogus.code, 2);
  assert.match(bogus.stderr, /bogus/);
});

test('--version answers without loading the parser', () => {
  const { version } = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const r = run(['--version']);
  assert.is(r.stdout, `${version}\n`);
});

test.run();
