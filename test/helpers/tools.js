// Tests that need a tool envseal does not ship (the pre-commit framework, Python's cryptography, age,
// ansible-vault, zsh):
// each is looked for once; when it is absent, the tests that need it are reported as skipped with the
// reason (scripts/test.js lists them, and fails the run with CI=true, where .ci/run installs them all).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pythonWithCryptography } from './python.js';

const runs = (command, ...args) => () => {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return !r.error && r.status === 0;
};

const PROBES = {
  'pre-commit': { works: runs('pre-commit', '--version'), install: 'apt-get install pre-commit' },
  'python3-cryptography': { works: () => pythonWithCryptography() !== undefined, install: 'apt-get install python3-cryptography' },
  age: { works: runs('age', '--version'), install: 'apt-get install age' },
  'ssh-keygen': { works: () => spawnSync('ssh-keygen', ['-?']).error === undefined, install: 'apt-get install openssh-client' },
  // The real ansible-vault writes the vault files `import --from ansible-vault` reads; PyYAML (which
  // ansible reads vars with) is the judge of what flat YAML means.
  'ansible-vault': { works: runs('ansible-vault', '--version'), install: 'apt-get install ansible-core' },
  'python3-yaml': { works: runs('python3', '-c', 'import yaml'), install: 'apt-get install python3-yaml' },
  // zsh with its pty module: the completion test drives an interactive zsh with compinit loaded.
  zsh: { works: runs('zsh', '-fc', 'zmodload zsh/zpty'), install: 'apt-get install zsh' },
  // A full disk, for real: a tiny tmpfs. Mounting one needs root (CI runs as root).
  'tmpfs-mount': { works: canMountTmpfs, install: 'run the tests as root to mount a small tmpfs' },
};

function canMountTmpfs() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envseal-probe-'));
  try {
    if (!runs('mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir)()) return false;
    return runs('umount', dir)();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const found = new Map();
/** ENVSEAL_TEST_HIDE_TOOLS=age,pre-commit: behave as if those were absent (to test the skip path itself). */
const hidden = new Set((process.env.ENVSEAL_TEST_HIDE_TOOLS ?? '').split(',').filter(Boolean));

/** Why `tool` cannot be used here, or undefined when it can. */
export function missing(tool) {
  if (!found.has(tool)) {
    const probe = PROBES[tool];
    if (!probe) throw new Error(`unknown tool ${tool}: add it to test/helpers/tools.js`);
    found.set(tool, !hidden.has(tool) && probe.works() ? undefined : `${tool} is not available here (${probe.install}; .ci/run does)`);
  }
  return found.get(tool);
}

/**
 * `test` (a uvu suite) when every tool is there; otherwise a stand-in that records each test as skipped
 * with the reason and runs no hook, so a missing tool never reads as a failure nor as a pass.
 */
export function needing(test, ...tools) {
  const reason = tools.map(missing).find(Boolean);
  if (!reason) return test;
  const skip = (name) => {
    test.skip(name);
    globalThis.ENVSEAL_TEST_SKIPS?.push({ file: globalThis.ENVSEAL_TEST_FILE ?? '?', test: name, reason });
  };
  const noHook = () => {};
  noHook.each = () => {};
  return Object.assign(skip, { before: noHook, after: noHook, skip, only: skip, run: () => test.run() });
}
