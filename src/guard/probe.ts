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
import { HOOK_NAMES, type HookLocation, type HookName } from './install.js';

export interface ProbeResult {
  hook: HookName;
  reaches: boolean;
  /** Why not, for people: the hook's last words, or what git would do with the file. */
  why?: string;
}

const PROBE_TIMEOUT_MS = 30_000;

/** What git passes each hook; envseal answers the probe before it looks at them. */
const HOOK_ARGS: Record<HookName, string[]> = { 'pre-commit': [], 'pre-merge-commit': [], 'commit-msg': ['.git/COMMIT_EDITMSG'], 'pre-push': ['origin', 'origin'] };

export function probeHooks(location: HookLocation, env: NodeJS.ProcessEnv): ProbeResult[] {
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const token = randomBytes(12).toString('hex');
  const probeEnv = { ...asCommittedFrom(env), [HOOK_PROBE_VARIABLE]: token };
  return HOOK_NAMES.map((hook): ProbeResult => {
    const file = path.join(location.runDir, hook);
    try {
      fs.accessSync(file, fs.constants.X_OK);
    } catch {
      const why = fs.existsSync(file) ? `${file} is not executable, so git ignores it` : `git runs no ${hook} hook: ${file} does not exist`;
      return { hook, reaches: false, why };
    }
    const result = spawnSync(file, HOOK_ARGS[hook], { cwd: location.root, env: probeEnv, stdio: ['ignore', 'pipe', 'pipe'], timeout: PROBE_TIMEOUT_MS, encoding: 'utf8' });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (output.includes(`envseal hook probe ${token}`)) return { hook, reaches: true };
    const last = output.split('\n').map((line) => line.trim()).filter(Boolean).slice(-2).join(' / ');
    const how = result.error ? result.error.message : result.signal ? `killed by ${result.signal}` : `exit ${result.status}`;
    return { hook, reaches: false, why: `the hook ended without reaching envseal (${how})${last ? `: ${printable(last).slice(0, 300)}` : ''}` };
  });
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
