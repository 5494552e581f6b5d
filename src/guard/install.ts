/**
 * Installing envseal's git hooks where the repository runs hooks:
 *  - husky 5 to 9 (a .husky/ directory, or husky in package.json): a marked block at the top of
 *    .husky/<hook>. husky 9 puts node_modules/.bin on PATH, husky 5-8 do not, so the block finds
 *    envseal in node_modules/.bin itself before it tries PATH;
 *  - husky 4, whose hooks live in .git/hooks: as for plain git, envseal runs first, then husky's;
 *  - lefthook (lefthook.yml): envseal's commands appended under hooks the file does not configure
 *    yet; for a hook it already configures, a note says what to add;
 *  - otherwise the directory git uses (core.hooksPath, else .git/hooks): envseal's shim as <hook>,
 *    with any hook already there kept as <hook>.envseal-chained and run after envseal.
 * Install is idempotent, and brings an outdated hook up to date; uninstall removes exactly what
 * install added and restores chained hooks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvsealError, Code } from '../errors.js';
import { displayPath, ioError, writeFileAtomic } from '../io/files.js';
import { packageRoot } from '../package-root.js';
import { hooksPaths } from '../git/config.js';
import { workTreeRoot } from '../git/run.js';
import { HOOK_NAMES, type HookName } from './hook-names.js';

/** pre-merge-commit checks `git merge` as pre-commit checks `git commit` (a merge after conflicts runs pre-commit). */
export type Flavour = 'husky' | 'git' | 'lefthook';

const SHIM_MARKER = '# envseal git hook:';
const BLOCK_BEGIN = '# >>> envseal: blocks plaintext env files and key material (`envseal hooks uninstall` removes this block)';
const BLOCK_END = '# <<< envseal';
const CHAINED_SUFFIX = '.envseal-chained';
/** What `husky add` (5-8) starts a hook file with; husky 9 needs no header and warns about this one. */
const HUSKY_HEADER = '#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\n\n';
const LEFTHOOK_CONFIGS = ['lefthook.yml', 'lefthook.yaml', '.lefthook.yml', '.lefthook.yaml', '.config/lefthook.yml', '.config/lefthook.yaml'];

export interface HookLocation {
  flavour: Flavour;
  root: string;
  /** Where the hook files live (.husky, core.hooksPath, .git/hooks), or lefthook's config file. */
  dir: string;
  /** The directory git runs hooks from: core.hooksPath, else .git/hooks. */
  runDir: string;
  /** Whether git actually runs the hooks installed there (husky: whether husky is set up in this clone). */
  active: boolean;
  /** husky's major version, when husky manages the hooks (4 included: then the flavour is git). */
  huskyMajor?: number;
  note?: string;
  /** When git runs no hook from here (not `active`): what makes it. */
  fix?: string;
}

export interface HookChange {
  hook: HookName;
  file: string;
  action: 'installed' | 'already installed' | 'updated' | 'chained existing hook' | 'removed' | 'restored chained hook' | 'not installed';
}

interface RepoInfo {
  root: string;
  hooksPath?: string;
  gitHooksDir: string;
  runDir: string;
}

function repoInfo(cwd: string): RepoInfo {
  const root = workTreeRoot(cwd);
  const { hooksPath, gitHooksDir } = hooksPaths(root);
  const hooksDir = path.resolve(root, gitHooksDir);
  return { root, ...(hooksPath ? { hooksPath } : {}), gitHooksDir: hooksDir, runDir: hooksPath ? path.resolve(root, hooksPath) : hooksDir };
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function dependencyRange(root: string, name: string): string | undefined {
  const pkg = readJson(path.join(root, 'package.json')) as Record<string, Record<string, string> | undefined> | undefined;
  return pkg?.devDependencies?.[name] ?? pkg?.dependencies?.[name];
}

/**
 * husky's major version: the installed package's, else the one package.json asks for, else what the
 * files husky made say (husky 9 writes .husky/_/h); undefined when the repository does not use husky.
 */
function huskyMajor(root: string, hooksPath: string | undefined): number | undefined {
  const installed = readJson(path.join(root, 'node_modules/husky/package.json'))?.version;
  const range = dependencyRange(root, 'husky');
  const declared = /(\d+)/.exec(typeof installed === 'string' ? installed : (range ?? ''))?.[1];
  if (declared) return Number(declared);
  if (!fs.existsSync(path.join(root, '.husky')) && !isHuskyPath(hooksPath)) return undefined;
  return fs.existsSync(path.join(root, '.husky/_/husky.sh')) && !fs.existsSync(path.join(root, '.husky/_/h')) ? 8 : 9;
}

const isHuskyPath = (hooksPath: string | undefined): boolean => hooksPath !== undefined && /(^|\/)\.husky(\/_)?\/?$/.test(hooksPath);

function lefthookConfig(root: string): string | undefined {
  const found = LEFTHOOK_CONFIGS.map((name) => path.join(root, name)).find((file) => fs.existsSync(file));
  return found ?? (dependencyRange(root, 'lefthook') ? path.join(root, LEFTHOOK_CONFIGS[0]!) : undefined);
}

export async function locateHooks(cwd: string, preferred?: Flavour): Promise<HookLocation> {
  const info = repoInfo(cwd);
  const major = preferred === 'git' || preferred === 'lefthook' ? undefined : huskyMajor(info.root, info.hooksPath);
  const lefthook = preferred === 'lefthook' || (preferred === undefined && major === undefined) ? lefthookConfig(info.root) : undefined;
  if (lefthook) {
    return { flavour: 'lefthook', root: info.root, dir: lefthook, runDir: info.runDir, active: true };
  }
  if (major !== undefined && major >= 5) return huskyLocation(info, major);
  if (preferred === 'husky' && major === undefined) return huskyLocation(info, 9);
  const husky4 = major === 4 ? { huskyMajor: 4, note: 'husky 4 runs its hooks from .git/hooks: envseal checks first, then runs husky\'s hook' } : {};
  if (info.hooksPath && !isHuskyPath(info.hooksPath)) {
    return { flavour: 'git', root: info.root, dir: info.runDir, runDir: info.runDir, active: true, ...husky4 };
  }
  const active = !info.hooksPath;
  const inactive = {
    note: `core.hooksPath is ${info.hooksPath}, so git does not run hooks from ${displayPath(info.gitHooksDir)}`,
    fix: 'Run `git config --unset core.hooksPath` (husky is not set up here), then `envseal hooks install`.',
  };
  return { flavour: 'git', root: info.root, dir: info.gitHooksDir, runDir: info.runDir, active, ...husky4, ...(active ? {} : inactive) };
}

function huskyLocation(info: RepoInfo, major: number): HookLocation {
  // git runs husky's hooks from core.hooksPath: husky 9 points it at .husky/_, 5-8 at .husky. A path
  // that is not there (husky's files are created by its install, which a fresh clone may not have
  // run) runs nothing. husky 7 and 8 answer a bare `npx husky` with their usage only.
  const setUp = major >= 9 ? '`npx husky` (or `npm install`, whose prepare script runs it)' : '`npx husky install` (or `npm install`, if its prepare script runs it)';
  const configured = isHuskyPath(info.hooksPath);
  const active = configured && fs.existsSync(info.runDir);
  const note = configured
    ? `core.hooksPath is ${info.hooksPath}, which does not exist, so git runs no hook: run ${setUp}`
    : `husky is not set up in this clone (core.hooksPath is not ${major >= 9 ? '.husky/_' : '.husky'}): run ${setUp}`;
  return { flavour: 'husky', root: info.root, dir: path.join(info.root, '.husky'), runDir: info.runDir, active, huskyMajor: major, ...(active ? {} : { note, fix: `Run ${setUp}.` }) };
}

/** How a hook block calls envseal: the CLI built from source in envseal's own repository. */
function ownRepository(root: string): boolean {
  const pkg = readJson(path.join(root, 'package.json'));
  return pkg?.name === 'envseal' && fs.existsSync(path.join(root, 'bin/envseal.js'));
}

/**
 * The shell that runs envseal from a husky or lefthook hook (the hook runs at the repository's root):
 * envseal from node_modules/.bin, which husky before 9 and lefthook do not put on PATH, else from PATH,
 * else a message that says why the commit stops.
 */
function envsealCall(root: string, hook: HookName, args: string): string {
  if (ownRepository(root)) return `node bin/envseal.js hooks run ${hook}${args}`;
  return (
    `if [ -x node_modules/.bin/envseal ]; then node_modules/.bin/envseal hooks run ${hook}${args}; ` +
    `elif command -v envseal >/dev/null 2>&1; then envseal hooks run ${hook}${args}; ` +
    `else echo "envseal is not installed here (npm install), so the ${hook} check cannot run; --no-verify skips it once" >&2; false; fi`
  );
}

const huskyBlock = (root: string, hook: HookName): string => `${BLOCK_BEGIN}\n${envsealCall(root, hook, ' "$@"')} || exit $?\n${BLOCK_END}\n`;

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&');
const BLOCK = new RegExp(`${escape(BLOCK_BEGIN)}\\n[\\s\\S]*?${escape(BLOCK_END)}\\n?`);

/** Lines a hook file starts with before any command: the shebang, husky's helper, blank lines, comments. */
function headerLength(lines: readonly string[]): number {
  let n = 0;
  while (n < lines.length && (lines[n]!.trim() === '' || lines[n]!.startsWith('#') || /husky\.sh"?\s*$/.test(lines[n]!))) n++;
  return n;
}

/** The block at the top of the file's commands, so no command of the user's runs before it (or during a probe). */
function withBlockFirst(current: string, block: string): string {
  const rest = current.replace(BLOCK, '');
  const lines = rest.split('\n');
  const at = headerLength(lines);
  const header = lines.slice(0, at).join('\n');
  const commands = lines.slice(at).join('\n');
  return `${header}${header === '' || header.endsWith('\n') ? '' : '\n'}${block}${commands}`;
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(e, 'read', file);
  }
}

const shimText = (): string => readIfExists(path.join(packageRoot(), 'hooks', 'pre-commit'))!;

export function installHooks(location: HookLocation): HookChange[] {
  if (location.flavour === 'lefthook') return installLefthook(location);
  try {
    fs.mkdirSync(location.dir, { recursive: true });
  } catch (e) {
    throw ioError(e, 'create', location.dir);
  }
  const shim = shimText();
  return HOOK_NAMES.map((hook) => {
    const file = path.join(location.dir, hook);
    const current = readIfExists(file);
    // Every write is atomic: a failure (a full disk, a read-only directory) leaves the old hook as it was.
    const write = (content: string): void => writeFileAtomic(file, content, { mode: 0o755, forceMode: true });
    if (location.flavour === 'husky') {
      const block = huskyBlock(location.root, hook);
      if (current === undefined || current.trim() === '') {
        write(`${location.huskyMajor! < 9 ? HUSKY_HEADER : ''}${block}`);
        return { hook, file, action: 'installed' };
      }
      const wanted = withBlockFirst(current, block);
      if (wanted === current) return { hook, file, action: 'already installed' };
      write(wanted);
      return { hook, file, action: current.includes(BLOCK_BEGIN) ? 'updated' : 'installed' };
    }
    if (current?.includes(SHIM_MARKER)) {
      if (current === shim) return { hook, file, action: 'already installed' };
      write(shim);
      return { hook, file, action: 'updated' };
    }
    let action: HookChange['action'] = 'installed';
    // lstat, not exists: a dangling symlink is someone's hook too, and must be chained, not written through.
    if (current !== undefined || isSymlink(file)) {
      const chained = `${file}${CHAINED_SUFFIX}`;
      if (fs.existsSync(chained) || isSymlink(chained)) {
        throw new EnvsealError(Code.HOOK_CHAINED_EXISTS, `both ${displayPath(file)} and ${displayPath(chained)} exist, and the first is not envseal's`, `Move one of them away, then run \`envseal hooks install\` again.`);
      }
      try {
        fs.renameSync(file, chained);
      } catch (e) {
        throw ioError(e, 'replace', file);
      }
      action = 'chained existing hook';
    }
    write(shim);
    return { hook, file, action };
  });
}

function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

export function uninstallHooks(location: HookLocation): HookChange[] {
  if (location.flavour === 'lefthook') return uninstallLefthook(location);
  return HOOK_NAMES.map((hook) => {
    const file = path.join(location.dir, hook);
    const current = readIfExists(file);
    if (location.flavour === 'husky') {
      if (!current?.includes(BLOCK_BEGIN)) return { hook, file, action: 'not installed' };
      const rest = current.replace(BLOCK, '');
      // Nothing left but the header envseal wrote: the file was envseal's alone.
      if (rest.trim() === '' || rest === HUSKY_HEADER) fs.rmSync(file);
      else writeFileAtomic(file, rest, { mode: 0o755 });
      return { hook, file, action: 'removed' };
    }
    if (!current?.includes(SHIM_MARKER)) return { hook, file, action: 'not installed' };
    fs.rmSync(file);
    const chained = `${file}${CHAINED_SUFFIX}`;
    if (fs.existsSync(chained) || isSymlink(chained)) {
      fs.renameSync(chained, file);
      return { hook, file, action: 'restored chained hook' };
    }
    return { hook, file, action: 'removed' };
  });
}

export interface HookState {
  hook: HookName;
  file: string;
  installed: boolean;
  /** Installed as this version of envseal installs it (for husky: its block first); else install updates it. */
  current: boolean;
  chained: boolean;
  /**
   * The hook git runs is the pre-commit framework's (https://pre-commit.com): it runs envseal when
   * .pre-commit-config.yaml enables envseal's hooks, which `hooks install` does not write.
   */
  framework: boolean;
}

/** The line the pre-commit framework's hook scripts start with (its hook-tmpl), after the shebang. */
const PRE_COMMIT_FRAMEWORK_MARKER = '# File generated by pre-commit: https://pre-commit.com';
export const PRE_COMMIT_CONFIG = '.pre-commit-config.yaml';

export function hookStates(location: HookLocation): HookState[] {
  const framework = (hook: HookName): boolean => readIfExists(path.join(location.runDir, hook))?.includes(PRE_COMMIT_FRAMEWORK_MARKER) === true;
  if (location.flavour === 'lefthook') return lefthookStates(location).map((state) => ({ ...state, framework: framework(state.hook) }));
  const shim = shimText();
  return HOOK_NAMES.map((hook) => {
    const file = path.join(location.dir, hook);
    const content = readIfExists(file) ?? '';
    const installed = location.flavour === 'husky' ? content.includes(BLOCK_BEGIN) : content.includes(SHIM_MARKER);
    const current = location.flavour === 'husky' ? withBlockFirst(content, huskyBlock(location.root, hook)) === content : content === shim;
    return { hook, file, installed, current: installed && current, chained: fs.existsSync(`${file}${CHAINED_SUFFIX}`), framework: framework(hook) };
  });
}

/*
 * lefthook: YAML is not parsed here, so envseal only appends hooks the file does not mention yet.
 * envseal runs as a lefthook script (.lefthook/<hook>/envseal), not a command: lefthook skips a
 * command when nothing is staged or no file is pushed, which would let a message or a tag through.
 */

const LEFTHOOK_SCRIPT = 'envseal';
const LEFTHOOK_SCRIPT_MARKER = '# envseal lefthook script:';

function lefthookEntry(hook: HookName): string {
  return `  scripts:\n    ${LEFTHOOK_SCRIPT}:\n      runner: sh\n${hook === 'pre-push' ? '      use_stdin: true\n' : ''}`;
}

const lefthookScriptPath = (location: HookLocation, hook: HookName): string => path.join(location.root, '.lefthook', hook, LEFTHOOK_SCRIPT);

const lefthookScript = (root: string, hook: HookName): string =>
  `#!/bin/sh\n${LEFTHOOK_SCRIPT_MARKER} run by lefthook (${hook}); \`envseal hooks uninstall\` removes it.\n${envsealCall(root, hook, ' "$@"')}\n`;

/** Top-level keys of a YAML block mapping: lines that start with a key and a colon. */
function topLevelKeys(text: string): Set<string> {
  return new Set([...text.matchAll(/^([A-Za-z0-9_.-]+)\s*:/gm)].map((m) => m[1]!));
}

/** What to add by hand for a hook lefthook.yml already configures. */
export function lefthookSnippet(hook: HookName): string {
  return `under ${hook}: add (into its scripts: if it has one)\n${lefthookEntry(hook)}`;
}

function installLefthook(location: HookLocation): HookChange[] {
  const file = location.dir;
  const current = readIfExists(file) ?? '';
  const ours = BLOCK.exec(current)?.[0] ?? '';
  const theirs = current.replace(BLOCK, '');
  const keys = topLevelKeys(theirs);
  const appended = HOOK_NAMES.filter((hook) => !keys.has(hook));
  const block = appended.length === 0 ? '' : `${BLOCK_BEGIN}\n${appended.map((hook) => `${hook}:\n${lefthookEntry(hook)}`).join('')}${BLOCK_END}\n`;
  const scriptsChanged = HOOK_NAMES.filter((hook) => {
    const script = lefthookScriptPath(location, hook);
    const wanted = lefthookScript(location.root, hook);
    if (readIfExists(script) === wanted) return false;
    fs.mkdirSync(path.dirname(script), { recursive: true });
    writeFileAtomic(script, wanted, { mode: 0o755, forceMode: true });
    return true;
  });
  if (block !== ours) {
    const base = theirs === '' || theirs.endsWith('\n') ? theirs : `${theirs}\n`;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, `${base}${block}`, { mode: 0o644 });
  }
  const states = lefthookStates(location);
  const notes = HOOK_NAMES.filter((hook) => keys.has(hook) && !states.find((s) => s.hook === hook)!.installed).map((hook) => `${displayPath(file)} already configures ${hook}: ${lefthookSnippet(hook)}`);
  if (notes.length > 0) location.note = `${notes.join('\n')}then run \`npx lefthook install\``;
  else if (block !== ours) location.note = 'run `npx lefthook install` so that git runs the new hooks';
  return states.map(({ hook, installed }) => ({
    hook,
    file: appended.includes(hook) ? file : lefthookScriptPath(location, hook),
    action: !installed ? 'not installed' : appended.includes(hook) && !ours.includes(`\n${hook}:\n`) ? 'installed' : scriptsChanged.includes(hook) ? 'updated' : 'already installed',
  }));
}

function uninstallLefthook(location: HookLocation): HookChange[] {
  const file = location.dir;
  const current = readIfExists(file) ?? '';
  const ours = BLOCK.exec(current)?.[0] ?? '';
  if (ours) writeFileAtomic(file, current.replace(BLOCK, ''), { mode: 0o644 });
  return HOOK_NAMES.map((hook) => {
    const script = lefthookScriptPath(location, hook);
    const removed = readIfExists(script)?.includes(LEFTHOOK_SCRIPT_MARKER) === true;
    if (removed) {
      fs.rmSync(script);
      for (const dir of [path.dirname(script), path.dirname(path.dirname(script))]) {
        try {
          fs.rmdirSync(dir); // only when empty: other scripts of the team's stay
        } catch {
          break;
        }
      }
    }
    return { hook, file: removed ? script : file, action: removed || ours.includes(`\n${hook}:\n`) ? 'removed' : 'not installed' };
  });
}

/**
 * Installed: the hook runs envseal's script, from envseal's block or from the team's own entry for it
 * (the note's snippet: an `envseal:` script under a hook the file configures).
 */
function lefthookStates(location: HookLocation): Array<Omit<HookState, 'framework'>> {
  const content = readIfExists(location.dir) ?? '';
  const ours = BLOCK.exec(content)?.[0] ?? '';
  const byHand = /^\s+envseal:\s*$/m.test(content.replace(BLOCK, ''));
  return HOOK_NAMES.map((hook) => {
    const script = readIfExists(lefthookScriptPath(location, hook));
    const configured = ours.includes(`\n${hook}:\n`) || (byHand && topLevelKeys(content.replace(BLOCK, '')).has(hook));
    const installed = configured && script?.includes(LEFTHOOK_SCRIPT_MARKER) === true;
    return { hook, file: location.dir, installed, current: installed && script === lefthookScript(location.root, hook), chained: false };
  });
}
