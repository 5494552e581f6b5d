import * as path from 'node:path';
import { EnvsealError, Code, ExitCode } from '../../errors.js';
import { displayPath } from '../../io/files.js';
import type { Handler } from '../handler.js';
import { withProgress } from '../progress.js';
import { plural } from '../render.js';

export const scan: Handler = async (args, context) => {
  const { guardRun, reportFindings } = await import('../guard-output.js');
  const writeTo = typeof args.writeBaseline === 'string' ? path.resolve(context.cwd, args.writeBaseline) : undefined;
  // Writing a baseline must see every finding, including the ones an older baseline accepted.
  const run = { ...guardRun(context, args), ...(writeTo ? { baseline: false as const } : {}) };
  const paths = (args.paths as string[] | undefined) ?? [];
  if (args.staged && args.history !== undefined) {
    throw new EnvsealError(Code.USAGE, '--staged and --history exclude each other', 'Scan one at a time.');
  }
  let findings;
  if (args.staged) {
    const { preCommitFindings } = await import('../../guard/hooks.js');
    findings = await preCommitFindings(run);
  } else if (args.history !== undefined) {
    const { scanCommits } = await import('../../guard/scan.js');
    const range = String(args.history);
    findings = await withProgress(context, 'Scanning history…', (p) =>
      scanCommits(run, range === '' ? ['--all'] : [range], (files, commit) => {
        if (files % 50 === 0) p.update(`Scanning history… ${files} files${commit ? ` (at ${commit.slice(0, 10)})` : ''}`);
      }),
    );
  } else {
    const { scanTree } = await import('../../guard/scan.js');
    // `-` is stdin: `kubectl get secret -o yaml | envseal scan -`.
    const stdin = paths.includes('-') ? await context.readStdin() : undefined;
    findings = scanTree(run, context.cwd, paths.filter((p) => p !== '-'), stdin);
  }
  if (writeTo) {
    const { writeBaseline } = await import('../../guard/allow.js');
    const count = writeBaseline(writeTo, findings);
    context.info(`Wrote ${plural(count, 'fingerprint')} to ${displayPath(writeTo)}. Findings they cover no longer block commits; new ones still do.`);
    return ExitCode.ok;
  }
  return reportFindings(findings, context, { blocked: 'envseal found', json: Boolean(args.json), sarif: Boolean(args.sarif) });
};
