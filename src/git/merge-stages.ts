/** The versions of a file that an unfinished `git merge` left in the index (stages 1, 2 and 3). */
import * as path from 'node:path';
import { decodeUtf8 } from '../text.js';
import { gitTry } from './run.js';

export interface MergeStages {
  /** The common ancestor; undefined when the file was added on both sides. */
  base?: string;
  ours?: string;
  theirs?: string;
}

/**
 * The three versions of `file` as UTF-8 text when a merge stopped on it, undefined when it is not
 * unmerged (or not in a repository). A version that is absent or not UTF-8 is left out.
 */
export function mergeStages(file: string): MergeStages | undefined {
  const cwd = path.dirname(file);
  const spec = `./${path.basename(file)}`;
  let unmerged;
  try {
    unmerged = gitTry(cwd, ['ls-files', '-u', '-z', '--', spec]);
  } catch {
    return undefined; // no git: no merge in progress either
  }
  if (unmerged.status !== 0 || unmerged.stdout.length === 0) return undefined;
  const stage = (n: number): string | undefined => {
    const blob = gitTry(cwd, ['cat-file', 'blob', `:${n}:${spec}`]);
    return blob.status === 0 ? decodeUtf8(blob.stdout) : undefined;
  };
  const [base, ours, theirs] = [stage(1), stage(2), stage(3)];
  return { ...(base !== undefined ? { base } : {}), ...(ours !== undefined ? { ours } : {}), ...(theirs !== undefined ? { theirs } : {}) };
}
