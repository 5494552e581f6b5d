/**
 * What only envseal knows: the team's own secrets. Opens every sealed file of the repository that a
 * key on this machine opens, reads the plaintext env files next to them and at the root, and keeps
 * only keyed hashes of their values (TeamSecretIndex) plus the master keys themselves, which the
 * detector must find verbatim. Also keeps each opened file's values by name, for the stale check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvsealError } from '../errors.js';
import { plainNameFor } from '../env-files.js';
import { parseEnv, toRecord } from '../format/envfile.js';
import { readText } from '../io/files.js';
import type { KeyRing } from '../keys/key-ring.js';
import { tryResolveKeyRing } from '../keys/key-sources.js';
import { openSealedFile } from '../core/open.js';
import { isDocumentedExample, isPlaceholderOrReference } from '../detect/not-secrets.js';
import { TeamSecretIndex } from '../detect/team-secrets.js';
import { isUnfilled } from '../format/annotations.js';
import { type MaskRules, classify } from '../mask/rules.js';
import { secretParts } from '../mask/variables.js';
import { classifyName } from './file-names.js';

export interface GuardKnowledge {
  teamSecrets: TeamSecretIndex;
  /** Current and previous master keys found for any sealed file (secret: memory only). */
  knownKeys: string[];
  /** Keys by sealed file (repo-relative path), to verify a staged sealed file's MAC. */
  keysFor(file: string): KeyRing | undefined;
}

/**
 * `sealedFiles` are repository-relative paths of sealed files (tracked or staged). Files that cannot be
 * opened (no key, wrong key, corrupt) are skipped: the guard still runs, knowing less.
 */
export function gatherKnowledge(root: string, sealedFiles: readonly string[], env: NodeJS.ProcessEnv, rules: MaskRules): GuardKnowledge {
  const values: { name: string; value: string }[] = [];
  // Only what masking would hide is a team secret: PORT=3000 or APP_ENV=development in a README is fine.
  const addSecrets = (name: string, value: string): void => {
    // Not indexed: a value still unfilled (`sk_test_<key>` copied from .env.example), which is in the
    // committed example itself, so as a team secret it would block the very commit that seals it; and
    // what the detector never calls a secret (a reference such as `${DB_PASSWORD}`, a documented
    // example), which appears in code and docs by design.
    if (isUnfilled(value) || isPlaceholderOrReference(value) || isDocumentedExample(value)) return;
    // The whole value when it is secret, and each secret inside it (a token in a URL or a header),
    // since that is what gets pasted elsewhere.
    for (const part of secretParts(value, classify(name, value, rules))) values.push({ name, value: part });
  };
  const rings = new Map<string, KeyRing>();
  const knownKeys = new Set<string>();
  const plainFiles = new Set<string>();

  for (const file of sealedFiles) {
    const absolute = path.join(root, file);
    plainFiles.add(plainNameFor(absolute));
    try {
      // Keys are looked up for a sealed file that is staged but gone from the work tree too.
      const ring = tryResolveKeyRing({ envFile: absolute, env });
      if (!ring) continue;
      rings.set(file, ring);
      for (const key of ring.keys) knownKeys.add(key.export());
      if (!fs.existsSync(absolute)) continue;
      const { opened } = openSealedFile({ env, file: absolute, ring });
      for (const line of opened.lines) if (line.kind === 'entry') addSecrets(line.name, line.value);
    } catch (e) {
      if (!(e instanceof EnvsealError)) throw e;
    }
  }
  for (const name of safeReaddir(root)) if (classifyName(name) === 'plaintext-env-file') plainFiles.add(path.join(root, name));
  for (const file of plainFiles) {
    try {
      if (!fs.statSync(file).isFile()) continue;
      const record = toRecord(parseEnv(readText(file).text, file));
      for (const [name, value] of Object.entries(record)) addSecrets(name, value);
    } catch {
      // Missing or unparseable plaintext teaches the guard nothing; it is not the guard's job to report it.
    }
  }
  return { teamSecrets: TeamSecretIndex.build(values), knownKeys: [...knownKeys], keysFor: (file) => rings.get(file) };
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
