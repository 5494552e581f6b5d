/**
 * `envseal doctor`: the hooks, proved by running each one the way git would (probe.ts), then every
 * other check (core/doctor.ts). Outside a git work tree the hooks and git's settings are reported as
 * skipped and the rest still runs.
 */
import * as path from 'node:path';
import { type Check, type DoctorRequest, projectChecks } from '../core/doctor.js';
import { runsInCi } from '../env-vars.js';
import { EnvsealError, Code } from '../errors.js';
import { hooksPaths } from '../git/config.js';
import { workTreeRoot } from '../git/run.js';
import { displayPath, exists } from '../io/files.js';
import { type HookLocation, type HookState, PRE_COMMIT_CONFIG, hookStates, locateHooks } from './install.js';
import { HOOK_NAMES, type HookName } from './hook-names.js';
import { type ProbeResult, probeHooks } from './probe.js';

export interface DoctorReport {
  /** The git work tree's root; undefined outside one. */
  root?: string;
  checks: Check[];
  /** No problem (and, when `strict`, no warning either). */
  ok: boolean;
}

export async function doctor(request: Omit<DoctorRequest, 'root' | 'notGit'> & { strict?: boolean }): Promise<DoctorReport> {
  let root: string | undefined;
  let notGit: string | undefined;
  try {
    root = workTreeRoot(request.cwd);
  } catch (e) {
    if (!(e instanceof EnvsealError) || (e.code !== Code.NOT_A_REPO && e.code !== Code.GIT_MISSING)) throw e;
    notGit = e.code === Code.GIT_MISSING ? 'git is not installed' : 'not inside a git work tree';
  }
  const hooks: Check[] = !root
    ? [{ name: 'hook', status: 'skipped', message: `${notGit}: no git hooks to check` }]
    : runsInCi(request.env)
      ? [{ name: 'hook', status: 'skipped', message: 'CI is set: nothing is committed here, so the hooks are checked in developers\' clones' }]
      : await hookChecks(root, request.env);
  const checks = [...hooks, ...projectChecks({ ...request, ...(root ? { root } : { notGit }) })];
  const ok = checks.every((c) => c.status !== 'problem' && (!request.strict || c.status !== 'warn'));
  return { ...(root ? { root } : {}), checks, ok };
}

/** The pre-commit framework's hook ids for envseal (.pre-commit-hooks.yaml). */
const FRAMEWORK_IDS: Record<HookName, string> = { 'pre-commit': 'envseal', 'pre-merge-commit': 'envseal', 'commit-msg': 'envseal-commit-msg', 'pre-push': 'envseal-pre-push' };

async function hookChecks(root: string, env: NodeJS.ProcessEnv): Promise<Check[]> {
  const location = await locateHooks(root);
  if (!location.active) {
    return [{ name: 'hook', status: 'problem', message: `git runs none of envseal's hooks: ${location.note ?? `${displayPath(location.runDir)} is not where git runs hooks from`}`, fix: location.fix ?? 'Run `envseal hooks install`.' }];
  }
  const states = hookStates(location);
  const probes = await probeHooks(location, env);
  // A team on the pre-commit framework enables envseal in its config; `hooks install` is not their way.
  const framework = exists(path.join(root, PRE_COMMIT_CONFIG)) && states.some((s) => s.framework);
  const { hooksPath } = hooksPaths(root);
  return HOOK_NAMES.map((hook) => judgeHook(states.find((s) => s.hook === hook)!, probes.find((p) => p.hook === hook)!, { location, framework, hooksPath, env }));
}

interface Setting {
  location: HookLocation;
  framework: boolean;
  hooksPath: string | undefined;
  env: NodeJS.ProcessEnv;
}

function judgeHook(state: HookState, probe: ProbeResult, { location, framework, hooksPath, env }: Setting): Check {
  const { hook } = state;
  const check = (status: Check['status'], message: string, fix?: string): Check => ({ name: 'hook', subject: hook, status, message, ...(fix ? { fix } : {}) });
  if (probe.reaches) {
    if (state.installed && !state.current) return check('warn', 'reaches envseal, but as an older envseal installed it', 'Run `envseal hooks install` (it updates the hook in place).');
    return check('ok', `reaches envseal (${where(location, state)})`);
  }
  const file = displayPath(path.join(location.runDir, hook));
  const elsewhere = hooksPath && !state.installed && !state.framework ? ` (core.hooksPath is ${hooksPath}: git runs hooks from there only)` : '';
  const message = `does not reach envseal: ${probe.why}${elsewhere}`;
  if (probe.reason === 'no-commits' && state.framework) return check('skipped', 'the pre-commit framework runs pre-push hooks only for commits, and there is none yet: checked after the first one');
  switch (probe.reason) {
    case 'missing':
      if (framework) {
        // envseal's hooks file gives its hook the pre-merge-commit stage; a hook written into the
        // config itself (repo: local) needs it there. A warning only: pre-push still checks the merge.
        const stages = hook === 'pre-merge-commit' ? ' (a `repo: local` envseal hook in .pre-commit-config.yaml also needs `stages: [pre-commit, pre-merge-commit]`)' : '';
        return check(hook === 'pre-merge-commit' ? 'warn' : 'problem', message, `Run \`pre-commit install --hook-type ${hook}\`${stages}.`);
      }
      if (location.flavour === 'lefthook' && state.installed) return check('problem', message, 'Run `npx lefthook install`: git runs lefthook from .git/hooks.');
      return check('problem', message, `Run \`envseal hooks install\`${location.flavour === 'husky' ? ', then husky\'s own install (`npx husky`; `npx husky install` before husky 9)' : ''}.`);
    case 'not-executable':
      return check('problem', message, `Run \`chmod +x ${file}\`.`);
    case 'envseal-not-found':
      return check('problem', message, 'Install envseal where the hook looks for it: in the project (`npm install --save-dev envseal`, for node_modules/.bin/envseal) or on the PATH your shell gives git (`npm install --global envseal`).');
    default:
      if (location.flavour === 'husky' && env.HUSKY === '0') return check('problem', `${message} (HUSKY=0 is set, so husky runs no hook)`, 'Run `unset HUSKY` (and remove it from your shell\'s profile).');
      if (state.framework) return check('problem', message, `Enable envseal's hook in ${PRE_COMMIT_CONFIG} (id: ${FRAMEWORK_IDS[hook]}; see README, "pre-commit framework"), then run \`pre-commit install --hook-type ${hook}\`.`);
      if (!state.installed) return check('problem', `envseal's hook is not installed: ${file} does not run it${elsewhere}`, `Run \`envseal hooks install\`${location.flavour === 'lefthook' ? ', then `npx lefthook install`' : ' (the hook there is kept, and runs after envseal)'}.`);
      return check('problem', message, `Run ${file} by hand to see why it stops before envseal; \`envseal hooks install\` puts envseal's part back first.`);
  }
}

function where(location: HookLocation, state: HookState): string {
  if (state.framework) return 'through the pre-commit framework';
  if (location.flavour === 'husky') return `husky ${location.huskyMajor}, ${displayPath(state.file)}`;
  if (location.flavour === 'lefthook') return `lefthook, ${displayPath(location.dir)}`;
  return displayPath(state.file);
}
