import * as path from 'node:path';
import { type CheckReport, checkEnvironment } from '../../core/check.js';
import { ExitCode } from '../../errors.js';
import { displayPath } from '../../io/files.js';
import type { Context } from '../context.js';
import { keyOptions } from '../paths.js';
import { plural } from '../render.js';
import type { Handler } from '../handler.js';

export const check: Handler = async (args, context) => {
  const report = checkEnvironment({
    ...keyOptions(args, context),
    cwd: context.cwd,
    plain: Boolean(args.plain),
    strict: Boolean(args.strict),
    ...(typeof args.example === 'string' && args.example !== '' ? { example: path.resolve(context.cwd, args.example) } : {}),
  });
  if (args.json) {
    context.out(
      JSON.stringify(
        {
          file: displayPath(report.file),
          source: report.source,
          example: report.example === undefined ? null : displayPath(report.example),
          ok: report.errors === 0,
          errors: report.errors,
          warnings: report.warnings,
          findings: report.findings,
          compared: report.compared.map(displayPath),
          notCompared: report.notCompared.map((n) => ({ file: displayPath(n.file), reason: n.reason })),
        },
        null,
        2,
      ),
    );
  } else {
    printReport(report, context);
  }
  return report.errors > 0 ? ExitCode.findings : ExitCode.ok;
};

function printReport(report: CheckReport, context: Context): void {
  const what = `${displayPath(report.file)} (${report.source === 'sealed' ? 'sealed file' : 'plaintext'})`;
  context.out(report.example ? `Checked ${what} against ${displayPath(report.example)}.` : `Checked ${what}; no .env.example here, so only the value rules ran.`);
  const width = Math.max(0, ...report.findings.map((f) => f.name.length));
  for (const f of report.findings) {
    const where = f.line !== undefined ? ` (${f.file}:${f.line})` : '';
    context.out(`  ${f.severity.padEnd(7)} ${f.name.padEnd(width)}  ${f.rule}: ${f.message}${where}`);
  }
  for (const skipped of report.notCompared) context.out(`  note    not compared for reused secrets: ${displayPath(skipped.file)} (${skipped.reason})`);
  context.out(
    report.errors + report.warnings === 0
      ? 'OK: no problems found.'
      : `${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')}${report.errors > 0 ? '' : ' (use --strict to fail on warnings)'}.`,
  );
}
