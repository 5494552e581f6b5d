/**
 * One run of the guard (a hook, `scan`): where it runs, the team's policy from .envseal.json, and
 * what it knows of the team's secrets. The hooks and every kind of scan start from here, so they
 * judge alike.
 */
import { FINGERPRINT_KEY } from '../detect/fingerprint-key.js';
import { workTreeOf } from '../git/sources.js';
import { findRepoRoot } from '../io/repo.js';
import { compileMaskRules } from '../mask/rules.js';
import { loadProjectConfig } from '../project-config.js';
import type { CheckOptions } from './inspect.js';
import { type GuardKnowledge, gatherKnowledge } from './knowledge.js';

export interface GuardRun {
  root: string;
  env: NodeJS.ProcessEnv;
  inlineAllow: boolean;
  /** A baseline file, undefined for the default one when present, false for none. */
  baseline?: string | false;
}

/**
 * The run for `cwd`. Flags go over .envseal.json's `guard` section, except that a team that forbids
 * inline allows cannot be overruled by a flag.
 */
export function guardRun(cwd: string, env: NodeJS.ProcessEnv, flags: { inlineAllow?: boolean; baseline?: string }): GuardRun {
  // With GIT_DIR or GIT_WORK_TREE set, the work tree is wherever git says, not the nearest .git above;
  // where git sees none (a scan outside any repository), the nearest .git or the directory itself.
  const root = (env.GIT_DIR || env.GIT_WORK_TREE ? workTreeOf(cwd) : undefined) ?? findRepoRoot(cwd) ?? cwd;
  const { guard } = loadProjectConfig(root);
  const baseline = flags.baseline ?? guard.baseline;
  return { root, env, inlineAllow: flags.inlineAllow !== false && guard.inlineAllow, ...(baseline ? { baseline } : {}) };
}

/** What the guard knows of the team's secrets: from the given sealed files (repository-relative). */
export function knowledgeFor(run: GuardRun, sealed: readonly string[]): GuardKnowledge {
  return gatherKnowledge(run.root, sealed, run.env, compileMaskRules(loadProjectConfig(run.root).mask.sensitive));
}

/** `nameRules`: file-name rules apply to what is staged, pushed or in history, not to files in a tree. */
export function inspectOptions(run: GuardRun, knowledge: GuardKnowledge, nameRules: boolean): CheckOptions {
  return { knowledge, detect: { fingerprintKey: FINGERPRINT_KEY, inlineAllow: run.inlineAllow }, nameRules };
}
