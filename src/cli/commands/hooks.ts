import { EnvsealError, ExitCode, Code } from '../../errors.js';
import { displayPath } from '../../io/files.js';
import { type Flavour, hookStates, installHooks, locateHooks, uninstallHooks } from '../../guard/install.js';
import type { Context } from '../context.js';
import type { Args, Handler } from '../handler.js';

function flavourOf(args: Args): Flavour | undefined {
  if (args.husky && args.git) throw new EnvsealError(Code.USAGE, '--husky and --git exclude each other', 'Pick one, or neither to detect husky automatically.');
  return args.husky ? 'husky' : args.git ? 'git' : undefined;
}

export const install: Handler = async (args, context) => {
  const location = await locateHooks(context.cwd, flavourOf(args));
  for (const change of installHooks(location)) context.info(`${change.hook}: ${change.action} (${displayPath(change.file)})`);
  if (location.note) context.warn(location.note);
  return ExitCode.ok;
};

export const uninstall: Handler = async (args, context) => {
  const location = await locateHooks(context.cwd, flavourOf(args));
  for (const change of uninstallHooks(location)) context.info(`${change.hook}: ${change.action} (${displayPath(change.file)})`);
  return ExitCode.ok;
};

export const status: Handler = async (args, context) => {
  const location = await locateHooks(context.cwd, flavourOf(args));
  const states = hookStates(location);
  if (args.json) {
    context.out(JSON.stringify({ flavour: location.flavour, dir: location.dir, active: location.active, hooks: states }, null, 2));
  } else {
    context.out(`${location.flavour === 'husky' ? 'husky' : 'git hooks'} in ${displayPath(location.dir)}${location.active ? '' : ' (NOT ACTIVE)'}`);
    for (const s of states) context.out(`  ${s.hook.padEnd(16)} ${s.installed ? 'installed' : 'not installed'}${s.chained ? ', runs the previous hook after envseal' : ''}`);
    if (location.note) context.out(`  note: ${location.note}`);
  }
  return states.every((s) => s.installed) && location.active ? ExitCode.ok : ExitCode.findings;
};

/** `envseal hooks run <hook> [args...]`: what the installed shims call. Exit 1 blocks the commit or push. */
export const run: Handler = async (args, context) => {
  const { preCommitFindings, commitMessageFindings, prePushFindings } = await import('../../guard/hooks.js');
  const { guardRun, reportFindings } = await import('../guard-output.js');
  const hook = String(args.hook);
  const rest = (args.args as string[] | undefined) ?? [];
  const run = guardRun(context, args);
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
};

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
