/**
 * The guard's judgement of a set of changes (staged files, or files of commits being pushed): file-name
 * rules, sealed-file rules, env-file content, and the detector on every added line. Pure apart from the
 * callbacks it is given; hooks.ts and scan.ts feed it from git.
 */
import { EnvsealError } from '../errors.js';
import { plainNameFor } from '../env-files.js';
import { detect } from '../detect/engine.js';
import { isPlaceholder } from '../detect/not-secrets.js';
import type { DetectOptions, Finding, FindingKind } from '../detect/types.js';
import { dotenvValue, parseEnv, toRecord } from '../format/envfile.js';
import { VALUE_PREFIX, WrongKeyError, openSealed, parseSealedStructure } from '../format/sealed.js';
import { isSensitiveName } from '../mask/rules.js';
import { normalizeNewlines } from '../text.js';
import type { PatchFile } from '../git/patch.js';
import { sparseText } from '../git/patch.js';
import type { GuardKnowledge } from './knowledge.js';
import { classifyName } from './names.js';

export interface CheckOptions {
  knowledge: GuardKnowledge;
  detect: Omit<DetectOptions, 'file' | 'knownKeys' | 'teamSecrets'>;
  /** File-name rules apply to what is staged, pushed or in history, not to a working-tree scan. */
  nameRules: boolean;
  /** Full staged content of a sealed file, for MAC and staleness checks (pre-commit only). */
  stagedContent?: (path: string) => string | undefined;
  /**
   * The working tree's plaintext next to a sealed file when it was edited after the file was last
   * sealed, for the staleness check (pre-commit only).
   */
  editedPlaintext?: (sealedFile: string) => string | undefined;
}

/** A finding made by a guard rule rather than the detector: about a whole file, with no secret. */
export function fileFinding(file: string, rule: string, kind: FindingKind, description: string, line = 1, commit?: string): Finding {
  const finding = { file, line, column: 1, rule, kind, description, fingerprint: `${rule}:${file}`, maskedExcerpt: '', ...(commit ? { commit } : {}) };
  return Object.defineProperty(finding, 'secret', { value: '', enumerable: false }) as Finding;
}

export function checkFile(file: PatchFile, options: CheckOptions): Finding[] {
  const verdict = classifyName(file.path);
  const commit = file.commit;
  // A file blocked by its name is blocked whole: listing each of its values again would only be noise.
  if (options.nameRules && verdict === 'plaintext-env-file') {
    return [fileFinding(file.path, 'plaintext-env-file', 'env-file', 'plaintext env file: commit it sealed, never as is', 1, commit)];
  }
  if (options.nameRules && verdict === 'key-file') {
    return [fileFinding(file.path, 'key-file', 'key-file', 'envseal key file: the master key must never be committed', 1, commit)];
  }
  if (options.nameRules && verdict === 'backup-file') {
    return [fileFinding(file.path, 'backup-file', 'env-file', 'envseal backup file: backups stay local', 1, commit)];
  }
  const findings: Finding[] = [];
  if (file.binary) return findings;
  const text = sparseText(file);
  if (verdict === 'sealed-file') {
    findings.push(...sealedFileFindings(file, text, options));
  } else if (verdict === undefined) {
    findings.push(...envContentFindings(file, text));
  }
  const { knowledge } = options;
  for (const finding of detect(text, { ...options.detect, file: file.path, knownKeys: knowledge.knownKeys, teamSecrets: knowledge.teamSecrets })) {
    if (commit) finding.commit = commit;
    findings.push(finding);
  }
  return findings;
}

const ENTRY = /^(?:export\s+)?([A-Za-z_][\w.-]*)\s*[=:]\s*(.*)$/;

/** Plaintext values added to a sealed file (hand edits): every value must be `fernet:`. */
function sealedFileFindings(file: PatchFile, text: string, options: CheckOptions): Finding[] {
  const findings: Finding[] = [];
  text.split('\n').forEach((line, index) => {
    const match = ENTRY.exec(line);
    if (!match || line.startsWith('#')) return;
    if (!dotenvValue(match[2]!.replace(/\s+#.*$/, '')).value.startsWith(VALUE_PREFIX)) {
      findings.push(fileFinding(file.path, 'sealed-file-plaintext', 'sealed-file', `${match[1]} holds a plaintext value in a sealed file`, index + 1, file.commit));
    }
  });
  const staged = options.stagedContent?.(file.path);
  if (staged === undefined) return findings;
  const content = normalizeNewlines(staged).text;
  try {
    parseSealedStructure(content, file.path);
    const keys = options.knowledge.keysFor(file.path);
    if (!keys) return findings;
    const opened = openSealed(content, keys, file.path, 'your key');
    const plain = options.editedPlaintext?.(file.path);
    if (plain !== undefined) {
      const local = toRecord(parseEnv(normalizeNewlines(plain).text, plainNameFor(file.path)));
      const sealed = toRecord(opened.lines);
      const differing = [...new Set([...Object.keys(local), ...Object.keys(sealed)])].filter((name) => local[name] !== sealed[name]);
      if (differing.length > 0) {
        findings.push(fileFinding(file.path, 'sealed-file-stale', 'sealed-file', `stale: ${plainNameFor(file.path)} holds different values for ${differing.join(', ')}; run \`envseal encrypt\` and stage the result`));
      }
    }
  } catch (e) {
    if (e instanceof WrongKeyError) return findings; // sealed with a key this machine lacks: nothing to verify
    if (!(e instanceof EnvsealError)) throw e;
    findings.push(fileFinding(file.path, 'sealed-file-invalid', 'sealed-file', `not a valid sealed file: ${e.message}`));
  }
  return findings;
}

/**
 * A file of any name whose added lines are mostly NAME=value with a secret name and a real value: a
 * renamed or copied .env ("config.txt", "prod.vars").
 */
function envContentFindings(file: PatchFile, text: string): Finding[] {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const entries = lines.map((l) => ENTRY.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  if (entries.length < 2 || entries.length < lines.length * 0.8) return [];
  const secret = entries.find((m) => {
    const value = dotenvValue(m[2]!.replace(/\s+#.*$/, '')).value;
    return isSensitiveName(m[1]!) && value.length >= 6 && !isPlaceholder(value) && !value.startsWith(VALUE_PREFIX);
  });
  if (!secret) return [];
  const line = text.split('\n').findIndex((l) => l.includes(secret[0])) + 1;
  return [fileFinding(file.path, 'plaintext-env-content', 'env-file', `env file content with a real value for ${secret[1]}: commit env files only sealed`, line, file.commit)];
}
