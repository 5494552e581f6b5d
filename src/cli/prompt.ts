/** One line of input from the terminal. */
export async function askLine(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: Boolean(process.stdin.isTTY) });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
