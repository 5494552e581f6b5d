/**
 * Who is operating, for history and audit records: git's author name, which honours GIT_AUTHOR_NAME
 * and then user.name, as a commit would. Undefined when git or an identity is absent.
 */
export function gitUserName(cwd = process.cwd()): string | undefined {
  // Loaded on demand: only sealing and rotating record an operator.
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const result = spawnSync('git', ['var', 'GIT_AUTHOR_IDENT'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const name = result.status === 0 ? result.stdout.replace(/\s*<.*$/s, '').trim() : '';
  return name === '' ? undefined : name;
}
