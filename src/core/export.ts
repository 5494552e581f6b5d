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
 *   k8s     a Kubernetes `Secret` manifest for `kubectl apply -f -`: each value base64 under `data:`,
 *           every scalar double-quoted (JSON strings are YAML), so no YAML 1.1 reader takes a name such
 *           as `on` or `null` for a boolean or a null.
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

export const EXPORT_FORMATS = ['shell', 'json', 'dotenv', 'docker', 'github', 'k8s'] as const;
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

/**
 * A format with one line per variable: `check` throws, naming the variable, when the format cannot
 * carry it; `line` is its line.
 */
export interface LineFormat {
  check(variable: ExportVariable): void;
  line(variable: ExportVariable): string;
}

/** Lines per piece of output (formatLines). */
const PIECE = 2048;

/**
 * A line format's output, in pieces to write one after the other. Every variable is checked before
 * the first piece, so one the format cannot carry leaves no output at all; the output is never made
 * whole: at 100k names, the lines, their text and its bytes at once were 28 MB of export's peak.
 */
export function* formatLines(format: LineFormat, variables: readonly ExportVariable[]): Generator<string> {
  for (const variable of variables) format.check(variable);
  for (let from = 0; from < variables.length; from += PIECE) yield joinLines(variables.slice(from, from + PIECE).map(format.line));
}

export const shellFormat: LineFormat = {
  check: ({ name, value }) => {
    if (!SHELL_NAME.test(name)) {
      throw cannotCarry('shell', name, 'a shell variable name has only letters, digits and "_"', 'Rename the variable, or use --format json or dotenv.');
    }
    assertEnvironmentValue(name, value);
  },
  line: ({ name, value }) => `export ${name}=${shellQuote(value)}`,
};

export function formatJson(variables: readonly ExportVariable[]): string {
  return `${JSON.stringify(Object.fromEntries(variables.map(({ name, value }) => [name, value])), null, 2)}\n`;
}

export const dotenvFormat: LineFormat = {
  check: ({ name, value, quote }) => {
    if (renderValue(value, quote) === undefined) {
      throw new EnvsealError(Code.ENV_UNREPRESENTABLE, `the value of ${name} cannot be written as a dotenv value`, 'Use --format json, `envseal run`, or the library to load it.');
    }
  },
  line: ({ name, value, quote }) => renderEntry({ name, exported: false, comment: '' }, renderValue(value, quote)!),
};

/** Docker reads env files with Go's bufio.Scanner, whose default limit is 64 KiB per line. */
const DOCKER_MAX_LINE_BYTES = 64 * 1024 - 1;

const dockerFix = (name: string): string => `Pass it through the environment instead: \`envseal run -- docker run -e ${name} ...\`, or use another --format.`;

export const dockerFormat: LineFormat = {
  check: ({ name, value }) => {
    assertEnvironmentValue(name, value);
    if (/[\n\r]/.test(value)) throw cannotCarry('docker', name, 'its value spans several lines, and a docker env file has no quoting', dockerFix(name));
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
      throw cannotCarry('docker', name, 'its value is wrapped in quotes, which recent Docker versions strip and older ones keep', dockerFix(name));
    }
    if (Buffer.byteLength(name) + 1 + Buffer.byteLength(value) > DOCKER_MAX_LINE_BYTES) {
      throw cannotCarry('docker', name, 'its line is longer than Docker reads (64 KiB)', dockerFix(name));
    }
  },
  line: ({ name, value }) => `${name}=${value}`,
};

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

/** Where the Secret goes: `metadata.name` and, when given, `metadata.namespace`. */
export interface KubernetesTarget {
  name: string;
  namespace?: string;
}

/** Kubernetes' limits (k8s.io/apimachinery validation): names are DNS-1123, a Secret holds at most 1 MiB. */
const DNS1123_LABEL_MAX = 63;
const DNS1123_SUBDOMAIN_MAX = 253;
const SECRET_MAX_BYTES = 1024 * 1024;
const DNS1123_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

const isLabel = (text: string): boolean => text.length <= DNS1123_LABEL_MAX && DNS1123_LABEL.test(text);

/** A Secret's name is a DNS-1123 subdomain (labels joined by dots); a namespace is one DNS-1123 label. */
export function validateKubernetesTarget(target: KubernetesTarget): void {
  const { name, namespace } = target;
  if (!(name.length <= DNS1123_SUBDOMAIN_MAX && name.split('.').every(isLabel))) {
    throw new EnvsealError(
      Code.USAGE_K8S_NAME,
      `--name "${name.slice(0, 60)}" is not a valid Kubernetes Secret name`,
      'Use lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters (a DNS-1123 subdomain), e.g. --name app-secrets.',
    );
  }
  if (namespace !== undefined && !isLabel(namespace)) {
    throw new EnvsealError(
      Code.USAGE_K8S_NAME,
      `--namespace "${namespace.slice(0, 60)}" is not a valid Kubernetes namespace`,
      'Use lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters (a DNS-1123 label), e.g. --namespace production.',
    );
  }
}

/** A Secret manifest (`kubectl apply -f -` reads it), `data:` holding each value in base64. */
export function formatKubernetes(variables: readonly ExportVariable[], target: KubernetesTarget): string {
  validateKubernetesTarget(target);
  const fix = 'Rename the variable (letters, digits, "-", "_" and "."), or use another --format.';
  let bytes = 0;
  const data = variables.map(({ name, value }) => {
    // Kubernetes' IsConfigMapKey: the characters, the length, and no "." or ".." path segment.
    if (!SECRET_KEY.test(name) || name.length > DNS1123_SUBDOMAIN_MAX || name === '.' || name.startsWith('..')) {
      throw cannotCarry('k8s', name, 'a Secret data key has only letters, digits, "-", "_" and "." (at most 253, not "." or "..")', fix);
    }
    const encoded = Buffer.from(value, 'utf8');
    bytes += encoded.length;
    return `  ${JSON.stringify(name)}: ${JSON.stringify(encoded.toString('base64'))}`;
  });
  if (bytes > SECRET_MAX_BYTES) {
    throw new EnvsealError(
      Code.EXPORT_UNREPRESENTABLE,
      `--format k8s cannot carry these values: together they are ${bytes} bytes, and Kubernetes refuses a Secret over 1 MiB`,
      'Split the variables over several sealed files (one Secret each), or mount the large values another way.',
    );
  }
  return joinLines([
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${JSON.stringify(target.name)}`,
    ...(target.namespace !== undefined ? [`  namespace: ${JSON.stringify(target.namespace)}`] : []),
    'type: Opaque',
    ...(data.length > 0 ? ['data:', ...data] : ['data: {}']),
  ]);
}
