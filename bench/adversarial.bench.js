// The detector on adversarial input (issue 12): each input at 1 KB, 32 KB and 1 MB, its engine
// throughput in MB/s beside typical source (the same sizes of real code), and a whole `envseal scan`
// process over the largest size. Linear time shows as MB/s that stays level as the input grows; the
// goal is no input below 20 MB/s. Last, `scan --history` beside git's own `git log -p` over the same
// commits. Inputs are generated from a fixed seed, so every run reads the same text.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENVSEAL, ROOT, envsealEnv, measure, measureWithFloor, tempDir } from './lib.js';
import { detect, TeamSecretIndex } from '../dist/detect/index.js';

export const title = 'detector on adversarial input';

const KB = 1024;
const SIZES = [KB, 32 * KB, 1024 * KB];
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** A seeded generator (mulberry32): the same inputs in every run. */
function generator(seed) {
  let state = seed;
  return (alphabet, length) => {
    let out = '';
    for (let i = 0; i < length; i++) {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      out += alphabet[((t ^ (t >>> 14)) >>> 0) % alphabet.length];
    }
    return out;
  };
}
const random = generator(12);

/** `unit(i)` repeated (i counts up) until the text is `size` characters, cut there. */
function repeated(size, unit) {
  let text = '';
  for (let i = 0; text.length < size; i++) text += unit(i);
  return text.slice(0, size);
}

/**
 * Real source files, `size` characters in all: the JavaScript, TypeScript, JSON and Markdown of src/
 * and node_modules/, scanned file by file as the hooks do (one text of them all would hold every
 * rule's keywords, which no real file does). The last file is cut to fit.
 */
function typicalSource(size) {
  const files = [];
  let total = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (total >= size) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(?:[cm]?js|ts|json|md)$/.test(entry.name)) {
        const text = fs.readFileSync(full, 'utf8').slice(0, size - total);
        files.push({ file: path.relative(ROOT, full), text });
        total += text.length;
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  walk(path.join(ROOT, 'node_modules'));
  return files;
}

/** Minified JavaScript: node_modules' code run through esbuild's minifier (a devDependency), file after file. */
function minifiedBundle(size, transformSync) {
  let text = '';
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (text.length >= size) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.c?js$/.test(entry.name)) {
        try {
          text += transformSync(fs.readFileSync(full, 'utf8'), { minify: true, loader: 'js' }).code;
        } catch {
          // Not plain JavaScript (a JSX or Flow file): skipped.
        }
      }
    }
  };
  walk(path.join(ROOT, 'node_modules'));
  return text.slice(0, size);
}

/** One small file dense with secrets of many formats, built so none is a real credential. */
function secretDenseFile(i) {
  const key = `${random(B64, 86)}==`;
  return [
    `# service ${i}`,
    `DefaultEndpointsProtocol=https;AccountName=acct${i};AccountKey=${key};EndpointSuffix=core.windows.net`,
    `const keyStr = "${B64}=";`,
    `GITHUB_TOKEN=ghp_${random(B64.slice(0, 62), 36)}`,
    `SLACK_BOT_TOKEN=xoxb-${random('0123456789', 12)}-${random('0123456789', 13)}-${random(B64.slice(0, 62), 24)}`,
    `password = "${random(B64.slice(0, 52), 40)}1"`,
    `token = "<A${random('abcdefghijklmnopqrstuvwxyz', 28)}"`,
    `{"kty":"oct","k":"${random(B64.slice(0, 62), 43)}"}`,
    `DATABASE_URL=postgres://app:${random(B64.slice(0, 62), 20)}@db${i}.internal:5432/app`,
    `api_key: ${random(B64.slice(0, 62), 32)}`,
    '',
  ].join('\n');
}

export const INPUTS = [
  ['typical source, file by file', 'typical', typicalSource],
  ['lines of the base64 alphabet', 'alphabet.js', (size) => repeated(size, (i) => `const keyStr${i} = "${B64}=";\n`)],
  [
    'long connection strings',
    'app.config',
    (size) =>
      repeated(size, (i) => `<add name="Storage${i}" connectionString="DefaultEndpointsProtocol=https;AccountName=acct${i};AccountKey=${random(B64, 86)}==;BlobEndpoint=https://acct${i}.blob.core.windows.net/;QueueEndpoint=https://acct${i}.queue.core.windows.net/;TableEndpoint=https://acct${i}.table.core.windows.net/;EndpointSuffix=core.windows.net" />\n`),
  ],
  ['base64 without a newline', 'blob.txt', (size) => random(B64, size)],
  ['a= repeated', 'x.env', (size) => repeated(size, () => 'a=')],
  ['password = " and letters, no closing quote', 'app.cfg', (size) => `password = "${repeated(size, () => 'abcdefghijklmnopqrstuvwxyz')}`],
  ...[40, 400].map((n) => [`password = " + ${n} letters + 1", per line`, 'app.cfg', (size) => repeated(size, () => `password = "${'a'.repeat(n)}1"\n`)]),
  ['password = " + one run of letters + 1"', 'app.cfg', (size) => `password = "${'a'.repeat(size - 15)}1"`],
  ...[28, 400].map((n) => [`token = "<A + ${n} letters, per line`, 'app.cfg', (size) => repeated(size, () => `token = "<A${'b'.repeat(n)}"\n`)]),
  ['JWK members, no closing brace', 'jwks.json', (size) => repeated(size, () => `{"kty":"oct","k":"${random(B64.slice(0, 62), 43)}",`)],
  ['secret-dense small files, one text', 'dense.env', (size) => repeated(size, secretDenseFile)],
];

const fingerprintKey = Buffer.alloc(32, 5);
const knownKeys = [`${random(B64.slice(0, 62), 43)}=`, `${random(B64.slice(0, 62), 43)}=`];
const teamSecrets = TeamSecretIndex.build(Array.from({ length: 40 }, (_, i) => ({ name: `SECRET_${i}`, value: random(B64.slice(0, 62), 12 + (i % 20)) })));

/**
 * The detector's throughput in MB/s on `input` (a text, or files), with two known keys and a team
 * index as the hooks run it: the best of several rounds of about 1 MB each.
 */
export function engineMBs(input, file) {
  const files = typeof input === 'string' ? [{ file, text: input }] : input;
  const size = files.reduce((sum, f) => sum + f.text.length, 0);
  const repeat = Math.max(1, Math.round((1024 * KB) / size));
  let best = Infinity;
  for (let round = 0; round < 7; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < repeat; i++) for (const f of files) detect(f.text, { file: f.file, fingerprintKey, knownKeys, teamSecrets });
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9 / repeat);
  }
  return size / 1e6 / best;
}

/** `envseal scan` exits 1 when it finds something: the exit code each input gives is learnt from one run. */
function scanProcess(dir, target, env) {
  const expect = spawnSync(process.execPath, [ENVSEAL, 'scan', target], { cwd: dir, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).status;
  return measureWithFloor(process.execPath, [ENVSEAL, 'scan', target], { cwd: dir, env, expect, runs: 3 });
}

function gitRepo() {
  const dir = tempDir('envseal-bench-adversarial-');
  const git = (...args) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'bench@example.com');
  git('config', 'user.name', 'bench');
  git('config', 'commit.gpgsign', 'false');
  return { dir, git };
}

/** `envseal scan --history` beside `git log -p` over the same commits. */
function historyRow(dir, env, label) {
  const options = { cwd: dir, env, maxBuffer: 256 * 1024 * 1024 };
  const expect = spawnSync(process.execPath, [ENVSEAL, 'scan', '--history'], options).status;
  const patchBytes = spawnSync('git', ['log', '-p', '--all'], options).stdout.length;
  return {
    operation: `${label} (${(patchBytes / 1e6).toFixed(0)} MB of patches)`,
    envseal: measureWithFloor(process.execPath, [ENVSEAL, 'scan', '--history'], { cwd: dir, env, expect, runs: 3 }),
    peer: { name: 'git log -p --all', ...measure('git', ['log', '-p', '--all'], { cwd: dir, runs: 3 }) },
  };
}

export async function cases() {
  const { transformSync } = await import('esbuild');
  const env = envsealEnv();
  const rows = [];
  const { dir, git } = gitRepo();
  const mbs = (value) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
  const summary = [];
  let typical;
  for (const [label, file, make] of INPUTS) {
    const rates = SIZES.map((size) => engineMBs(make(size), file));
    typical ??= rates[rates.length - 1];
    summary.push([label, ...rates]);
    const largest = make(SIZES[SIZES.length - 1]);
    if (typeof largest === 'string') fs.writeFileSync(path.join(dir, file), largest);
    else {
      for (const f of largest) {
        fs.mkdirSync(path.dirname(path.join(dir, file, f.file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file, f.file), f.text);
      }
    }
    rows.push({
      operation: `scan ${label}, 1 MB (engine ${rates.map(mbs).join(' / ')} MB/s at 1 KB / 32 KB / 1 MB; ${(rates[rates.length - 1] / typical).toFixed(2)}× typical)`,
      envseal: scanProcess(dir, file, env),
    });
  }
  const bundle = minifiedBundle(5 * 1024 * KB, transformSync);
  fs.writeFileSync(path.join(dir, 'bundle.min.js'), bundle);
  const bundleRate = engineMBs(bundle, 'bundle.min.js');
  summary.push(['minified bundle, 5 MB', bundleRate]);
  rows.push({ operation: `scan a minified bundle, 5 MB (engine ${mbs(bundleRate)} MB/s)`, envseal: scanProcess(dir, 'bundle.min.js', env) });

  // 235 KB of small secret-dense files, as measured in the issue (56 s then).
  fs.mkdirSync(path.join(dir, 'dense'));
  let denseBytes = 0;
  for (let i = 0; denseBytes < 235 * KB; i++) {
    const text = secretDenseFile(i);
    fs.writeFileSync(path.join(dir, 'dense', `service${i}.env.example`), text);
    denseBytes += text.length;
  }
  const dense = scanProcess(dir, 'dense', env);
  rows.push({ operation: `scan 235 KB of secret-dense small files (${mbs(denseBytes / 1e6 / ((dense.median - dense.floor.median) / 1000))} MB/s after start-up)`, envseal: dense });

  // History: every input above as one commit each, scanned beside git's own patch output; then the
  // same for 16 MB of typical source in 16 commits, where the goal (within 2x of git) applies.
  for (const entry of fs.readdirSync(dir)) {
    if (entry === '.git') continue;
    git('add', entry);
    git('commit', '-q', '--no-verify', '-m', `add ${entry}`);
  }
  rows.push(historyRow(dir, env, `scan --history over those ${INPUTS.length + 2} commits`));
  const typicalRepo = gitRepo();
  const files = typicalSource(16 * 1024 * KB);
  for (let commit = 0, next = 0; commit < 16; commit++) {
    for (let bytes = 0; next < files.length && bytes < 1024 * KB; next++) {
      const target = path.join(typicalRepo.dir, files[next].file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, files[next].text);
      bytes += files[next].text.length;
    }
    typicalRepo.git('add', '-A');
    typicalRepo.git('commit', '-q', '--no-verify', '-m', `commit ${commit}`);
  }
  rows.push(historyRow(typicalRepo.dir, env, 'scan --history over 16 commits of typical source'));
  fs.rmSync(typicalRepo.dir, { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });

  const width = Math.max(...summary.map(([label]) => label.length));
  process.stderr.write(`\nengine throughput, MB/s (1 KB / 32 KB / 1 MB)\n`);
  for (const [label, ...rates] of summary) process.stderr.write(`${label.padEnd(width)}  ${rates.map(mbs).join(' / ')}\n`);
  return rows;
}
