/**
 * The default export of a dynamically imported ESM-only dependency (yargs, ora). The CLI ships as one
 * CommonJS bundle, where `await import(x)` becomes `require(x)` of an ES module, and the bundler's
 * interop hands back the module namespace as `default`, one level deeper than native import() does.
 */
export function defaultExport<T>(module: { default: unknown }): T {
  const value = module.default as { default?: unknown } | undefined;
  return (value !== null && typeof value === 'object' && 'default' in value ? value.default : value) as T;
}
