// The library as an application uses it: imported by package name from ES modules and CommonJS, type
// checked, preloaded with --import and -r, and free of CLI dependencies.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, TEST_KEY, OTHER_KEY, assertNoSecrets, cleanEnv, run, tempDir, write } from '../helpers/cli.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/library');
const STRIPE = 'sk_test_' + 'T3stOnlyNotReal' + '4eC39HqLyjWDarjt';
const PASSWORD = 's3cr3t-pw-for-tests';
const VALUES = { PORT: '3000', STRIPE_SECRET_KEY: STRIPE, DATABASE_URL: `postgres://app:${PASSWORD}@db/app` };

/** A project with sealed files and node_modules/envseal linked to this package, as after `npm install envseal`. */
function app() {
  const dir = tempDir('envseal-lib-');
  fs.mkdirSync(path.join(dir, '.git'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'envseal'), 'dir');
  for (const file of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, file), path.join(dir, file));
  write(path.join(dir, '.env'), `${Object.entries(VALUES).map(([k, v]) => `${k}=${v}`).join('\n')}\n`);
  assert.is(run(['encrypt'], { cwd: dir, env: { ENVSEAL_MASTER_KEY: TEST_KEY } }).code, 0);
  write(path.join(dir, '.env.production'), 'PORT=80\nONLY_IN_PRODUCTION=yes\n');
  assert.is(run(['encrypt', '--env', 'production'], { cwd: dir, env: { ENVSEAL_MASTER_KEY_PRODUCTION: OTHER_KEY } }).code, 0);
  fs.rmSync(path.join(dir, '.env'));
  fs.rmSync(path.join(dir, '.env.production'));
  return dir;
}

const KEYS = { ENVSEAL_MASTER_KEY: TEST_KEY, ENVSEAL_MASTER_KEY_PRODUCTION: OTHER_KEY };

function node(dir, args, env = KEYS) {
  const r = spawnSync(process.execPath, args, { cwd: dir, env: cleanEnv(env), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ---- ESM and CommonJS ---------------------------------------------------------------------------------

const modules = suite('library: ESM and CommonJS');

const expectations = (seen) => {
  assert.equal(seen.loadedNames, Object.keys(VALUES));
  assert.ok(seen.loadLeftEnvAlone, 'load() does not touch process.env');
  assert.equal(seen.configParsedNames, Object.keys(VALUES));
  assert.is(seen.configError, undefined);
  assert.is(seen.portAfterConfig, 'preset', 'existing variables win');
  assert.ok(seen.stripeMatches);
  assert.is(seen.overridePort, '3000', 'override: true replaces, into processEnv');
  assert.equal(seen.missing, { isEnvsealError: true, exitCode: 5, code: 'E_FILE_MISSING' });
  assert.is(seen.production, 'yes');
  assert.is(seen.loadThrows, 5);
  assert.is(seen.mask, 'sk_t…arjt');
  assert.is(seen.maskShort, '****');
  assert.is(seen.redacted, 'port=3000 key=sk_t…arjt url=postgres://app:****@db/app');
  assert.ok(seen.redactorStreams);
  assert.is(seen.fernet, 'round trip');
  assert.is(seen.fernetKeyIndex, 1);
  assert.ok(seen.invalidToken);
};

modules('import from an ES module', () => {
  const dir = app();
  const r = node(dir, ['app.mjs']);
  assert.is(r.code, 0, r.stderr);
  const seen = JSON.parse(r.stdout);
  assert.is(seen.moduleSystem, 'esm');
  assert.ok(seen.namedImports);
  expectations(seen);
  assert.is(r.stderr, '');
});

modules('require from CommonJS', () => {
  const dir = app();
  const r = node(dir, ['app.cjs']);
  assert.is(r.code, 0, r.stderr);
  const seen = JSON.parse(r.stdout);
  assert.is(seen.moduleSystem, 'cjs');
  expectations(seen);
  assert.is(r.stderr, '', 'no experimental warning for require(esm)');
});

modules('the published types check under strict TypeScript (nodenext resolution, @types/node as any Node app has)', () => {
  const dir = app();
  write(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: ['node'], skipLibCheck: false }, files: ['typed.ts'] }));
  fs.symlinkSync(path.join(ROOT, 'node_modules', '@types'), path.join(dir, 'node_modules', '@types'), 'dir');
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir, encoding: 'utf8' });
  assert.is(tsc.status, 0, tsc.stdout + tsc.stderr);
});

modules('config() never throws: a failure is { error }, reported in one line on stderr unless quiet', () => {
  const dir = app();
  const code = `
    const { config } = require('envseal');
    const loud = config();
    const quiet = config({ quiet: true });
    process.stdout.write(JSON.stringify({ loud: loud.error.code, quiet: quiet.error.exitCode, parsed: loud.parsed }));`;
  const r = node(dir, ['-e', code], {});
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { loud: 'E_KEY_MISSING', quiet: 3 });
  const lines = r.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0], /^\[envseal\] values not loaded: no master key found for .*\.env\.encrypted.*\(fix: Set ENVSEAL_MASTER_KEY/);
});

modules('the library never prints a value, even when the key is wrong', () => {
  const dir = app();
  const r = node(dir, ['-e', "require('envseal').config(); require('envseal').config({ env: 'production' })"], { ENVSEAL_MASTER_KEY: OTHER_KEY, ENVSEAL_MASTER_KEY_PRODUCTION: TEST_KEY });
  assert.match(r.stderr, /sealed with key/);
  assertNoSecrets(r.stdout + r.stderr, [STRIPE, PASSWORD, TEST_KEY, OTHER_KEY]);
});

modules.run();

// ---- preload ---------------------------------------------------------------------------------------------

const preload = suite('library: preload entry');

for (const [how, flag] of [['--import (ESM)', '--import'], ['-r (CommonJS)', '-r']]) {
  preload(`node ${flag} envseal/config fills process.env before the app starts`, () => {
    const dir = app();
    const r = node(dir, [flag, 'envseal/config', 'print-env.cjs'], KEYS);
    assert.is(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout), { PORT: '3000', STRIPE_SECRET_KEY_SET: true }, how);
    assert.is(r.stderr, '');
  });

  preload(`node ${flag} envseal/config reads its options from ENVSEAL_CONFIG_*`, () => {
    const dir = app();
    const production = node(dir, [flag, 'envseal/config', 'print-env.cjs'], { ...KEYS, ENVSEAL_CONFIG_ENV: 'production', PORT: '1' });
    assert.equal(JSON.parse(production.stdout), { PORT: '1', STRIPE_SECRET_KEY_SET: false, ONLY_IN_PRODUCTION: 'yes' }, how);
    const override = node(dir, [flag, 'envseal/config', 'print-env.cjs'], { ...KEYS, ENVSEAL_CONFIG_OVERRIDE: flag === '-r' ? 'true' : '1', PORT: '1' });
    assert.is(JSON.parse(override.stdout).PORT, '3000');
    const byPath = node(dir, [flag, 'envseal/config', 'print-env.cjs'], { ENVSEAL_MASTER_KEY: OTHER_KEY, ENVSEAL_CONFIG_PATH: '.env.production.encrypted' });
    assert.is(JSON.parse(byPath.stdout).ONLY_IN_PRODUCTION, 'yes');
  });

  preload(`node ${flag} envseal/config: a failure is reported and the app still runs`, () => {
    const dir = app();
    const r = node(dir, [flag, 'envseal/config', 'print-env.cjs'], {});
    assert.is(r.code, 0);
    assert.equal(JSON.parse(r.stdout), { STRIPE_SECRET_KEY_SET: false });
    assert.match(r.stderr, /\[envseal\] values not loaded: no master key found/);
    const quiet = node(dir, [flag, 'envseal/config', 'print-env.cjs'], { ENVSEAL_CONFIG_QUIET: 'true' });
    assert.is(quiet.stderr, '');
  });
}

preload.run();

// ---- cost of importing -------------------------------------------------------------------------------------

const cost = suite('library: import cost');

/** Files reachable from `entry` through static imports and re-exports (dynamic import() is lazy). */
function staticGraph(entry) {
  const seen = new Set();
  const external = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = fs.readFileSync(file, 'utf8');
    for (const [, specifier] of source.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)';/gms)) {
      if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier));
      else external.add(specifier);
    }
    for (const [, specifier] of source.matchAll(/^import\s+'([^']+)';/gm)) external.add(specifier);
  };
  visit(entry);
  return { files: [...seen].map((f) => path.relative(path.join(ROOT, 'dist'), f)), external: [...external] };
}

cost('import "envseal" loads no CLI module and no npm dependency, only Node built-ins', () => {
  for (const entry of ['index.js', 'config.js']) {
    const { files, external } = staticGraph(path.join(ROOT, 'dist', entry));
    assert.ok(files.length > 3, 'the import scan found the graph');
    assert.equal(files.filter((f) => f.startsWith('cli/')), [], entry);
    assert.equal(external.filter((s) => !s.startsWith('node:')), [], entry);
  }
});

cost.run();
