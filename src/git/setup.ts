/**
 * `envseal git setup` / `envseal git unsetup`: register envseal's diff textconv and merge driver for
 * sealed files. Setup adds one line to the repository's `.gitattributes` and three settings to the
 * local git config (.git/config, not committed: each clone runs setup once); unsetup removes exactly
 * those, and leaves settings it did not write alone. Both are idempotent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PUBLIC_MODE, exists, ioError, readText, writeFileAtomic } from '../io/files.js';
import { configGet, configSet, configUnset, removeEmptySection } from './config.js';
import { workTreeRoot } from './run.js';

export const ATTRIBUTES_LINE = '*.encrypted diff=envseal merge=envseal';
export const MERGE_DRIVER_NAME = 'envseal: merge sealed env files per variable';
const TEXTCONV_SUFFIX = ' git textconv';
const MERGE_SUFFIX = ' git merge %O %A %B %P';

export interface ConfigSetting {
  key: string;
  value: string;
}

/** The local config setup writes, for a command prefix that runs envseal (`'node' '/path/bin/envseal.js'`). */
export function driverSettings(command: string): ConfigSetting[] {
  return [
    { key: 'diff.envseal.textconv', value: `${command}${TEXTCONV_SUFFIX}` },
    { key: 'merge.envseal.name', value: MERGE_DRIVER_NAME },
    { key: 'merge.envseal.driver', value: `${command}${MERGE_SUFFIX}` },
  ];
}

/** Whether a config value is one setup writes (for any command prefix). */
function isOurs(key: string, value: string): boolean {
  if (key === 'merge.envseal.name') return value === MERGE_DRIVER_NAME;
  return value.endsWith(key === 'diff.envseal.textconv' ? TEXTCONV_SUFFIX : MERGE_SUFFIX);
}

/** POSIX shell quoting: git runs drivers through sh. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The words of a command as sh would split it, for the quoting shellQuote writes ('…', with '\'' inside)
 * and plain words; undefined when it uses other shell syntax (double quotes, variables, operators).
 */
export function shellWords(command: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word = (word ?? '') + command.slice(i + 1, end);
      i = end;
    } else if (c === '\\' && i + 1 < command.length) {
      word = (word ?? '') + command[++i];
    } else if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (/[\w@%+=:,./-]/.test(c)) {
      word = (word ?? '') + c;
    } else {
      return undefined;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

export interface DriverState {
  /** .gitattributes routes some files to envseal's diff or merge driver. */
  declared: boolean;
  /** Settings setup writes that this clone lacks. */
  missing: string[];
  /** Settings under envseal's names that setup did not write (another tool's, or edited by hand). */
  foreign: string[];
  /** What the configured drivers start, as words (the program first), when they are setup's. */
  commands: string[][];
}

/** Whether this clone's drivers are as `envseal git setup` leaves them. */
export function driverState(root: string): DriverState {
  const state: DriverState = { declared: attributesDeclareDrivers(root), missing: [], foreign: [], commands: [] };
  for (const { key } of driverSettings('')) {
    const value = configGet(root, key);
    if (value === undefined) state.missing.push(key);
    else if (!isOurs(key, value)) state.foreign.push(key);
    else if (key !== 'merge.envseal.name') {
      const words = shellWords(value.slice(0, -(key === 'diff.envseal.textconv' ? TEXTCONV_SUFFIX : MERGE_SUFFIX).length));
      if (words && words.length > 0) state.commands.push(words);
    }
  }
  return state;
}

export interface SetupResult {
  root: string;
  attributesFile: string;
  attributes: 'added' | 'present';
  config: Array<{ key: string; action: 'set' | 'unchanged' | 'replaced' }>;
}

export function gitSetup(request: { cwd: string; command: string }): SetupResult {
  const root = workTreeRoot(request.cwd);
  const attributesFile = path.join(root, '.gitattributes');
  const lines = exists(attributesFile) ? readText(attributesFile).text.split('\n') : [];
  let attributes: SetupResult['attributes'] = 'present';
  if (!lines.some((line) => line.trim() === ATTRIBUTES_LINE)) {
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    writeFileAtomic(attributesFile, `${[...lines, ATTRIBUTES_LINE].join('\n')}\n`, { mode: PUBLIC_MODE });
    attributes = 'added';
  }
  return { root, attributesFile, attributes, config: configureDrivers(root, request.command) };
}

/** The local config half of setup: what each clone needs once its .gitattributes asks for envseal's drivers. */
export function configureDrivers(root: string, command: string): SetupResult['config'] {
  return driverSettings(command).map(({ key, value }) => {
    const current = configGet(root, key);
    if (current === value) return { key, action: 'unchanged' as const };
    configSet(root, key, value);
    return { key, action: current === undefined ? ('set' as const) : ('replaced' as const) };
  });
}

/** Whether the repository's .gitattributes routes some files to envseal's diff or merge driver. */
export function attributesDeclareDrivers(root: string): boolean {
  const file = path.join(root, '.gitattributes');
  if (!exists(file)) return false;
  return readText(file).text.split('\n').some((line) => !line.trimStart().startsWith('#') && /\s(?:diff|merge)=envseal(?:\s|$)/.test(line));
}

export interface UnsetupResult {
  root: string;
  attributesFile: string;
  attributes: 'removed' | 'absent';
  /** The file held nothing else and was deleted. */
  attributesFileRemoved: boolean;
  /** `kept`: the setting exists but setup did not write it. */
  config: Array<{ key: string; action: 'removed' | 'absent' | 'kept' }>;
}

export function gitUnsetup(request: { cwd: string }): UnsetupResult {
  const root = workTreeRoot(request.cwd);
  const attributesFile = path.join(root, '.gitattributes');
  let attributes: UnsetupResult['attributes'] = 'absent';
  let attributesFileRemoved = false;
  if (exists(attributesFile)) {
    const lines = readText(attributesFile).text.split('\n');
    const kept = lines.filter((line) => line.trim() !== ATTRIBUTES_LINE);
    if (kept.length !== lines.length) {
      attributes = 'removed';
      if (kept.join('').trim() === '') {
        try {
          fs.rmSync(attributesFile);
        } catch (e) {
          throw ioError(e, 'write', attributesFile);
        }
        attributesFileRemoved = true;
      } else {
        writeFileAtomic(attributesFile, kept.join('\n'), { mode: PUBLIC_MODE });
      }
    }
  }
  const config = driverSettings('').map(({ key }) => {
    const current = configGet(root, key);
    if (current === undefined) return { key, action: 'absent' as const };
    if (!isOurs(key, current)) return { key, action: 'kept' as const };
    configUnset(root, key);
    return { key, action: 'removed' as const };
  });
  for (const section of ['diff.envseal', 'merge.envseal']) removeEmptySection(root, section);
  return { root, attributesFile, attributes, attributesFileRemoved, config };
}
