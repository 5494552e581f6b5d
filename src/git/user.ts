import { gitTry } from './run.js';

/**
 * Who is operating, for history and audit records: git's author name, which honours GIT_AUTHOR_NAME
 * and then user.name, as a commit would. Undefined when git or an identity is absent.
 */
export function gitUserName(cwd = process.cwd()): string | undefined {
  let result;
  try {
    result = gitTry(cwd, ['var', 'GIT_AUTHOR_IDENT']);
  } catch {
    return undefined; // no git: no identity to record
  }
  const name = result.status === 0 ? result.stdout.toString('utf8').replace(/\s*<.*$/s, '').trim() : '';
  return name === '' ? undefined : name;
}
