import { type EnvLine, toRecord } from '../format/envfile.js';

/** Names whose values differ between two versions of an env (names only: never values). */
export interface ChangeSummary {
  added: string[];
  changed: string[];
  removed: string[];
}

export function summarizeChanges(before: readonly EnvLine[] | undefined, after: readonly EnvLine[]): ChangeSummary {
  const old = before ? toRecord(before) : {};
  const now = toRecord(after);
  return {
    added: Object.keys(now).filter((name) => !(name in old)),
    changed: Object.keys(now).filter((name) => name in old && old[name] !== now[name]),
    removed: Object.keys(old).filter((name) => !(name in now)),
  };
}

