/**
 * What git will keep of a commit message. git runs commit-msg on the file as written, before its
 * cleanup, and the cleanup decides what is committed:
 *  - a message not edited in an editor (`-m`, `-F`, `-C`; git then runs the hook with GIT_EDITOR=:)
 *    is cleaned up as whitespace by default: comment lines and a scissors line are kept, with
 *    everything after them;
 *  - an edited message is cut at git's scissors line (`# ------------------------ >8 -----...`)
 *    when git wrote one for `commit -v` (its diff follows) or the cleanup mode is `scissors`.
 * Only a cut git will make is made here; anything git may keep is checked, so a look-alike line
 * (other dashes, another comment character, a scissors line in a `-F` file) hides nothing.
 * Pure: the caller says whether the message was edited, and the configured mode.
 */

/** git's cut line, after the comment character (wt-status.c: cut_line). */
const CUT_LINE = ' ------------------------ >8 ------------------------';

export interface MessageContext {
  /** Whether git opened an editor on the message (it sets GIT_EDITOR=: for the hook when not). */
  edited: boolean;
  /** commit.cleanup from git's config (the caller may skip reading it when there is no cut line). */
  cleanup?: string;
  /** core.commentChar (or core.commentString), default '#'. */
  commentString?: string;
}

export function keptMessage(raw: string, context: MessageContext): string {
  if (!context.edited) return raw;
  const cut = cutLineIndex(raw, context.commentString ?? '#');
  if (cut === -1) return raw;
  if (diffFollows(raw, cut, context.commentString ?? '#') || context.cleanup === 'scissors') return raw.slice(0, cut);
  return raw;
}

/** Where git's cut line starts (at the start of the message or of a line), -1 when there is none. */
function cutLineIndex(raw: string, comment: string): number {
  const line = `${comment}${CUT_LINE}`;
  for (let at = raw.indexOf(line); at !== -1; at = raw.indexOf(line, at + 1)) {
    const end = at + line.length;
    if ((at === 0 || raw[at - 1] === '\n') && (end === raw.length || raw[end] === '\n' || raw.startsWith('\r\n', end))) return at;
  }
  return -1;
}

/** `commit -v`: git's comment lines after the cut line, then the diff it appended. */
function diffFollows(raw: string, cut: number, comment: string): boolean {
  const after = raw.slice(cut).split('\n').slice(1).find((line) => !line.startsWith(comment));
  return after !== undefined && after.startsWith('diff --git ');
}
