/** The shape of the command table (spec.ts): what a command, an option and a positional declare. */
import type { Handler } from './handler.js';

/**
 * What the shell completes for a value (`envseal completion`): environment names found beside the
 * working directory's sealed files, the variable names of the sealed file the command line selects, or
 * commands on PATH. A value with `choices` completes them; any other string value, a file name.
 */
export type Completes = 'envs' | 'names' | 'commands';

export interface OptionSpec {
  type: 'string' | 'boolean';
  describe: string;
  alias?: string;
  default?: string | boolean;
  choices?: readonly string[];
  /** A value shown in the "needs a value" usage error. */
  example?: string;
  /** The option works without a value too (`--history` alone means every ref). */
  valueOptional?: boolean;
  /** Not shown in --help nor completed: an interface for envseal's own scripts (the completion's --list). */
  hidden?: boolean;
  completes?: Completes;
}

export interface PositionalSpec {
  name: string;
  describe: string;
  /** Collects the remaining words (and everything after `--`). */
  variadic?: boolean;
  required?: boolean;
  /** Accepted for a friendly refusal, never advertised in --help. */
  hidden?: boolean;
  /** The words the shell offers for it (the handler checks the value), or what it completes. */
  completes?: Completes | readonly string[];
}

export interface CommandSpec {
  /** Words that select the command, e.g. ['hooks', 'run']. */
  path: readonly string[];
  describe: string;
  positionals?: readonly PositionalSpec[];
  options: Readonly<Record<string, OptionSpec>>;
  examples: ReadonlyArray<readonly [string, string]>;
  load: () => Promise<Handler>;
}

/** The whole table, as a command that reflects on it (completion) is handed it. */
export interface CommandTable {
  commands: readonly CommandSpec[];
  /** What the first word of a multi-word command (`hooks install`) stands for. */
  groups: Readonly<Record<string, string>>;
}
