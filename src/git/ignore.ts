/** What git's ignore rules say about paths: every .gitignore, .git/info/exclude and core.excludesFile, as git applies them. */
import { gitFailed, gitTry } from './run.js';

export interface IgnoreVerdict {
  /** Relative to the work tree's root, `/`-separated; a trailing `/` asks about a directory. */
  path: string;
  ignored: boolean;
  /** The last rule that matched (a `!` rule re-includes), and where it is written. */
  rule?: { pattern: string; source: string; line: number };
}

/**
 * The verdict for each path, whether or not it exists or is tracked (--no-index): what the rules say
 * about a file that would be created there.
 */
export function checkIgnore(root: string, paths: readonly string[]): IgnoreVerdict[] {
  if (paths.length === 0) return [];
  const args = ['check-ignore', '--no-index', '--verbose', '--non-matching', '-z', '--stdin'];
  const result = gitTry(root, args, `${paths.join('\0')}\0`);
  // 0: some path is ignored, 1: none is; anything else is git failing, and the rules cannot be told.
  if (result.status !== 0 && result.status !== 1) throw gitFailed(root, args, result.stderr);
  const fields = result.stdout.toString('utf8').split('\0');
  const verdicts: IgnoreVerdict[] = [];
  for (let i = 0; i + 3 < fields.length; i += 4) {
    const [source, line, pattern, path] = fields.slice(i, i + 4) as [string, string, string, string];
    verdicts.push(pattern === '' ? { path, ignored: false } : { path, ignored: !pattern.startsWith('!'), rule: { pattern, source, line: Number(line) } });
  }
  return verdicts;
}
