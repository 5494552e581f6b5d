// Detector throughput on ordinary source text: the JavaScript, TypeScript, JSON and Markdown under
// node_modules/ and src/ (real code, mostly free of secrets), scanned file by file as the hooks do.
// Usage: node bench/detect-throughput.js [MB] (default 20). Run `npx tsc -p .` first.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { detect, TeamSecretIndex } from '../dist/detect/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const limit = Number(process.argv[2] ?? 20) * 1e6;

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (/\.(?:[cm]?js|ts|json|md)$/.test(entry.name)) yield full;
  }
}

const files = [];
let chars = 0;
for (const dir of ['src', 'node_modules']) {
  for (const file of walk(path.join(ROOT, dir))) {
    if (chars >= limit) break;
    const text = fs.readFileSync(file, 'utf8');
    files.push({ file: path.relative(ROOT, file), text });
    chars += text.length;
  }
}
const bytes = files.reduce((sum, { text }) => sum + Buffer.byteLength(text), 0);
const ascii = files.filter(({ text }) => !/[^\x00-\x7f]/.test(text));
const asciiBytes = ascii.reduce((sum, { text }) => sum + text.length, 0);

const fingerprintKey = randomBytes(32);
const knownKeys = [randomBytes(32).toString('base64url') + '=', randomBytes(32).toString('base64url') + '='];
const teamSecrets = TeamSecretIndex.build(
  Array.from({ length: 40 }, (_, i) => ({ name: `SECRET_${i}`, value: randomBytes(12 + (i % 20)).toString('base64url') })),
);

function measure(label, set, size, options) {
  let best = Infinity;
  let findings = 0;
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    findings = 0;
    for (const { file, text } of set) findings += detect(text, { file, fingerprintKey, ...options }).length;
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  console.log(`${label.padEnd(44)} ${(size / 1e6 / best).toFixed(0).padStart(5)} MB/s  (${findings} findings)`);
}

console.log(`corpus: ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB (${ascii.length} ASCII-only files, ${(asciiBytes / 1e6).toFixed(1)} MB)`);
measure('built-in rules, all files', files, bytes, {});
measure('built-in rules, ASCII source', ascii, asciiBytes, {});
measure('+ 2 known master keys', files, bytes, { knownKeys });
measure('+ known keys + team index of 40 values', files, bytes, { knownKeys, teamSecrets });
const joined = files.map(({ text }) => text).join('\n');
measure('one concatenated text, built-in rules', [{ file: 'all.js', text: joined }], Buffer.byteLength(joined), {});
