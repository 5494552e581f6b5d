#!/usr/bin/env node
// `npm run build`: compile src/ with tsc into dist/ (the library, its types, and the modules tests
// import), then bundle the CLI into one CommonJS file, dist/cli.cjs, `hooks run` alone into a smaller
// one, dist/hook.cjs, and `decrypt` alone into dist/data.cjs; bin/envseal.js loads each through a V8
// code cache. One file to read and compile is what keeps the commit hook near Node's own start-up
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

/** Built-ins required on first use, not when the bundle loads: a commit hook with nothing to decrypt never needs them. */
const LAZY_BUILTINS = new Set(['node:crypto', 'node:tty']);

/** A built-in's export names, as this Node has them (the types allow only names Node 20 has). */
const exportNames = (builtin) => Object.keys(require(builtin)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));

/**
 * Each of Node's built-in modules is required once per bundle and its properties read where they are
 * used: left to itself, esbuild gives every `import * as fs from 'node:fs'` of every module its own
 * copy of fs's properties, a millisecond or two of the hook's start-up. A lazy built-in's exports
 * are getters that require it on first read.
 */
const builtinsOnce = {
  name: 'builtins-once',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) =>
      args.namespace === 'file' && args.kind === 'import-statement' ? { path: args.path, namespace: 'builtin' } : { path: args.path, external: true },
    );
    build.onResolve({ filter: /^lazy:node:/ }, (args) => ({ path: args.path.slice('lazy:'.length), namespace: 'lazy-builtin' }));
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `export { ${exportNames(args.path).join(', ')} } from ${JSON.stringify(LAZY_BUILTINS.has(args.path) ? `lazy:${args.path}` : args.path)};`,
      loader: 'js',
    }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents:
        `let loaded;\nfor (const name of ${JSON.stringify(exportNames(args.path))}) ` +
        `Object.defineProperty(exports, name, { enumerable: true, get: () => (loaded ??= require(${JSON.stringify(args.path)}))[name] });\n`,
      loader: 'js',
    }));
  },
};

/**
 * For dist/data.cjs: the command table's loaders of every command but decrypt stay references to
 * modules outside the bundle. Its entry (src/cli/data-main.ts) runs decrypt only, so they are never
 * called, and the bundle holds a quarter of the CLI.
 */
const onlyDataCommands = {
  name: 'only-data-commands',
  setup(build) {
    build.onResolve({ filter: /^\.\/commands\// }, (args) =>
      args.kind === 'dynamic-import' && args.path !== './commands/decrypt.js' ? { path: args.path, external: true } : undefined,
    );
  },
};

const { build } = require('esbuild');
// dist/cli.cjs is the whole CLI; dist/hook.cjs only `hooks run`, which git runs on every commit, so it
// leaves out the command table, the parsers and the other commands (src/cli/hook-main.ts); dist/data.cjs
// only `decrypt`, which CI and deploy scripts run first (src/cli/data-main.ts).
const bundles = [
  ['dist/cli/main.js', 'dist/cli.cjs', []],
  ['dist/cli/hook-main.js', 'dist/hook.cjs', []],
  ['dist/cli/data-main.js', 'dist/data.cjs', [onlyDataCommands]],
];
await Promise.all(
  bundles.map(([entry, bundle, plugins]) =>
    build({
      entryPoints: [path.join(root, entry)],
      outfile: path.join(root, bundle),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // Dependencies (yargs, ora, dotenv, ignore) stay in node_modules: they load only when a command needs them.
      packages: 'external',
      plugins: [builtinsOnce, ...plugins],
      // A smaller file to read, and to hold in memory twice while V8 compiles it. Names are kept, so a
      // stack trace (ENVSEAL_DEBUG=1) still names its functions.
      minifyWhitespace: true,
      minifySyntax: true,
      // Lazy `await import()` of envseal's own modules becomes a plain require inside the bundle, so a
      // command's module is only evaluated when it runs, without a second file to load.
      supported: { 'dynamic-import': false },
      // Code written as ESM reads import.meta.url (package-root.ts, createRequire); in the bundle it is the bundle's URL.
      define: { 'import.meta.url': '__envsealImportMeta.url' },
      inject: [path.join(root, 'scripts/cjs-import-meta.js')],
      logLevel: 'warning',
    }),
  ),
);
