/** The CLI entry: parse (fast path first), run the command, turn errors into messages and exit codes. */
import { ExitCode } from '../errors.js';
import { VERSION } from '../version.js';
import { fastParse } from './fast.js';
import { reportError } from './report-error.js';
import { runCommand } from './run-command.js';

export async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`${VERSION}\n`); // scripts ask for it often; it needs no parser at all
    return ExitCode.ok;
  }
  try {
    const fast = fastParse(argv);
    if (fast) return await runCommand(fast.spec, fast.args);
    const { runProgram } = await import('./program.js');
    return await runProgram(argv);
  } catch (error) {
    return reportError(error);
  }
}
