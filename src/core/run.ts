/**
 * Runs a command with a prepared environment, the way a shell's `exec` would from the user's point of
 * view: no shell (argv goes to the program as given), stdin, stdout and stderr inherited (or stdout and
 * stderr piped through a redactor), SIGINT, SIGTERM and SIGHUP passed on to the child, and the child's
 * fate reported back. Nothing is written to disk.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isatty } from 'node:tty';
import type { Readable, Writable } from 'node:stream';
import { EnvsealError, Code } from '../errors.js';
import type { Redactor } from '../mask/redactor.js';

/** Signals a terminal or a supervisor sends: passed on, so envseal never dies and leaves the child running. */
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;
/** Sent by the terminal's keyboard (Ctrl-C, Ctrl-\) to the whole foreground process group. */
const KEYBOARD_SIGNALS: ReadonlySet<string> = new Set(['SIGINT', 'SIGQUIT']);

export interface RunRequest {
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  /** Pipe the child's stdout and stderr through this redactor into `stdout` and `stderr`, instead of handing the child envseal's own. */
  redactor?: Redactor;
  /** envseal's own stdout and stderr: without a redactor the child inherits them as they are. */
  stdout: Writable;
  stderr: Writable;
}

export type ChildOutcome = { code: number; signal?: undefined } | { code?: undefined; signal: NodeJS.Signals };

/** The command could not be started. `shellStatus` is what a shell exits with in the same case. */
export class CommandStartError extends EnvsealError {
  readonly shellStatus: 126 | 127;
  constructor(command: string, errno: string | undefined) {
    const notFound = errno === 'ENOENT';
    super(notFound ? Code.COMMAND_NOT_FOUND : Code.COMMAND_NOT_EXECUTABLE, ...startFailure(command, errno));
    this.shellStatus = notFound ? 127 : 126;
  }
}

/** What failed to start `command`, and the fix, by spawn's errno. */
function startFailure(command: string, errno: string | undefined): [message: string, hint: string] {
  if (errno === 'ENOENT') {
    return [`command not found: ${command}`, 'Check the spelling and your PATH; for a shell built-in or a pipeline use: envseal run -- sh -c \'...\''];
  }
  if (errno === 'E2BIG') {
    return [
      `cannot run ${command}: its environment and arguments are more than the system starts a program with (E2BIG)`,
      'run passes every value as an environment variable, and the kernel limits their size (on Linux 128 KB a variable, about 2 MB in all): seal fewer or smaller values per file, or have the program read the sealed file itself with config().',
    ];
  }
  return [`cannot run ${command} (${errno ?? 'unknown error'})`, `Check that ${command} is an executable file (chmod +x) and that its interpreter exists.`];
}

export function runChild(request: RunRequest): Promise<ChildOutcome> {
  const { redactor } = request;
  // With one destination for both (a terminal, `2>&1`, a CI log), two pipes would reorder the child's
  // stdout and stderr; so its stderr joins its stdout in one pipe, through a shell that execs it.
  const merged = redactor !== undefined && sameDestination(request.stdout, request.stderr);
  return new Promise((resolve, reject) => {
    if (merged) {
      const problem = unrunnable(request.command, request.env.PATH);
      if (problem) return reject(new CommandStartError(request.command, problem));
    }
    const [file, argv] = merged ? ['/bin/sh', ['-c', 'exec "$@" 2>&1', 'sh', request.command, ...request.args]] : [request.command, [...request.args]];
    let child;
    try {
      child = spawn(file, argv, {
        env: request.env,
        stdio: redactor ? ['inherit', 'pipe', merged ? 'ignore' : 'pipe'] : 'inherit',
      });
    } catch (error) {
      // Some refusals come before any process exists, thrown rather than emitted (E2BIG: too large an environment).
      const { code } = error as NodeJS.ErrnoException;
      return reject(typeof code === 'string' ? new CommandStartError(request.command, code) : error);
    }
    // The child stays in envseal's process group: in a group of its own it would be stopped (SIGTTIN)
    // as soon as it read from the terminal. So Ctrl-C reaches it directly, and forwarding that SIGINT
    // too would make it a double Ctrl-C, which many servers take as "force quit now".
    const forward = (signal: NodeJS.Signals): void => {
      if (KEYBOARD_SIGNALS.has(signal) && inForegroundOfTerminal()) return;
      child.kill(signal);
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const stopForwarding = (): void => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
    };

    // A reader that went away (`| head`) ends the child the way a pipe would have: with SIGPIPE.
    const broken = (): void => void child.kill('SIGPIPE');
    const outputs = redactor
      ? [
          pipeRedacted(child.stdout!, redactor, request.stdout, broken),
          ...(merged ? [] : [pipeRedacted(child.stderr!, redactor, request.stderr, broken)]),
        ]
      : [];

    child.once('error', (error: NodeJS.ErrnoException) => {
      // Errors after a successful start (a failed kill) change nothing: the exit is still reported.
      if (child.pid !== undefined) return;
      stopForwarding();
      reject(new CommandStartError(request.command, error.code));
    });
    child.once('close', (code, signal) => {
      stopForwarding();
      const outcome: ChildOutcome = signal ? { signal } : { code: code ?? 0 };
      void Promise.all(outputs).then(() => resolve(outcome));
    });
  });
}

/**
 * Whether envseal is attached to a terminal (stdin, stdout or stderr) and its process group is that
 * terminal's foreground group, so a SIGINT it gets most likely came from the keyboard and reached the
 * whole group. Linux only (/proc); elsewhere false, and every SIGINT is forwarded. A `kill -INT` aimed
 * at envseal while it runs in the foreground of a terminal is then not passed on: the cost of never
 * doubling a Ctrl-C.
 */
function inForegroundOfTerminal(): boolean {
  if (![0, 1, 2].some((fd) => isatty(fd))) return false;
  let stat: string;
  try {
    stat = fs.readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return false;
  }
  // Fields after "(comm)": state ppid pgrp session tty_nr tpgid.
  const [, , pgrp, , ttyNr, tpgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ttyNr !== '0' && pgrp !== undefined && pgrp === tpgid;
}

/** Whether two output streams end in the same file, pipe or terminal. */
function sameDestination(a: Writable, b: Writable): boolean {
  const fdOf = (stream: Writable): number | undefined => (stream as Writable & { fd?: number }).fd;
  const [fa, fb] = [fdOf(a), fdOf(b)];
  if (fa === undefined || fb === undefined) return false;
  try {
    const [sa, sb] = [fs.fstatSync(fa), fs.fstatSync(fb)];
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/**
 * Why `command` cannot be started, as spawn would say it (ENOENT, EACCES), or undefined: checked
 * up front when a shell starts it, since the shell would report it in its own words and statuses.
 */
function unrunnable(command: string, searchPath: string | undefined): string | undefined {
  const candidates = command.includes('/') ? [command] : (searchPath ?? '').split(':').map((dir) => path.join(dir || '.', command));
  let denied = false;
  for (const candidate of candidates) {
    try {
      if (!fs.statSync(candidate).isFile()) {
        denied = true;
        continue;
      }
      fs.accessSync(candidate, fs.constants.X_OK);
      return undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') denied = true;
    }
  }
  return denied ? 'EACCES' : 'ENOENT';
}

/**
 * Copies `source` to `destination` through a fresh redacting stream. Resolves when everything has been
 * written, or when the destination failed (its reader closed it): then `onBroken` is called and the
 * child's end is closed, so a child that survives SIGPIPE gets EPIPE on its next write, as it would
 * writing to the closed pipe directly.
 */
function pipeRedacted(source: Readable, redactor: Redactor, destination: Writable, onBroken: () => void): Promise<void> {
  return new Promise((resolve) => {
    const redacting = redactor.stream();
    const onError = (): void => {
      onBroken();
      redacting.unpipe(destination);
      source.destroy();
      resolve();
    };
    destination.once('error', onError);
    redacting.once('end', () => {
      destination.off('error', onError);
      resolve();
    });
    source.pipe(redacting).pipe(destination, { end: false });
  });
}
