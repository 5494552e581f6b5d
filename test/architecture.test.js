// The shape of the code, as docs/ARCHITECTURE.md describes it, checked on the sources: imports go one
// way, git runs from one adapter, error codes come from the table, and the map names every module.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './helpers/cli.js';

const SRC = path.join(ROOT, 'src');

function sources(dir = SRC) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

const FILES = sources();
const rel = (file) => path.relative(SRC, file);
const text = new Map(FILES.map((file) => [file, fs.readFileSync(file, 'utf8')]));
/** A file's code without its comments (line comments and JSDoc lines), for checks that comments may mention. */
const code = (file) => text.get(file).replace(/^\s*(?:\/\/|\/\*\*|\*).*$/gm, '').replace(/\s\/\/.*$/gm, '');

/** Every module a file imports: static, type-only, re-exports and dynamic import(). */
function imports(file) {
  const found = new Set();
  for (const m of text.get(file).matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'(\.[^']+)'/gm)) {
    found.add(path.resolve(path.dirname(file), m[1].replace(/\.js$/, '.ts')));
  }
  return [...found];
}

test('no module in src/ imports in a circle', () => {
  const graph = new Map(FILES.map((file) => [file, imports(file)]));
  const state = new Map();
  const cycles = [];
  const visit = (file, trail) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...trail.slice(trail.indexOf(file)), file].map(rel).join(' → '));
      return;
    }
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
    state.set(file, 'done');
  };
  for (const file of FILES) visit(file, []);
  assert.equal(cycles, []);
});

test('every relative import names a module that exists', () => {
  const missing = FILES.flatMap((file) => imports(file).filter((target) => !fs.existsSync(target)).map((target) => `${rel(file)} → ${rel(target)}`));
  assert.equal(missing, []);
});

/** What each layer may not import: data flows down, so the lower layers never reach up. */
const FORBIDDEN = [
  ['core/', ['cli/', 'guard/']],
  ['guard/', ['cli/']],
  ['keys/', ['cli/', 'guard/', 'core/']],
  ['git/', ['cli/', 'guard/', 'core/', 'keys/']],
  ['io/', ['cli/', 'guard/', 'core/', 'keys/', 'git/', 'detect/', 'mask/']],
  // Pure layers: no files, no git, no processes (the key ring is a pure value).
  ['format/', ['cli/', 'guard/', 'core/', 'git/', 'io/', 'keys/key-sources', 'keys/key-store']],
  ['crypto/', ['cli/', 'guard/', 'core/', 'git/', 'io/', 'keys/', 'format/', 'detect/', 'mask/', 'age/']],
  ['age/', ['cli/', 'guard/', 'core/', 'git/', 'io/', 'keys/', 'format/', 'detect/', 'mask/', 'crypto/']],
  ['detect/', ['cli/', 'guard/', 'core/', 'git/', 'io/', 'keys/', 'format/', 'mask/']],
  ['mask/', ['cli/', 'guard/', 'core/', 'git/', 'io/', 'keys/', 'format/']],
  // Other tools' formats, decoded: pure too (the core reads the files and finds the keys).
  ['import/', ['cli/', 'guard/', 'core/', 'git/', 'io/', 'keys/', 'detect/', 'mask/', 'age/']],
];

test('imports go one way: no layer imports a layer above it, and the pure layers do no I/O', () => {
  const offenders = [];
  for (const file of FILES) {
    const from = rel(file).split(path.sep).join('/');
    const rule = FORBIDDEN.find(([layer]) => from.startsWith(layer));
    if (!rule) continue;
    for (const target of imports(file).map((t) => rel(t).split(path.sep).join('/'))) {
      if (rule[1].some((banned) => target.startsWith(banned))) offenders.push(`${from} → ${target}`);
    }
  }
  assert.equal(offenders, []);
});

test('commands never import each other', () => {
  const offenders = FILES.filter((f) => rel(f).startsWith('cli/commands/')).flatMap((file) =>
    imports(file)
      .filter((target) => rel(target).startsWith('cli/commands/'))
      .map((target) => `${rel(file)} → ${rel(target)}`),
  );
  assert.equal(offenders, []);
});

test('the core never prints, exits or reads process.env', () => {
  const offenders = FILES.filter((f) => /^(core|format|crypto|keys|detect|mask|guard|git|io|import)\//.test(rel(f))).flatMap((file) =>
    [...code(file).matchAll(/process\.(stdout|stderr|exit|env)\b|console\./g)].map((m) => `${rel(file)}: ${m[0]}`),
  );
  assert.equal(offenders, []);
});

test('git is started only from src/git/run.ts', () => {
  const offenders = [];
  for (const file of FILES) {
    if (rel(file) === path.join('git', 'run.ts')) continue;
    const source = text.get(file);
    if (/spawn(?:Sync)?\(\s*['"`]git['"`]/.test(source) || /\bsimple-?git\b/i.test(code(file))) offenders.push(rel(file));
  }
  assert.equal(offenders, []);
  // Processes other than git are started by the child runner, the editor, the key command and git/run.ts only.
  const spawning = FILES.filter((file) => /node:child_process/.test(text.get(file))).map(rel).sort();
  assert.equal(spawning, ['core/edit.ts', 'core/run.ts', 'git/run.ts', 'guard/probe.ts', 'keys/source-command.ts'].map((p) => p.split('/').join(path.sep)));
});

test('no EnvsealError is built from a string-literal code', () => {
  const offenders = FILES.flatMap((file) =>
    [...text.get(file).matchAll(/new EnvsealError\(\s*['"`]|super\(\s*['"`]E_|code\s*[!=]==\s*['"`]E_/g)].map((m) => `${rel(file)}: ${m[0]}`),
  );
  assert.equal(offenders, []);
});

test('the README and docs/ERRORS.md are up to date with the error table (npm run docs)', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/docs.js'), '--check'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
});

test('docs/ARCHITECTURE.md names every module of src/, and only modules that exist', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
  const map = doc.slice(doc.indexOf('```'), doc.indexOf('```', doc.indexOf('```') + 3));
  // The map lists directories as "src/x/" and their modules by file name under them; "commands/*.ts"
  // stands for every module of that directory.
  const actual = FILES.map((f) => rel(f).split(path.sep).join('/'));
  const named = new Set();
  let dir = '';
  for (const line of map.split('\n')) {
    const heading = /^src\/([\w/-]*\/)?/.exec(line);
    if (heading) dir = heading[1] ?? '';
    for (const m of line.matchAll(/(?:^|[\s,])((?:[\w-]+\/)*(?:[\w-]+|\*)\.ts)\b/g)) {
      const name = m[1].startsWith('src/') ? m[1].slice(4) : `${dir}${m[1]}`;
      if (name.endsWith('/*.ts')) for (const f of actual.filter((a) => a.startsWith(name.slice(0, -4)) && !a.slice(name.length - 4).includes('/'))) named.add(f);
      else named.add(name);
    }
  }
  assert.equal(actual.filter((f) => !named.has(f)), [], 'modules missing from the map');
  assert.equal([...named].filter((f) => !actual.includes(f)), [], 'the map names modules that do not exist');
});

test.run();
