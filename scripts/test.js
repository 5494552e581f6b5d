#!/usr/bin/env node
// `npm test` (and test:unit, test:e2e): uvu's runner, made unable to report a pass that did not happen.
//
//   node scripts/test.js [--dir DIR] [unit|e2e|all] [name filter]
//
// uvu 0.5 returns from a `finally` in its suite runner, so an exception in `test.before` vanishes: the
// suite prints "(0 / 5)" and the run exits 0. This runner drives uvu's queue itself and fails the run
// when a suite ran fewer tests than it declared, naming the suite and, when it can, the error. A test
// that needs an absent tool (test/helpers/tools.js) is reported as skipped with the reason; with
// CI=true a skip fails the run too, since CI installs every such tool (.ci/run).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
// --dir: another tree of tests (the runner's own tests point it at fixtures).
const dirFlag = argv[0] === '--dir' ? argv.splice(0, 2)[1] : undefined;
const testDir = path.resolve(dirFlag ?? path.join(root, 'test'));
const [which = 'all', filter = ''] = argv;
if (!['unit', 'e2e', 'all'].includes(which)) {
  console.error(`usage: node scripts/test.js [--dir DIR] [unit|e2e|all] [filter]`);
  process.exit(2);
}

/** Test files, sorted; e2e tests (the built CLI as a child process, real git) live in test/e2e. */
function testFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' || entry.name === 'helpers' ? [] : testFiles(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  });
}
const files = testFiles(testDir)
  .map((file) => path.relative(testDir, file))
  .filter((file) => which === 'all' || (which === 'e2e') === file.startsWith(`e2e${path.sep}`))
  .filter((file) => file.includes(filter))
  .sort();

/*
 * The error a suite's hooks threw, captured where uvu would lose it. uvu binds each suite's runner to
 * a copy of the suite's context when the file calls `test.run()`; catching that bind is the one place
 * the hooks can be wrapped without changing how tests are written.
 */
const hookErrors = new Map();
const bind = Function.prototype.bind;
// eslint-disable-next-line no-extend-native
Function.prototype.bind = function (thisArg, ...args) {
  const [ctx, name] = args;
  if (this.name === 'runner' && ctx && Array.isArray(ctx.before) && Array.isArray(ctx.after)) {
    for (const kind of ['before', 'after']) {
      ctx[kind] = ctx[kind].map((hook) => async (state) => {
        try {
          await hook(state);
        } catch (error) {
          hookErrors.set(ctx, { kind, name, error });
          throw error;
        }
      });
    }
    const bound = bind.call(this, thisArg, ...args);
    return Object.assign(async () => [...(await bound()), hookErrors.get(ctx)], { ctx });
  }
  return bind.call(this, thisArg, ...args);
};

/*
 * Every temp directory the tests and their child processes make (os.tmpdir() reads TMPDIR on each
 * call) goes under one directory per run, removed at the end: a full run makes thousands, and they
 * filled gigabytes of /tmp when each test was trusted to clean up. ENVSEAL_KEEP_TMP=1 keeps it.
 */
const runTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'envseal-tests-'));
// Traversable, as /tmp is: the permission tests run the CLI as another user in a directory under it.
fs.chmodSync(runTmp, 0o711);
process.env.TMPDIR = runTmp;

globalThis.UVU_DEFER = 1;
globalThis.ENVSEAL_TEST_SKIPS = [];
await import('uvu');
const queue = globalThis.UVU_QUEUE;
for (const [index, file] of files.entries()) {
  globalThis.UVU_INDEX = index;
  queue.push([file]);
  globalThis.ENVSEAL_TEST_FILE = file;
  await import(pathToFileURL(path.join(testDir, file)).href);
}
Function.prototype.bind = bind;

const started = process.hrtime.bigint();
let total = 0;
let passed = 0;
let skipped = 0;
const failures = [];
const notRun = [];
for (const group of queue) {
  const file = group.shift();
  process.stdout.write(`\n${file}\n`);
  for (const suite of group) {
    let outcome;
    try {
      outcome = await suite();
    } catch (error) {
      // A throwing test.after escapes uvu's finally: the suite's tests may have run, its clean-up did not.
      failures.push(`FAIL ${file}: test.after threw\n${error?.stack ?? String(error)}`);
      continue;
    }
    const [errors, ran, skips, declared, hookError] = outcome;
    total += declared;
    passed += ran;
    skipped += skips;
    if (errors !== true) failures.push(errors);
    else if (ran < declared || hookError) notRun.push({ file, ran, declared, hookError });
  }
}

const skips = globalThis.ENVSEAL_TEST_SKIPS;
const ci = /^(?:true|1)$/i.test(process.env.CI ?? '');
for (const failure of failures) process.stdout.write(`\n${failure}\n`);
for (const { file, ran, declared, hookError } of notRun) {
  const where = hookError ? `${hookError.name ? `suite "${hookError.name}" ` : ''}test.${hookError.kind} threw` : 'a hook threw';
  process.stdout.write(`\nFAIL ${file}: ${where}, so ${declared - ran} of ${declared} tests never ran\n`);
  if (hookError) process.stdout.write(`${hookError.error?.stack ?? String(hookError.error)}\n`);
}
if (skips.length > 0) {
  process.stdout.write(`\n${ci ? 'FAIL (CI=true: CI installs every tool the tests need)' : 'SKIPPED'}:\n`);
  for (const skip of skips) process.stdout.write(`  ${skip.file}: ${skip.test}: ${skip.reason}\n`);
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(`\n  Total:     ${total + skipped}\n  Passed:    ${passed}\n  Skipped:   ${skipped}\n  Duration:  ${(ms / 1000).toFixed(1)} s\n\n`);
if (process.env.ENVSEAL_KEEP_TMP === '1') process.stdout.write(`  Temp files kept in ${runTmp}\n\n`);
else fs.rmSync(runTmp, { recursive: true, force: true, maxRetries: 3 });
const ok = failures.length === 0 && notRun.length === 0 && !(ci && skips.length > 0) && files.length > 0;
process.exitCode = ok ? 0 : 1;
