/**
 * Findings as text for people, JSON for scripts, SARIF 2.1.0 for code-scanning tools. Pure: findings
 * in, a string out. Only the masked excerpt of a line is ever printed, never `secret`.
 */
import { VERSION } from '../version.js';
import { KNOWN_KEY_RULE, TEAM_SECRET_RULE } from './engine.js';
import { ALLOW_MARKER } from './allow-marker.js';
import { printable } from './printable.js';
import { builtinRules } from './rules.js';
import type { Finding, FindingKind } from './types.js';

const ALLOW_HINT =
  `if it is not a secret, add an \`${ALLOW_MARKER}\` comment on the line (or the line above), list the path in .envsealignore, or add it to the baseline`;

function shellQuote(path: string): string {
  return /^[\w./@%+=:,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** How to fix a finding, by its kind; `file` is substituted into the commands. */
export function fixHint(kind: FindingKind, file: string, rule?: string): string {
  const untrack = `\`git rm --cached -- ${shellQuote(printable(file))}\``;
  if (rule?.startsWith('recipients-')) {
    return 'remove the line (restore the recipients file from git); to add a teammate, someone who holds the key runs `envseal grant`';
  }
  switch (kind) {
    case 'master-key':
      return `a master key must never be committed: remove it (${untrack} if the file is a key file) and run \`envseal rotate\` if it ever left this machine; ${ALLOW_HINT}`;
    case 'private-key':
      return `remove the key (${untrack} if the file is the key) and replace the key pair: a committed private key is compromised; ${ALLOW_HINT}`;
    case 'credential':
      return `rotate the leaked credential with its provider, keep the new one in .env and commit it sealed (\`envseal encrypt\`); ${ALLOW_HINT}`;
    case 'team-secret':
      return `this value comes from your env files: read it from the environment instead of copying it, commit env files only sealed (\`envseal encrypt\`), and rotate it if it was pushed; ${ALLOW_HINT}`;
    case 'generic':
      return `move the value into .env and commit it sealed (\`envseal encrypt\`); ${ALLOW_HINT}`;
    case 'env-file':
      return `unstage it with ${untrack}, seal its values with \`envseal encrypt\` and commit the .encrypted file; rotate any value that was already pushed`;
    case 'key-file':
      return `unstage it with ${untrack}; share the key through a password manager or vault; if it was ever pushed, run \`envseal rotate\``;
    case 'sealed-file':
      return 'run `envseal encrypt` (it refuses to write a file that would leak) and stage the result; restore a damaged file from git';
  }
}

function location(finding: Finding): string {
  const place = `${printable(finding.file)}:${finding.line}:${finding.column}`;
  return finding.commit ? `${finding.commit.slice(0, 12)}:${place}` : place;
}

/** One block per finding: where, which rule, what, the masked line, how to fix it. */
export function formatText(findings: readonly Finding[]): string {
  return findings
    .map(
      (finding) =>
        `${location(finding)}  ${finding.rule}  ${finding.description}\n` +
        `    ${finding.maskedExcerpt}\n` +
        `    fix: ${fixHint(finding.kind, finding.file, finding.rule)}\n`,
    )
    .join('\n');
}

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  rule: string;
  description: string;
  fingerprint: string;
  commit?: string;
}

export function toJsonFinding(finding: Finding): JsonFinding {
  const { file, line, column, rule, description, fingerprint, commit } = finding;
  return commit === undefined ? { file, line, column, rule, description, fingerprint } : { file, line, column, rule, description, fingerprint, commit };
}

/** A JSON array of `{file, line, column, rule, description, fingerprint, commit?}`: no secrets, no excerpts. */
export function formatJson(findings: readonly Finding[]): string {
  return `${JSON.stringify(findings.map(toJsonFinding), null, 2)}\n`;
}

const SYNTHETIC_RULES: Record<string, string> = {
  [KNOWN_KEY_RULE]: 'envseal master key held by this repository (current or previous)',
  [TEAM_SECRET_RULE]: "value of a variable from the team's env files",
};

function ruleDescription(finding: Finding): string {
  return SYNTHETIC_RULES[finding.rule] ?? builtinRules.find((rule) => rule.id === finding.rule)?.description ?? finding.description;
}

/** A relative path as a URI reference (percent-encoded per segment); absolute paths as file: URIs. */
function artifactUri(file: string): string {
  const slashed = file.replace(/\\/g, '/');
  const encoded = slashed.split('/').map(encodeURIComponent).join('/');
  return slashed.startsWith('/') ? `file://${encoded}` : encoded;
}

/** SARIF 2.1.0 with one run; fingerprints go to partialFingerprints so code scanning tracks findings across commits. */
export function formatSarif(findings: readonly Finding[]): string {
  const ruleIndex = new Map<string, number>();
  const rules: object[] = [];
  for (const finding of findings) {
    if (ruleIndex.has(finding.rule)) continue;
    ruleIndex.set(finding.rule, rules.length);
    rules.push({
      id: finding.rule,
      shortDescription: { text: ruleDescription(finding) },
      help: { text: fixHint(finding.kind, '<file>') },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['security', 'secret', finding.kind] },
    });
  }
  const results = findings.map((finding) => ({
    ruleId: finding.rule,
    ruleIndex: ruleIndex.get(finding.rule),
    level: 'error',
    message: { text: finding.description },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: artifactUri(finding.file) },
          region: { startLine: finding.line, startColumn: finding.column, snippet: { text: finding.maskedExcerpt } },
        },
      },
    ],
    partialFingerprints: { 'envseal/v1': finding.fingerprint },
    ...(finding.commit === undefined ? {} : { properties: { commit: finding.commit } }),
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'envseal', version: VERSION, semanticVersion: VERSION, rules } }, results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
