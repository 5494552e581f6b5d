/**
 * Masking applied to a whole set of variables, as `show`, `get` and `run --mask` need it: which parts of
 * which values are secret, and how each value is displayed. A displayed value never contains any
 * secret of the set, not even another variable's (PORT=3000 beside PIN=3000 shows `****`).
 */
import { FULL_MASK, mask } from './mask.js';
import { type MaskRules, type Sensitivity, classify } from './rules.js';
import { createRedactor } from './redactor.js';

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
    const decoded = decodePercent(part);
    if (decoded !== undefined) parts.add(decoded);
  }
  return [...parts];
}

/** Every secret among `values`, for a redactor. */
export function sensitiveValues(values: Readonly<Record<string, string>>, rules: MaskRules): string[] {
  return Object.entries(values).flatMap(([name, value]) => secretParts(value, classify(name, value, rules)));
}

export function maskVariables(values: Readonly<Record<string, string>>, rules: MaskRules): MaskedVariable[] {
  const classified = Object.entries(values).map(([name, value]) => ({ name, value, sensitivity: classify(name, value, rules) }));
  const redactor = createRedactor(classified.flatMap(({ value, sensitivity }) => secretParts(value, sensitivity)));
  const masked = (secret: string): string => {
    const form = mask(secret);
    return redactor.redact(form) === form ? form : FULL_MASK;
  };
  return classified.map(({ name, value, sensitivity }) => {
    let shown: string;
    if (sensitivity.kind === 'secret') {
      shown = value === '' ? '' : masked(value);
    } else if (sensitivity.kind === 'embedded') {
      let cursor = 0;
      const parts: string[] = [];
      for (const [start, end] of sensitivity.spans) {
        parts.push(redactor.redact(value.slice(cursor, start)), masked(value.slice(start, end)));
        cursor = end;
      }
      shown = parts.join('') + redactor.redact(value.slice(cursor));
    } else {
      shown = redactor.redact(value);
    }
    return { name, value, sensitivity, shown };
  });
}

function decodePercent(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
