import * as path from 'node:path';
import { DEFAULT_EXAMPLE } from '../../core/check.js';
import { writeExample } from '../../core/example.js';
import { ExitCode } from '../../errors.js';
import { displayPath } from '../../io/files.js';
import { keyOptions } from '../paths.js';
import type { Handler } from '../handler.js';
import { plural } from '../render.js';

export const example: Handler = async (args, context) => {
  const output = path.resolve(context.cwd, typeof args.out === 'string' && args.out !== '' ? args.out : DEFAULT_EXAMPLE);
  const result = writeExample({ ...keyOptions(args, context), cwd: context.cwd, plain: Boolean(args.plain), output });
  const file = displayPath(output);
  const from = `${displayPath(result.envFile)}${result.source === 'sealed' ? ' (sealed)' : ''}`;
  if (!result.written) context.info(`${file} is up to date with ${from}.`);
  else if (result.created) context.info(`Wrote ${file} from ${from}: ${plural(result.added.length, 'name')} with placeholders (numbers and booleans that are no secret kept as defaults). Add annotations (# @required, # @min 32, ...) for \`envseal check\`.`);
  else context.info(`Updated ${file} from ${from}: ${result.added.length > 0 ? `added ${result.added.join(', ')}` : 'no new names'}; existing lines kept.`);
  if (result.notInEnv.length > 0) context.info(`In ${file} but not in ${from} (kept; remove them if obsolete): ${result.notInEnv.join(', ')}.`);
  return ExitCode.ok;
};
