/**
 * `hooks status` proof that an installed hook reaches envseal: it runs each hook the way git would
 * (the file in the directory git runs hooks from, at the repository's root, with the user's PATH) and
 * asks envseal, through ENVSEAL_HOOK_PROBE, to answer with a token instead of checking. A hook file
 * that is missing, not executable, disabled (HUSKY=0), or cannot find envseal never prints the token.
 * envseal's part of each hook comes first, so nothing of the user's runs before it answers.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HOOK_PROBE_VARIABLE } from '../env-vars.js';
import { printable } from '../detect/printable.js';
import { gitTry } from '../git/run.js';
import type { HookLocation } from './install.js';
import { HOOK_NAMES, type HookName } from './hook-names.js';

export interface ProbeResult {
  hook: HookName;
  reaches: boolean;
  /** Why not, for people: the hook's last words, or what git would do with the file. */
  why?: string;
  /**
   * Why not, for programs: no file, a file git will not run, a hook that cannot find envseal, a pre-push
   * hook that passed with nothing to push (it may check pushed commits only), or one that stops before envseal.
   */
  reason?: 'missing' | 'not-executable' | 'envseal-not-found' | 'no-commits' | 'stopped';
}

/** What envseal's hooks print when they cannot find envseal (hooks/pre-commit, and install.ts's block). */
const ENVSEAL_NOT_FOUND = 'envseal is not installed here';

const PROBE_TIMEOUT_MS = 30_000;

/** What git passes each hook; envseal answers the probe before it looks at them. */
const HOOK_ARGS: Record<HookName, string[]> = { 'pre-commit': [], 'pre-merge-commit': [], 'commit-msg': ['.git/COMMIT_EDITMSG'], 'pre-push': ['origin', 'origin'] };

/** Every hook at once: each starts a shell and envseal, and `doctor` should not wait for them one by one. */
export async function probeHooks(location: HookLocation, env: NodeJS.ProcessEnv): Promise<ProbeResult[]> {
  const token = randomBytes(12).toString('hex');
  const probeEnv = { ...asCommittedFrom(env), [HOOK_PROBE_VARIABLE]: token };
  return Promise.all(HOOK_NAMES.map((hook) => probeHook(location, hook, probeEnv, token)));
}

async function probeHook(location: HookLocation, hook: HookName, env: NodeJS.ProcessEnv, token: string): Promise<ProbeResult> {
  const file = path.join(location.runDir, hook);
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    return fs.existsSync(file)
      ? { hook, reaches: false, reason: 'not-executable', why: `${file} is not executable, so git ignores it` }
      : { hook, reaches: false, reason: 'missing', why: `git runs no ${hook} hook: ${file} does not exist` };
  }
  const input = hook === 'pre-push' ? pushedHead(location.root) : '';
  const result = await run(file, HOOK_ARGS[hook], { cwd: location.root, env, input });
  if (result.output.includes(`envseal hook probe ${token}`)) return { hook, reaches: true };
  const last = result.output.split('\n').map((line) => line.trim()).filter(Boolean).slice(-2).join(' / ');
  const why = `the hook ended without reaching envseal (${result.how})${last ? `: ${printable(last).slice(0, 300)}` : ''}`;
  if (result.output.includes(ENVSEAL_NOT_FOUND)) return { hook, reaches: false, reason: 'envseal-not-found', why };
  // Nothing to push yet: a hook that runs only for pushed commits (the pre-commit framework's) cannot be probed.
  if (hook === 'pre-push' && input === '' && result.how === 'exit 0') return { hook, reaches: false, reason: 'no-commits', why: `${why}, and there is no commit to push yet` };
  return { hook, reaches: false, reason: 'stopped', why };
}

/** Runs a hook file to its end (or the timeout): everything it printed, and how it ended. */
function run(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; input: string }): Promise<{ output: string; how: string }> {
  const { spawn } = process.getBuiltinModule('node:child_process');
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'], timeout: PROBE_TIMEOUT_MS });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A hook that exits without reading its input closes the pipe: that is no failure of the probe.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
    let failure: string | undefined;
    child.on('error', (e) => {
      failure = e.message;
    });
    child.on('close', (status, signal) => resolve({ output: Buffer.concat(chunks).toString('utf8'), how: failure ?? (signal ? `killed by ${signal}` : `exit ${status}`) }));
  });
}

/**
 * The pre-push line of a push of HEAD to a remote that has it already: envseal's hooks answer the probe
 * before they read it, and the pre-commit framework runs a pre-push hook only for a line naming
 * commits that exist (an empty push runs nothing). Empty before the first commit.
 */
function pushedHead(root: string): string {
  const head = gitTry(root, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  const sha = head.status === 0 ? head.stdout.toString('utf8').trim() : '';
  return sha ? `HEAD ${sha} refs/heads/envseal-probe ${sha}\n` : '';
}

/**
 * The environment a commit from the user's shell has. `npx envseal hooks status` runs with npm's
 * node_modules/.bin directories on PATH, which a `git commit` from the shell does not have: left in,
 * they would make a hook that cannot find envseal look as if it could.
 */
function asCommittedFrom(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const viaNpm = env.npm_lifecycle_event !== undefined || env.npm_command !== undefined || env.npm_execpath !== undefined;
  if (!viaNpm || env.PATH === undefined) return env;
  const PATH = env.PATH.split(path.delimiter).filter((dir) => !/[\\/]node_modules[\\/]\.bin[\\/]?$/.test(dir) && !/node-gyp-bin[\\/]?$/.test(dir)).join(path.delimiter);
  return { ...env, PATH };
}
