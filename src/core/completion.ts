/**
 * What shell completion offers beyond the command table: the environments a directory has and the
 * names a sealed file holds. Neither needs a key: names are in clear in the sealed format, so they
 * are read without verifying the MAC (a tampered file can at worst suggest a wrong name).
 */
import * as fs from 'node:fs';
import { environmentOfFile } from '../env-files.js';
import { parseSealedStructure } from '../format/sealed.js';
import { displayPath, ioError, readText } from '../io/files.js';

/** The environments with a sealed, key or recipients file in `dir`, sorted. */
export function environmentNames(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    throw ioError(e, 'read', dir);
  }
  const found = new Set<string>();
  for (const name of names) {
    const envName = environmentOfFile(name);
    if (envName !== undefined) found.add(envName);
  }
  return [...found].sort();
}

/** The variable names in a sealed file, in file order. */
export function sealedNames(file: string): string[] {
  const label = displayPath(file);
  const { body } = parseSealedStructure(readText(file).text, label);
  return body.flatMap((line) => (line.kind === 'entry' ? [line.name] : []));
}
