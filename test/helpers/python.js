// Interop tests run Python's cryptography for real; find an interpreter that has it.
import { spawnSync } from 'node:child_process';

let found;
/** An interpreter that imports cryptography, or undefined (tests needing it are skipped: tools.js). */
export function pythonWithCryptography() {
  if (found !== undefined) return found || undefined;
  for (const candidate of [process.env.ENVSEAL_TEST_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean)) {
    const probe = spawnSync(candidate, ['-c', 'import cryptography'], { encoding: 'utf8' });
    if (probe.status === 0) return (found = candidate);
  }
  found = '';
  return undefined;
}

export function python(script, input) {
  const interpreter = pythonWithCryptography();
  if (!interpreter) throw new Error('no python3 with the cryptography package: install python3-cryptography (.ci/run does)');
  const result = spawnSync(interpreter, ['-c', script], { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
  return result.stdout;
}
