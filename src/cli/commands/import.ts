import { IMPORT_SOURCES, type ImportSource } from '../../core/import.js';
import { EnvsealError, Code } from '../../errors.js';
import type { Handler } from '../handler.js';
import { runImport } from '../run-import.js';

export const importFrom: Handler = async (args, context) => {
  const from = typeof args.from === 'string' ? args.from : '';
  if (!(IMPORT_SOURCES as readonly string[]).includes(from)) {
    throw new EnvsealError(Code.USAGE, '`import` needs --from: what the secrets are kept in now', `Use --from ${IMPORT_SOURCES.join(', --from ')}.`);
  }
  return runImport(from as ImportSource, args, context);
};
