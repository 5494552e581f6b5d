// Runs a command on a pseudo-terminal (Python's pty), so stdin and stderr are TTYs, and types `reply`
// once `prompt` appears. Returns everything the terminal would have shown.
import { spawnSync } from 'node:child_process';
import { cleanEnv } from './cli.js';

const DRIVER = `
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(sys.argv[1], sys.argv[1:], os.environ)
prompt = os.environ['PTY_PROMPT'].encode()
out = b''
replied = False
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if not replied and prompt in out:
        os.write(fd, os.environ['PTY_REPLY'].encode('latin-1'))
        replied = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode('utf8', 'replace'))
sys.exit(os.waitstatus_to_exitcode(status))
`;

export function runAtTerminal(argv, { cwd, env = {}, prompt, reply }) {
  const r = spawnSync('python3', ['-c', DRIVER, ...argv], { cwd, env: cleanEnv({ ...env, PTY_PROMPT: prompt, PTY_REPLY: reply }), encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status, output: r.stdout + r.stderr };
}
