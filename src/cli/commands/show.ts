import { loadValues, maskRulesFor } from '../load-values.js';
import { maskVariables } from '../../mask/variables.js';
import { displayPath } from '../../io/files.js';
import type { Handler } from '../handler.js';
import type { LoadedValues } from '../../core/values.js';
import type { ValueAge } from '../../core/value-ages.js';
import { table } from '../render.js';

/** One line per value in a table: control characters (a PEM's newlines) shown as escapes. */
const printable = (text: string): string =>
  text.replace(/[\u0000-\u001f\u007f]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

export const show: Handler = async (args, context) => {
  const loaded = loadValues(args, context, { changeDates: Boolean(args.ages) });
  const reveal = Boolean(args.reveal);
  const ages = args.ages ? await agesOf(loaded, context.now) : undefined;
  const variables = maskVariables(loaded.values, await maskRulesFor(loaded)).map((v) => {
    const { name: _, ...age } = ages?.get(v.name) ?? {};
    return {
      name: v.name,
      value: reveal ? v.value : v.shown,
      sensitive: v.sensitivity.kind !== 'public',
      ...(v.sensitivity.kind !== 'public' ? { reason: v.sensitivity.reason } : {}),
      ...age,
    };
  });
  if (args.json) {
    context.out(JSON.stringify(variables, null, 2));
    return 0;
  }
  if (variables.length === 0) {
    context.info(`${displayPath(loaded.file)} holds no values.`);
    return 0;
  }
  const header = ['NAME', 'VALUE', 'SENSITIVE', ...(ages ? ['CHANGED', 'ROTATION'] : [])];
  const rows = variables.map((v) => {
    const row = [v.name, printable(v.value), v.sensitive ? 'yes' : 'no'];
    const age = ages?.get(v.name);
    return age ? [...row, changedText(age), rotationText(age)] : row;
  });
  context.out(table(header, rows));
  return 0;
};

async function agesOf(loaded: LoadedValues, now: Date): Promise<Map<string, ValueAge>> {
  const { valueAges, valuePolicyFor } = await import('../../core/value-ages.js');
  const ages = valueAges(loaded.changed, loaded.records, valuePolicyFor(loaded.file), now);
  return new Map(ages.map((a) => [a.name, a]));
}

const changedText = (age: ValueAge): string => `${age.changed.slice(0, 10)} (${age.ageDays}d ago)`;

function rotationText(age: ValueAge): string {
  if (age.previousOf) return age.expires ? `${age.state === 'expired' ? 'grace ENDED' : 'grace until'} ${age.expires.slice(0, 16).replace('T', ' ')}` : `previous of ${age.previousOf}`;
  if (!age.maxAge) return '-';
  const state = age.state === 'overdue' ? 'OVERDUE' : age.state === 'due' ? 'due' : 'ok';
  return `${state}: every ${age.maxAge}, by ${age.due!.slice(0, 10)}`;
}
