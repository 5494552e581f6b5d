/**
 * The guard's judgement of a set of changes (staged files, or files of commits being pushed): file-name
 * rules, sealed-file rules, env-file content, and the detector on every added line. Pure apart from the
 * callbacks it is given; hooks.ts and scan.ts feed it from git.
 */
import { EnvsealError } from '../errors.js';
import { SEALED_SUFFIX, plainNameFor } from '../env-files.js';
import { isDotenvxSealed } from '../import/dotenvx.js';
import { parseRecipient } from '../age/index.js';
import { macValid, parseRecipients } from '../format/recipients.js';
import { detect } from '../detect/engine.js';
import { isDocumentedExample, isPlaceholderOrReference } from '../detect/not-secrets.js';
import { secretNameStrength } from '../secret-names.js';
import { isSourceCodeFile } from '../detect/source-files.js';
import { characterClasses } from '../detect/entropy.js';
import { FINGERPRINT_KEY } from '../detect/fingerprint-key.js';
import { ALLOW_MARKER } from '../detect/allow-marker.js';
import { createHmac } from 'node:crypto';
import type { DetectOptions, FindingKind } from '../detect/types.js';
import { SecretFinding } from '../detect/finding.js';
import { parseEnv, scanAssignments, toRecord } from '../format/envfile.js';
import { VALUE_PREFIX, WrongKeyError, openSealed, parseSealedStructure } from '../format/sealed.js';
import { isBinary, normalizeNewlines } from '../text.js';
import { decodeUtf16Text, detectInBinary, isCoreDump } from '../detect/binary.js';
import type { PatchFile } from '../git/patch.js';
import { lineCount, sparseText } from '../git/patch.js';
import type { GuardKnowledge } from './knowledge.js';
import { type NameVerdict, classifyName } from './file-names.js';

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
  /** The whole new content of a file git shows as binary (its diff has no lines to read), in the index. */
  blobOf?: (file: PatchFile) => Buffer | undefined;
}

/**
 * A finding made by a guard rule rather than the detector: about a whole file, with no secret. Its
 * fingerprint includes a keyed hash of the file's added content, so a baseline that accepts an old
 * committed .env does not accept the next one (or a key file) under the same name.
 */
export function fileFinding(file: string, rule: string, kind: FindingKind, description: string, content: string | Uint8Array, line = 1, commit?: string): SecretFinding {
  const hash = createHmac('sha256', FINGERPRINT_KEY).update(content).digest('hex').slice(0, 16);
  return new SecretFinding({ file, line, column: 1, rule, kind, description, maskedExcerpt: '', commit: commit || undefined }, '', `${rule}:${file}:${hash}`);
}

const NAME_RULES: Partial<Record<NonNullable<NameVerdict>, { rule: string; kind: FindingKind; description: string }>> = {
  'plaintext-env-file': { rule: 'plaintext-env-file', kind: 'env-file', description: 'plaintext env file: commit it sealed, never as is' },
  'key-file': { rule: 'key-file', kind: 'key-file', description: 'envseal key file: the master key must never be committed' },
  // A private key, not envseal's master key: the fix is a new key pair, not `envseal rotate`.
  'key-container': { rule: 'key-container', kind: 'private-key', description: 'private key file (keystore, PKCS#12 or SSH private key)' },
  'backup-file': { rule: 'backup-file', kind: 'env-file', description: 'envseal backup file: backups stay local' },
  'lock-file': { rule: 'lock-file', kind: 'env-file', description: "envseal lock file: it is local state, and a committed one stalls every clone's next write" },
};

function nameFinding(file: PatchFile, options: CheckOptions, content: string | Uint8Array): SecretFinding | undefined {
  const verdict = options.nameRules ? classifyName(file.path) : undefined;
  // dotenvx's committed form (every value its ciphertext) is a sealed file, not plaintext; the detector still reads it.
  if (verdict === 'plaintext-env-file' && typeof content === 'string' && isDotenvxSealed(content)) return undefined;
  const byName = verdict ? NAME_RULES[verdict] : undefined;
  return byName && fileFinding(file.path, byName.rule, byName.kind, byName.description, content, 1, file.commit);
}

export function checkFile(file: PatchFile, options: CheckOptions): SecretFinding[] {
  if (file.binary) {
    const bytes = options.blobOf?.(file);
    if (bytes) return checkBytes(file.path, bytes, options, file.commit);
    const byName = nameFinding(file, options, '');
    return byName ? [byName] : [];
  }
  const text = sparseText(file);
  const findings: SecretFinding[] = [];
  // A message (a commit's, a tag's) has no name and no format of its own: only the detector judges it.
  if (!file.message) {
    // A file blocked by its name is blocked whole: listing each of its values again would only be noise.
    const byName = nameFinding(file, options, text);
    if (byName) return [byName];
    const verdict = classifyName(file.path);
    if (verdict === 'sealed-file') {
      for (const finding of sealedFileFindings(file, text, options)) findings.push(finding);
    } else if (verdict === 'recipients-file') {
      return recipientsFileFindings(file, text, options);
    } else if (verdict === undefined) {
      for (const finding of envContentFindings(file, text, options.detect.inlineAllow !== false)) findings.push(finding);
    }
  }
  const { knowledge } = options;
  for (const finding of detect(text, { ...options.detect, file: file.path, knownKeys: knowledge.knownKeys, teamSecrets: knowledge.teamSecrets })) {
    if (file.commit) finding.commit = file.commit;
    findings.push(finding);
  }
  return findings;
}

/** How many changes CommitChecks remembers: enough for nearby repeats, bounded on any history. */
const REMEMBERED_CHANGES = 50_000;

/**
 * The judgement of changes read from commits (history, a push), file after file as git shows them: a
 * binary file is judged by its blob, read by id through `readBlob`. A change seen again (the same
 * blobs before and after under the same path: a cherry-pick, a file reverted to an earlier version, an
 * image committed again, a merge shown against each parent) is judged once and reported for every
 * commit that makes it; within one commit a finding is reported once.
 */
export class CommitChecks {
  readonly #options: CheckOptions;
  readonly #readBlob: (id: string) => Promise<Buffer>;
  /** Findings by change (path and blobs), as first found, oldest change first. */
  readonly #judged = new Map<string, SecretFinding[]>();
  readonly #reported = new Set<string>();

  constructor(options: CheckOptions, readBlob: (id: string) => Promise<Buffer>) {
    this.#options = options;
    this.#readBlob = readBlob;
  }

  /** The findings of `file` not already reported for its commit. */
  async check(file: PatchFile): Promise<SecretFinding[]> {
    const change = file.blobs && `${file.path}\0${file.blobs.before}\0${file.blobs.after}`;
    let findings = change === undefined ? undefined : this.#judged.get(change);
    if (findings) {
      findings = findings.map((finding) => finding.with({ commit: file.commit || undefined }));
    } else {
      findings = file.binary && file.blobs ? checkBytes(file.path, await this.#readBlob(file.blobs.after), this.#options, file.commit) : checkFile(file, this.#options);
      if (change !== undefined) this.#remember(change, findings);
    }
    return findings.filter((finding) => {
      const key = `${finding.commit}\0${finding.file}\0${finding.line}\0${finding.column}\0${finding.rule}`;
      if (this.#reported.has(key)) return false;
      this.#reported.add(key);
      return true;
    });
  }

  #remember(change: string, findings: SecretFinding[]): void {
    if (this.#judged.size >= REMEMBERED_CHANGES) this.#judged.delete(this.#judged.keys().next().value!);
    this.#judged.set(change, findings);
  }
}

/**
 * A whole file's content (a file in a tree, or one git shows as binary). Text is judged line by line
 * like any change. Binary content is judged by its ELF header (a core dump) and searched for the keys
 * and team values it may hold; when it also reads as UTF-16 text, that text meets every rule too (the
 * search still runs: text that decodes as UTF-16 can carry a UTF-8 secret the decoding garbles).
 */
export function checkBytes(path: string, bytes: Buffer, options: CheckOptions, commit?: string): SecretFinding[] {
  const binary = isBinary(bytes);
  const text = binary ? decodeUtf16Text(bytes) : bytes.toString('utf8');
  // Lines end at "\n" or "\r\n", as in a patch of the file.
  const lf = text === undefined ? '' : text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
  const file: PatchFile = { path, isNew: true, binary: false, runs: [{ start: 1, text: lf, count: lineCount(lf) }], ...(commit ? { commit } : {}) };
  const byName = nameFinding(file, options, bytes);
  if (byName) return [byName];
  const findings = text === undefined ? [] : checkFile(file, options);
  if (!binary) return findings;
  if (isCoreDump(bytes)) {
    findings.push(fileFinding(path, 'core-dump', 'key-file', "core dump: a crashed process's memory, with the master key and secret values it held", bytes, 1, commit));
    return findings;
  }
  const { knowledge } = options;
  const known = new Set(findings.map((f) => f.fingerprint));
  for (const finding of detectInBinary(bytes, { ...options.detect, file: path, knownKeys: knowledge.knownKeys, teamSecrets: knowledge.teamSecrets })) {
    if (known.has(finding.fingerprint)) continue;
    if (commit) finding.commit = commit;
    findings.push(finding);
  }
  return findings;
}

/**
 * A recipients file is valid when every added line is a record whose public key parses and whose
 * MAC verifies under a key this machine holds for the sealed file beside it (a forged grant fails).
 * Its age= payloads are random by design, so the detector judges only lines that are not records.
 */
function recipientsFileFindings(file: PatchFile, text: string, options: CheckOptions): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const sealed = `${file.path.slice(0, -'.recipients'.length)}${SEALED_SUFFIX}`;
  const ring = options.knowledge.keysFor(sealed);
  const others: string[] = [];
  text.split('\n').forEach((line, index) => {
    const record = line.startsWith('#envseal:') ? parseRecipients(line, file.path).lines[0] : undefined;
    // Kept line for line, so the detector's findings carry the right line numbers.
    others.push(record || line.startsWith('#envseal:recipient') ? '' : line);
    if (!record) {
      if (line.startsWith('#envseal:recipient') && !line.startsWith('#envseal:recipients ')) {
        findings.push(fileFinding(file.path, 'recipients-file-invalid', 'sealed-file', `line ${index + 1} is not a valid recipients record`, line, index + 1, file.commit));
      }
      return;
    }
    if (record.kind === 'recipient' && !parsesAsRecipient(record.recipient)) {
      findings.push(fileFinding(file.path, 'recipients-file-invalid', 'sealed-file', `${record.name}'s public key is not one envseal can wrap to`, line, index + 1, file.commit));
    } else if (ring && !ring.keys.some((key) => macValid(record, key))) {
      findings.push(fileFinding(file.path, 'recipients-forged', 'sealed-file', `${record.name}'s line does not verify under the master key: it was not written by someone who holds the key`, line, index + 1, file.commit));
    }
  });
  const { knowledge } = options;
  for (const finding of detect(others.join('\n'), { ...options.detect, file: file.path, knownKeys: knowledge.knownKeys, teamSecrets: knowledge.teamSecrets })) {
    if (file.commit) finding.commit = file.commit;
    findings.push(finding);
  }
  return findings;
}

function parsesAsRecipient(text: string): boolean {
  try {
    parseRecipient(text);
    return true;
  } catch {
    return false;
  }
}

/** Plaintext values added to a sealed file (hand edits): every value must be `fernet:`. */
function sealedFileFindings(file: PatchFile, text: string, options: CheckOptions): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const lines = text.split('\n');
  for (const { name, value, index } of scanAssignments(text)) {
    if (!value.startsWith(VALUE_PREFIX)) {
      findings.push(fileFinding(file.path, 'sealed-file-plaintext', 'sealed-file', `${name} holds a plaintext value in a sealed file`, lines[index]!, index + 1, file.commit));
    }
  }
  const staged = options.stagedContent?.(file.path);
  if (staged === undefined) return findings;
  const content = normalizeNewlines(staged).text;
  try {
    parseSealedStructure(content, file.path);
    const ring = options.knowledge.keysFor(file.path);
    if (!ring) return findings;
    const opened = openSealed(content, ring, file.path);
    const plain = options.editedPlaintext?.(file.path);
    if (plain !== undefined) {
      const local = toRecord(parseEnv(normalizeNewlines(plain).text, plainNameFor(file.path)));
      const sealed = toRecord(opened.lines);
      const differing = [...new Set([...Object.keys(local), ...Object.keys(sealed)])].filter((name) => local[name] !== sealed[name]);
      if (differing.length > 0) {
        findings.push(fileFinding(file.path, 'sealed-file-stale', 'sealed-file', `stale: ${plainNameFor(file.path)} holds different values for ${differing.join(', ')}; run \`envseal encrypt\` and stage the result`, content));
      }
    }
  } catch (e) {
    if (e instanceof WrongKeyError) return findings; // sealed with a key this machine lacks: nothing to verify
    if (!(e instanceof EnvsealError)) throw e;
    findings.push(fileFinding(file.path, 'sealed-file-invalid', 'sealed-file', `not a valid sealed file: ${e.message}`, content));
  }
  return findings;
}

/**
 * A file of any name whose added lines are an env file holding a real secret value: a renamed or
 * copied .env ("config.txt", "prod.vars"). Deliberately narrow, because the detector already finds
 * random-looking secrets everywhere: at least three lines, nearly all of them `NAME=value` with
 * upper-case names (source code and YAML/JSON/properties do not look like that), and a value under a
 * name that clearly holds a secret (PASSWORD, SECRET, API_KEY...) that is no placeholder, no
 * documented example and no phrase.
 */
function envContentFindings(file: PatchFile, text: string, inlineAllow: boolean): SecretFinding[] {
  if (isSourceCodeFile(file.path)) return [];
  const entries = scanAssignments(text).filter((entry) => entry.envStyle);
  // Most files have no three such lines: they are not split into lines at all.
  if (entries.length < 3) return [];
  const all = text.split('\n');
  const meaningful = all.filter((line) => line.trim() !== '' && !line.trim().startsWith('#')).length;
  if (entries.length < meaningful * 0.9) return [];
  const secret = entries.find(({ name, value, index }) => {
    if (secretNameStrength(name) !== 'strong') return false;
    if (inlineAllow && (all[index]!.includes(ALLOW_MARKER) || (index > 0 && all[index - 1]!.includes(ALLOW_MARKER)))) return false;
    return isRealValue(value);
  });
  if (!secret) return [];
  return [fileFinding(file.path, 'plaintext-env-content', 'env-file', `env file content with a real value for ${secret.name}: commit env files only sealed`, text, secret.index + 1, file.commit)];
}

/** A value someone could log in with: long enough, not a placeholder, example, reference or phrase. */
function isRealValue(value: string): boolean {
  if (value.length < 8 || /\s/.test(value) || value.startsWith(VALUE_PREFIX)) return false;
  if (isPlaceholderOrReference(value) || isDocumentedExample(value)) return false;
  const classes = characterClasses(value);
  return [classes.lower, classes.upper, classes.digit, classes.other].filter((n) => n > 0).length >= 2;
}
