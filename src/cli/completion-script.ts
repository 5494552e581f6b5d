/**
 * The shell completion scripts `envseal completion` prints, generated from the command table (spec.ts),
 * so a new command or option completes the day it is declared. Pure: the table in, script text out.
 *
 * Both scripts share one shape: a few `case` tables (a command's options, what an option's value or a
 * positional completes) and a function that walks the words before the cursor the way the parsers do
 * (command words first, then options, their values and positionals; everything after `--` is a
 * positional). What only the working directory knows, environment and variable names, comes from
 * `envseal completion --list`, which needs no key and prints nothing on error.
 */
import type { CommandSpec, CommandTable, Completes } from './command-spec.js';

export type CompletionShell = 'bash' | 'zsh';

/** What a word completes to: a dynamic list, file names, commands on PATH, or fixed words. */
type Completion = Completes | 'files' | readonly string[];

interface Flag {
  flag: string;
  describe: string;
  /** What its value completes; undefined for a flag that takes no value. */
  value?: Completion;
}

interface Positional {
  completes: Completion;
  variadic: boolean;
}

interface CommandModel {
  /** The command's words joined by a space, as the scripts name it (`hooks run`). */
  key: string;
  flags: Flag[];
  positionals: Positional[];
}

const HELP: Flag = { flag: '--help', describe: 'Show help' };

function flagsOf(spec: CommandSpec): Flag[] {
  const flags: Flag[] = [];
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.hidden) continue;
    // A value that may be left out (--history) is given only as --history=VALUE: the next word is not it.
    const value: Completion | undefined = option.type === 'boolean' || option.valueOptional ? undefined : (option.choices ?? option.completes ?? 'files');
    const flag = { describe: option.describe, ...(value !== undefined ? { value } : {}) };
    flags.push({ flag: `--${name}`, ...flag });
    if (option.alias) flags.push({ flag: option.alias.length === 1 ? `-${option.alias}` : `--${option.alias}`, ...flag });
    // Only a flag that is on by default has a negation worth offering (`--no-hooks`).
    if (option.type === 'boolean' && option.default === true) flags.push({ flag: `--no-${name}`, describe: `Turn off --${name}` });
  }
  return [...flags, HELP];
}

interface Model {
  top: Array<[string, string]>;
  groups: Map<string, Array<[string, string]>>;
  commands: CommandModel[];
}

function model(table: CommandTable): Model {
  const top = new Map<string, string>();
  const groups = new Map<string, Array<[string, string]>>();
  for (const spec of table.commands) {
    const [first, second] = spec.path as [string, string | undefined];
    if (second === undefined) {
      top.set(first, spec.describe);
      continue;
    }
    if (!top.has(first)) top.set(first, table.groups[first] ?? first);
    groups.set(first, [...(groups.get(first) ?? []), [second, spec.describe]]);
  }
  const commands = table.commands.map((spec) => ({
    key: spec.path.join(' '),
    flags: flagsOf(spec),
    positionals: (spec.positionals ?? []).filter((p) => !p.hidden).map((p): Positional => ({ completes: p.completes ?? 'files', variadic: Boolean(p.variadic) })),
  }));
  return { top: [...top], groups, commands };
}

/** POSIX single quotes, for bash and zsh alike. */
const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** How a completion is written in the scripts' `kind` variable: `envs`, `names`, `files`, `commands` or `words:a b`. */
const kindOf = (completion: Completion): string => (typeof completion === 'string' ? completion : `words:${completion.join(' ')}`);

/**
 * The tables both scripts share (bash and zsh read the same `case` and `(( ))` syntax):
 *   _envseal_option_value CMD FLAG   sets kind to what FLAG's value completes; fails for a flag without one
 *   _envseal_positional CMD N        sets kind to what the Nth positional (from 0) completes
 * `optionItem` writes one element of the `opts` array _envseal_options sets.
 */
function tables(commands: readonly CommandModel[], optionItem: (flag: Flag) => string): string {
  const values = commands.flatMap(({ key, flags }) => flags.filter((f) => f.value !== undefined).map((f) => `    ${quote(`${key} ${f.flag}`)}) kind=${quote(kindOf(f.value!))} ;;`));
  const options = commands.map(({ key, flags }) => `    ${quote(key)}) opts=(${flags.map(optionItem).join(' ')}) ;;`);
  const positionals = commands
    .filter((c) => c.positionals.length > 0)
    .map(({ key, positionals }) => {
      const branches = positionals.flatMap(({ completes, variadic }, i) => {
        // A command runs from the first word on; its own arguments are files.
        if (variadic && completes === 'commands') return [`(( $2 == ${i} )); then kind=commands`, `(( $2 > ${i} )); then kind=files`];
        return [`(( $2 ${variadic ? '>=' : '=='} ${i} )); then kind=${quote(kindOf(completes))}`];
      });
      return `    ${quote(key)}) if ${branches.join('\n      elif ')}\n      else return 1; fi ;;`;
    });
  return `# Sets kind to what the value of option $2 of command $1 completes; fails for a flag that takes none.
_envseal_option_value() {
  case "$1 $2" in
${values.join('\n')}
    *) return 1 ;;
  esac
}

# Sets opts to the options of command $1; fails for a word that is no command.
_envseal_options() {
  case $1 in
${options.join('\n')}
    *) return 1 ;;
  esac
}

# Sets kind to what positional argument $2 (counted from 0) of command $1 completes.
_envseal_positional() {
  case $1 in
${positionals.join('\n')}
    *) return 1 ;;
  esac
}`;
}

/**
 * The walk over the words before the cursor, the same in both shells but for how they name the words:
 * bash's COMP_WORDS counts from 0 and splits `--env=x` at the `=`, zsh's words counts from 1 and does not.
 */
function walk(words: string, cursor: string, equalsSplits: boolean): string {
  return `  for (( ; i < ${cursor}; i++ )); do
    word=\${${words}[i]}
    if [[ -n $rest ]]; then (( positional++ )); continue; fi
    case $word in
      --) rest=1; continue ;;
      -?*) ;;
      *) (( positional++ )); continue ;;
    esac
    opt=\${word%%=*}
    _envseal_option_value "$cmd" "$opt" || continue
    if [[ $word == *=* ]]; then
      value=\${word#*=}
    else
      (( i++ ))${equalsSplits ? `\n      # bash splits --env=production into --env, =, production
      [[ \${${words}[i]} == = ]] && (( i++ ))` : ''}
      if (( i >= ${cursor} )); then value_kind=$kind; break; fi
      value=\${${words}[i]}
    fi
    case $opt in
      --env) env=$value ;;
      --in) in=$value ;;
    esac
  done`;
}

/** The command (one word, or a group and its word) and where its arguments start, for both shells. */
function groupCase(groups: Map<string, Array<[string, string]>>, words: string, offset: number, subcommands: (group: string, items: Array<[string, string]>) => string): string {
  const branches = [...groups].map(
    ([group, items]) => `    ${quote(group)})
      if (( ${offset === 0 ? 'COMP_CWORD' : 'CURRENT'} == ${2 + offset} )); then ${subcommands(group, items)}; return; fi
      cmd="$cmd \${${words}[${2 + offset}]}"; i=${3 + offset} ;;`,
  );
  return `  case $cmd in\n${branches.join('\n')}\n  esac`;
}

function bashScript({ top, groups, commands }: Model): string {
  const words = (items: ReadonlyArray<readonly [string, string]>): string => items.map(([word]) => quote(word)).join(' ');
  return `# bash completion for envseal: commands, options, --env names and variable names.
# Generated from envseal's command table by \`envseal completion\`. Load it in ~/.bashrc with
#   source <(envseal completion)
# or save it as ~/.local/share/bash-completion/completions/envseal.

${tables(commands, (f) => quote(f.flag))}

# Adds the words that start with $cur.
_envseal_add() {
  local word
  for word in "$@"; do
    [[ $word == "$cur"* ]] && COMPREPLY+=("$prefix$word")
  done
}

# Adds the lines a command prints that start with $cur (its errors are not shown).
_envseal_lines() {
  local line
  while IFS= read -r line; do
    [[ -n $line && $line == "$cur"* ]] && COMPREPLY+=("$prefix$line")
  done < <("$@" 2>/dev/null)
}

# Completes $cur as a kind (see _envseal_option_value).
_envseal_complete() {
  local -a list=(completion --list)
  case $1 in
    envs) _envseal_lines "$bin" "\${list[@]}" envs ;;
    names)
      list+=(names)
      [[ -n $env ]] && list+=(--env "$env")
      [[ -n $in ]] && list+=(--in "$in")
      _envseal_lines "$bin" "\${list[@]}" ;;
    commands) _envseal_lines compgen -c -- "$cur" ;;
    files)
      compopt -o filenames 2>/dev/null
      _envseal_lines compgen -f -- "$cur" ;;
    words:*)
      local -a choices
      read -r -a choices <<<"\${1#words:}"
      _envseal_add "\${choices[@]}" ;;
  esac
}

_envseal() {
  local cur=\${COMP_WORDS[COMP_CWORD]} bin=\${COMP_WORDS[0]} cmd=\${COMP_WORDS[1]} prefix='' word opt value kind='' value_kind='' env='' in='' rest=''
  local -a opts=()
  local i=2 positional=0
  COMPREPLY=()
  [[ $bin == '~/'* ]] && bin=$HOME/\${bin#'~/'}
  if (( COMP_CWORD == 1 )); then
    _envseal_add ${words(top)}
    return
  fi
${groupCase(groups, 'COMP_WORDS', 0, (_, items) => `_envseal_add ${words(items)}`)}
  _envseal_options "$cmd" || return
${walk('COMP_WORDS', 'COMP_CWORD', true)}
  [[ $cur == = ]] && cur=''
  if [[ -n $value_kind ]]; then
    _envseal_complete "$value_kind"
  elif [[ -z $rest && $cur == --*=* ]]; then
    # --env=pro with = taken out of COMP_WORDBREAKS: complete after the =
    _envseal_option_value "$cmd" "\${cur%%=*}" || return
    prefix=\${cur%%=*}=
    cur=\${cur#*=}
    _envseal_complete "$kind"
  elif [[ -z $rest && $cur == -* ]]; then
    _envseal_add "\${opts[@]}"
  elif _envseal_positional "$cmd" "$positional"; then
    _envseal_complete "$kind"
  fi
}

complete -F _envseal envseal
`;
}

function zshScript({ top, groups, commands }: Model): string {
  // _describe splits an item at its first unescaped colon: name, then description.
  const item = (name: string, describe: string): string => quote(`${name.replace(/:/g, '\\:')}:${describe}`);
  const described = (label: string, items: ReadonlyArray<readonly [string, string]>): string =>
    `local -a subcommands=(${items.map(([word, describe]) => item(word, describe)).join(' ')}); _describe -t commands ${quote(label)} subcommands`;
  return `#compdef envseal
# zsh completion for envseal: commands, options, --env names and variable names.
# Generated from envseal's command table by \`envseal completion --shell zsh\`. Load it in ~/.zshrc,
# after compinit, with
#   source <(envseal completion --shell zsh)
# or save it as _envseal in a directory of $fpath.

${tables(commands, (f) => item(f.flag, f.describe))}

# Completes the current word as a kind (see _envseal_option_value).
_envseal_complete() {
  local -a list=(completion --list) found expl
  case $1 in
    envs|names)
      list+=($1)
      if [[ $1 == names ]]; then
        [[ -n $env ]] && list+=(--env "$env")
        [[ -n $in ]] && list+=(--in "$in")
      fi
      found=(\${(f)"$("$bin" "\${list[@]}" 2>/dev/null)"})
      _wanted $1 expl \${\${1/envs/environment}/names/variable} compadd -a found ;;
    commands) _command_names -e ;;
    files) _files ;;
    words:*)
      found=(\${=1#words:})
      _wanted values expl value compadd -a found ;;
  esac
}

_envseal() {
  local cur=\${words[CURRENT]} bin=\${words[1]} cmd=\${words[2]} word opt value kind='' value_kind='' env='' in='' rest=''
  local -a opts
  integer i=3 positional=0
  if (( CURRENT == 2 )); then
    ${described('envseal command', top)}
    return
  fi
${groupCase(groups, 'words', 1, (group, items) => described(`envseal ${group} command`, items))}
  _envseal_options "$cmd" || return 1
${walk('words', 'CURRENT', false)}
  if [[ -n $value_kind ]]; then
    _envseal_complete "$value_kind"
  elif [[ -z $rest && $cur == --*=* ]]; then
    _envseal_option_value "$cmd" "\${cur%%=*}" || return 1
    compset -P '*='
    _envseal_complete "$kind"
  elif [[ -z $rest && $cur == -* ]]; then
    _describe -t options option opts
  elif _envseal_positional "$cmd" $positional; then
    _envseal_complete "$kind"
  fi
}

# Autoloaded from $fpath, this file is _envseal's body: run it. Sourced, register it.
if [[ $funcstack[1] == _envseal ]]; then
  _envseal "$@"
else
  compdef _envseal envseal
fi
`;
}

export function completionScript(shell: CompletionShell, table: CommandTable): string {
  return shell === 'zsh' ? zshScript(model(table)) : bashScript(model(table));
}
