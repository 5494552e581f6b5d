/**
 * Durations as people write them in policies: a whole number of hours, days or weeks (`48h`, `90d`,
 * `12w`). Months and years are left out on purpose: their length varies, and a policy must mean the
 * same deadline to every reader.
 */
const DURATION = /^(\d{1,6})([hdw])$/;
const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
/** A hundred years: beyond that a policy is no policy, and dates leave JavaScript's range. */
const MAX_MS = 36_500 * UNIT_MS.d;

/** Milliseconds, or undefined when `text` is not such a duration (or is zero, or beyond a hundred years). */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms > 0 && ms <= MAX_MS ? ms : undefined;
}

/** The shortest exact way to write `ms` (which parseDuration reads back). */
export function formatDuration(ms: number): string {
  if (ms % UNIT_MS.w === 0) return `${ms / UNIT_MS.w}w`;
  if (ms % UNIT_MS.d === 0) return `${ms / UNIT_MS.d}d`;
  return `${Math.ceil(ms / UNIT_MS.h)}h`;
}

export const DURATION_EXAMPLES = '48h, 90d or 12w';
