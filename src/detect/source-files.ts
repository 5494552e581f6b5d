/**
 * Programming-language sources, where an unquoted value after `=` is an expression (a variable, a
 * call), never a literal secret. Everything else (env, YAML, INI, properties, shell, unknown) may
 * hold bare literals.
 */
const SOURCE_EXTENSIONS = new Set([
  'js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'vue', 'svelte', 'py', 'pyw', 'rb', 'go', 'java', 'kt', 'kts',
  'scala', 'groovy', 'gradle', 'cs', 'fs', 'vb', 'php', 'swift', 'rs', 'c', 'h', 'cc', 'cpp', 'cxx', 'hpp', 'hh', 'm', 'mm',
  'dart', 'lua', 'pl', 'pm', 'r', 'jl', 'ex', 'exs', 'erl', 'clj', 'cljs', 'hs', 'ml', 'elm', 'zig', 'nim', 'tf', 'hcl',
]);

export function isSourceCodeFile(file: string): boolean {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 && SOURCE_EXTENSIONS.has(base.slice(dot + 1).toLowerCase());
}
