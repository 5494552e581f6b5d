import { EnvsealError, ExitCode, Code } from '../../errors.js';
import { displayPath } from '../../io/files.js';
import { type Flavour, type HookLocation, hookStates, installHooks, locateHooks, uninstallHooks } from '../../guard/install.js';
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

/** `envseal hooks run <hook> [args...]`: what the installed shims call (the hook bundle runs the same code). */
export const run: Handler = async (args, context) => {
  const { runHook } = await import('../hook-run.js');
  return runHook(String(args.hook), (args.args as string[] | undefined) ?? [], args, context);
};
