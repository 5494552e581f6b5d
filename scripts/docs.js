#!/usr/bin/env node
// `npm run docs`: re-renders the documentation the code owns, from the built modules: sections of
// the README (between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`) and whole generated
// files. With --check it changes nothing and exits 1 when a document is out of date (a test runs that).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { errorCodeList, exitCodeTable } = await import(pathToFileURL(path.join(root, 'dist/errors.js')).href);

const README_SECTIONS = { 'exit-codes': exitCodeTable() };
const FILES = {
  'docs/ERRORS.md': `# Error codes\n\n<!-- Generated from src/errors.ts by \`npm run docs\`: edit the table there. -->\n\nEvery error envseal reports carries one of these codes (\`code\` in JSON output and the audit log),\nand ends the command with its exit code (README, "Exit codes").\n\n${errorCodeList()}\n`,
};

const wanted = { ...FILES };
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
wanted['README.md'] = readme;
for (const [name, body] of Object.entries(README_SECTIONS)) {
  const pattern = new RegExp(`(<!-- generated:${name} -->\\n)[\\s\\S]*?(<!-- /generated:${name} -->)`);
  if (!pattern.test(readme)) throw new Error(`README.md has no generated:${name} section`);
  wanted['README.md'] = wanted['README.md'].replace(pattern, (_, open, close) => `${open}${body}\n${close}`);
}

const stale = Object.entries(wanted).filter(([file, text]) => !fs.existsSync(path.join(root, file)) || fs.readFileSync(path.join(root, file), 'utf8') !== text);
if (process.argv.includes('--check')) {
  for (const [file] of stale) console.error(`${file} is out of date with the code: run \`npm run docs\`.`);
  process.exitCode = stale.length > 0 ? 1 : 0;
} else {
  for (const [file, text] of stale) {
    fs.writeFileSync(path.join(root, file), text);
    console.log(`${file} updated.`);
  }
}
