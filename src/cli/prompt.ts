import { EnvsealError, Code } from '../errors.js';
import type { Context } from './context.js';

/** One line of input from the terminal. Ctrl-C aborts with an error instead of leaving the question hanging. */
export async function askLine(context: Context, question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: context.stdin, output: context.stderr, terminal: Boolean(context.stdin.isTTY) });
  const abort = new AbortController();
  // At a terminal readline turns Ctrl-C into this event (and only pauses input when nobody listens).
  rl.on('SIGINT', () => abort.abort());
  try {
    return await rl.question(question, { signal: abort.signal });
  } catch (e) {
    if (abort.signal.aborted) throw new EnvsealError(Code.INTERRUPTED, 'interrupted at the prompt (Ctrl-C); nothing was changed');
    throw e;
  } finally {
    rl.close();
  }
}
