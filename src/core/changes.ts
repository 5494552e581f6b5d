import { type EnvLine, latestValues } from '../format/envfile.js';

/** Names whose values differ between two versions of an env (names only: never values). */
export interface ChangeSummary {
  added: string[];
  changed: string[];
  removed: string[];
}

export function summarizeChanges(before: readonly EnvLine[] | undefined, after: readonly EnvLine[]): ChangeSummary {
  const old = before ? latestValues(before) : new Map<string, string>();
  const now = latestValues(after);
  const names = [...now.keys()];
  return {
    added: names.filter((name) => !old.has(name)),
    changed: names.filter((name) => old.has(name) && old.get(name) !== now.get(name)),
    removed: [...old.keys()].filter((name) => !now.has(name)),
  };
}

