/**
 * The key fingerprints this user has opened each sealed file with, like ssh's known_hosts: one line
 * `<fingerprint> <absolute path of the sealed file>` in $XDG_CONFIG_HOME/envseal/known_keys (0600).
 * Fingerprints only, never keys. Best effort: a file that cannot be written leaves continuity
 * checking to the next run (core/continuity.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configHome } from '../env-vars.js';

const knownKeysFile = (env: NodeJS.ProcessEnv): string | undefined => {
  const config = configHome(env);
  return config ? path.join(config, 'envseal', 'known_keys') : undefined;
};

/** The fingerprints recorded for `sealedFile`; undefined when none are (first use). */
export function knownFingerprints(env: NodeJS.ProcessEnv, sealedFile: string): Set<string> | undefined {
  const file = knownKeysFile(env);
  let text: string;
  try {
    text = file ? fs.readFileSync(file, 'utf8') : '';
  } catch {
    return undefined;
  }
  const target = path.resolve(sealedFile);
  const known = new Set<string>();
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0 && line.slice(space + 1) === target) known.add(line.slice(0, space));
  }
  return known.size > 0 ? known : undefined;
}

export function rememberKey(env: NodeJS.ProcessEnv, sealedFile: string, fingerprint: string): void {
  const file = knownKeysFile(env);
  if (!file) return;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.appendFileSync(file, `${fingerprint} ${path.resolve(sealedFile)}\n`, { mode: 0o600 });
  } catch {
    // best effort: see the module comment
  }
}
