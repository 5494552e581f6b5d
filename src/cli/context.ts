/**
 * What a command handler may touch: its streams, environment, working directory and clock; commands
 * never reach for `process.stdin`, `process.stdout` or `process.env` themselves. The rules for output,
 * as age writes them down for its own:
 *  - data (decrypt --stdout, show, get, export, JSON) goes to stdout, so `envseal ... | tool` pipes only data;
 *  - messages, warnings and errors go to stderr, messages hushed by --quiet, warnings and errors never;
 *  - questions (hidden input, confirmations) are asked only when stdin and stderr are a terminal;
 *  - colour only on a terminal, and never with NO_COLOR or TERM=dumb.
 */
import * as fs from 'node:fs';
import { EnvsealError, ExitCode, Code } from '../errors.js';
import { fixedClock } from '../env-vars.js';

export interface Context {
  cwd: string;
  env: NodeJS.ProcessEnv;
  now: Date;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Data output (stdout), a line: a newline is added when `text` lacks one. */
  out(text: string): void;
  /** Data output (stdout) as it is. */
  write(data: string | Uint8Array): void;
  /** A human message (stderr), suppressed by --quiet. */
  info(text: string): void;
  /** A warning (stderr), never suppressed. */
  warn(text: string): void;
  /** Everything on stdin, until it ends. */
  readStdin(): Promise<Buffer>;
  quiet: boolean;
  /** Whether stderr gets colour (usesColor). */
  color: boolean;
  /** Whether someone can answer a question: stdin and stderr are a terminal. */
  interactive: boolean;
}

/** The one colour decision, for messages on `stream`. */
export function usesColor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

/** ENVSEAL_NOW (ISO 8601) fixes the clock, for tests of time-dependent behaviour. */
function clock(env: NodeJS.ProcessEnv): Date {
  const fixed = fixedClock(env);
  if (!fixed) return new Date();
  const date = new Date(fixed);
  if (Number.isNaN(date.getTime())) {
    throw new EnvsealError(Code.USAGE_NOW, `ENVSEAL_NOW="${fixed}" is not a date`, 'Use ISO 8601, e.g. 2026-01-31T12:00:00Z, or unset it.');
  }
  return date;
}

/** What `fd` is, or undefined when it cannot be asked (closed). */
function statOf(fd: number): fs.Stats | undefined {
  try {
    return fs.fstatSync(fd);
  } catch {
    return undefined;
  }
}

/**
 * False when `fd` is surely no terminal (a pipe, a file, a socket: what CI and scripts give), found
 * with one fstat. Every command that resolves a key asks whether it may prompt, and answering from
 * process.stdin would make a stream for it (about 3 ms of a 1000-name decrypt into .env).
 */
const mayBeTerminal = (fd: number): boolean => statOf(fd)?.isCharacterDevice() ?? false;

const isFileOrPipe = (fd: number): boolean => {
  const stat = statOf(fd);
  return stat !== undefined && (stat.isFile() || stat.isFIFO());
};

/**
 * Writes all of `data` to fd 1, or returns what is left when the pipe would block (EAGAIN). Fails
 * the way the stream's error handler does.
 */
function writeDirect(data: string | Uint8Array): Buffer | undefined {
  const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let done = 0;
  while (done < bytes.length) {
    try {
      done += fs.writeSync(1, bytes, done, bytes.length - done);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return bytes.subarray(done);
      outputFailed(e as NodeJS.ErrnoException);
    }
  }
  return undefined;
}

/**
 * `envseal ... | head` closes the pipe early: end quietly with the status a program killed by SIGPIPE
 * has (Node ignores the signal itself). Output that cannot be written (a full disk behind `> file`)
 * is an I/O failure, not a finding.
 */
function outputFailed(e: NodeJS.ErrnoException): never {
  if (e.code === 'EPIPE') process.exit(141);
  messageStream().write(`envseal: error: cannot write to standard output (${e.code ?? e.message})\n`);
  process.exit(ExitCode.io);
}

let stderrReady = false;

/**
 * process.stderr, for messages and errors (report-error.ts writes there too), made on first use and
 * set up once: messages nobody reads any more (`2>&1 | head` closed the pipe) must not turn the exit
 * status into a crash's.
 */
export function messageStream(): NodeJS.WriteStream {
  const { stderr } = process;
  if (!stderrReady) {
    stderr.on('error', () => undefined);
    stderrReady = true;
  }
  return stderr;
}

/**
 * process.stdin, process.stdout and process.stderr are made on first use, and set up with them: a
 * terminal's or a pipe's stream costs milliseconds to make, and the commit hook, which reads nothing
 * and prints nothing when it finds nothing, would pay for them on every commit.
 */
export function createContext(quiet = false): Context {
  const { env } = process;
  let stdout: NodeJS.WriteStream | undefined;
  const err = messageStream;
  const out = (): NodeJS.WriteStream => {
    if (stdout) return stdout;
    const stream = (stdout = process.stdout);
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (stream.listenerCount('error') > 1) return; // the command handles its output's errors itself (run --mask)
      outputFailed(e);
    });
    return stream;
  };
  /*
   * Data goes straight to a file or a pipe (what scripts and CI give: `decrypt --stdout | ...`, `get X
   * > file`) with write(2), without process.stdout: making that stream loads Node's stream and net
   * modules, about 3 ms of a decrypt. A terminal, or a pipe that would block (its other end set it
   * non-blocking), gets the stream, which waits for it.
   */
  let direct: boolean | undefined;
  const write = (data: string | Uint8Array): void => {
    direct ??= process.platform !== 'win32' && isFileOrPipe(1);
    if (!direct || stdout) {
      out().write(data);
      return;
    }
    const rest = writeDirect(data);
    if (rest) {
      direct = false;
      out().write(rest);
    }
  };
  let color: boolean | undefined;
  const colored = (): boolean => (color ??= usesColor(err(), env));
  return {
    cwd: process.cwd(),
    env,
    now: clock(env),
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      return out();
    },
    get stderr() {
      return err();
    },
    quiet,
    get color() {
      return colored();
    },
    get interactive() {
      return mayBeTerminal(0) && mayBeTerminal(2) && Boolean(process.stdin.isTTY && err().isTTY);
    },
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    out: (text) => write(text.endsWith('\n') ? text : `${text}\n`),
    write,
    info: (text) => void (quiet || err().write(`${text}\n`)),
    warn: (text) => void err().write(`${colored() ? '\u001b[33mwarning:\u001b[0m' : 'warning:'} ${text}\n`),
  };
}
