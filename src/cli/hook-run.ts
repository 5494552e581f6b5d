/**
 * `envseal hooks run <hook> [args...]`: what the installed shims call, for the command table's
 * handler (commands/hooks.ts) and for the hook bundle's own entry (hook-main.ts) alike. Exit 1 blocks
 * the commit or push.
 */
import { EnvsealError, ExitCode, Code } from '../errors.js';
import { hookProbe } from '../env-vars.js';
import { commitMessageFindings, preCommitFindings, prePushFindings } from '../guard/hooks.js';
import type { Context } from './context.js';
import { guardRun, reportFindings } from './guard-output.js';
import type { Args } from './handler.js';

/** `flags` are the parsed options (inlineAllow, baseline); `rest` is what git passed to the hook. */
export async function runHook(hook: string, rest: readonly string[], flags: Args, context: Context): Promise<number> {
  const probe = hookProbe(context.env);
  if (probe !== undefined) {
    // `hooks status` asking whether this hook reaches envseal. Failing keeps a stray variable from passing commits.
    context.out(`envseal hook probe ${probe}`);
    context.stderr.write(`envseal: the ${hook} hook reaches envseal; nothing was checked because ENVSEAL_HOOK_PROBE is set (hooks status sets it).\n`);
    return ExitCode.findings;
  }
  const run = guardRun(context, flags);
  let findings;
  if (hook === 'pre-commit' || hook === 'pre-merge-commit') {
    findings = await preCommitFindings(run);
  } else if (hook === 'commit-msg') {
    if (!rest[0]) throw new EnvsealError(Code.USAGE, 'commit-msg needs the message file git passes to the hook', 'Installed hooks pass it; run `envseal hooks install`.');
    findings = await commitMessageFindings(run, rest[0]);
  } else if (hook === 'pre-push') {
    findings = await prePushFindings(run, rest[0] ?? context.env.PRE_COMMIT_REMOTE_NAME ?? 'origin', await pushedRefs(context));
  } else {
    throw new EnvsealError(Code.USAGE, `unknown hook "${hook}"`, 'Hooks: pre-commit, pre-merge-commit, commit-msg, pre-push.');
  }
  const what = hook === 'pre-push' ? 'push' : hook === 'pre-merge-commit' ? 'merge' : 'commit';
  return reportFindings(findings, context, { blocked: `envseal blocked this ${what}` });
}

/**
 * The refs being pushed, as pre-push stdin lines. git gives them on stdin; the pre-commit framework
 * in environment variables, and for a push that starts a history (a root commit) only the branch
 * names. Run by hand, without either, it checks what HEAD has that the remote lacks.
 */
async function pushedRefs(context: Context): Promise<string> {
  const { env } = context;
  const stdin = context.stdin.isTTY ? '' : (await context.readStdin().catch(() => Buffer.alloc(0))).toString('utf8');
  if (stdin.trim() !== '') return stdin;
  const zero = '0'.repeat(40);
  if (env.PRE_COMMIT_TO_REF) return `HEAD ${env.PRE_COMMIT_TO_REF} HEAD ${env.PRE_COMMIT_FROM_REF ?? zero}`;
  const local = env.PRE_COMMIT_LOCAL_BRANCH ?? 'HEAD';
  return `${local} ${local} ${env.PRE_COMMIT_REMOTE_BRANCH ?? 'HEAD'} ${zero}`;
}
