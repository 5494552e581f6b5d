import { loadValues, maskRulesFor } from '../load-values.js';
import { maskVariables } from '../../mask/variables.js';
import { displayPath } from '../../io/files.js';
import type { Handler } from '../handler.js';

/** One line per value in a table: control characters (a PEM's newlines) shown as escapes. */
const printable = (text: string): string =>
  text.replace(/[\u0000-\u001f\u007f]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

export const show: Handler = async (args, context) => {
  const loaded = loadValues(args, context);
  const reveal = Boolean(args.reveal);
  const variables = maskVariables(loaded.values, await maskRulesFor(loaded)).map((v) => ({
    name: v.name,
    value: reveal ? v.value : v.shown,
    sensitive: v.sensitivity.kind !== 'public',
    ...(v.sensitivity.kind !== 'public' ? { reason: v.sensitivity.reason } : {}),
  }));
  if (args.json) {
    context.out(JSON.stringify(variables, null, 2));
    return 0;
  }
  if (variables.length === 0) {
    context.info(`${displayPath(loaded.file)} holds no values.`);
    return 0;
  }
  const rows = [['NAME', 'VALUE', 'SENSITIVE'], ...variables.map((v) => [v.name, printable(v.value), v.sensitive ? 'yes' : 'no'])];
  // A reduce, not Math.max(...rows): spreading a file of many thousand names overflows the call stack.
  const widths = [0, 1].map((i) => rows.reduce((widest, row) => Math.max(widest, row[i]!.length), 0));
  context.out(rows.map(([name, value, sensitive]) => `${name!.padEnd(widths[0]!)}  ${value!.padEnd(widths[1]!)}  ${sensitive}`).join('\n'));
  return 0;
};
