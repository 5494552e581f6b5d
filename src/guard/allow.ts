/**
 * Deliberate exceptions to the guard, besides inline `envseal:allow` comments (the detector's):
 *  - `.envsealignore` at the repository root: gitignore-style paths that are never scanned;
 *  - a baseline file of finding fingerprints (`envseal scan --write-baseline FILE`), so a repository
 *    with old findings can adopt the hook without being blocked by them. Fingerprints are
 *    rule + file + keyed hash of the secret, so they survive lines moving.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { EnvsealError, Code } from '../errors.js';
import type { Finding } from '../detect/types.js';
import { displayPath, readText, writeFileAtomic } from '../io/files.js';

export const IGNORE_FILE = '.envsealignore';
export const DEFAULT_BASELINE = '.envseal-baseline.json';

export interface AllowList {
  ignored(file: string): boolean;
  baselined(finding: Finding): boolean;
}

interface IgnoreMatcher {
  add(patterns: string): IgnoreMatcher;
  ignores(path: string): boolean;
}

/** `baseline`: a file, undefined for the default (when present), or false to accept no baseline. */
export function loadAllowList(root: string, baseline?: string | false): AllowList {
  const ignoreFile = path.join(root, IGNORE_FILE);
  let matcher: IgnoreMatcher | undefined;
  if (fs.existsSync(ignoreFile)) {
    // Loaded only when the file exists: most repositories have none, and start-up matters.
    const ignore = createRequire(import.meta.url)('ignore') as () => IgnoreMatcher;
    matcher = ignore().add(readText(ignoreFile).text);
  }
  const baselinePath = baseline ? path.resolve(root, baseline) : path.join(root, DEFAULT_BASELINE);
  const accepted = baseline === false ? new Set<string>() : baseline || fs.existsSync(baselinePath) ? readBaseline(baselinePath) : new Set<string>();
  // The baseline lists fingerprints that look like "github-token:file:hash": envseal's own data, not secrets.
  const baselineFile = path.relative(root, baselinePath);
  return {
    ignored: (file) =>
      file === baselineFile || (matcher !== undefined && file !== '' && !file.startsWith('..') && !path.isAbsolute(file) && matcher.ignores(file)),
    // A fingerprint is an HMAC computed when first read: without a baseline none is computed.
    baselined: accepted.size === 0 ? () => false : (finding) => accepted.has(finding.fingerprint),
  };
}

export function applyAllowList(findings: readonly Finding[], allow: AllowList): Finding[] {
  return findings.filter((f) => !allow.ignored(f.file) && !allow.baselined(f));
}

interface BaselineFile {
  version: 1;
  fingerprints: string[];
}

export function readBaseline(file: string): Set<string> {
  let json: unknown;
  try {
    json = JSON.parse(readText(file).text);
  } catch (e) {
    if (e instanceof EnvsealError) throw e;
    throw new EnvsealError(Code.BASELINE_INVALID, `${displayPath(file)} is not valid JSON`, 'Regenerate it with `envseal scan --write-baseline FILE`.');
  }
  const fingerprints = (json as Partial<BaselineFile>).fingerprints;
  if (!Array.isArray(fingerprints) || !fingerprints.every((f) => typeof f === 'string')) {
    throw new EnvsealError(Code.BASELINE_INVALID, `${displayPath(file)} is not an envseal baseline (no "fingerprints" list)`, 'Regenerate it with `envseal scan --write-baseline FILE`.');
  }
  return new Set(fingerprints);
}

export function writeBaseline(file: string, findings: readonly Finding[]): number {
  const fingerprints = [...new Set(findings.map((f) => f.fingerprint))].sort();
  const content: BaselineFile = { version: 1, fingerprints };
  writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o644 });
  return fingerprints.length;
}
