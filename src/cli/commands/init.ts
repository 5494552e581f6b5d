import { initProject } from '../../core/init.js';
import { displayPath, exists } from '../../io/files.js';
import { recipientsFileFor } from '../../core/recipients.js';
import { keyVariableNames } from '../../env-vars.js';
import { keyOptions } from '../paths.js';
import { EnvsealError, Code } from '../../errors.js';
import { findRepoRoot } from '../../io/repo.js';
import { attributesDeclareDrivers, configureDrivers } from '../../git/setup.js';
import type { Context } from '../context.js';
import { driverCommand } from '../driver-command.js';
import type { Handler } from '../handler.js';

export const init: Handler = async (args, context) => {
  const options = keyOptions(args, context);
  const result = initProject({ dir: context.cwd, ...options });
  if (result.createdKeyFile) {
    context.info(`Created ${displayPath(result.createdKeyFile)} (mode 0600) with a new master key, fingerprint ${result.fingerprint}.`);
    context.info('  Back it up in your team\'s password manager now: without it, sealed files cannot be opened.');
  } else if (result.existingKeySource) {
    context.info(`Using the existing master key from ${result.existingKeySource} (fingerprint ${result.fingerprint}).`);
  } else if (result.awaitingKey && exists(recipientsFileFor(result.awaitingKey.sealedFile, options.envName))) {
    const { whoami } = await import('../../core/identity.js');
    const me = whoami({ ...options, file: result.awaitingKey.sealedFile });
    const envFlag = options.envName ? ` --env ${options.envName}` : '';
    context.warn(`${displayPath(result.awaitingKey.sealedFile)} is shared through ${displayPath(recipientsFileFor(result.awaitingKey.sealedFile, options.envName))}, which does not list any of your identities yet.`);
    if (me.chosen?.recipient) context.info(`  Send a teammate who has access this line to run, then pull:\n  envseal grant <your-name> '${me.chosen.recipient}'${envFlag}`);
    else context.info('  You have no identity yet: `envseal identity new` makes one (or ssh-keygen -t ed25519); then run `envseal whoami`.');
  } else if (result.awaitingKey) {
    const { sealedFile, fingerprint, keyFile } = result.awaitingKey;
    const variable = keyVariableNames(options.envName)[0];
    context.warn(
      `${displayPath(sealedFile)} already exists${fingerprint ? `, sealed with key ${fingerprint}` : ''}, and no key for it was found; no new key was created (it could not open that file).\n` +
        `  Get the key from your team and save it in ${displayPath(keyFile)} (then chmod 600 ${displayPath(keyFile)}), or set ${variable}.`,
    );
  }
  if (result.gitattributes.added.length > 0) context.info(`Added \`${result.gitattributes.added.join(' ')}\` to ${displayPath(result.gitattributes.file)}: concurrent grants merge line by line.`);
  const { file, added } = result.gitignore;
  context.info(added.length > 0 ? `Added ${added.length} rules to ${displayPath(file)}: ${added.join(' ')}` : `${displayPath(file)} already keeps plaintext env files, keys and backups out of git.`);
  if (result.dockerignore) {
    const docker = result.dockerignore;
    context.info(docker.added.length > 0 ? `Added ${docker.added.length} rules to ${displayPath(docker.file)}, so \`COPY . .\` leaves plaintext env files and keys out of images.` : `${displayPath(docker.file)} already keeps plaintext env files and keys out of images.`);
  }
  const root = findRepoRoot(context.cwd);
  if (root) configureDeclaredDrivers(root, context);
  if (args.hooks !== false && root) {
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

/**
 * A fresh clone whose .gitattributes routes sealed files to envseal's drivers gets them configured
 * locally: without them, every concurrent change conflicts on the MAC line. Only the local config is
 * written; .gitattributes is the team's, and `envseal git setup` is what adds it.
 */
function configureDeclaredDrivers(root: string, context: Context): void {
  let changed;
  try {
    if (!attributesDeclareDrivers(root)) return;
    changed = configureDrivers(root, driverCommand()).filter((c) => c.action !== 'unchanged');
  } catch (e) {
    if (e instanceof EnvsealError && e.code === Code.NOT_A_REPO) return; // the hooks block below says so
    throw e;
  }
  if (changed.length > 0) context.info(`Configured the envseal diff and merge drivers .gitattributes asks for (${changed.map((c) => c.key).join(', ')}, in .git/config): sealed files now merge per variable.`);
}
