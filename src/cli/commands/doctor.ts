import type { Check, CheckStatus } from '../../core/doctor.js';
import { ExitCode } from '../../errors.js';
import { doctor as diagnose } from '../../guard/doctor.js';
import type { Context } from '../context.js';
import type { Handler } from '../handler.js';
import { keyOptions } from '../paths.js';
import { plural } from '../render.js';

export const doctor: Handler = async (args, context) => {
  const report = await diagnose({ ...keyOptions(args, context), cwd: context.cwd, now: context.now, strict: Boolean(args.strict) });
  const count = (status: CheckStatus): number => report.checks.filter((c) => c.status === status).length;
  if (args.json) {
    const summary = { ok: count('ok'), warn: count('warn'), problem: count('problem'), skipped: count('skipped') };
    context.out(JSON.stringify({ ok: report.ok, root: report.root ?? null, summary, checks: report.checks }, null, 2));
  } else {
    printChecks(report.checks, context);
    const problems = count('problem');
    const warnings = count('warn');
    context.out(problems + warnings === 0 ? 'All is well.' : `${plural(problems, 'problem')}, ${plural(warnings, 'warning')}${problems === 0 && !args.strict ? ' (--strict fails on warnings)' : ''}.`);
  }
  return report.ok ? ExitCode.ok : ExitCode.findings;
};

const WORD: Record<CheckStatus, string> = { ok: 'ok', warn: 'warn', problem: 'PROBLEM', skipped: 'skipped' };

/** One line per check; under a warning or problem, its fix. */
function printChecks(checks: readonly Check[], context: Context): void {
  const label = (c: Check): string => (c.subject ? `${c.name} ${c.subject}` : c.name);
  const width = Math.min(40, Math.max(...checks.map((c) => label(c).length)));
  const indent = ' '.repeat(9);
  for (const c of checks) {
    context.out(`${WORD[c.status].padEnd(8)} ${label(c).padEnd(width)}  ${c.message}`);
    if (c.fix && (c.status === 'warn' || c.status === 'problem')) context.out(`${indent}fix: ${c.fix.replace(/\n/g, `\n${indent}     `)}`);
  }
}
