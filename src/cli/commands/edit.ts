import type { ChangeSummary } from '../../core/changes.js';
import { editSealedFile } from '../../core/edit.js';
import { EnvsealError, Code } from '../../errors.js';
import { displayPath } from '../../io/files.js';
import { audited } from '../audit.js';
import type { Context } from '../context.js';
import { decryptPaths, editTempRoot, keyOptions } from '../paths.js';
import { noteAbandonedEdits } from '../abandoned-edits.js';
import type { Handler } from '../handler.js';
import { notePlaintextBehind } from '../plaintext-note.js';

export const edit: Handler = async (args, context) => {
  const { input } = decryptPaths(args, context);
  const interactive = context.interactive;
  const editor = editorCommand(context);
  if (!context.stdin.isTTY && needsTerminal(editor)) {
    throw new EnvsealError(
      Code.USAGE,
      `edit opens ${editor.split(/\s+/)[0]}, a terminal editor, but stdin is not a terminal: it would hang or exit without saving`,
      'Run it from a terminal; in a script use `envseal set NAME` (value on stdin), or set EDITOR to a non-interactive command (EDITOR="sed -i s/^PORT=.*/PORT=8080/").',
    );
  }
  const tempRoot = editTempRoot(context);
  noteAbandonedEdits(tempRoot, context);
  const result = await audited(context, 'edit', input, () =>
    editSealedFile({
      ...keyOptions(args, context),
      file: input,
      now: context.now,
      allowReuse: Boolean(args.allowReuse),
      editor,
      tempRoot,
      ...(interactive
        ? {
            reopen: async (problem) => {
              context.warn(`${problem.message}${problem.hint ? `\n  fix: ${problem.hint}` : ''}`);
              return askReopen(context);
            },
            keptAtSignal: (kept) => context.warn(`${kept.message}\n  fix: ${kept.hint}`),
          }
        : {}),
    }),
  );
  const file = displayPath(input);
  if (!result.written) context.info(`No changes: ${file} was not modified.`);
  else {
    context.info(`Updated ${file}: ${describeChanges(result.changes)}. Unchanged values kept their ciphertext.`);
    notePlaintextBehind(input, context);
  }
  if (result.conflicts.length > 0) context.info(`This resolves the merge conflict in ${result.conflicts.join(', ')}. Next: git add ${file} && git commit`);
  return 0;
};

/**
 * Yes unless the answer starts with "n". Ctrl-C or Ctrl-D mean no, so the edit is kept and its path
 * shown (readline would otherwise just pause stdin on Ctrl-C, leaving the question unanswered).
 */
async function askReopen(context: Context): Promise<boolean> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: context.stdin, output: context.stderr, terminal: true });
  return new Promise((resolve) => {
    let answered = false;
    const answer = (yes: boolean): void => {
      if (answered) return;
      answered = true;
      rl.close();
      resolve(yes);
    };
    rl.on('SIGINT', () => answer(false));
    rl.on('close', () => answer(false));
    rl.question('Reopen the editor to fix it? [Y/n] ', (text) => answer(!/^n/i.test(text.trim())));
  });
}

/** Editors that draw on a terminal; anything else (sed, code --wait, a script) may run without one. */
const TERMINAL_EDITORS = new Set(['vi', 'vim', 'nvim', 'view', 'vis', 'nano', 'pico', 'emacs', 'emacsclient', 'micro', 'joe', 'jed', 'ne', 'mg', 'kak', 'hx', 'helix', 'mcedit']);

function needsTerminal(editor: string): boolean {
  const [program = '', ...rest] = editor.trim().split(/\s+/);
  if (program === 'emacs' && rest.includes('--batch')) return false;
  return TERMINAL_EDITORS.has(program.slice(program.lastIndexOf('/') + 1));
}

/** $VISUAL, then $EDITOR, then vi: the order git and most tools use. */
function editorCommand(context: Context): string {
  return [context.env.VISUAL, context.env.EDITOR].find((value) => value !== undefined && value.trim() !== '')?.trim() ?? 'vi';
}

function describeChanges(changes: ChangeSummary): string {
  const parts = (['changed', 'added', 'removed'] as const).filter((kind) => changes[kind].length > 0).map((kind) => `${kind} ${changes[kind].join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'comments or layout changed';
}
