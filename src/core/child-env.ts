/**
 * The environments envseal gives the programs it starts (`run`'s command, `edit`'s editor): the
 * parent's, plus the sealed values for `run`, minus every variable that holds or fetches a master key.
 * Pure.
 */
import { EnvsealError, Code } from '../errors.js';
import { isKeyVariable } from '../env-vars.js';

/** Refuses a value no environment variable can hold (the C environment is NUL-terminated strings). */
export function assertEnvironmentValue(name: string, value: string): void {
  if (value.includes('\0')) {
    throw new EnvsealError(
      Code.VALUE_NUL,
      `the value of ${name} contains a NUL character, which an environment variable cannot hold`,
      `Remove the NUL character from ${name} in the plaintext file and seal it again.`,
    );
  }
}

/**
 * `values` added to `parent`. Variables already set in `parent` win, as with dotenv, unless `override`.
 * Key variables are removed afterwards, so not even a sealed value can pass a key on.
 */
export function childEnvironment(parent: NodeJS.ProcessEnv, values: Readonly<Record<string, string>>, override: boolean): Record<string, string> {
  const env = new Map<string, string>();
  for (const [name, value] of Object.entries(parent)) if (value !== undefined) env.set(name, value);
  for (const [name, value] of Object.entries(values)) {
    if (!override && env.has(name)) continue;
    assertEnvironmentValue(name, value);
    env.set(name, value);
  }
  for (const name of env.keys()) if (isKeyVariable(name)) env.delete(name);
  // fromEntries defines own properties, so even a variable named __proto__ stays a variable.
  return Object.fromEntries(env);
}

/** `parent` without the key variables: for a program that gets no sealed values (`edit`'s editor). */
export function withoutKeyVariables(parent: NodeJS.ProcessEnv): Record<string, string> {
  return childEnvironment(parent, {}, false);
}
