/**
 * The yargs program, built from the same command table as the fast parser. Loaded only for help,
 * --version, and argv the fast parser did not accept, so usage errors get yargs' messages.
 */
import type { Argv } from 'yargs';
import { EXIT_CODE_MEANINGS, EnvsealError, ExitCode, Code } from '../errors.js';
import { VERSION } from '../version.js';
import { defaultExport } from '../esm-interop.js';
import { camelCase } from './fast.js';
import type { Args } from './handler.js';
import { runCommand } from './run-command.js';
import { COMMANDS, GROUP_DESCRIPTIONS, type CommandSpec } from './spec.js';

/** `set <name> [value..]`; with `visibleOnly`, without the positionals that exist only to be refused. */
function commandString(spec: CommandSpec, depth: number, visibleOnly = false): string {
  const positionals = (spec.positionals ?? [])
    .filter((p) => !(visibleOnly && p.hidden))
    .map((p) => {
      const name = p.variadic ? `${p.name}..` : p.name;
      return p.required ? `<${name}>` : `[${name}]`;
    });
  return [spec.path[depth], ...positionals].join(' ');
}

/**
 * Examples as an epilogue, each command on a line of its own: yargs' example column wraps a long
 * command in the middle, and a half command pasted into a shell does something else.
 */
function examplesText(spec: CommandSpec): string {
  return ['Examples:', ...spec.examples.map(([command, description]) => `  ${command}\n      ${description}`)].join('\n');
}

function normalize(spec: CommandSpec, raw: Record<string, unknown>): Args {
  const args: Args = {};
  for (const name of Object.keys(spec.options)) {
    const value = raw[name];
    // A repeated option: the last one wins, as with parseArgs (yargs would collect an array).
    if (value !== undefined) args[camelCase(name)] = Array.isArray(value) ? value.at(-1) : value;
  }
  for (const positional of spec.positionals ?? []) {
    let value = raw[positional.name];
    if (positional.variadic) {
      const rest = (raw['--'] as unknown[] | undefined) ?? [];
      value = [...((value as unknown[] | undefined) ?? []), ...rest].map(String);
    }
    if (value !== undefined) args[camelCase(positional.name)] = value;
  }
  return args;
}

/** `execute` runs the parsed command (tests pass one that records what yargs parsed). */
export async function runProgram(argv: readonly string[], execute: (spec: CommandSpec, args: Args) => Promise<number> = runCommand): Promise<number> {
  const yargs = defaultExport<typeof import('yargs').default>(await import('yargs'));
  let exitCode: number = ExitCode.ok;

  const register = (y: Argv, spec: CommandSpec, depth: number): Argv =>
    y.command(
      commandString(spec, depth),
      spec.describe,
      (builder: Argv) => {
        for (const [name, option] of Object.entries(spec.options)) {
          builder.option(name, {
            type: option.type,
            describe: option.describe,
            ...(option.alias ? { alias: option.alias } : {}),
            ...(option.default !== undefined ? { default: option.default } : {}),
            ...(option.choices ? { choices: [...option.choices] } : {}),
            ...(option.hidden ? { hidden: true } : {}),
          });
        }
        if (spec.examples.length > 0) builder.epilogue(examplesText(spec));
        if (spec.positionals?.some((p) => p.hidden)) builder.usage(`envseal ${[...spec.path.slice(0, depth), commandString(spec, depth, true)].join(' ')}\n\n${spec.describe}`);
        return builder;
      },
      async (raw: Record<string, unknown>) => {
        exitCode = await execute(spec, normalize(spec, raw));
      },
    );

  let program = yargs([...argv])
    .scriptName('envseal')
    .parserConfiguration({ 'populate--': true })
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .strict()
    .demandCommand(1, 'Choose a command.')
    .epilogue(EPILOGUE)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message: string | undefined, error: Error | undefined) => {
      if (error) throw error;
      throw new EnvsealError(Code.USAGE, unknownCommand(argv) ?? withoutStrayWords(message ?? 'invalid usage', argv), 'Run `envseal --help` or `envseal <command> --help`.');
    });

  const groups = new Map<string, CommandSpec[]>();
  for (const spec of COMMANDS) {
    if (spec.path.length === 1) program = register(program, spec, 0);
    else groups.set(spec.path[0]!, [...(groups.get(spec.path[0]!) ?? []), spec]);
  }
  for (const [group, specs] of groups) {
    program = program.command(`${group} <command>`, GROUP_DESCRIPTIONS[group] ?? group, (builder: Argv) => {
      for (const spec of specs) register(builder, spec, 1);
      return builder.demandCommand(1, `Choose a ${group} command.`);
    });
  }
  await program.parseAsync();
  return exitCode;
}

/**
 * yargs quotes unexpected words back ("Unknown argument: s3cr3t"). A stray word may be a value typed
 * on the command line by mistake, so only the names of unknown options are repeated; other words are
 * counted, not shown.
 */
function withoutStrayWords(message: string, argv: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
  if (!unknown) return message;
  const words = unknown[1]!.split(', ');
  const isOption = (w: string): boolean => argv.some((a) => a === `--${w}` || a.startsWith(`--${w}=`) || a === `-${w}`);
  const options = words.filter(isOption).map((w) => (w.length === 1 ? `-${w}` : `--${w}`));
  const stray = words.length - options.length;
  return [
    options.length > 0 ? `unknown option${options.length > 1 ? 's' : ''}: ${options.join(', ')}` : '',
    stray > 0 ? `${stray} unexpected argument${stray > 1 ? 's' : ''} (not repeated here: it could be a value)` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/**
 * The message for a word that names no command (`envseal encrpyt`, `envseal hooks instal`). Like stray
 * words it is not repeated; a command it is a likely typo of is suggested, a merely distant one (yargs
 * offers `hooks` for `bogus`) is not.
 */
function unknownCommand(argv: readonly string[]): string | undefined {
  const group = COMMANDS.some((spec) => spec.path.length > 1 && spec.path[0] === argv[0]) ? argv[0] : undefined;
  const word = argv[group ? 1 : 0];
  const names = new Set(COMMANDS.filter((spec) => !group || spec.path[0] === group).map((spec) => spec.path[group ? 1 : 0]!));
  if (group && (word === undefined || word.startsWith('-'))) return `choose a ${group} command: ${[...names].join(', ')}`;
  if (word === undefined || word.startsWith('-') || names.has(word)) return undefined;
  const closest = [...names].map((name) => ({ name, distance: editDistance(word, name) })).sort((a, b) => a.distance - b.distance)[0];
  const likely = closest && closest.distance <= Math.max(1, Math.floor(closest.name.length / 3));
  const what = group ? `the argument after ${group} is not a ${group} command (${[...names].join(', ')})` : 'the first argument is not an envseal command';
  return `${what}${likely ? `; did you mean ${closest.name}?` : ''}`;
}

/** Levenshtein distance, with a swap of two neighbours counting as one edit. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

const EPILOGUE = [
  'Exit codes:',
  ...[[0, 1, 2], [3, 4, 5], [70, 130]].map((row) => `  ${row.map((exit) => `${exit} ${EXIT_CODE_MEANINGS[exit as keyof typeof EXIT_CODE_MEANINGS][0]}`).join('   ')}`),
  'Docs: README.md and docs/ (FORMAT.md, SECURITY.md) in the envseal package.',
].join('\n');
