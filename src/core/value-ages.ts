/**
 * Per-value rotation: how old each value is, which names have a maximum age, and which values are
 * due, overdue, or kept past their grace window.
 *
 * A name's maximum age comes from the `@rotate` annotation in the `.env.example` beside the sealed
 * file, else from the first `rotation.values` pattern in .envseal.json that matches it. A grace value
 * (`NAME_PREVIOUS` next to `NAME`) has no maximum age of its own: it ends when its window does.
 */
import * as path from 'node:path';
import { EnvsealError } from '../errors.js';
import { annotateEntries } from '../format/annotations.js';
import { parseEnv } from '../format/envfile.js';
import type { SealOptions } from '../format/sealed.js';
import { PREVIOUS_SUFFIX, type ValueRecords } from '../format/value-records.js';
import { isSecretLookingName } from '../secret-names.js';
import { formatDuration } from '../duration.js';
import { displayPath, exists, readText } from '../io/files.js';
import { nameGlob } from '../name-glob.js';
import { loadProjectConfig } from '../project-config.js';
import { DEFAULT_EXAMPLE } from './check.js';
import { isoSeconds } from './history.js';

const DAY_MS = 86_400_000;
/** A value is due this long before its deadline (or a quarter of its maximum age, when shorter). */
const DUE_AHEAD_MS = 14 * DAY_MS;

export interface ValuePolicy {
  /** The maximum age of `name`'s value and where it is set; undefined when nothing sets one. */
  maxAge(name: string): { ms: number; from: string } | undefined;
  /** The grace window the example gives `name` (`@grace`), for `generate --rotate`. */
  grace(name: string): number | undefined;
}

/** The policy of the values in `sealedFile`: its directory's .env.example, then its project's .envseal.json. */
export function valuePolicyFor(sealedFile: string): ValuePolicy {
  const dir = path.dirname(sealedFile);
  const example = path.join(dir, DEFAULT_EXAMPLE);
  const annotated = new Map<string, { rotate?: number; grace?: number }>();
  if (exists(example)) {
    for (const entry of annotateEntries(parseEnv(readText(example).text, displayPath(example)))) annotated.set(entry.name, entry.annotations);
  }
  const config = loadProjectConfig(dir);
  const patterns = config.rotation.values.map((v) => ({ ...v, re: nameGlob(v.pattern) }));
  const exampleLabel = `${displayPath(example)} @rotate`;
  const configLabel = config.file ? displayPath(config.file) : '.envseal.json';
  return {
    maxAge(name) {
      const rotate = annotated.get(name)?.rotate;
      if (rotate !== undefined) return { ms: rotate, from: exampleLabel };
      const match = patterns.find((p) => p.re.test(name));
      return match ? { ms: match.maxAgeMs, from: `${configLabel} rotation.values "${match.pattern}"` } : undefined;
    },
    grace: (name) => annotated.get(name)?.grace,
  };
}

export type ValueState = 'ok' | 'due' | 'overdue' | 'grace' | 'expired';

export interface ValueAge {
  name: string;
  /** When the value last changed (ISO 8601): its token's timestamp. */
  changed: string;
  ageDays: number;
  state: ValueState;
  /** The policy's maximum age (`90d`) and where it comes from. */
  maxAge?: string;
  policy?: string;
  /** When it must be rotated by. */
  due?: string;
  /** Grace values: the name they are the previous value of, and when their window ends (if one was set). */
  previousOf?: string;
  expires?: string;
}

/** Every value's age and state, in file order (values whose date cannot be read are left out). */
export function valueAges(dates: ReadonlyMap<string, number>, records: ValueRecords, policy: ValuePolicy | undefined, now: Date): ValueAge[] {
  const ages: ValueAge[] = [];
  for (const [name, at] of dates) {
    const changed = isoSeconds(new Date(at));
    const age: ValueAge = { name, changed, ageDays: Math.floor((now.getTime() - at) / DAY_MS), state: 'ok' };
    const base = name.endsWith(PREVIOUS_SUFFIX) ? name.slice(0, -PREVIOUS_SUFFIX.length) : undefined;
    if (base && dates.has(base)) {
      const expires = records.expires.get(name);
      ages.push({ ...age, previousOf: base, state: expires !== undefined && now.getTime() >= Date.parse(expires) ? 'expired' : 'grace', ...(expires !== undefined ? { expires } : {}) });
      continue;
    }
    const max = policy?.maxAge(name);
    if (!max) {
      ages.push(age);
      continue;
    }
    const deadline = at + max.ms;
    const left = deadline - now.getTime();
    const state: ValueState = left <= 0 ? 'overdue' : left <= Math.min(DUE_AHEAD_MS, max.ms / 4) ? 'due' : 'ok';
    ages.push({ ...age, state, maxAge: formatDuration(max.ms), policy: max.from, due: isoSeconds(new Date(deadline)) });
  }
  return ages;
}

/** The policy, or the reason it cannot be read (a malformed .env.example or .envseal.json), for status to report. */
export function tryValuePolicyFor(sealedFile: string): ValuePolicy | EnvsealError {
  try {
    return valuePolicyFor(sealedFile);
  } catch (e) {
    if (e instanceof EnvsealError) return e;
    throw e;
  }
}

/**
 * What a change of `sealedFile` records and refuses (SealOptions): the value a secret (by name) or a
 * name with a maximum age held before gets a marker; such a name, one in rotation (a NAME_PREVIOUS is
 * kept), and `rotating` may not take an earlier value back, unless `allowReuse` (a deliberate roll-back).
 */
export function reuseRules(
  sealedFile: string,
  options: { allowReuse?: boolean; rotating?: string } = {},
): Pick<SealOptions, 'remember'> & Partial<Pick<SealOptions, 'refuseReuse'>> {
  // A malformed example must not block a `set`: `check` and `status` report it.
  const policy = tryValuePolicyFor(sealedFile);
  const hasPolicy = (name: string): boolean => !(policy instanceof EnvsealError) && policy.maxAge(name) !== undefined;
  const remember = (name: string): boolean => isSecretLookingName(name) || hasPolicy(name);
  if (options.allowReuse) return { remember };
  return { remember, refuseReuse: (name, inRotation) => inRotation || name === options.rotating || hasPolicy(name) };
}
