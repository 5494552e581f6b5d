import * as path from 'node:path';
import { textconv } from '../../core/textconv.js';
import { ExitCode } from '../../errors.js';
import type { Handler } from '../handler.js';

/** `envseal git textconv <file>`: the diff driver git runs for each version of a sealed file. */
export const gitTextconv: Handler = async (args, context) => {
  context.write(textconv({ file: path.resolve(context.cwd, String(args.file)), cwd: context.cwd, env: context.env }));
  return ExitCode.ok;
};
