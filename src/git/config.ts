/** The repository's local git config (.git/config): what setup writes and what the hooks read. */
import { gitSync, gitTry } from './run.js';

/** A local setting's value, undefined when unset. */
export function configGet(root: string, key: string): string | undefined {
  const result = gitTry(root, ['config', '--local', '--get', key]);
  return result.status === 0 ? result.stdout.toString('utf8').replace(/\n$/, '') : undefined;
}

export function configSet(root: string, key: string, value: string): void {
  gitSync(root, ['config', '--local', key, value]);
}

export function configUnset(root: string, key: string): void {
  gitSync(root, ['config', '--local', '--unset', key]);
}

/** Removes `[section]` when nothing is left in it: git leaves an empty one behind after the last --unset. */
export function removeEmptySection(root: string, section: string): void {
  if (gitTry(root, ['config', '--local', '--get-regexp', `^${section.replace('.', '\\.')}\\.`]).status === 1) {
    gitTry(root, ['config', '--local', '--remove-section', section]);
  }
}

/** Where git runs hooks from: core.hooksPath (from any config level) when set, and the hooks directory of the git dir. */
export function hooksPaths(root: string): { hooksPath?: string; gitHooksDir: string } {
  const configured = gitTry(root, ['config', '--get', 'core.hooksPath']);
  const hooksPath = configured.status === 0 ? configured.stdout.toString('utf8').trim() : '';
  const gitHooksDir = gitSync(root, ['rev-parse', '--git-path', 'hooks']).toString('utf8').trim();
  return { ...(hooksPath ? { hooksPath } : {}), gitHooksDir };
}
