/** The secret detector: a pure engine (text in, findings out), its rules, the team index and report formats. */
export { detect, KNOWN_KEY_RULE, TEAM_SECRET_RULE } from './engine.js';
export { builtinRules } from './rules.js';
export { TeamSecretIndex, type TeamSecretMatch, type TeamValue } from './team-secrets.js';
export { fixHint, formatJson, formatSarif, formatText, type JsonFinding } from './report.js';
export { shannonEntropy } from './entropy.js';
export type { DetectOptions, FileFindingKind, Finding, FindingKind, MatchContext, Rule, RuleForm } from './types.js';
