/**
 * Progress for long operations (scan --history, rotate --all, status --all on many files): an ora
 * spinner on an interactive terminal, and nothing at all otherwise, so hooks, pipes and CI logs stay
 * clean. ora is loaded only when a spinner is shown.
 */
import { defaultExport } from '../esm-interop.js';
import type { Context } from './context.js';

export interface Progress {
  update(text: string): void;
  stop(): void;
}

const SILENT: Progress = { update: () => {}, stop: () => {} };

export async function progress(context: Context, text: string): Promise<Progress> {
  // A terminal that reports no width (some pseudo-terminals) would make the spinner's redraw loop forever.
  if (!context.stderr.isTTY || !(context.stderr.columns > 0) || context.env.CI) return SILENT;
  const ora = defaultExport<typeof import('ora').default>(await import('ora'));
  const spinner = ora({ text, stream: context.stderr }).start();
  return {
    update: (next) => {
      spinner.text = next;
    },
    // Its timer would otherwise keep the process alive.
    stop: () => spinner.stop(),
  };
}

/** Runs `work` with a spinner, stopped however `work` ends. */
export async function withProgress<T>(context: Context, text: string, work: (p: Progress) => Promise<T> | T): Promise<T> {
  const p = await progress(context, text);
  try {
    return await work(p);
  } finally {
    p.stop();
  }
}
