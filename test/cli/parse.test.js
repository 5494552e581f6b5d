// The fast parser (node:util parseArgs) and the yargs program read the same command table. Wherever the
// fast parser accepts argv, yargs must parse it identically; where it declines, yargs takes over.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fastParse } from '../../dist/cli/fast.js';
import { runProgram } from '../../dist/cli/program.js';
import { COMMANDS } from '../../dist/cli/spec.js';

async function viaYargs(argv) {
  let parsed;
  await runProgram(argv, async (spec, args) => {
    parsed = { command: spec.path.join(' '), args };
    return 0;
  });
  return parsed;
}

const CORPUS = [
  ['encrypt'],
  ['encrypt', '--env', 'production'],
  ['encrypt', '--env=staging', '--force', '-q'],
  ['encrypt', '--in', 'config/app.env', '--out', 'x.encrypted', '--key-file', 'k.key'],
  ['decrypt', '--stdout'],
  ['encrypt', '--env', 'a', '--env', 'b'],
  ['decrypt', '--in', '.env.production.encrypted', '--out', '/tmp/x', '--force'],
  ['rotate', '--reason', 'offboarding', '--dry-run'],
  ['rotate', '--new-key-out', 'new.key', '--force'],
  ['status', '--all', '--check', '--json', '--max-age', '30'],
  ['doctor', '--env', 'production', '--json', '--strict'],
  ['keygen'],
  ['init', '--env', 'dev'],
  ['hooks', 'run', 'pre-commit'],
  ['hooks', 'run', 'commit-msg', '.git/COMMIT_EDITMSG'],
  ['hooks', 'run', 'pre-push', 'origin', 'git@example.com:x.git'],
  ['hooks', 'install', '--git'],
  ['scan', 'src', 'docs', '--json'],
  ['scan', '--staged', '--sarif'],
  ['scan', '--history=origin/main..HEAD'],
  ['scan', '--history'],
  ['scan', '--history', '--json'],
  ['scan', '--sarif', '--history'],
  ['scan', '--history', 'main..HEAD'],
  ['scan', '--history', '--', 'src'],
  ['scan', '--history', '--history=v1..v2'],
  ['export', '--format', 'k8s', '--name', 'app', '--namespace', 'prod'],
  ['completion', '--shell', 'zsh'],
  ['completion', '--list', 'names', '--env', 'production'],
  ['completion', '--list=envs'],
];

test('every command in the table is reachable by both parsers', async () => {
  for (const spec of COMMANDS) {
    const argv = [...spec.path, ...(spec.positionals ?? []).filter((p) => p.required).map((p) => `${p.name}-value`)];
    const fast = fastParse(argv);
    assert.ok(fast, `fast parser accepts ${argv.join(' ')}`);
    assert.equal(fast.spec.path, spec.path);
    const slow = await viaYargs(argv);
    assert.is(slow?.command, spec.path.join(' '), argv.join(' '));
    assert.equal(slow.args, fast.args, argv.join(' '));
  }
});

test('on a corpus of real invocations, both parsers agree exactly', async () => {
  for (const argv of CORPUS) {
    if (!COMMANDS.some((spec) => spec.path.every((w, i) => argv[i] === w))) continue; // command not built yet
    const fast = fastParse(argv);
    assert.ok(fast, `fast parser accepts ${argv.join(' ')}`);
    const slow = await viaYargs(argv);
    assert.is(slow.command, fast.spec.path.join(' '));
    assert.equal(slow.args, fast.args, argv.join(' '));
  }
});

test('the fast parser declines what it cannot parse exactly, leaving it to yargs', () => {
  for (const argv of [
    [],
    ['--help'],
    ['encrypt', '--help'],
    ['--version'],
    ['encrypt', '--unknown'],
    ['encrypt', '--no-force'],
    ['rotate', '--no-backup'],
    ['encrypt', '--env'],
    ['nonsense'],
    ['hooks'],
    ['hooks', 'run'],
    ['keygen', 'extra-positional'],
    ['completion', '--list', 'bogus'],
    ['completion', '--shell', 'fish'],
    ['scan', '--history', '-'],
  ]) {
    assert.is(fastParse(argv), undefined, JSON.stringify(argv));
  }
});

test('yargs handles negations the fast parser declines', async () => {
  const slow = await viaYargs(['rotate', '--no-backup']);
  assert.is(slow.args.backup, false);
});


test('usage errors name unknown options but never repeat a stray word (it may be a value)', async () => {
  const { run } = await import('../helpers/cli.js');
  const stray = run(['get', 'API_TOKEN', 's3cr3t-typed-by-mistake']);
  assert.is(stray.code, 2);
  assert.match(stray.stderr, /1 unexpected argument/);
  assert.not.ok(stray.stderr.includes('s3cr3t-typed-by-mistake'));
  const option = run(['encrypt', '--bogus']);
  assert.is(option.code, 2);
  assert.match(option.stderr, /unknown option: --bogus/);
});

test('an unknown command is not repeated; a likely typo gets the command it resembles, a distant word none', async () => {
  const { run } = await import('../helpers/cli.js');
  for (const [word, suggestion] of [['encrpyt', 'encrypt'], ['statsu', 'status'], ['bogus', undefined], ['sk_live_s3cr3tTyped', undefined]]) {
    const r = run([word]);
    assert.is(r.code, 2, word);
    assert.match(r.stderr, /the first argument is not an envseal command/);
    if (suggestion) assert.match(r.stderr, new RegExp(`did you mean ${suggestion}\\?`));
    else assert.not.match(r.stderr, /did you mean/);
    assert.not.ok(r.stderr.includes(word), `"${word}" is not repeated`);
  }
  const sub = run(['hooks', 'instal']);
  assert.is(sub.code, 2);
  assert.match(sub.stderr, /the argument after hooks is not a hooks command \(install, uninstall, status, run\); did you mean install\?/);
  const bare = run(['git']);
  assert.is(bare.code, 2);
  assert.match(bare.stderr, /choose a git command: setup, unsetup/);
});

test.run();
