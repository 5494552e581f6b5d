import { ROTATE_STEPS, type RotateStep } from '../core/rotate.js';
import { EnvsealError, Code } from '../errors.js';
import { rotationTestHooks } from '../env-vars.js';

/**
 * Test-only hooks, so the crash-safety tests can stop rotation between any two durable steps
 * (of rotate, and of revoke, which is a rotation):
 * ENVSEAL_TEST_CRASH_AT=<step> kills the process with SIGKILL at that step;
 * ENVSEAL_TEST_STEP_DELAY_MS=<n> sleeps after each step, so a random SIGKILL lands anywhere.
 */
export function testCheckpoint(env: NodeJS.ProcessEnv): ((step: RotateStep) => void) | undefined {
  const { crashAt, stepDelayMs: delay } = rotationTestHooks(env);
  if (!crashAt && !delay) return undefined;
  if (crashAt && !(ROTATE_STEPS as readonly string[]).includes(crashAt)) {
    throw new EnvsealError(Code.USAGE_TEST, `ENVSEAL_TEST_CRASH_AT=${crashAt} is not a rotation step (${ROTATE_STEPS.join(', ')})`);
  }
  return (step) => {
    if (step === crashAt) process.kill(process.pid, 'SIGKILL');
    if (delay > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);
  };
}
