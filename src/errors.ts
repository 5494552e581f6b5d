/**
 * Exit codes are part of envseal's interface: scripts and CI branch on them.
 * They are documented in the README; never renumber.
 */
export const ExitCode = {
  ok: 0,
  /** Findings, a failed check, an overdue rotation. */
  findings: 1,
  usage: 2,
  /** Key missing, malformed, or not the key that sealed the file. */
  key: 3,
  /** Tampered, corrupt, not a sealed file, malformed input. */
  integrity: 4,
  /** Missing, unreadable or unwritable path; disk full. */
  io: 5,
  /** A bug in envseal: anything not classified above. */
  internal: 70,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The only error the core throws on purpose. `message` says what happened and where; `hint` says how
 * to fix it. Neither may ever contain a secret value or a key: callers pass names, paths, key sources
 * and fingerprints only.
 */
export class EnvsealError extends Error {
  override readonly name = 'EnvsealError';
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;

  constructor(code: string, exitCode: ExitCodeValue, message: string, hint?: string) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

export const isEnvsealError = (e: unknown): e is EnvsealError => e instanceof EnvsealError;
