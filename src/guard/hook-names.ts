/** The git hooks envseal installs, in the order it reports them. Its own module: the command table names them on every start. */
export const HOOK_NAMES = ['pre-commit', 'pre-merge-commit', 'commit-msg', 'pre-push'] as const;
export type HookName = (typeof HOOK_NAMES)[number];
