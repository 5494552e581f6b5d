/**
 * Installing envseal's git hooks where the repository runs hooks:
 *  - husky (a .husky/ directory, or husky in package.json): a marked block in .husky/<hook>;
 *  - otherwise the directory git uses (core.hooksPath, else .git/hooks): envseal's shim as <hook>,
 *    with any hook already there kept as <hook>.envseal-chained and run after envseal.
 * Install is idempotent; uninstall removes exactly what install added and restores chained hooks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvsealError, Code } from '../errors.js';
import { displayPath, ioError, writeFileAtomic } from '../io/files.js';
import { packageRoot } from '../package-root.js';
import { hooksPaths } from '../git/config.js';
import { workTreeRoot } from '../git/run.js';

/** pre-merge-commit checks `git merge` as pre-commit checks `git commit` (a merge after conflicts runs pre-commit). */
export const HOOK_NAMES = ['pre-commit', 'pre-merge-commit', 'commit-msg', 'pre-push'] as const;
export type HookName = (typeof HOOK_NAMES)[number];
export type Flavour = 'husky' | 'git';

const SHIM_MARKER = '# envseal git hook:';
const HUSKY_BEGIN = '# >>> envseal: blocks plaintext env files and key material (`envseal hooks uninstall` removes this block)';
const HUSKY_END = '# <<< envseal';
const CHAINED_SUFFIX = '.envseal-chained';

export interface HookLocation {
  flavour: Flavour;
  /** Directory the hook files live in (.husky, core.hooksPath, or .git/hooks). */
  dir: string;
  /** For git hooks: whether git actually runs hooks from `dir` (husky: whether husky is initialized). */
  active: boolean;
  note?: string;
}

export interface HookChange {
  hook: HookName;
  file: string;
  action: 'installed' | 'already installed' | 'chained existing hook' | 'removed' | 'restored chained hook' | 'not installed';
}

interface RepoInfo {
  root: string;
  hooksPath?: string;
  gitHooksDir: string;
}

function repoInfo(cwd: string): RepoInfo {
  const root = workTreeRoot(cwd);
  const { hooksPath, gitHooksDir } = hooksPaths(root);
  return { root, ...(hooksPath ? { hooksPath } : {}), gitHooksDir: path.resolve(root, gitHooksDir) };
}

function usesHusky(root: string): boolean {
  if (fs.existsSync(path.join(root, '.husky'))) return true;
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    return Boolean(pkg.devDependencies?.husky ?? pkg.dependencies?.husky);
  } catch {
    return false;
  }
}

const isHuskyPath = (hooksPath: string | undefined): boolean => hooksPath !== undefined && /(^|\/)\.husky(\/_)?\/?$/.test(hooksPath);

export async function locateHooks(cwd: string, preferred?: Flavour): Promise<HookLocation> {
  const info = repoInfo(cwd);
  const flavour = preferred ?? (usesHusky(info.root) || isHuskyPath(info.hooksPath) ? 'husky' : 'git');
  if (flavour === 'husky') {
    // git runs husky's hooks from core.hooksPath; pointing at a directory that is not there (husky's
    // files are created by its install, which a fresh clone may not have run) runs nothing.
    const configured = isHuskyPath(info.hooksPath);
    const active = configured && fs.existsSync(path.resolve(info.root, info.hooksPath!));
    const note = configured
      ? `core.hooksPath is ${info.hooksPath}, which does not exist, so git runs no hook: run \`npx husky\` (or \`npm install\`)`
      : 'husky is not initialized in this clone (core.hooksPath is not .husky/_): run `npx husky`';
    return { flavour, dir: path.join(info.root, '.husky'), active, ...(active ? {} : { note }) };
  }
  if (info.hooksPath && !isHuskyPath(info.hooksPath)) {
    return { flavour, dir: path.resolve(info.root, info.hooksPath), active: true };
  }
  const active = !info.hooksPath;
  return { flavour, dir: info.gitHooksDir, active, ...(active ? {} : { note: `core.hooksPath is ${info.hooksPath}, so git does not run hooks from ${displayPath(info.gitHooksDir)}` }) };
}

/**
 * husky puts node_modules/.bin on PATH, so `envseal` is found wherever envseal is a dependency. In
 * envseal's own repository (which does not depend on itself) the hooks run the CLI built from source.
 */
function envsealCommand(root: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: string };
    if (pkg.name === 'envseal' && fs.existsSync(path.join(root, 'bin/envseal.js'))) return 'node bin/envseal.js';
  } catch {
    // no package.json: a plain repository
  }
  return 'envseal';
}

const huskyBlock = (hook: HookName, command: string): string => `${HUSKY_BEGIN}\n${command} hooks run ${hook} "$@"\n${HUSKY_END}\n`;

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(e, 'read', file);
  }
}

export function installHooks(location: HookLocation): HookChange[] {
  try {
    fs.mkdirSync(location.dir, { recursive: true });
  } catch (e) {
    throw ioError(e, 'create', location.dir);
  }
  const shim = readIfExists(path.join(packageRoot(), 'hooks', 'pre-commit'))!;
  return HOOK_NAMES.map((hook) => {
    const file = path.join(location.dir, hook);
    const current = readIfExists(file);
    // Every write is atomic: a failure (a full disk, a read-only directory) leaves the old hook as it was.
    const write = (content: string): void => writeFileAtomic(file, content, { mode: 0o755, forceMode: true });
    if (location.flavour === 'husky') {
      if (current?.includes(HUSKY_BEGIN)) return { hook, file, action: 'already installed' };
      const prefix = current === undefined || current === '' ? '' : current.endsWith('\n') ? current : `${current}\n`;
      write(`${prefix}${huskyBlock(hook, envsealCommand(path.dirname(location.dir)))}`);
      return { hook, file, action: 'installed' };
    }
    if (current?.includes(SHIM_MARKER)) return { hook, file, action: 'already installed' };
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
  return HOOK_NAMES.map((hook) => {
    const file = path.join(location.dir, hook);
    const current = readIfExists(file);
    if (location.flavour === 'husky') {
      if (!current?.includes(HUSKY_BEGIN)) return { hook, file, action: 'not installed' };
      const rest = current.replace(new RegExp(`${escape(HUSKY_BEGIN)}\\n[\\s\\S]*?${escape(HUSKY_END)}\\n?`), '');
      if (rest.trim() === '') fs.rmSync(file);
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
  chained: boolean;
}

export function hookStates(location: HookLocation): HookState[] {
  return HOOK_NAMES.map((hook) => {
    const file = path.join(location.dir, hook);
    const current = readIfExists(file) ?? '';
    const installed = location.flavour === 'husky' ? current.includes(HUSKY_BEGIN) : current.includes(SHIM_MARKER);
    return { hook, file, installed, chained: fs.existsSync(`${file}${CHAINED_SUFFIX}`) };
  });
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&');
