import { EnvsealError, ExitCode, Code } from '../../errors.js';
import { hookProbe } from '../../env-vars.js';
import { displayPath } from '../../io/files.js';
import { type Flavour, type HookLocation, hookStates, installHooks, locateHooks, uninstallHooks } from '../../guard/install.js';
import type { Context } from '../context.js';
import type { Args, Handler } from '../handler.js';

function flavourOf(args: Args): Flavour | undefined {
  const chosen = (['husky', 'lefthook', 'git'] as const).filter((flavour) => args[flavour]);
  if (chosen.length > 1) throw new EnvsealError(Code.USAGE, `${chosen.map((f) => `--${f}`).join(' and ')} exclude each other`, 'Pick one, or none to detect husky or lefthook automatically.');
  return chosen[0];
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

function describeLocation(location: HookLocation): string {
  const where = displayPath(location.dir);
  if (location.flavour === 'husky') return `husky ${location.huskyMajor} in ${where}`;
  if (location.flavour === 'lefthook') return `lefthook, configured in ${where}`;
  return `git hooks in ${where}${location.huskyMajor ? ` (husky ${location.huskyMajor})` : ''}`;
}

export const status: Handler = async (args, context) => {
  const location = await locateHooks(context.cwd, flavourOf(args));
  const states = hookStates(location);
  // Run the hooks only when git would: an inactive location is reported as such.
  const { probeHooks } = await import('../../guard/probe.js');
  const probes = location.active ? await probeHooks(location, context.env) : [];
  const hooks = states.map((state) => ({ ...state, ...(probes.find((p) => p.hook === state.hook) ?? { reaches: false, why: undefined }) }));
  if (args.json) {
    context.out(JSON.stringify({ flavour: location.flavour, dir: location.dir, active: location.active, ...(location.huskyMajor ? { husky: location.huskyMajor } : {}), hooks }, null, 2));
  } else {
    context.out(`${describeLocation(location)}${location.active ? '' : ' (NOT ACTIVE)'}`);
    for (const h of hooks) {
      const state = !h.installed
        ? h.framework && h.reaches
          ? 'run by the pre-commit framework, reaches envseal'
          : 'not installed'
        : [
            'installed',
            ...(h.current ? [] : ['outdated: run `envseal hooks install`']),
            ...(h.chained ? ['runs the previous hook after envseal'] : []),
            ...(location.active ? [h.reaches ? 'reaches envseal' : `does NOT reach envseal: ${h.why ?? ''}`] : []),
          ].join(', ');
      context.out(`  ${h.hook.padEnd(16)} ${state}`);
    }
    if (location.note) context.out(`  note: ${location.note.replace(/\n/g, '\n        ')}`);
  }
  return location.active && hooks.every((h) => ((h.installed && h.current) || h.framework) && h.reaches) ? ExitCode.ok : ExitCode.findings;
};

/** `envseal hooks run <hook> [args...]`: what the installed shims call. Exit 1 blocks the commit or push. */
export const run: Handler = async (args, context) => {
  const hook = String(args.hook);
  const probe = hookProbe(context.env);
  if (probe !== undefined) {
    // `hooks status` asking whether this hook reaches envseal. Failing keeps a stray variable from passing commits.
    context.out(`envseal hook probe ${probe}`);
    context.stderr.write(`envseal: the ${hook} hook reaches envseal; nothing was checked because ENVSEAL_HOOK_PROBE is set (hooks status sets it).\n`);
    return ExitCode.findings;
  }
  const { preCommitFindings, commitMessageFindings, prePushFindings } = await import('../../guard/hooks.js');
  const { guardRun, reportFindings } = await import('../guard-output.js');
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
