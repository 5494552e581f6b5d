import { whoami as whoamiCore } from '../../core/identity.js';
import { ExitCode } from '../../errors.js';
import { displayPath } from '../../io/files.js';
import type { Handler } from '../handler.js';
import { decryptPaths, keyOptions } from '../paths.js';

export const whoami: Handler = async (args, context) => {
  const { input } = decryptPaths(args, context);
  const options = keyOptions(args, context);
  const result = whoamiCore({ ...options, file: input });
  if (args.json) {
    context.out(JSON.stringify(result, null, 2));
    return result.chosen ? ExitCode.ok : ExitCode.key;
  }
  for (const id of result.identities) {
    context.out(`${id.source}: ${id.recipient ? `${id.fingerprint}${id.grantedAs ? `, granted as ${id.grantedAs}` : ', not granted'}` : 'not an identity envseal reads'}`);
  }
  if (!result.chosen) {
    context.warn(`no identity found. Looked in: ${result.looked.join(', ')}.`);
    context.info('Make one with `envseal identity new` (or ssh-keygen -t ed25519), then run `envseal whoami` again.');
    return ExitCode.key;
  }
  const envFlag = options.envName ? ` --env ${options.envName}` : '';
  if (result.chosen.grantedAs) context.info(`You open ${result.recipientsFile ? displayPath(result.recipientsFile) : 'the recipients file'} as ${result.chosen.grantedAs}, with ${result.chosen.source}.`);
  else {
    context.info('To get access, send a teammate who has it this line to run:');
    context.out(`envseal grant <your-name> '${result.chosen.recipient}'${envFlag}`);
  }
  return ExitCode.ok;
};
