/**
 * Whether a process still runs, for files that name their owner's pid (locks, edit workspaces).
 * EPERM means it runs as another user: alive, and not ours to judge.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
