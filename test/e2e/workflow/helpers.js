// Shared set-up for the workflow tests: a project with a sealed env, editor scripts, reading values back.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import * as assert from 'uvu/assert';
import { gitRepo, read, run, tempDir, write } from '../../helpers/cli.js';

export const dotenv = createRequire(import.meta.url)('dotenv');

const templates = new Map();

/**
 * A temp git repository with `envText` sealed into .env.encrypted under a fresh key in .env.key. The
 * plaintext .env is removed unless `keepPlain`. Built once per text, then copied (init and encrypt
 * are tested elsewhere; here they are set-up).
 */
export function sealedProject(envText, { keepPlain = false, prefix = 'envseal-wf-' } = {}) {
  let template = templates.get(envText);
  if (!template) {
    template = gitRepo('envseal-template-');
    write(path.join(template, '.env'), envText);
    const init = run(['init'], { cwd: template });
    assert.is(init.code, 0, init.stderr);
    const sealed = run(['encrypt'], { cwd: template });
    assert.is(sealed.code, 0, sealed.stderr);
    fs.rmSync(path.join(template, '.envseal'), { recursive: true, force: true });
    templates.set(envText, template);
  }
  const dir = tempDir(prefix);
  fs.cpSync(template, dir, { recursive: true });
  if (!keepPlain) fs.rmSync(path.join(dir, '.env'));
  return dir;
}

/** An executable /bin/sh script in `dir`. */
export function script(dir, name, body) {
  const file = path.join(dir, name);
  write(file, `#!/bin/sh\n${body}\n`, 0o755);
  return file;
}

/** The values a sealed file holds, via the real CLI. */
export function values(dir, args = [], env = {}) {
  const r = run(['decrypt', '--stdout', ...args], { cwd: dir, env });
  assert.is(r.code, 0, r.stderr);
  return dotenv.parse(r.stdout);
}

/**
 * A sealed file's lines without its value records (`#envseal:expires`, `#envseal:earlier`, which a
 * change of a secret adds or changes: test/e2e/value-rotation.test.js tests them).
 */
export const lines = (file) => read(file).split('\n').filter((line) => !/^#envseal:(?:expires|earlier) /.test(line));

/** Indexes of lines that differ between two versions of a file of the same length. */
export function changedLines(before, after) {
  assert.is(after.length, before.length, 'same number of lines');
  return before.flatMap((line, i) => (line === after[i] ? [] : [i]));
}

/** Polls until `check()` is truthy (a child process reaching a point), or fails after `ms`. */
export async function waitFor(check, ms = 10_000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Resolves with the exit code and signal of a child process, and everything it printed. */
export function finished(child) {
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, output })));
}

/** A value nobody would write by accident, to spot it in any output. */
export const spot = (label) => `SPOT${label}${Math.random().toString(36).slice(2, 10)}Zq9`;
