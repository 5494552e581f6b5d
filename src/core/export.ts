/**
 * `envseal export`: the values in a format another tool reads. Formatters are pure and each output is
 * read back exactly by its consumer, or refused with an error naming the variable:
 *
 *   shell   `export NAME='value'` lines for `eval` or `.` in any POSIX shell
 *   json    one object, names to values
 *   dotenv  a plain .env file (quoted as dotenv reads it back)
 *   docker  a `docker run --env-file` file. Docker has no quoting or escapes: a value is the rest of
 *           its line, so multi-line values (and CR, which Docker's line reader drops) are refused, and
 *           so are values wrapped in matching quotes, which recent Docker versions strip and older ones keep.
 *   github  `::add-mask::` commands (stdout) for every secret, so the runner hides them in logs, and
 *           `NAME<<DELIMITER` blocks for $GITHUB_ENV with a random delimiter the value cannot contain.
 *
 * A format that cannot carry a value is a usage error (exit 2: choose another format); a NUL in a value
 * is exit 4 (no environment can hold it).
 */
import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { EnvsealError, Code } from '../errors.js';
import { type Quote, joinLines, renderEntry, renderValue } from '../format/envfile.js';
import { ioError } from '../io/files.js';
import { secretLines } from '../mask/redactor.js';
import { assertEnvironmentValue } from './child-env.js';

export const EXPORT_FORMATS = ['shell', 'json', 'dotenv', 'docker', 'github'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportVariable {
  name: string;
  value: string;
  /** Quote style in the plaintext file (dotenv output keeps it when it can). */
  quote: Quote;
  /** The parts of the value that are secret (empty for a public value): what GitHub must mask. */
  secrets: readonly string[];
}

const cannotCarry = (format: ExportFormat, name: string, why: string, fix: string): EnvsealError =>
  new EnvsealError(Code.EXPORT_UNREPRESENTABLE, `--format ${format} cannot carry ${name}: ${why}`, fix);

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** POSIX single quotes: everything is literal except `'`, written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function formatShell(variables: readonly ExportVariable[]): string {
  return joinLines(
    variables.map(({ name, value }) => {
      if (!SHELL_NAME.test(name)) {
        throw cannotCarry('shell', name, 'a shell variable name has only letters, digits and "_"', 'Rename the variable, or use --format json or dotenv.');
      }
      assertEnvironmentValue(name, value);
      return `export ${name}=${shellQuote(value)}`;
    }),
  );
}

export function formatJson(variables: readonly ExportVariable[]): string {
  return `${JSON.stringify(Object.fromEntries(variables.map(({ name, value }) => [name, value])), null, 2)}\n`;
}

export function formatDotenv(variables: readonly ExportVariable[]): string {
  return joinLines(
    variables.map(({ name, value, quote }) => {
      const rendered = renderValue(value, quote);
      if (rendered === undefined) {
        throw new EnvsealError(Code.ENV_UNREPRESENTABLE, `the value of ${name} cannot be written as a dotenv value`, 'Use --format json, `envseal run`, or the library to load it.');
      }
      return renderEntry({ name, exported: false, comment: '' }, rendered);
    }),
  );
}

/** Docker reads env files with Go's bufio.Scanner, whose default limit is 64 KiB per line. */
const DOCKER_MAX_LINE_BYTES = 64 * 1024 - 1;

export function formatDocker(variables: readonly ExportVariable[]): string {
  const fix = (name: string): string => `Pass it through the environment instead: \`envseal run -- docker run -e ${name} ...\`, or use another --format.`;
  return joinLines(
    variables.map(({ name, value }) => {
      assertEnvironmentValue(name, value);
      if (/[\n\r]/.test(value)) throw cannotCarry('docker', name, 'its value spans several lines, and a docker env file has no quoting', fix(name));
      if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
        throw cannotCarry('docker', name, 'its value is wrapped in quotes, which recent Docker versions strip and older ones keep', fix(name));
      }
      const line = `${name}=${value}`;
      if (Buffer.byteLength(line) > DOCKER_MAX_LINE_BYTES) throw cannotCarry('docker', name, 'its line is longer than Docker reads (64 KiB)', fix(name));
      return line;
    }),
  );
}

export interface GithubExport {
  /** `::add-mask::` commands, for stdout, where the runner reads them. */
  masks: string;
  /** Names whose secrets got an `::add-mask::` line. */
  masked: string[];
  /** Names with secrets too short for the runner to mask (it masks nothing under 4 characters): shown in logs if printed. */
  tooShort: string[];
  /** Text to append to the file named by $GITHUB_ENV. Holds plaintext values. */
  envFile: string;
}

/** Workflow command data escaping, as the runner unescapes it. */
const escapeCommandData = (text: string): string => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** The runner masks log lines one at a time, so a multi-line secret is also registered line by line. */
const MIN_MASKED_LINE = 4;

export function formatGithub(variables: readonly ExportVariable[], newDelimiter: () => string = () => `ghadelimiter_${randomUUID()}`): GithubExport {
  const masks = new Set<string>();
  const masked: string[] = [];
  const tooShort: string[] = [];
  for (const { name, secrets } of variables) {
    if (secrets.length === 0) continue;
    let any = false;
    for (const secret of secrets) {
      for (const piece of [secret, ...secretLines(secret, MIN_MASKED_LINE)]) {
        if (piece.trim().length < MIN_MASKED_LINE) continue;
        masks.add(`::add-mask::${escapeCommandData(piece)}`);
        any = true;
      }
    }
    (any ? masked : tooShort).push(name);
  }
  const blocks = variables.map(({ name, value }) => {
    assertEnvironmentValue(name, value);
    let delimiter = newDelimiter();
    while (value.includes(delimiter) || name.includes(delimiter)) delimiter = newDelimiter();
    return `${name}<<${delimiter}\n${value}\n${delimiter}`;
  });
  return { masks: joinLines([...masks]), masked, tooShort, envFile: joinLines(blocks) };
}

export function appendToGithubEnv(file: string, text: string): void {
  try {
    appendFileSync(file, text);
  } catch (e) {
    throw ioError(e, 'write', file);
  }
}
