/**
 * `envseal git merge %O %A %B %P`: the merge driver git runs (core/merge.ts). On a conflict it exits 1
 * so git marks the file conflicted; the file is still sealed and valid.
 */
import * as path from 'node:path';
import { mergeSealedFiles } from '../../core/merge.js';
import { envNameOf } from '../../env-files.js';
import { EnvsealError, ExitCode } from '../../errors.js';
import type { Handler } from '../handler.js';
import { keyOptions } from '../paths.js';

export const gitMerge: Handler = async (args, context) => {
  const repoPath = String(args.path ?? args.ours);
  const at = (file: unknown): string => path.resolve(context.cwd, String(file));
  try {
    const { conflicts, fromTheirs } = mergeSealedFiles({
      ...keyOptions(args, context),
      base: at(args.base),
      ours: at(args.ours),
      theirs: at(args.theirs),
      repoFile: at(repoPath),
      label: repoPath,
      now: context.now,
    });
    if (conflicts.length > 0) {
      const envName = envNameOf(repoPath);
      context.stderr.write(
        `envseal: CONFLICT in ${repoPath}: ${conflicts.join(', ')} changed differently on both branches; the merged file keeps ours for ${conflicts.length === 1 ? 'it' : 'them'} and is sealed and valid.\n` +
          `  Resolve: \`envseal edit${envName ? ` --env ${envName}` : ''}\` (shows the other branch's value next to ours), then \`git add ${repoPath}\` and commit.\n`,
      );
      return ExitCode.findings;
    }
    context.info(`envseal: merged ${repoPath} per variable${fromTheirs.length > 0 ? ` (from the other branch: ${fromTheirs.join(', ')})` : ''}.`);
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof EnvsealError)) throw error;
    context.stderr.write(`envseal: cannot merge ${repoPath}: ${error.message}\n  Our version is left in place and git marks the file conflicted. ${error.hint ?? ''}\n  With the key available, \`git checkout --merge -- ${repoPath}\` runs the merge again.\n`);
    return error.exitCode;
  }
};
