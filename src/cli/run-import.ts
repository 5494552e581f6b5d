/**
 * `import`, and the deprecated `encrypt --from-legacy` (a Fernet token converted where it sits): run
 * the import and say what was imported where, what was left out, and what may now be removed.
 */
import * as path from 'node:path';
import { type ImportResult, type ImportSource, importSecrets } from '../core/import.js';
import { displayPath } from '../io/files.js';
import { ansibleVaultPasswordFile } from '../env-vars.js';
import { audited } from './audit.js';
import type { Context } from './context.js';
import type { Args } from './handler.js';
import { askVaultPassword } from './passphrase.js';
import { keyOptions } from './paths.js';
import { plural } from './render.js';

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Also what the deprecated `encrypt --from-legacy` runs (with the token converted where it sits). */
export async function runImport(from: ImportSource, args: Args, context: Context, overrides: { output?: string; op?: string } = {}): Promise<number> {
  const output = overrides.output ?? str(args.out);
  const input = str(args.in);
  const vaultPasswordFile = str(args.vaultPasswordFile) ?? ansibleVaultPasswordFile(context.env);
  const result = await audited(context, overrides.op ?? `import --from ${from}`, path.resolve(context.cwd, output ?? input ?? '.env'), () =>
    importSecrets({
      ...keyOptions(args, context),
      from,
      dir: context.cwd,
      ...(input ? { input } : {}),
      ...(output ? { output } : {}),
      force: Boolean(args.force),
      ...(str(args.envKeysFile) ? { envKeysFile: str(args.envKeysFile)! } : {}),
      ...(vaultPasswordFile ? { vaultPasswordFile } : {}),
      ...(context.interactive ? { askVaultPassword } : {}),
      now: context.now,
    }),
  );
  report(result, context);
  return 0;
}

const SOURCE_WORDS: Record<ImportSource, string> = { dotenvx: 'dotenvx', 'ansible-vault': 'the ansible vault', fernet: 'the Fernet token' };

function report(result: ImportResult, context: Context): void {
  for (const file of result.files) {
    const from = file.inPlace ? `the whole-file Fernet token in ${displayPath(file.output)}, in place` : `${displayPath(file.source)} (${SOURCE_WORDS[result.from]}) into ${displayPath(file.output)}`;
    context.info(`Imported ${plural(file.values, 'value')} from ${from}, key ${file.fingerprint} from ${file.keySource}; verified by decrypting the result.`);
    if (file.inTheClear.length > 0) context.info(`  In the clear in dotenvx's file, imported as they were (now sealed): ${file.inTheClear.join(', ')}.`);
    if (file.notImported.length > 0) context.info(`  Not imported: ${file.notImported.join(', ')} (dotenvx's public key, which only dotenvx uses).`);
    if (file.backup) context.info(`  ${file.inPlace ? 'The token' : `The previous ${displayPath(file.output)}`} was kept as ${displayPath(file.backup)}.`);
  }
  const one = result.files.length === 1;
  context.info(`Nothing was deleted. Commit the sealed ${one ? 'file' : 'files'}; once you have checked ${one ? 'it' : 'them'} (\`envseal show\`), you can remove: ${result.removable.map(displayPath).join(', ')}.`);
  if (result.keyVariables.length > 0) context.info(`The dotenvx keys came from ${result.keyVariables.join(', ')}: remove ${result.keyVariables.length === 1 ? 'it' : 'them'} from CI settings once nothing runs dotenvx.`);
}
