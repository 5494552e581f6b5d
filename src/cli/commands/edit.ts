import * as fs from 'node:fs';
import * as os from 'node:os';
import type { ChangeSummary } from '../../core/changes.js';
import { editSealedFile } from '../../core/edit.js';
import { displayPath } from '../../io/files.js';
import { audited } from '../audit.js';
import type { Context } from '../context.js';
import { decryptPaths, keyOptions } from '../paths.js';
import type { Handler } from '../handler.js';
import { notePlaintextBehind } from '../plaintext-note.js';

export const edit: Handler = async (args, context) => {
  const { input } = decryptPaths(args, context);
  const interactive = context.interactive;
  const result = await audited(context, 'edit', input, () =>
    editSealedFile({
      ...keyOptions(args, context),
      file: input,
      now: context.now,
      editor: editorCommand(context),
      tempRoot: tempRoot(context),
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

/** $VISUAL, then $EDITOR, then vi: the order git and most tools use. */
function editorCommand(context: Context): string {
  return [context.env.VISUAL, context.env.EDITOR].find((value) => value !== undefined && value.trim() !== '')?.trim() ?? 'vi';
}

/** $XDG_RUNTIME_DIR is a per-user tmpfs: plaintext there never reaches a disk. */
function tempRoot(context: Context): string {
  const runtime = context.env.XDG_RUNTIME_DIR;
  try {
    if (runtime && fs.statSync(runtime).isDirectory()) return runtime;
  } catch {
    // not there: fall back to the system temp directory
  }
  return os.tmpdir();
}

function describeChanges(changes: ChangeSummary): string {
  const parts = (['changed', 'added', 'removed'] as const).filter((kind) => changes[kind].length > 0).map((kind) => `${kind} ${changes[kind].join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'comments or layout changed';
}
