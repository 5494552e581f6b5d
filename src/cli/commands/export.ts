import { EnvsealError, Code } from '../../errors.js';
import { type ExportFormat, type ExportVariable, appendToGithubEnv, formatDocker, formatDotenv, formatGithub, formatJson, formatShell } from '../../core/export.js';
import { displayPath } from '../../io/files.js';
import { plural } from '../render.js';
import { loadValues, maskRulesFor } from '../load-values.js';
import type { Handler } from '../handler.js';

const FORMATTERS: Record<Exclude<ExportFormat, 'github'>, (variables: readonly ExportVariable[]) => string> = {
  shell: formatShell,
  json: formatJson,
  dotenv: formatDotenv,
  docker: formatDocker,
};

export const exportValues: Handler = async (args, context) => {
  const format = String(args.format ?? 'shell') as ExportFormat;
  const githubEnv = context.env.GITHUB_ENV;
  if (format === 'github' && !githubEnv) {
    throw new EnvsealError(
      Code.GITHUB_ENV_MISSING,
      'GITHUB_ENV is not set, so there is no GitHub Actions environment file to add the variables to',
      'Run this in a GitHub Actions step (the runner sets GITHUB_ENV), or use --format shell, dotenv or json elsewhere.',
    );
  }
  const loaded = loadValues(args, context);
  const variables: ExportVariable[] = Object.entries(loaded.values).map(([name, value]) => ({ name, value, quote: loaded.quotes.get(name) ?? '', secrets: [] }));
  if (format !== 'github') {
    context.stdout.write(FORMATTERS[format](variables));
    return 0;
  }
  const [{ classify }, { secretParts }] = await Promise.all([import('../../mask/rules.js'), import('../../mask/variables.js')]);
  const rules = await maskRulesFor(loaded);
  for (const variable of variables) variable.secrets = secretParts(variable.value, classify(variable.name, variable.value, rules));
  const { masks, masked, tooShort, envFile } = formatGithub(variables);
  // Masks first: the runner must know the secrets before anything could print them.
  context.stdout.write(masks);
  appendToGithubEnv(githubEnv!, envFile);
  context.info(`Added ${plural(variables.length, 'variable')} from ${displayPath(loaded.file)} to $GITHUB_ENV for the next steps (${masked.length} masked in logs).`);
  if (tooShort.length > 0) context.warn(`not masked: ${tooShort.join(', ')}: shorter than the 4 characters GitHub masks, so a step that prints them shows them. Use longer secrets.`);
  return 0;
};
