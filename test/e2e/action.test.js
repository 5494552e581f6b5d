// The GitHub Action (action.yml), run the way the runner runs a composite action: each step's `if:`,
// `env:` and `working-directory:` evaluated, its `run:` script run by bash with the runner's flags and
// its GITHUB_* files, the files read back after the step as the runner reads them (GITHUB_ENV and
// GITHUB_PATH into later steps, GITHUB_OUTPUT into the step's outputs, `::add-mask::` from stdout).
// The repositories are real: a bare remote, a clone as actions/checkout leaves it (shallow too), the
// pushed range from a push or pull_request event payload.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as YAML from 'yaml';
import { OTHER_KEY, ROOT, TEST_KEY, cleanEnv, copyWorkingTree, git, gitRepo, read, run, tempDir, write } from '../helpers/cli.js';
import { masksIn, parseGithubEnv } from '../helpers/github.js';

const ACTION = YAML.parse(read(path.join(ROOT, 'action.yml')), { strict: true, uniqueKeys: true });

// ---- the runner -----------------------------------------------------------------------------------------

/** `${{ a.b.c }}` for the contexts a composite action's fields use here; anything else is a test error. */
function evaluate(expression, contexts) {
  const match = /^\s*(inputs|github|steps)((?:\.[\w-]+)+)\s*$/.exec(expression);
  if (!match) throw new Error(`the test runner does not evaluate \${{ ${expression} }}`);
  let value = contexts[match[1]];
  for (const key of match[2].slice(1).split('.')) value = value?.[key];
  // The runner turns a missing property into '' and other values into their string form.
  return value === undefined || value === null ? '' : String(value);
}

const substitute = (text, contexts) => String(text).replace(/\$\{\{(.*?)\}\}/g, (_, expression) => evaluate(expression, contexts));

/** `if:` as the action writes it: `inputs.NAME == 'value'` (GitHub compares strings ignoring case). */
function condition(expression, contexts) {
  if (expression === undefined) return true;
  const match = /^inputs\.([\w-]+) == '([^']*)'$/.exec(String(expression).trim());
  if (!match) throw new Error(`the test runner does not evaluate if: ${expression}`);
  return evaluate(`inputs.${match[1]}`, contexts).toLowerCase() === match[2].toLowerCase();
}

/**
 * Runs the action with `inputs` (the `with:` of a workflow step) in the checkout `workspace`, for the
 * event `eventName` with payload `event`. Returns every step's result, the masks registered, the
 * variables later steps of the job get, the action's outputs and the job summary.
 */
function runAction({ workspace, inputs = {}, eventName = 'push', event = {}, ref = 'refs/heads/main', env = {}, actionPath = ROOT }) {
  const runner = tempDir('envseal-runner-');
  const eventPath = path.join(runner, 'event.json');
  write(eventPath, JSON.stringify(event));
  const contexts = {
    inputs: Object.fromEntries(Object.entries(ACTION.inputs).map(([name, spec]) => [name, inputs[name] ?? spec.default ?? ''])),
    github: { event, event_name: eventName, ref, action_path: actionPath, workspace },
    steps: {},
  };
  const jobEnv = {};
  const paths = [];
  const result = { steps: [], masks: [], jobEnv, paths, summary: '', files: '', runnerTemp: runner };
  for (const [index, step] of ACTION.runs.steps.entries()) {
    if (!condition(step.if, contexts)) {
      result.steps.push({ name: step.name, skipped: true });
      continue;
    }
    const files = Object.fromEntries(['GITHUB_ENV', 'GITHUB_OUTPUT', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY'].map((name) => [name, path.join(runner, `${name}_${index}`)]));
    for (const file of Object.values(files)) write(file, '');
    const script = path.join(runner, `step_${index}.sh`);
    write(script, step.run);
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, substitute(value, contexts)]));
    const base = cleanEnv({ HOME: runner, CI: 'true', GITHUB_ACTIONS: 'true', ...env });
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: path.resolve(workspace, substitute(step['working-directory'] ?? '.', contexts)),
      env: {
        ...base,
        ...jobEnv,
        ...stepEnv,
        ...files,
        PATH: [...paths, base.PATH].join(':'),
        GITHUB_ACTION_PATH: actionPath,
        GITHUB_WORKSPACE: workspace,
        GITHUB_EVENT_NAME: eventName,
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_REF: ref,
        RUNNER_TEMP: runner,
      },
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (r.error) throw r.error;
    const written = Object.fromEntries(Object.entries(files).map(([name, file]) => [name, read(file)]));
    Object.assign(jobEnv, parseGithubEnv(written.GITHUB_ENV));
    paths.unshift(...written.GITHUB_PATH.split('\n').filter(Boolean).reverse());
    if (step.id) contexts.steps[step.id] = { outputs: parseGithubEnv(written.GITHUB_OUTPUT) };
    result.masks.push(...masksIn(r.stdout));
    result.summary += written.GITHUB_STEP_SUMMARY;
    result.files += Object.values(written).join('\n');
    result.steps.push({ name: step.name, code: r.status, stdout: r.stdout, stderr: r.stderr });
    // A failed step ends a composite action: the steps after it do not run.
    if (r.status !== 0) break;
  }
  result.outputs = Object.fromEntries(Object.entries(ACTION.outputs).map(([name, { value }]) => [name, substitute(value, contexts)]));
  result.failed = result.steps.find((s) => s.code !== undefined && s.code !== 0);
  result.step = (name) => result.steps.find((s) => s.name.startsWith(name));
  return result;
}

/**
 * No step printed `secret` (but in the `::add-mask::` command that hides it) nor put it in the summary;
 * with `files`, no GITHUB_* file holds it either (values belong in GITHUB_ENV, a key nowhere).
 */
function assertNeverShown(result, secret, what, { files = true } = {}) {
  for (const step of result.steps.filter((s) => !s.skipped)) {
    const printed = step.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::')).join('\n') + step.stderr;
    assert.not.ok(printed.includes(secret), `${step.name}: ${what} in its output`);
  }
  assert.not.ok(result.summary.includes(secret), `${what} in the summary`);
  if (files) assert.not.ok(result.files.includes(secret), `${what} in a GITHUB_* file`);
}

// ---- repositories ---------------------------------------------------------------------------------------

const random = (length) => randomBytes(length).toString('base64url').slice(0, length);
/** A GitHub token shape the detector reports, made at run time (no such literal in this file). */
const token = () => `gh${'p_'}${random(36).replace(/[-_]/g, 'x')}`;

const VALUES = {
  DATABASE_URL: `postgres://app:${random(20)}@db.internal:5432/app`,
  SESSION_SECRET: random(40),
  PRIVATE_PEM: `-----BEGIN PRIVATE KEY-----\n${randomBytes(45).toString('base64')}\n${randomBytes(45).toString('base64')}\n-----END PRIVATE KEY-----`,
  GREETING: 'héllo wörld 🚀',
  PORT: '8080',
};
const SECRETS = [VALUES.SESSION_SECRET, VALUES.DATABASE_URL.split(':')[2].split('@')[0], ...VALUES.PRIVATE_PEM.split('\n').slice(1, 3)];
const EXAMPLE = 'DATABASE_URL=\nSESSION_SECRET=\nPRIVATE_PEM=\nGREETING=\nPORT=\n';

const envText = (values) => Object.entries(values).map(([name, value]) => `${name}=${JSON.stringify(value)}\n`).join('');

/** A sealed production env and its example, committed in `dir` (a work tree). */
function sealInto(dir, values = VALUES, { envName = 'production', key = TEST_KEY } = {}) {
  const plain = path.join(dir, `.env.${envName}`);
  write(plain, envText(values));
  const r = run(['encrypt', '-q', '--env', envName], { cwd: dir, env: { ENVSEAL_MASTER_KEY: key } });
  assert.is(r.code, 0, r.stderr);
  fs.rmSync(plain);
  write(path.join(dir, '.env.example'), EXAMPLE);
}

/** A bare remote and a developer's clone of it, with the sealed env committed and pushed on main. */
function project() {
  const remote = tempDir('envseal-remote-');
  git(remote, 'init', '-q', '--bare', '-b', 'main');
  const dev = gitRepo('envseal-dev-');
  git(dev, 'remote', 'add', 'origin', remote);
  sealInto(dev);
  commit(dev, 'Seal production');
  git(dev, 'push', '-q', 'origin', 'main');
  return { remote, dev };
}

function commit(dir, message, files = {}) {
  for (const [name, text] of Object.entries(files)) write(path.join(dir, name), text);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--no-verify', '-m', message);
  return git(dir, 'rev-parse', 'HEAD').trim();
}

/** The runner's checkout of `remote` at `ref` (actions/checkout: one commit deep by default). */
function checkout(remote, ref = 'main', depth) {
  const dir = tempDir('envseal-workspace-');
  fs.rmSync(dir, { recursive: true });
  const r = spawnSync('git', ['clone', '-q', ...(depth ? ['--depth', String(depth)] : []), '--branch', ref, `file://${remote}`, dir], { env: cleanEnv(), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return dir;
}

const ZERO = '0'.repeat(40);
const pushEvent = (before, after) => ({ before, after, repository: { default_branch: 'main' } });
const sarifOf = (result) => JSON.parse(read(result.outputs['sarif-file']));
const findingFiles = (sarif) => [...new Set(sarif.runs[0].results.map((r) => decodeURIComponent(r.locations[0].physicalLocation.artifactLocation.uri)))].sort();

// ---- the action file ----------------------------------------------------------------------------------------

const shape = suite('action.yml');

shape('a composite action whose scripts hold no ${{ }}: inputs and event fields reach them only through env', () => {
  assert.is(ACTION.runs.using, 'composite');
  assert.ok(ACTION.name && ACTION.description);
  for (const step of ACTION.runs.steps) {
    assert.is(step.shell, 'bash', step.name);
    assert.not.match(step.run, /\$\{\{/, `${step.name}: no expression inside the script`);
    for (const value of Object.values(step.env ?? {})) assert.match(String(value), /^\$\{\{ [\w.-]+ \}\}$/, `${step.name}: env values are plain expressions`);
  }
  const used = new Set(JSON.stringify(ACTION.runs).match(/inputs\.[\w-]+/g).map((m) => m.slice('inputs.'.length)));
  assert.equal([...used].sort(), Object.keys(ACTION.inputs).sort(), 'every input is used, and only declared ones');
  for (const spec of Object.values(ACTION.inputs)) assert.ok(spec.description, 'inputs are described');
});

shape.run();

// ---- export and check ---------------------------------------------------------------------------------------

const action = suite('the action: check, export');

action('check, then every value in GITHUB_ENV for later steps (multi-line and unicode intact), each secret masked first; the key never shown', () => {
  const { remote } = project();
  const workspace = checkout(remote);
  const result = runAction({ workspace, inputs: { env: 'production', key: TEST_KEY } });
  assert.not.ok(result.failed, result.failed && `${result.failed.name}: ${result.failed.stdout}${result.failed.stderr}`);
  assert.equal(result.steps.map((s) => s.skipped ?? false), [false, false, false, true], 'scan is off by default');
  assert.equal(result.jobEnv, VALUES);
  for (const secret of SECRETS) assert.ok(result.masks.includes(secret), 'every secret is masked');
  assert.not.ok(result.masks.includes(VALUES.GREETING) || result.masks.includes(VALUES.PORT), 'public values are not');
  assert.ok(result.masks.includes(TEST_KEY), 'the key is masked too');
  assert.ok(result.step('Export').stdout.split('\n').filter(Boolean).every((line) => line.startsWith('::add-mask::')), 'the export prints masks only');
  assertNeverShown(result, TEST_KEY, 'the key');
  for (const secret of SECRETS) assertNeverShown(result, secret, 'a secret', { files: false });
  assert.not.ok(Object.keys(result.jobEnv).some((name) => name.startsWith('ENVSEAL_')), 'the key stays in the action');
  assert.match(result.summary, /envseal check: every value passes/);
  assert.match(result.summary, /values of production are set for the next steps/);
  assert.ok(result.step('Install').stdout.includes('using the build in'), 'an already built checkout is used as it is');
});

action('a fresh checkout of the action (nothing installed or built) installs and builds itself in its first step, then works', () => {
  const { remote } = project();
  const actionPath = copyWorkingTree('envseal-action-');
  const result = runAction({ workspace: checkout(remote), inputs: { env: 'production', key: TEST_KEY }, actionPath });
  assert.not.ok(result.failed, result.failed && `${result.failed.name}: ${result.failed.stdout}${result.failed.stderr}`);
  assert.not.ok(result.step('Install').stdout.includes('using the build in'), 'it built');
  assert.ok(fs.existsSync(path.join(actionPath, 'dist/cli.cjs')) && fs.existsSync(path.join(actionPath, 'node_modules/yargs')));
  assert.equal(result.jobEnv, VALUES);
  assertNeverShown(result, TEST_KEY, 'the key');
});

action("the job's later steps find envseal on PATH (GITHUB_PATH)", () => {
  const { remote } = project();
  const result = runAction({ workspace: checkout(remote), inputs: { env: 'production', key: TEST_KEY, export: 'false' } });
  assert.not.ok(result.failed);
  assert.equal(result.paths, [path.join(result.runnerTemp, 'envseal-bin')]);
  const r = spawnSync('bash', ['-c', 'command -v envseal && envseal --version'], { env: cleanEnv({ PATH: [...result.paths, process.env.PATH].join(':') }), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, `${path.join(result.paths[0], 'envseal')}\n${JSON.parse(read(path.join(ROOT, 'package.json'))).version}\n`);
});

action('an identity granted in the recipients file opens the file instead of the key', () => {
  const { remote, dev } = project();
  const granted = run(['grant', 'ci', '--new-identity', '--env', 'production'], { cwd: dev, env: { ENVSEAL_MASTER_KEY: TEST_KEY } });
  assert.is(granted.code, 0, granted.stderr);
  commit(dev, 'Grant CI');
  git(dev, 'push', '-q', 'origin', 'main');
  const identity = granted.stdout.trim();
  const result = runAction({ workspace: checkout(remote), inputs: { env: 'production', identity } });
  assert.not.ok(result.failed, result.failed && `${result.failed.name}: ${result.failed.stderr}`);
  assert.equal(result.jobEnv, VALUES);
  assertNeverShown(result, identity.split('\n').find((line) => line.startsWith('AGE-SECRET-KEY-')), 'the identity');
});

action('a failing check stops the action before any value is exported; a wrong key fails with exit 3 and exports nothing', () => {
  const remote = tempDir('envseal-remote-');
  git(remote, 'init', '-q', '--bare', '-b', 'main');
  const dev = gitRepo('envseal-dev-');
  git(dev, 'remote', 'add', 'origin', remote);
  sealInto(dev, { ...VALUES, SESSION_SECRET: 'short' });
  commit(dev, 'Seal a weak secret');
  git(dev, 'push', '-q', 'origin', 'main');
  const workspace = checkout(remote);
  const weak = runAction({ workspace, inputs: { env: 'production', key: TEST_KEY } });
  assert.is(weak.failed?.name, 'Check the sealed values');
  assert.is(weak.failed.code, 1);
  assert.match(weak.failed.stdout + weak.failed.stderr, /SESSION_SECRET/);
  assert.equal(weak.jobEnv, {});
  assert.match(weak.summary, /envseal check failed \(exit 1\)/);
  const wrong = runAction({ workspace, inputs: { env: 'production', key: OTHER_KEY, check: 'false' } });
  assert.is(wrong.failed?.name, 'Export the values to later steps');
  assert.is(wrong.failed.code, 3);
  assert.equal(wrong.jobEnv, {});
  assertNeverShown(wrong, OTHER_KEY, 'the key');
});

action('working-directory: the sealed files of a service in a subdirectory', () => {
  const remote = tempDir('envseal-remote-');
  git(remote, 'init', '-q', '--bare', '-b', 'main');
  const dev = gitRepo('envseal-dev-');
  git(dev, 'remote', 'add', 'origin', remote);
  fs.mkdirSync(path.join(dev, 'services/api'), { recursive: true });
  sealInto(path.join(dev, 'services/api'), { PORT: '1', API_SECRET: random(32) }, { envName: 'staging' });
  fs.writeFileSync(path.join(dev, 'services/api/.env.example'), 'PORT=\nAPI_SECRET=\n');
  commit(dev, 'Seal the API');
  git(dev, 'push', '-q', 'origin', 'main');
  const result = runAction({ workspace: checkout(remote), inputs: { env: 'staging', key: TEST_KEY, 'working-directory': 'services/api' } });
  assert.not.ok(result.failed, result.failed && result.failed.stderr);
  assert.equal(Object.keys(result.jobEnv), ['PORT', 'API_SECRET']);
});

action.run();

// ---- scan --------------------------------------------------------------------------------------------------

const scan = suite('the action: scan');

/** main: an old leak (already on the remote), then a push of a leak under a clean commit. */
function pushedLeak() {
  const { remote, dev } = project();
  const before = commit(dev, 'An old leak, pushed long ago', { 'old.js': `const legacy = "${token()}";\n` });
  git(dev, 'push', '-q', 'origin', 'main');
  const leak = commit(dev, 'Leak', { 'config.js': `module.exports = { token: "${token()}" };\n` });
  const after = commit(dev, 'Clean', { 'README.md': 'hello\n' });
  git(dev, 'push', '-q', 'origin', 'main');
  return { remote, dev, before, leak, after };
}

scan('a push: only before..after is scanned; findings fail the step after SARIF and outputs are written', () => {
  const { remote, before, leak, after } = pushedLeak();
  // actions/checkout's default depth: one commit, `after`; the leak is in the history the step fetches.
  const workspace = checkout(remote, 'main', 1);
  const result = runAction({ workspace, inputs: { env: 'production', key: TEST_KEY, scan: 'true' }, event: pushEvent(before, after) });
  assert.is(result.failed?.name, 'Scan the pushed commits');
  assert.is(result.failed.code, 1);
  const sarif = sarifOf(result);
  assert.is(sarif.version, '2.1.0');
  assert.match(sarif.$schema, /sarif-2\.1\.0/);
  assert.is(sarif.runs[0].tool.driver.name, 'envseal');
  assert.equal(findingFiles(sarif), ['config.js'], 'the old leak is outside the range');
  const rules = sarif.runs[0].tool.driver.rules.map((r) => r.id);
  for (const r of sarif.runs[0].results) {
    assert.ok(rules.includes(r.ruleId));
    assert.ok(r.locations[0].physicalLocation.region.startLine >= 1);
    assert.is(r.properties.commit, leak);
  }
  assert.is(result.outputs.findings, String(sarif.runs[0].results.length));
  assert.is(result.outputs['sarif-file'], path.join(result.runnerTemp, 'envseal.sarif'));
  assert.match(result.failed.stdout + result.failed.stderr, /config\.js/, 'the findings are in the log too');
  assert.match(result.summary, new RegExp(`envseal scan of ${before}\\.\\.${after}: \\d+ finding`));
  assertNeverShown(result, TEST_KEY, 'the key');
  for (const value of Object.values(VALUES).filter((v) => v.length > 8)) assert.not.ok(read(result.outputs['sarif-file']).includes(value), 'no value in the SARIF');
});

scan('a clean push: the scan passes with an empty SARIF report, and sarif-file follows the input', () => {
  const { remote, dev } = project();
  const before = git(dev, 'rev-parse', 'HEAD').trim();
  const after = commit(dev, 'Clean', { 'README.md': 'hello\n' });
  git(dev, 'push', '-q', 'origin', 'main');
  const out = path.join(tempDir('envseal-sarif-'), 'report.sarif');
  const result = runAction({ workspace: checkout(remote), inputs: { env: 'production', key: TEST_KEY, scan: 'true', 'sarif-file': out }, event: pushEvent(before, after) });
  assert.not.ok(result.failed, result.failed && result.failed.stderr);
  assert.is(result.outputs['sarif-file'], out);
  assert.equal(sarifOf(result).runs[0].results, []);
  assert.is(result.outputs.findings, '0');
  assert.match(result.summary, /no secrets found/);
});

scan('a new branch (before is all zeros): its commits that the default branch lacks', () => {
  const { remote, dev } = pushedLeak(); // main holds two leaks already
  git(dev, 'checkout', '-q', '-b', 'feature');
  const after = commit(dev, 'Feature leak', { 'feature.js': `const t = "${token()}";\n` });
  git(dev, 'push', '-q', 'origin', 'feature');
  const result = runAction({ workspace: checkout(remote, 'feature'), ref: 'refs/heads/feature', inputs: { check: 'false', export: 'false', scan: 'true' }, event: pushEvent(ZERO, after) });
  assert.is(result.failed?.code, 1);
  assert.equal(findingFiles(sarifOf(result)), ['feature.js']);
  const first = runAction({ workspace: checkout(remote, 'main'), inputs: { check: 'false', export: 'false', scan: 'true' }, event: pushEvent(ZERO, git(dev, 'rev-parse', 'main').trim()) });
  assert.equal(findingFiles(sarifOf(first)), ['config.js', 'old.js'], "the default branch's first push: all of its history");
});

scan('a pull request: base..head; a deleted branch: nothing to scan', () => {
  const { remote, dev } = project();
  const base = git(dev, 'rev-parse', 'HEAD').trim();
  git(dev, 'checkout', '-q', '-b', 'topic');
  const head = commit(dev, 'PR leak', { 'pr.js': `const t = "${token()}";\n` });
  git(dev, 'push', '-q', 'origin', 'topic');
  const pr = runAction({ workspace: checkout(remote, 'topic', 1), eventName: 'pull_request', inputs: { check: 'false', export: 'false', scan: 'true' }, event: { pull_request: { base: { sha: base }, head: { sha: head } } } });
  assert.is(pr.failed?.code, 1);
  assert.equal(findingFiles(sarifOf(pr)), ['pr.js']);
  const deleted = runAction({ workspace: checkout(remote), inputs: { check: 'false', export: 'false', scan: 'true' }, event: pushEvent(head, ZERO) });
  assert.not.ok(deleted.failed);
  assert.match(deleted.summary, /nothing to scan/);
  assert.is(deleted.outputs['sarif-file'], '');
});

scan.run();
