import * as path from 'node:path';
import { EnvsealError, Code, ExitCode } from '../../errors.js';
import { displayPath } from '../../io/files.js';
import type { Context } from '../context.js';
import type { Handler } from '../handler.js';
import { plural } from '../render.js';
import { defaultExport } from '../../esm-interop.js';

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
    const progress = await spinner(context);
    try {
      findings = await scanCommits(run, range === '' ? ['--all'] : [range], progress?.update);
    } finally {
      progress?.stop(); // its timer would otherwise keep the process alive
    }
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

interface Progress {
  update(files: number, commit?: string): void;
  stop(): void;
}

/** A progress spinner for long history scans: only on an interactive terminal, never in hooks or CI. */
async function spinner(context: Context): Promise<Progress | undefined> {
  // A terminal that reports no width (some pseudo-terminals) would make the spinner's redraw loop forever.
  if (!context.stderr.isTTY || !(context.stderr.columns > 0) || context.env.CI) return undefined;
  const ora = defaultExport<typeof import('ora').default>(await import('ora'));
  const s = ora({ text: 'Scanning history…', stream: context.stderr }).start();
  return {
    update: (files, commit) => {
      if (files % 50 === 0) s.text = `Scanning history… ${files} files${commit ? ` (at ${commit.slice(0, 10)})` : ''}`;
    },
    stop: () => s.stop(),
  };
}
