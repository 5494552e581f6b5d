import { EnvsealError, Code } from '../../errors.js';
import {
  type ExportFormat,
  type ExportVariable,
  type KubernetesTarget,
  type LineFormat,
  appendToGithubEnv,
  dockerFormat,
  dotenvFormat,
  formatGithub,
  formatJson,
  formatKubernetes,
  formatLines,
  shellFormat,
  validateKubernetesTarget,
} from '../../core/export.js';
import { displayPath } from '../../io/files.js';
import { plural } from '../render.js';
import { loadValues, maskRulesFor } from '../load-values.js';
import type { Args, Handler } from '../handler.js';

const LINE_FORMATS: Record<Exclude<ExportFormat, 'github' | 'k8s' | 'json'>, LineFormat> = {
  shell: shellFormat,
  dotenv: dotenvFormat,
  docker: dockerFormat,
};

/** --name and --namespace, which only --format k8s takes (and it needs --name). */
function kubernetesTarget(format: ExportFormat, args: Args): KubernetesTarget | undefined {
  const name = typeof args.name === 'string' ? args.name : undefined;
  const namespace = typeof args.namespace === 'string' ? args.namespace : undefined;
  if (format !== 'k8s') {
    if (name === undefined && namespace === undefined) return undefined;
    throw new EnvsealError(Code.USAGE, `--${name !== undefined ? 'name' : 'namespace'} is for --format k8s only`, 'Add --format k8s, or drop the option.');
  }
  if (name === undefined) {
    throw new EnvsealError(Code.USAGE, "--format k8s needs --name, the Secret's name", 'For example: envseal export --format k8s --name app-secrets | kubectl apply -f -');
  }
  const target = { name, ...(namespace !== undefined ? { namespace } : {}) };
  validateKubernetesTarget(target);
  return target;
}

export const exportValues: Handler = async (args, context) => {
  const format = String(args.format ?? 'shell') as ExportFormat;
  // Before the key is looked for: a mistyped name is a usage error whatever the key.
  const target = kubernetesTarget(format, args);
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
  if (format === 'k8s') {
    context.write(formatKubernetes(variables, target!));
    return 0;
  }
  if (format === 'json') {
    context.write(formatJson(variables));
    return 0;
  }
  if (format !== 'github') {
    for (const piece of formatLines(LINE_FORMATS[format], variables)) context.write(piece);
    return 0;
  }
  const [{ classify }, { secretParts }] = await Promise.all([import('../../mask/rules.js'), import('../../mask/variables.js')]);
  const rules = await maskRulesFor(loaded);
  for (const variable of variables) variable.secrets = secretParts(variable.value, classify(variable.name, variable.value, rules));
  const { masks, masked, tooShort, envFile } = formatGithub(variables);
  // Masks first: the runner must know the secrets before anything could print them.
  context.write(masks);
  appendToGithubEnv(githubEnv!, envFile);
  context.info(`Added ${plural(variables.length, 'variable')} from ${displayPath(loaded.file)} to $GITHUB_ENV for the next steps (${masked.length} masked in logs).`);
  if (tooShort.length > 0) context.warn(`not masked: ${tooShort.join(', ')}: shorter than the 4 characters GitHub masks, so a step that prints them shows them. Use longer secrets.`);
  return 0;
};
