/** Shared by `hooks run` and `scan`: the guard run their flags ask for, and how findings are shown. */
import { formatJson, formatSarif, formatText } from '../detect/report.js';
import type { Finding } from '../detect/types.js';
import { type GuardRun, guardRun as runFor } from '../guard/guard-run.js';
import type { Context } from './context.js';
import type { Args } from './handler.js';

export function guardRun(context: Context, args: Args): GuardRun {
  return runFor(context.cwd, context.env, { inlineAllow: args.inlineAllow !== false, ...(typeof args.baseline === 'string' ? { baseline: args.baseline } : {}) });
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
