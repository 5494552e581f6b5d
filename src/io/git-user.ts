import { spawnSync } from 'node:child_process';

/** git's user.name, for history and audit records; undefined when git or the setting is absent. */
export function gitUserName(cwd = process.cwd()): string | undefined {
  const result = spawnSync('git', ['config', 'user.name'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const name = result.status === 0 ? result.stdout.trim() : '';
  return name === '' ? undefined : name;
}
