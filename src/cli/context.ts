/**
 * What a command handler may touch: its streams, environment, working directory and clock. Data goes
 * to stdout, human messages to stderr, so `envseal decrypt --stdout | ...` pipes only data.
 */
import { EnvsealError, ExitCode, Code } from '../errors.js';

export interface Context {
  cwd: string;
  env: NodeJS.ProcessEnv;
  now: Date;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Data output (stdout). */
  out(text: string): void;
  /** A human message (stderr), suppressed by --quiet. */
  info(text: string): void;
  /** A warning (stderr), never suppressed. */
  warn(text: string): void;
  quiet: boolean;
  color: boolean;
}

/** ENVSEAL_NOW (ISO 8601) fixes the clock, for tests of time-dependent behaviour. */
function clock(env: NodeJS.ProcessEnv): Date {
  const fixed = env.ENVSEAL_NOW;
  if (!fixed) return new Date();
  const date = new Date(fixed);
  if (Number.isNaN(date.getTime())) {
    throw new EnvsealError(Code.USAGE_NOW, `ENVSEAL_NOW="${fixed}" is not a date`, 'Use ISO 8601, e.g. 2026-01-31T12:00:00Z, or unset it.');
  }
  return date;
}

export function createContext(quiet = false): Context {
  const { stdout, stderr, env } = process;
  // `envseal ... | head` closes the pipe early: end quietly with the status a program killed by SIGPIPE
  // has (Node ignores the signal itself), unless a command manages its output itself (run --mask).
  stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (stdout.listenerCount('error') > 1) return;
    if (e.code === 'EPIPE') process.exit(141);
    // Output that cannot be written (a full disk behind `> file`) is an I/O failure, not a finding.
    stderr.write(`envseal: error: cannot write to standard output (${e.code ?? e.message})\n`);
    process.exit(ExitCode.io);
  });
  // Messages nobody reads any more (`2>&1 | head` closed the pipe) must not turn the status into a crash's.
  stderr.on('error', () => undefined);
  const color = Boolean(stderr.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  return {
    cwd: process.cwd(),
    env,
    now: clock(env),
    stdout,
    stderr,
    quiet,
    color,
    out: (text) => void stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    info: (text) => void (quiet || stderr.write(`${text}\n`)),
    warn: (text) => void stderr.write(`${color ? '\u001b[33mwarning:\u001b[0m' : 'warning:'} ${text}\n`),
  };
}
