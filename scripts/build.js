#!/usr/bin/env node
// `npm run build`: compile src/ with tsc into dist/ (the library, its types, and the modules tests
// import), then bundle the CLI into one CommonJS file, dist/cli.cjs, which bin/envseal.js loads through
// a V8 code cache. One file to read and compile is what keeps the commit hook near Node's own start-up
// (docs/ARCHITECTURE.md, "One bundle, compiled once").
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

// typescript's package exports no bin path, so its tsc is found beside its package.json.
const tscBin = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
const tsc = spawnSync(process.execPath, [tscBin, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const { buildSync } = require('esbuild');
buildSync({
  entryPoints: [path.join(root, 'dist/cli/main.js')],
  outfile: path.join(root, 'dist/cli.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Dependencies (yargs, ora, dotenv, ignore) stay in node_modules: they load only when a command needs them.
  packages: 'external',
  // Lazy `await import()` of envseal's own modules becomes a plain require inside the bundle, so a
  // command's module is only evaluated when it runs, without a second file to load.
  supported: { 'dynamic-import': false },
  // Code written as ESM reads import.meta.url (package-root.ts, createRequire); in the bundle it is the bundle's URL.
  define: { 'import.meta.url': '__envsealImportMetaUrl' },
  inject: [path.join(root, 'scripts/cjs-import-meta.js')],
  logLevel: 'warning',
});
