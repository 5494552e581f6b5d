/**
 * Opening a sealed file: read it, find its keys, verify and decrypt, in memory. Every command that
 * opens a sealed file from disk comes through here, so a new key source is a change in keys/ only.
 */
import type { OpenedFile } from '../format/sealed.js';
import { openSealed } from '../format/sealed.js';
import { displayPath, readText } from '../io/files.js';
import type { KeyRing } from '../keys/key-ring.js';
import { type KeyLookup, resolveKeyRing, tryResolveKeyRing } from '../keys/key-sources.js';
import { checkContinuity } from './continuity.js';

/** How a command asks for keys (see keys/key-sources.ts for the lookup order). */
export interface KeyOptions {
  envName?: string;
  keyFile?: string;
  identityFile?: string;
  askPassphrase?: (source: string) => string;
  /** Accept a key the recipients file hands over that nothing links to one seen before (core/continuity.ts). */
  trustNewKey?: boolean;
  env: NodeJS.ProcessEnv;
}

export interface OpenRequest extends KeyOptions {
  /** The sealed file. */
  file: string;
  /** Keys already resolved (for another file of the same operation); looked up for `file` otherwise. */
  ring?: KeyRing;
  /** Open a whole-file Fernet token too (see format/sealed.ts OpenOptions). */
  legacy?: boolean;
}

/** A sealed file opened from disk. `opened` holds plaintext: keep it in memory. */
export interface SealedFileOpened {
  file: string;
  label: string;
  /** The file's text as read: a different text later means something else changed it. */
  text: string;
  opened: OpenedFile;
  ring: KeyRing;
}

export function openSealedFile(request: OpenRequest): SealedFileOpened {
  return open(request, resolveKeyRing)!;
}

/**
 * Like openSealedFile, but undefined when no key source holds a key for the file (a wrong key, a
 * tampered file and the like still throw).
 */
export function tryOpenSealedFile(request: OpenRequest): SealedFileOpened | undefined {
  return open(request, tryResolveKeyRing);
}

function open(request: OpenRequest, resolve: (lookup: KeyLookup) => KeyRing | undefined): SealedFileOpened | undefined {
  const label = displayPath(request.file);
  // Read first: a missing file is reported as such, not as a missing key.
  const { text } = readText(request.file);
  const ring = request.ring ?? resolve({ ...request, envFile: request.file });
  if (!ring) return undefined;
  const opened = openSealed(text, ring, label, { legacy: request.legacy === true });
  checkContinuity({ env: request.env, file: request.file, label, ...(request.trustNewKey ? { trustNewKey: true } : {}) }, opened, ring);
  return { file: request.file, label, text, opened, ring };
}
