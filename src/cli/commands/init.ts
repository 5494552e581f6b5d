import { initProject } from '../../core/init.js';
import { displayPath } from '../../io/files.js';
import { keyVariableNames } from '../../env-files.js';
import { keyOptions } from '../paths.js';
import type { Handler } from '../spec.js';

export const init: Handler = async (args, context) => {
  const options = keyOptions(args, context);
  const result = initProject({ dir: context.cwd, ...options });
  if (result.createdKeyFile) {
    context.info(`Created ${displayPath(result.createdKeyFile)} (mode 0600) with a new master key, fingerprint ${result.fingerprint}.`);
    context.info('  Back it up in your team\'s password manager now: without it, sealed files cannot be opened.');
  } else if (result.existingKeySource) {
    context.info(`Using the existing master key from ${result.existingKeySource} (fingerprint ${result.fingerprint}).`);
  } else if (result.awaitingKey) {
    const { sealedFile, fingerprint, keyFile } = result.awaitingKey;
    const variable = keyVariableNames(options.envName)[0];
    context.warn(
      `${displayPath(sealedFile)} already exists${fingerprint ? `, sealed with key ${fingerprint}` : ''}, and no key for it was found; no new key was created (it could not open that file).\n` +
        `  Get the key from your team and save it in ${displayPath(keyFile)} (then chmod 600 ${displayPath(keyFile)}), or set ${variable}.`,
    );
  }
  const { file, added } = result.gitignore;
  context.info(added.length > 0 ? `Added ${added.length} rules to ${displayPath(file)}: ${added.join(' ')}` : `${displayPath(file)} already keeps plaintext env files, keys and backups out of git.`);
  return 0;
};
