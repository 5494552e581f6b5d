/** Opening a sealed file named by a request: read it, find the keys, verify and decrypt. Memory only. */
import type { OpenedFile } from '../format/sealed.js';
import { openSealed } from '../format/sealed.js';
import { displayPath, readText } from '../io/files.js';
import { type ResolvedKeys, keyList, resolveKeys } from '../keys/key-sources.js';

/** How a command asks for keys (see keys/key-sources.ts for the lookup order). */
export interface KeyOptions {
  envName?: string;
  keyFile?: string;
  env: NodeJS.ProcessEnv;
}

/** Opens a sealed file with the resolved keys. The result holds plaintext: keep it in memory. */
export function openSealedFile(request: KeyOptions & { input: string }): { opened: OpenedFile; keys: ResolvedKeys } {
  const { text } = readText(request.input);
  const keys = resolveKeys({ ...request, envFile: request.input });
  return { opened: openSealed(text, keyList(keys), displayPath(request.input), keys.source), keys };
}

