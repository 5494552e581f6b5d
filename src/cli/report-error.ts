/**
 * How a failure reaches the user: "envseal: error: <message>" and "  fix: <hint>" on stderr, and the
 * error's exit code. Nothing here prints a secret: EnvsealError messages carry names, paths and
 * fingerprints only, and unexpected errors are reported by class alone unless ENVSEAL_DEBUG is set.
 */
import { debugEnabled } from '../env-vars.js';
import { EnvsealError, ExitCode } from '../errors.js';
import { messageStream, usesColor } from './context.js';

export function reportError(error: unknown, stderr: NodeJS.WriteStream = messageStream(), env: NodeJS.ProcessEnv = process.env): number {
  const label = usesColor(stderr, env) ? '\u001b[31merror:\u001b[0m' : 'error:';
  if (error instanceof EnvsealError) {
    stderr.write(`envseal: ${label} ${error.message}\n`);
    if (error.hint) stderr.write(`  fix: ${error.hint}\n`);
    return error.exitCode;
  }
  const name = error instanceof Error ? error.name : typeof error;
  stderr.write(`envseal: ${label} internal error (${name}). This is a bug in envseal; please report it.\n`);
  if (debugEnabled(env)) {
    // Only on request: an unexpected error's message or stack could quote input text.
    stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  } else {
    stderr.write('  Re-run with ENVSEAL_DEBUG=1 to see details (they may include file contents).\n');
  }
  return ExitCode.internal;
}
