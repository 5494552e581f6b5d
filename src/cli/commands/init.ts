import { initProject } from '../../core/init.js';
import { displayPath } from '../../io/files.js';
import { keyVariableNames } from '../../env-vars.js';
import { keyOptions } from '../paths.js';
import { EnvsealError, Code } from '../../errors.js';
import { findRepoRoot } from '../../io/repo.js';
import type { Handler } from '../handler.js';

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
  if (args.hooks !== false && findRepoRoot(context.cwd)) {
    const { installHooks, locateHooks } = await import('../../guard/install.js');
    const location = await locateHooks(context.cwd).catch((e: unknown) => {
      // A .git that git does not recognise (a bare placeholder, a broken clone): nothing to hook into.
      if (e instanceof EnvsealError && e.code === Code.NOT_A_REPO) return undefined;
      throw e;
    });
    if (!location) {
      context.warn('git does not recognise this repository, so the hooks were not installed; run `envseal hooks install` once it does.');
      return 0;
    }
    const changes = installHooks(location).filter((c) => c.action !== 'already installed');
    if (changes.length > 0) context.info(`Installed the ${changes.map((c) => c.hook).join(', ')} hooks (${location.flavour === 'husky' ? '.husky' : displayPath(location.dir)}): commits of plaintext env files and key material are blocked.`);
    if (location.note) context.warn(location.note);
  }
  return 0;
};
