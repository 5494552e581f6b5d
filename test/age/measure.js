#!/usr/bin/env node
// A micro-measure to run by hand (not a test: no timing is asserted): what opening a wrapped key file
// through an ssh-ed25519 identity costs over reading the key file directly, in fresh processes.
//
//   npm run build && node test/age/measure.js [runs]
//
// Each run is a new Node process that opens a sealed file (three values), its key found by one of:
//   key-file   read .env.key and parse the master key (today's path)
//   ssh        load the age layer (bundled as the CLI bundles it, so one file), read an unencrypted
//              ~/.ssh/id_ed25519, match, unlock, decrypt the age file holding the key file, parse it
// Both open the sealed file the same way, so the first-use costs of OpenSSL's hashes and HKDF,
// which both paths pay, are not counted against the age layer.
// and prints its own elapsed and CPU time from before the first import; the whole process's wall
// time is reported too. CPU time is the steadiest of the three on a busy machine. Ed25519 and age keys are made with ssh-keygen and encryptTo.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const runs = Number(process.argv[2] ?? 40);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envseal-age-measure-'));
const { buildSync } = createRequire(import.meta.url)('esbuild');

const bundle = path.join(dir, 'age.cjs');
buildSync({ entryPoints: [path.join(root, 'dist/age/index.js')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', packages: 'external', define: { 'import.meta.url': '__url' }, banner: { js: 'const __url = require("node:url").pathToFileURL(__filename).href;' }, logLevel: 'warning' });
const masterKey = path.join(root, 'dist/crypto/master-key.js');
const sealedModule = path.join(root, 'dist/format/sealed.js');
const keyRing = path.join(root, 'dist/keys/key-ring.js');

spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'id_ed25519')]);
const { MasterKey } = await import(masterKey);
const { encryptTo, parseRecipient } = await import(path.join(root, 'dist/age/index.js'));
const { parseEnv } = await import(path.join(root, 'dist/format/envfile.js'));
const { sealLines } = await import(sealedModule);
const master = MasterKey.generate();
const key = master.export();
const sealed = sealLines(parseEnv('DATABASE_URL=postgres://u:p@h/db\nAPI_TOKEN=abc123\nDEBUG=1\n', '.env'), master, { history: [], label: '.env' });
fs.writeFileSync(path.join(dir, '.env.key'), `${key}\n`, { mode: 0o600 });
const wrapped = encryptTo([parseRecipient(fs.readFileSync(path.join(dir, 'id_ed25519.pub'), 'utf8'))], Buffer.from(`${key}\n`)).toString('base64');

const open = `
    const { openSealed } = await import(${JSON.stringify(sealedModule)});
    const { KeyRing } = await import(${JSON.stringify(keyRing)});
    if (openSealed(${JSON.stringify(sealed)}, KeyRing.of(key, 'k'), '.env.encrypted').lines.length !== 3) throw new Error('not opened');`;
const scripts = {
  'key-file': `
    const t0 = performance.now(), c0 = process.cpuUsage();
    const { MasterKey } = await import(${JSON.stringify(masterKey)});
    const fs = await import('node:fs');
    const key = MasterKey.parse(fs.readFileSync(${JSON.stringify(path.join(dir, '.env.key'))}, 'utf8'), 'key file');
    ${open}
    const c = process.cpuUsage(c0);
    console.log(performance.now() - t0, (c.user + c.system) / 1000);`,
  ssh: `
    const t0 = performance.now(), c0 = process.cpuUsage();
    const { MasterKey } = await import(${JSON.stringify(masterKey)});
    const fs = await import('node:fs');
    const age = (await import('node:module')).createRequire(import.meta.url)(${JSON.stringify(bundle)});
    const [file] = age.parseIdentities(fs.readFileSync(${JSON.stringify(path.join(dir, 'id_ed25519'))}, 'utf8'), '~/.ssh/id_ed25519');
    if (!file.recipient.fingerprint) throw new Error('no match');
    const text = age.decryptWith(file.unlock(), Buffer.from(${JSON.stringify(wrapped)}, 'base64')).toString();
    const key = MasterKey.parse(text.split('\\n')[0], 'recipients file');
    ${open}
    const c = process.cpuUsage(c0);
    console.log(performance.now() - t0, (c.user + c.system) / 1000);`,
};

// The machine may be shared: the median says what a run costs, the lowest quartile what it costs
// when nothing else competes for the CPU.
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.floor(values.length * q)];
const results = Object.fromEntries(Object.keys(scripts).map((name) => [name, { inside: [], cpu: [], wall: [] }]));
for (let i = 0; i < runs; i++) {
  for (const [name, script] of Object.entries(scripts)) {
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const wall = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
    const [inside, cpu] = r.stdout.trim().split(' ').map(Number);
    results[name].inside.push(inside);
    results[name].cpu.push(cpu);
    results[name].wall.push(wall);
  }
}
const show = (values) => `median ${quantile(values, 0.5).toFixed(1)} ms, lowest quartile ${quantile(values, 0.25).toFixed(1)} ms`;
for (const [name, { inside, cpu, wall }] of Object.entries(results)) console.log(`${name.padEnd(9)} in-process ${show(inside)}; its CPU time ${show(cpu)}; process wall ${show(wall)}`);
for (const q of [0.5, 0.25]) {
  const over = (kind) => (quantile(results.ssh[kind], q) - quantile(results['key-file'][kind], q)).toFixed(1);
  console.log(`ssh-ed25519 over the key file, ${q === 0.5 ? 'median' : 'lowest quartile'}: ${over('inside')} ms in-process (${over('cpu')} ms of CPU), ${over('wall')} ms wall (${runs} runs each)`);
}
fs.rmSync(dir, { recursive: true, force: true });
