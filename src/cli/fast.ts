/**
 * The zero-cost parser: accepts argv only when it is unambiguous under the command table (known
 * command, declared options, valid choices, the right number of positionals). Anything else returns
 * undefined and goes to yargs, which then owns the error message or the help text.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Args } from './handler.js';
import { type CommandSpec, GLOBAL_FLAGS, findCommand } from './spec.js';

export interface FastParse {
  spec: CommandSpec;
  args: Args;
}

export const camelCase = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export function fastParse(argv: readonly string[]): FastParse | undefined {
  const terminator = argv.indexOf('--');
  const before = terminator === -1 ? argv : argv.slice(0, terminator);
  if (before.some((word) => (GLOBAL_FLAGS as readonly string[]).includes(word))) return undefined;
  const spec = findCommand(argv);
  if (!spec) return undefined;
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    options[name] = { type: option.type, ...(option.alias && option.alias.length === 1 ? { short: option.alias } : {}) };
  }
  const given = withOptionalValues(spec, argv.slice(spec.path.length));
  if (!given) return undefined;
  let parsed;
  try {
    parsed = parseArgs({ args: given, options, allowPositionals: true, strict: true, tokens: true });
  } catch {
    return undefined;
  }
  const args: Args = {};
  for (const [name, option] of Object.entries(spec.options)) {
    const value = (parsed.values as Record<string, unknown>)[name] ?? option.default;
    if (value !== undefined && option.choices && !option.choices.includes(String(value))) return undefined;
    if (value !== undefined) args[camelCase(name)] = value;
  }
  const words = parsed.positionals;
  const declared = spec.positionals ?? [];
  const variadic = declared.find((p) => p.variadic);
  if (!variadic && words.length > declared.length) return undefined;
  for (const [i, positional] of declared.entries()) {
    const value = positional.variadic ? words.slice(i) : words[i];
    if (positional.required && (value === undefined || (Array.isArray(value) && value.length === 0))) return undefined;
    if (value !== undefined) args[camelCase(positional.name)] = value;
  }
  return { spec, args };
}

/**
 * An option whose value is optional (`scan --history`) given bare, at the end or before another
 * option or `--`, has the empty value, as yargs reads it; parseArgs would refuse it. Before a word
 * of one dash (`-`, `-x`) yargs' reading is its own, so that argv is declined.
 */
function withOptionalValues(spec: CommandSpec, words: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (const [i, word] of words.entries()) {
    if (word === '--') return [...out, ...words.slice(i)];
    if (word.startsWith('--') && spec.options[word.slice(2)]?.valueOptional) {
      const next = words[i + 1];
      if (next === undefined || next.startsWith('--')) {
        out.push(`${word}=`);
        continue;
      }
      if (next.startsWith('-')) return undefined;
    }
    out.push(word);
  }
  return out;
}
