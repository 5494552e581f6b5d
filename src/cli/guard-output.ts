/** Shared by `hooks run` and `scan`: guard settings from flags and config, and how findings are shown. */
import { formatJson, formatSarif, formatText } from '../detect/report.js';
import type { Finding } from '../detect/types.js';
import type { GuardRun } from '../guard/hooks.js';
import { findRepoRoot } from '../io/repo.js';
import { workTreeRoot } from '../git/run.js';
import { loadProjectConfig } from '../config-file.js';
import type { Context } from './context.js';
import type { Args } from './handler.js';

/** Flags over .envseal.json's `guard` section; a team that forbids inline allows cannot be overruled by a flag. */
export function guardRun(context: Context, args: Args): GuardRun {
  // With GIT_DIR or GIT_WORK_TREE set, the work tree is wherever git says, not the nearest .git above.
  const root = context.env.GIT_DIR || context.env.GIT_WORK_TREE ? workTreeRoot(context.cwd) : (findRepoRoot(context.cwd) ?? context.cwd);
  const { guard } = loadProjectConfig(root);
  const baseline = typeof args.baseline === 'string' ? args.baseline : guard.baseline;
  return {
    root,
    env: context.env,
    inlineAllow: args.inlineAllow !== false && guard.inlineAllow,
    ...(baseline ? { baseline } : {}),
  };
}

export function reportFindings(findings: readonly Finding[], context: Context, options: { blocked: string; json?: boolean; sarif?: boolean }): number {
  if (options.sarif) context.out(formatSarif(findings));
  else if (options.json) context.out(formatJson(findings));
  if (findings.length === 0) return 0;
  if (!options.json && !options.sarif) {
    context.stderr.write(`${options.blocked}: ${findings.length} finding${findings.length === 1 ? '' : 's'}.\n\n${formatText(findings)}\n`);
  }
  return 1;
}
