/**
 * `.envseal.json`: the project's committed settings, shared by the whole team. Looked up from a
 * directory (the env file's) upwards to the repository root; the nearest file wins, and without one
 * every setting has its default. Known sections are validated strictly, so a typo ("sensitve") fails
 * loudly instead of silently leaving a secret unmasked.
 *
 *   {
 *     "mask": { "sensitive": ["STRIPE_*", "LICENSE"] },   names (or * patterns) to always mask
 *     "rotation": { "maxAgeDays": 90,                     the master key's rotation policy
 *                   "values": { "JWT_*": "90d" } },       values' maximum ages (`*` patterns)
 *     "guard": { "inlineAllow": false,                    forbid `envseal:allow` comments
 *                "baseline": ".envseal-baseline.json" }   accepted findings (scan --write-baseline)
 *   }
 */
import * as path from 'node:path';
import { EnvsealError, Code } from './errors.js';
import { displayPath, exists, readText } from './io/files.js';
import { directoriesUpToRoot } from './io/repo.js';
import { DURATION_EXAMPLES, parseDuration } from './duration.js';

export const PROJECT_CONFIG_FILE = '.envseal.json';

export interface ProjectConfig {
  /** The file the settings came from; undefined when none exists and these are the defaults. */
  file?: string;
  mask: {
    /** Names that are sensitive whatever they look like; `*` matches any run of characters. */
    sensitive: string[];
  };
  rotation: {
    maxAgeDays?: number;
    /** Name patterns and the maximum age of their values, in file order (the first match wins). */
    values: Array<{ pattern: string; maxAgeMs: number }>;
  };
  guard: {
    /** false: `envseal:allow` comments are ignored, for everyone (a team policy). */
    inlineAllow: boolean;
    /** Baseline file of accepted findings, relative to the repository root. */
    baseline?: string;
  };
}

const SECTIONS: Record<string, readonly string[]> = { mask: ['sensitive'], rotation: ['maxAgeDays', 'values'], guard: ['inlineAllow', 'baseline'] };
const TOP_LEVEL = new Set(['$schema', ...Object.keys(SECTIONS)]);

export function defaultProjectConfig(): ProjectConfig {
  return { mask: { sensitive: [] }, rotation: { values: [] }, guard: { inlineAllow: true } };
}

/** The nearest `.envseal.json` from `startDir` up to the repository root, parsed; defaults when there is none. */
export function loadProjectConfig(startDir: string): ProjectConfig {
  const file = directoriesUpToRoot(startDir)
    .map((dir) => path.join(dir, PROJECT_CONFIG_FILE))
    .find((candidate) => exists(candidate));
  return file ? parseProjectConfig(readText(file).text, file) : defaultProjectConfig();
}

export function parseProjectConfig(text: string, file: string): ProjectConfig {
  const where = displayPath(file);
  const invalid = (what: string, fix: string): EnvsealError => new EnvsealError(Code.CONFIG_INVALID, `${where}: ${what}`, fix);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // The file holds names and settings, never values, so the parser's excerpt is safe to show.
    throw invalid(`is not valid JSON (${(e as Error).message})`, 'Fix the JSON syntax.');
  }
  if (!isObject(json)) throw invalid('must hold a JSON object', 'Start from {"mask": {"sensitive": []}}.');
  for (const key of Object.keys(json)) {
    if (!TOP_LEVEL.has(key)) throw invalid(`unknown setting "${key}"`, `Known settings: ${[...TOP_LEVEL].join(', ')}.`);
  }
  for (const [section, keys] of Object.entries(SECTIONS)) {
    const value = json[section];
    if (value === undefined) continue;
    if (!isObject(value)) throw invalid(`"${section}" must be an object`, `For example: "${section}": {}.`);
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) throw invalid(`unknown setting "${section}.${key}"`, `Known settings in "${section}": ${keys.join(', ')}.`);
    }
  }
  const config = defaultProjectConfig();
  config.file = file;
  const mask = json.mask as Record<string, unknown> | undefined;
  if (mask?.sensitive !== undefined) {
    const names = mask.sensitive;
    if (!Array.isArray(names) || !names.every((n): n is string => typeof n === 'string' && n.trim() !== '')) {
      throw invalid('"mask.sensitive" must be a list of variable names', 'For example: "sensitive": ["LICENSE", "STRIPE_*"].');
    }
    config.mask.sensitive = names;
  }
  const rotation = json.rotation as Record<string, unknown> | undefined;
  if (rotation?.maxAgeDays !== undefined) {
    const days = rotation.maxAgeDays;
    if (typeof days !== 'number' || !Number.isInteger(days) || days <= 0 || days > 36_500) {
      throw invalid('"rotation.maxAgeDays" must be a whole number of days from 1 to 36500', 'For example: "maxAgeDays": 90.');
    }
    config.rotation.maxAgeDays = days;
  }
  if (rotation?.values !== undefined) {
    const values = rotation.values;
    const fix = `For example: "values": {"JWT_SECRET": "90d", "STRIPE_*": "30d"} (${DURATION_EXAMPLES}).`;
    if (!isObject(values)) throw invalid('"rotation.values" must map variable names (or * patterns) to maximum ages', fix);
    for (const [pattern, age] of Object.entries(values)) {
      const maxAgeMs = typeof age === 'string' ? parseDuration(age) : undefined;
      if (pattern.trim() === '' || maxAgeMs === undefined) throw invalid(`"rotation.values"."${pattern}" must be a maximum age such as "90d"`, fix);
      config.rotation.values.push({ pattern, maxAgeMs });
    }
  }
  const guard = json.guard as Record<string, unknown> | undefined;
  if (guard?.inlineAllow !== undefined) {
    if (typeof guard.inlineAllow !== 'boolean') throw invalid('"guard.inlineAllow" must be true or false', 'For example: "inlineAllow": false.');
    config.guard.inlineAllow = guard.inlineAllow;
  }
  if (guard?.baseline !== undefined) {
    if (typeof guard.baseline !== 'string' || guard.baseline.trim() === '') throw invalid('"guard.baseline" must be a file path', 'For example: "baseline": ".envseal-baseline.json".');
    config.guard.baseline = guard.baseline;
  }
  return config;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
