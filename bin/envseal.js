#!/usr/bin/env node
'use strict';
// envseal's command line. The CLI is one CommonJS bundle (dist/cli.cjs: one file to load instead of
// dozens of modules), and its compiled code is kept in a per-user V8 code cache, so every run after the
// first skips compiling it. That is about a tenth of a commit hook's run (docs/ARCHITECTURE.md).
// `hooks run`, which git runs on every commit, has a bundle of its own, dist/hook.cjs, a third of the
// size, and so has `decrypt`, dist/data.cjs; each hands any argv it does not take to the whole CLI.
const fs = require('node:fs');
const path = require('node:path');
// SIGUSR1 would make Node open a debugger on 127.0.0.1:9229, where any local user could read the keys
// and values this process holds. A listener, installed before anything is decrypted, keeps it closed
// (`envseal run` passes SIGUSR1 on to its command); debug with `node --inspect` instead.
process.on('SIGUSR1', () => {});

/**
 * Caches kept at most, newest first: enough for every bundle of the few builds and Node versions one
 * user runs in turn (a global install and a project's), while the builds of past upgrades go.
 */
const MAX_CACHES = 16;

/** `name`'s bundle (dist/<name>.cjs): its exports, and `save` when its code cache is to be written. */
function load(name) {
  const bundle = path.join(__dirname, '..', 'dist', `${name}.cjs`);
  const Module = require('node:module');
  if (typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache(); // Node 22+: Node keeps the cache itself.
    return { exports: require(bundle) };
  }
  const dir = privateCacheDir();
  if (!dir || process.env.ENVSEAL_NO_COMPILE_CACHE) return { exports: require(bundle) };
  const vm = require('node:vm');
  const source = fs.readFileSync(bundle, 'utf8');
  const stat = fs.statSync(bundle);
  const cacheFile = path.join(dir, `${name}-${process.version}-${process.arch}-${stat.size}-${Math.floor(stat.mtimeMs)}.v8`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // first run with this build and this Node: compile, and save the cache when done
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: bundle,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(bundle), module, bundle, path.dirname(bundle));
  const save = cachedData === undefined || script.cachedDataRejected ? () => saveCache(script, cacheFile) : undefined;
  return { exports: module.exports, save };
}

/**
 * The cache directory, or undefined when it cannot be trusted. Code caches are executable, so the
 * directory must be the user's own and writable by nobody else.
 */
function privateCacheDir() {
  if (typeof process.getuid !== 'function') return undefined;
  const base = process.env.XDG_CACHE_HOME || (process.env.HOME && path.join(process.env.HOME, '.cache'));
  if (!base || !path.isAbsolute(base)) return undefined;
  const dir = path.join(base, 'envseal');
  try {
    // Made only when missing: every run would otherwise pay for a mkdir that finds it there.
    const stat = fs.lstatSync(dir, { throwIfNoEntry: false }) ?? (fs.mkdirSync(dir, { recursive: true, mode: 0o700 }), fs.lstatSync(dir));
    return stat.isDirectory() && stat.uid === process.getuid() && (stat.mode & 0o022) === 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}

function saveCache(script, cacheFile) {
  try {
    const temp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(temp, cacheFile);
    pruneCaches(path.dirname(cacheFile));
  } catch {
    // a cache is an optimisation: failing to write or prune one changes nothing
  }
}

/** Runs only when a cache was written (once per build), so a run that uses one pays nothing for it. */
function pruneCaches(dir) {
  const caches = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.v8'))
    .map((f) => ({ file: path.join(dir, f), mtime: fs.statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { file } of caches.slice(MAX_CACHES)) fs.rmSync(file, { force: true });
}

async function main(argv) {
  // A bundle of its own for what runs most (its entry says which argv it takes; undefined: not this one).
  const own = argv[0] === 'hooks' && argv[1] === 'run' ? 'hook' : argv[0] === 'decrypt' ? 'data' : undefined;
  if (own) {
    const bundle = load(own);
    const code = await bundle.exports.main(argv);
    if (code !== undefined) return { code, save: bundle.save };
  }
  const cli = load('cli');
  return { code: await cli.exports.main(argv), save: cli.save };
}

main(process.argv.slice(2)).then(({ code, save }) => {
  process.exitCode = code;
  save?.();
});
