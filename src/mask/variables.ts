/**
 * Masking applied to a whole set of variables, as `show`, `get` and `run --mask` need it: which parts of
 * which values are secret, and how each value is displayed. A displayed value never contains any
 * secret of the set, not even another variable's (PORT=3000 beside PIN=3000 shows `****`).
 */
import { FULL_MASK, mask } from './mask.js';
import { type MaskRules, type Sensitivity, classify } from './rules.js';
import { type Redactor, createRedactor, redactorForTexts } from './redactor.js';

export interface MaskedVariable {
  name: string;
  value: string;
  sensitivity: Sensitivity;
  /** What to print without --reveal. */
  shown: string;
}

/**
 * The secret parts of one value: all of it when it is secret, and the secrets found inside it (as
 * written and percent-decoded), so a token printed without the rest of its value is hidden too.
 */
export function secretParts(value: string, sensitivity: Sensitivity): string[] {
  if (sensitivity.kind === 'public' || value === '') return [];
  const parts = new Set(sensitivity.kind === 'secret' ? [value] : []);
  for (const [start, end] of sensitivity.spans) {
    const part = value.slice(start, end);
    parts.add(part);
    // Without a % decoding gives the part back: not worth a call and a try per span.
    const decoded = part.includes('%') ? decodePercent(part) : undefined;
    if (decoded !== undefined) parts.add(decoded);
  }
  return [...parts];
}

/** Every secret among `values`, for a redactor. */
export function sensitiveValues(values: Readonly<Record<string, string>>, rules: MaskRules): string[] {
  const secrets: string[] = [];
  // A loop, not flatMap: no array per value (run --mask classifies every value before the first output).
  for (const name of Object.keys(values)) for (const part of secretParts(values[name]!, classify(name, values[name]!, rules))) secrets.push(part);
  return secrets;
}

/**
 * Each variable with what to print of it. `only` names the one variable wanted (`get`): the others
 * are still read for their secrets, but the redactor is built from just those that can show in it.
 */
export function maskVariables(values: Readonly<Record<string, string>>, rules: MaskRules, only?: string): MaskedVariable[] {
  const classified = Object.entries(values).map(([name, value]) => ({ name, value, sensitivity: classify(name, value, rules) }));
  const secrets = classified.flatMap(({ value, sensitivity }) => secretParts(value, sensitivity));
  if (only === undefined) {
    const redactor = createRedactor(secrets);
    return classified.map(({ name, value, sensitivity }) => ({ name, value, sensitivity, shown: shownOf({ name, value, sensitivity }, redactor) }));
  }
  const wanted = classified.filter(({ name }) => name === only);
  // What printing them asks a redactor to read, learnt from a redactor that changes nothing.
  const subjects: string[] = [];
  for (const variable of wanted) shownOf(variable, { redact: (text) => (subjects.push(text), text) });
  const redactor = redactorForTexts(secrets, subjects);
  return wanted.map(({ name, value, sensitivity }) => ({ name, value, sensitivity, shown: shownOf({ name, value, sensitivity }, redactor) }));
}

/** What to print of one variable without --reveal. */
function shownOf({ value, sensitivity }: Omit<MaskedVariable, 'shown'>, redactor: Pick<Redactor, 'redact'>): string {
  const masked = (secret: string): string => {
    const form = mask(secret);
    return redactor.redact(form) === form ? form : FULL_MASK;
  };
  if (sensitivity.kind === 'secret') return value === '' ? '' : masked(value);
  if (sensitivity.kind === 'public') return redactor.redact(value);
  let cursor = 0;
  const parts: string[] = [];
  for (const [start, end] of sensitivity.spans) {
    parts.push(redactor.redact(value.slice(cursor, start)), masked(value.slice(start, end)));
    cursor = end;
  }
  return parts.join('') + redactor.redact(value.slice(cursor));
}

function decodePercent(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
