/**
 * The detector's data model. Rules are data (a pattern plus cheap filters) so they can be listed,
 * tested one by one and reported in SARIF; the engine (engine.ts) is the only code that runs them.
 */
import type { TeamSecretIndex } from './team-secrets.js';

/**
 * What a finding is, which decides how it is fixed (report.ts) and which finding wins when two
 * overlap (an exact master key beats a token format, which beats a team value, which beats the
 * generic assignment rule).
 */
export type FindingKind = 'master-key' | 'private-key' | 'credential' | 'team-secret' | 'generic' | FileFindingKind;

/** Kinds the commit guard (src/guard) reports about whole files: plaintext env files, key files, sealed files. */
export type FileFindingKind = 'env-file' | 'key-file' | 'sealed-file';

/** What a rule's `validate` sees besides the secret: where it matched, in which file. */
export interface MatchContext {
  /** The whole text being scanned. */
  readonly text: string;
  /** The pattern's match, without `indices` (`start` and `end` locate the secret). */
  readonly match: RegExpExecArray;
  /** The secret's offsets in `text`, end exclusive. */
  readonly start: number;
  readonly end: number;
  /** The path given to detect(), '' when none: some checks depend on the kind of file. */
  readonly file: string;
  /**
   * A fact about the whole text (`kind: SealedSecret` somewhere in it), computed on the first call
   * with `key` in a detect() call and remembered for the others: a check on every candidate must not
   * search the whole text each time.
   */
  readonly once: <T>(key: string, compute: () => T) => T;
}

export interface Rule {
  /** Stable, kebab-case: baselines and SARIF refer to it. */
  readonly id: string;
  /** What was found, for people ("GitHub personal access token"). Never contains the secret. */
  readonly description: string;
  /** Default 'credential'. Never 'team-secret', which only the team index produces. */
  readonly kind?: Exclude<FindingKind, 'team-secret' | FileFindingKind>;
  /** Flags are kept; the engine adds `g` and `d`. Must not be able to backtrack catastrophically. */
  readonly pattern: RegExp;
  /**
   * Lowercase strings, one of which every match contains. The rule runs only when the text contains
   * one, ignoring ASCII case; one pass over the text answers that for all rules' keywords at once
   * (keywords.ts), so keywords cost almost nothing and save a pattern pass over every text without them.
   */
  readonly keywords?: readonly string[];
  /**
   * Capture group holding the secret (default: the whole match). A list means alternatives: the first
   * group that participated in the match is the secret.
   */
  readonly secretGroup?: number | readonly number[];
  /**
   * More forms of the same secret, each a pattern with its own keywords and secret group, run like
   * `pattern`. Forms with nothing in common (command lines of different tools) are best written so:
   * one alternation of them would be tried at every position of every text containing any of their
   * keywords. `entropy`, `allowlist` and `validate` apply to every form.
   */
  readonly variants?: readonly RuleForm[];
  /** Minimum Shannon entropy (bits per character) of the secret. */
  readonly entropy?: number;
  /** A secret matching any of these is not reported. */
  readonly allowlist?: readonly RegExp[];
  /** Checks a pattern cannot express (a checksum, a decoded length, the name it is assigned to). */
  readonly validate?: (secret: string, context: MatchContext) => boolean;
}

/** One form of a rule's secret: see Rule.variants. */
export type RuleForm = Pick<Rule, 'pattern' | 'keywords' | 'secretGroup'>;

export interface Finding {
  /** As given in DetectOptions.file. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units (SARIF's default column unit). */
  readonly column: number;
  readonly rule: string;
  readonly kind: FindingKind;
  readonly description: string;
  /** `${rule}:${file}:${16 hex of HMAC-SHA256(fingerprintKey, secret)}`: stable when lines move. */
  readonly fingerprint: string;
  /** The finding's line with every secret on it masked: the only part of the text reports may print. */
  readonly maskedExcerpt: string;
  /** Set by callers scanning git history or staged blobs; the engine never sets it. */
  commit?: string;
  /**
   * The matched secret, for in-memory use only (comparing, re-checking). It is no own property (a
   * getter of a private field, finding.ts), so JSON.stringify, util.inspect and object spread leave it out.
   */
  readonly secret: string;
}

export interface DetectOptions {
  /** The path reported in findings and used in fingerprints; also tells source code from config. */
  file: string;
  /** Default: builtinRules. */
  rules?: readonly Rule[];
  /**
   * Exact master keys, current first, then previous ones: reported as `envseal-master-key-exact`
   * wherever they appear, also base64- or URL-encoded. Pass the same array for every file of a scan:
   * the encoded forms are computed once per array.
   */
  knownKeys?: readonly string[];
  /** The team's own values, matched as `team-secret`. */
  teamSecrets?: TeamSecretIndex;
  /**
   * Default true: a line containing `envseal:allow`, or below a comment line containing it, is not
   * reported (except for a known master key, which is always reported).
   */
  inlineAllow?: boolean;
  /** HMAC key for fingerprints: the same key gives the same fingerprints across runs and machines. */
  fingerprintKey: Buffer;
}
