import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Regular files under `dir`, depth first, skipping directories `skip` names (node_modules, .git...).
 * Symbolic links are not followed, and a directory this user cannot list is skipped: it holds nothing
 * envseal could read either.
 */
export function walkFiles(dir: string, skip: (directoryName: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (!skip(entry.name)) walk(full);
      } else if (entry.isFile()) {
        found.push(full);
      }
    }
  };
  walk(dir);
  return found;
}
