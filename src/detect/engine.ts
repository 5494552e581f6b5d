/**
 * The detector: text in, findings out. Pure and synchronous; no I/O, no state between calls.
 *
 * Speed (the pre-commit hook runs it on every commit): each rule's pattern runs once over the whole
 * text, never line by line; rules with keywords run only when the text contains one, which one pass
 * of an automaton over the text answers for all keywords at once (keywords.ts); line numbers and
 * excerpts are computed only for what survives the filters, once per line.
 * bench/detect-throughput.js measures it.
 */
import { findKnownKeys } from './known-keys.js';
import { isDocumentedExample, isEnvsealMetaLine, isPlaceholderOrReference, isPublicKeyData, isSealedData, isPublishableKey, isSequentialFiller } from './not-secrets.js';
import { builtinRules } from './rules.js';
import { shannonEntropy } from './entropy.js';
import { printable } from './printable.js';
import { KeywordSet } from './keywords.js';
import { SecretFinding } from './finding.js';
import { ALLOW_MARKER } from './allow-marker.js';
import { isBinary } from '../text.js';
import type { DetectOptions, FileFindingKind, FindingKind, MatchContext, Rule } from './types.js';

export const KNOWN_KEY_RULE = 'envseal-master-key-exact';
export const TEAM_SECRET_RULE = 'team-secret';

interface CompiledRule {
  rule: Rule;
  /** The form's pattern as written; the expressions below are made from it the first time they run. */
  pattern: RegExp;
  /** The pattern, global: most rules never run in a hook (their keywords are absent), so most are never made. */
  regex?: RegExp;
  /**
   * The same pattern, sticky and with the `d` flag, run again at a match only when the secret's
   * place in it is not plain: V8 computing `indices` for every match cost several times the match.
   */
  located?: RegExp;
  /** Indices into the set's keywords; empty when the rule always runs. */
  keywords: readonly number[];
  groups: readonly number[];
  kind: DetectorKind;
}

interface CompiledSet {
  rules: readonly CompiledRule[];
  keywords: KeywordSet | undefined;
  /** The rules without keywords, which run on every text, in order; and their indices. */
  always: readonly CompiledRule[];
  alwaysIndices: readonly number[];
  /** Per keyword (index into the set's keywords), the rules (indices) it lets run. */
  byKeyword: readonly (readonly number[])[];
}

interface Candidate {
  /** The secret's span. */
  start: number;
  end: number;
  /** Where the finding is reported: the secret, or the match's start when the secret begins on a later line. */
  anchor: number;
  rule: string;
  kind: DetectorKind;
  description: string;
  /** Lower wins when candidates overlap. */
  rank: number;
  /** Filters not yet run: a generic candidate is judged only if no better one overlaps it (see resolveOverlaps). */
  pending: Pending | undefined;
}

interface Pending {
  rule: Rule;
  match: RegExpExecArray;
  secret: string;
  file: string;
  text: string;
  once: MatchContext['once'];
}

/** Kinds the detector itself produces (file kinds come from the guard's file rules). */
type DetectorKind = Exclude<FindingKind, FileFindingKind>;

/** An exact key beats a token format, which beats a team value (less specific), which beats the generic rule. */
const RANK: Record<DetectorKind, number> = { 'master-key': 1, 'private-key': 1, credential: 1, 'team-secret': 2, generic: 3 };
const EXACT_RANK = 0;

const EXCERPT_WIDTH = 160;
const EXCERPT_LEAD = 60;

const compiledSets = new WeakMap<readonly Rule[], CompiledSet>();

function compile(rules: readonly Rule[]): CompiledSet {
  let compiled = compiledSets.get(rules);
  if (!compiled) {
    const keywords: string[] = [];
    const keywordIndex = (keyword: string): number => {
      const lower = keyword.toLowerCase();
      const known = keywords.indexOf(lower);
      return known === -1 ? keywords.push(lower) - 1 : known;
    };
    // Generic rules last, stably: detect() defers their checks by what the others found.
    const forms: CompiledRule[] = rules
      .flatMap((rule) =>
        [rule, ...(rule.variants ?? [])].map((form) => ({
          rule,
          pattern: form.pattern,
          keywords: (form.keywords ?? []).map(keywordIndex),
          groups: form.secretGroup === undefined ? [0] : typeof form.secretGroup === 'number' ? [form.secretGroup] : form.secretGroup,
          kind: rule.kind ?? 'credential',
        })),
      )
      .sort((a, b) => Number(a.kind === 'generic') - Number(b.kind === 'generic'));
    const byKeyword: number[][] = keywords.map(() => []);
    forms.forEach((form, index) => form.keywords.forEach((keyword) => byKeyword[keyword]!.push(index)));
    const alwaysIndices = forms.flatMap((form, index) => (form.keywords.length === 0 ? [index] : []));
    compiled = {
      rules: forms,
      keywords: keywords.length > 0 ? KeywordSet.build(keywords) : undefined,
      always: alwaysIndices.map((index) => forms[index]!),
      alwaysIndices,
      byKeyword,
    };
    compiledSets.set(rules, compiled);
  }
  return compiled;
}

/** `pattern` with `flags` in place of its own g, y and d. */
function withFlags(pattern: RegExp, flags: string): RegExp {
  return new RegExp(pattern.source, `${pattern.flags.replace(/[gyd]/g, '')}${flags}`);
}

export function detect(text: string, options: DetectOptions): SecretFinding[] {
  const kept = keptCandidates(text, options);
  return kept.length === 0 ? [] : toFindings(text, kept, options);
}

/**
 * Where detect() finds secrets in `text`, as [start, end) spans sorted by start, without making
 * findings (lines, columns, excerpts): what masking asks of every value it classifies. Inline allow
 * comments do not apply: they excuse a commit, not a value printed.
 */
export function secretSpans(text: string, options: Omit<DetectOptions, 'fingerprintKey' | 'inlineAllow'>): Array<[number, number]> {
  return keptCandidates(text, options).map(({ start, end }): [number, number] => [start, end]);
}

/** The candidates detect() reports, before allow comments. */
function keptCandidates(text: string, options: Omit<DetectOptions, 'fingerprintKey' | 'inlineAllow'>): Candidate[] {
  if (isBinary(text)) return [];
  const candidates: Candidate[] = [];
  if (options.knownKeys && options.knownKeys.length > 0) {
    for (const match of findKnownKeys(text, options.knownKeys)) {
      const which = match.keyIndex === 0 ? 'current' : 'previous';
      candidates.push({ ...match, anchor: match.start, rule: KNOWN_KEY_RULE, kind: 'master-key', description: `envseal master key (the ${which} key)`, rank: EXACT_RANK, pending: undefined });
    }
  }
  if (options.teamSecrets) {
    for (const match of options.teamSecrets.find(text)) {
      candidates.push({ ...match, anchor: match.start, rule: TEAM_SECRET_RULE, kind: 'team-secret', rank: RANK['team-secret'], pending: undefined });
    }
  }
  const set = compile(options.rules ?? builtinRules);
  const hasMetaLines = text.includes('#envseal:');
  const once = textFacts();
  // The generic rules run last (compile orders them so), when every better candidate is known.
  let covered: Coverage | undefined;
  for (const compiled of rulesToRun(set, text)) {
    if (compiled.kind === 'generic') covered ??= new Coverage(candidates);
    collectRuleMatches(text, options.file, compiled, hasMetaLines, once, covered, candidates);
  }
  return candidates.length === 0 ? candidates : resolveOverlaps(candidates);
}

/**
 * The rules to run on `text`, in the set's order: those without keywords, and those with a keyword
 * the text holds. Found from the keywords present, not by asking each rule: masking classifies
 * thousands of short values, most holding no keyword, and a question per rule was a third of that.
 */
function rulesToRun(set: CompiledSet, text: string): readonly CompiledRule[] {
  if (!set.keywords) return set.rules;
  const found = set.keywords.found(text);
  if (found.length === 0) return set.always;
  const chosen = [...set.alwaysIndices];
  for (const keyword of found) for (const index of set.byKeyword[keyword]!) chosen.push(index);
  chosen.sort((a, b) => a - b);
  const rules: CompiledRule[] = [];
  for (let i = 0; i < chosen.length; i++) if (i === 0 || chosen[i] !== chosen[i - 1]) rules.push(set.rules[chosen[i]!]!);
  return rules;
}

/** Whether a span overlaps any of a set of candidates: their spans by start, with the furthest end reached so far. */
class Coverage {
  readonly #starts: Int32Array;
  readonly #reach: Int32Array;

  constructor(candidates: readonly Candidate[]) {
    const sorted = [...candidates].sort((a, b) => a.start - b.start);
    this.#starts = Int32Array.from(sorted, (c) => c.start);
    this.#reach = new Int32Array(sorted.length);
    let reach = 0;
    sorted.forEach((c, i) => (this.#reach[i] = reach = Math.max(reach, c.end)));
  }

  overlaps(start: number, end: number): boolean {
    // The last span starting before `end`: some span up to it ends after `start` exactly when the reach does.
    let low = 0;
    let high = this.#starts.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.#starts[middle]! < end) low = middle + 1;
      else high = middle;
    }
    return low > 0 && this.#reach[low - 1]! > start;
  }
}

/** MatchContext.once for one detect() call. */
function textFacts(): MatchContext['once'] {
  const facts = new Map<string, unknown>();
  return <T>(key: string, compute: () => T): T => {
    if (!facts.has(key)) facts.set(key, compute());
    return facts.get(key) as T;
  };
}

function collectRuleMatches(
  text: string,
  file: string,
  compiled: CompiledRule,
  hasMetaLines: boolean,
  once: MatchContext['once'],
  covered: Coverage | undefined,
  out: Candidate[],
): void {
  const { rule, groups } = compiled;
  const regex = (compiled.regex ??= withFlags(compiled.pattern, 'g'));
  regex.lastIndex = 0;
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    if (match[0].length === 0) regex.lastIndex++;
    let group = -1;
    for (let i = 0; i < groups.length && group === -1; i++) if (match[groups[i]!] !== undefined) group = groups[i]!;
    if (group === -1) continue;
    const secret = match[group]!;
    const start = secretStart(text, compiled, match, group);
    const end = start + secret.length;
    const anchor = hasNewline(text, match.index, start) ? match.index : start;
    if (hasMetaLines && isEnvsealMetaLine(text, text.lastIndexOf('\n', anchor - 1) + 1)) continue;
    // The generic rule's checks cost the most, and its candidates are the ones most often covered by
    // a better one (`GITHUB_TOKEN=ghp_...`): those are judged only if that one is dropped and they
    // would be kept (resolveOverlaps).
    const deferred = covered !== undefined && covered.overlaps(start, end);
    if (!deferred && !passes(rule, match, secret, file, text, once, start, end)) continue;
    const pending = deferred ? { rule, match, secret, file, text, once } : undefined;
    out.push({ start, end, anchor, rule: rule.id, kind: compiled.kind, description: rule.description, rank: RANK[compiled.kind], pending });
  }
}

/** Whether a rule's match survives the filters every candidate goes through, and the rule's own. */
function passes(rule: Rule, match: RegExpExecArray, secret: string, file: string, text: string, once: MatchContext['once'], start: number, end: number): boolean {
  // Cheapest first, the placeholder patterns last: in secret-dense text most candidates are turned
  // away, and the order decides what that costs.
  if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) return false;
  if (isSealedData(secret) || isSequentialFiller(secret) || isDocumentedExample(secret) || isPublicKeyData(secret) || isPublishableKey(secret)) {
    return false;
  }
  if (rule.allowlist?.some((pattern) => pattern.test(secret))) return false;
  if (rule.validate && !rule.validate(secret, { text, match, start, end, file, once })) return false;
  return !isPlaceholderOrReference(secret);
}

/** Whether text[from, to) holds a line break (empty when `to` is before `from`). */
function hasNewline(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) return true;
  return false;
}

/**
 * Where the secret (capture `group` of `match`) starts: where its text occurs in the match when it
 * occurs there once, else (it occurs twice, or the group sits in a lookbehind before the match) as
 * the `d` flag reports it, matching again at the same place.
 */
function secretStart(text: string, compiled: CompiledRule, match: RegExpExecArray, group: number): number {
  if (group === 0) return match.index;
  const secret = match[group]!;
  const at = match[0].indexOf(secret);
  if (at !== -1 && match[0].indexOf(secret, at + 1) === -1) return match.index + at;
  const located = (compiled.located ??= withFlags(compiled.pattern, 'yd'));
  located.lastIndex = match.index;
  return located.exec(text)!.indices![group]![0];
}

/** Keeps, of overlapping candidates, the best ranked (then the earliest, then the longest). Result sorted by start. */
function resolveOverlaps(candidates: Candidate[]): Candidate[] {
  candidates.sort((a, b) => a.rank - b.rank || a.start - b.start || b.end - a.end);
  // Rank by rank: a candidate is checked against the better ranks' kept spans (sorted by start and
  // disjoint, so only the neighbours can overlap) and against the last one kept of its own rank,
  // which ends furthest. Each rank's are merged in once it is done: inserting them one by one into
  // one array would move half of it each time (quadratic in a secret-dense file).
  let kept: Candidate[] = [];
  let group: Candidate[] = [];
  let rank = candidates[0]!.rank;
  for (const candidate of candidates) {
    if (candidate.rank !== rank) {
      kept = mergeByStart(kept, group);
      group = [];
      rank = candidate.rank;
    }
    const previous = group[group.length - 1];
    if ((previous && overlapsLater(previous, candidate)) || overlapsAny(kept, candidate)) continue;
    if (candidate.pending) {
      const { rule, match, secret, file, text, once } = candidate.pending;
      if (!passes(rule, match, secret, file, text, once, candidate.start, candidate.end)) continue;
      candidate.pending = undefined;
    }
    group.push(candidate);
  }
  return mergeByStart(kept, group);
}

/** Whether `later`, which starts where `span` does or after, overlaps it (an empty span overlaps what starts with it). */
function overlapsLater(span: Candidate, later: Candidate): boolean {
  return span.start < later.start ? span.end > later.start : later.end > later.start;
}

/** Whether `candidate` overlaps any of `kept`, disjoint spans sorted by start. */
function overlapsAny(kept: readonly Candidate[], candidate: Candidate): boolean {
  let low = 0;
  let high = kept.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (kept[middle]!.start < candidate.start) low = middle + 1;
    else high = middle;
  }
  const before = kept[low - 1];
  const after = kept[low];
  return (before !== undefined && before.end > candidate.start) || (after !== undefined && after.start < candidate.end);
}

/** Two lists sorted by start, as one; at the same start, `b`'s first. */
function mergeByStart(a: Candidate[], b: Candidate[]): Candidate[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const merged: Candidate[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) merged.push(a[i]!.start < b[j]!.start ? a[i++]! : b[j++]!);
  while (i < a.length) merged.push(a[i++]!);
  while (j < b.length) merged.push(b[j++]!);
  return merged;
}

function toFindings(text: string, spans: Candidate[], options: DetectOptions): SecretFinding[] {
  const inlineAllow = options.inlineAllow ?? true;
  const { fingerprintKey, file } = options;
  const findings: SecretFinding[] = [];
  const byAnchor = [...spans].sort((a, b) => a.anchor - b.anchor);
  // Lines by walking newlines forward once; a line's end and its allow comment are looked up once,
  // however many findings it holds (a minified file can hold thousands on one line).
  let line = 1;
  let lineStart = 0;
  let nextNewline = text.indexOf('\n');
  let lineEnd = -1;
  let allowed = false;
  for (const span of byAnchor) {
    while (nextNewline !== -1 && nextNewline < span.anchor) {
      line++;
      lineStart = nextNewline + 1;
      nextNewline = text.indexOf('\n', lineStart);
      lineEnd = -1;
    }
    if (lineEnd === -1) {
      lineEnd = nextNewline === -1 ? text.length : nextNewline;
      if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
      allowed = inlineAllow && isAllowedInline(text, lineStart, lineEnd);
    }
    // A known master key is never allowed inline: no comment makes committing it safe.
    if (allowed && span.rule !== KNOWN_KEY_RULE) continue;
    const fields = {
      file,
      line,
      column: span.anchor - lineStart + 1,
      rule: span.rule,
      kind: span.kind,
      description: span.description,
      maskedExcerpt: maskedExcerpt(text, spans, span, lineStart, lineEnd),
    };
    findings.push(new SecretFinding(fields, text.slice(span.start, span.end), fingerprintKey));
  }
  return findings;
}

const COMMENT_START = /^\s*(?:#|\/\/|\/\*|\*|--|;|<!--|%|'|rem\s)/i;

/** The allow marker on the line itself, or in a comment on the line above. */
function isAllowedInline(text: string, lineStart: number, lineEnd: number): boolean {
  if (text.slice(lineStart, lineEnd).includes(ALLOW_MARKER)) return true;
  if (lineStart === 0) return false;
  const previousStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  const previous = text.slice(previousStart, lineStart - 1);
  return previous.includes(ALLOW_MARKER) && COMMENT_START.test(previous);
}

/** Long secrets keep their first 4 characters (usually a public prefix like "ghp_"), short ones nothing. */
export function maskSecret(secret: string): string {
  return secret.length >= 20 ? `${secret.slice(0, 4)}\u2026` : '****';
}

/**
 * The finding's line with every finding's secret on it masked, cut to a window around this one. Only
 * a bounded stretch of the line is read, so a long line full of findings stays linear.
 */
function maskedExcerpt(text: string, spans: readonly Candidate[], current: Candidate, lineStart: number, lineEnd: number): string {
  const windowStart = Math.max(lineStart, current.anchor - 2 * EXCERPT_WIDTH);
  const windowEnd = Math.min(lineEnd, Math.max(current.anchor, Math.min(current.end, lineEnd)) + 2 * EXCERPT_WIDTH);
  // spans is sorted by start with disjoint spans, hence also sorted by end.
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (spans[middle]!.end <= windowStart) low = middle + 1;
    else high = middle;
  }
  let excerpt = '';
  let focus = 0;
  let position = windowStart;
  for (let i = low; i < spans.length && spans[i]!.start < windowEnd; i++) {
    const span = spans[i]!;
    excerpt += text.slice(position, Math.max(position, span.start));
    if (span === current) focus = excerpt.length;
    excerpt += span.start >= windowStart ? maskSecret(text.slice(span.start, span.end)) : '****';
    position = Math.min(span.end, windowEnd);
  }
  // printable() replaces character for character, so `focus` still points at the current secret.
  excerpt = printable(excerpt + text.slice(position, windowEnd));
  const indent = excerpt.length - excerpt.trimStart().length;
  excerpt = excerpt.trim();
  focus = Math.max(0, focus - indent);
  const from = excerpt.length <= EXCERPT_WIDTH ? 0 : Math.max(0, Math.min(focus - EXCERPT_LEAD, excerpt.length - EXCERPT_WIDTH));
  const to = Math.min(excerpt.length, from + EXCERPT_WIDTH);
  const cutLeft = from > 0 || windowStart > lineStart;
  const cutRight = to < excerpt.length || windowEnd < lineEnd;
  return `${cutLeft ? '\u2026' : ''}${excerpt.slice(from, to)}${cutRight ? '\u2026' : ''}`;
}
