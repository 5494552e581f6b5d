// envseal git setup/unsetup, and the diff textconv and merge driver under real `git diff`, `git log -p`
// and `git merge` of two branches in a temp repository.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, assertNoSecrets, cleanEnv, git, gitRepo, read, run, tempDir, write } from '../helpers/cli.js';

const VALUES = {
  SECRET_KEY: 'sk-value-for-merge-tests-0001-abcdef',
  API_TOKEN: 'api-token-value-for-tests-0002',
  DB_PASSWORD: 'db-password-value-0003',
  PORT: '3000',
};

/** Runs git, returning everything (merge exits non-zero on conflicts). */
function gitRun(cwd, ...args) {
  const r = spawnSync('git', args, { cwd, env: cleanEnv(), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, output: r.stdout + r.stderr };
}

/** A repository with .env.encrypted committed on main and the drivers set up by `envseal git setup`. */
function repo({ setup = true } = {}) {
  const dir = gitRepo('envseal-git-');
  write(path.join(dir, '.env'), `# app\n${Object.entries(VALUES).map(([k, v]) => `${k}=${v}`).join('\n')}\n`);
  assert.is(run(['keygen', '--out', '.env.key'], { cwd: dir }).code, 0);
  assert.is(run(['encrypt'], { cwd: dir }).code, 0);
  fs.rmSync(path.join(dir, '.env'));
  write(path.join(dir, '.gitignore'), '.env\n.env.key\n.envseal/\n');
  if (setup) assert.is(run(['git', 'setup'], { cwd: dir }).code, 0);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'initial');
  return dir;
}

const set = (dir, name, value) => {
  const r = run(['set', name], { cwd: dir, input: value });
  assert.is(r.code, 0, r.stderr);
};

const values = (dir) => {
  const r = run(['decrypt', '--stdout'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  return Object.fromEntries(r.stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
};

/** Every object in the repository and every file in the work tree, for leak checks. */
function everything(dir) {
  const objects = spawnSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: dir, encoding: 'latin1', maxBuffer: 1 << 28 }).stdout;
  const files = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name !== '.env.key' && !full.includes(`${path.sep}.envseal${path.sep}`)) files.push(fs.readFileSync(full, 'latin1'));
    }
  };
  walk(dir);
  return objects + files.join('\n');
}

const NEW_VALUES = ['ours-new-secret-value-1111', 'theirs-new-secret-value-2222', 'feature-token-value-3333', 'main-only-value-4444', 'added-on-feature-5555'];
const SECRETS = [...Object.values(VALUES).filter((v) => v.length > 6), ...NEW_VALUES];

const setup = suite('git setup / unsetup');

setup('adds the attribute and the local config once, and unsetup restores both files byte for byte', () => {
  const dir = gitRepo('envseal-setup-');
  write(path.join(dir, '.gitattributes'), '*.png binary\n');
  const config = read(path.join(dir, '.git', 'config'));

  const first = run(['git', 'setup'], { cwd: dir });
  assert.is(first.code, 0, first.stderr);
  assert.is(read(path.join(dir, '.gitattributes')), '*.png binary\n*.encrypted diff=envseal merge=envseal\n');
  const textconv = git(dir, 'config', '--local', 'diff.envseal.textconv').trim();
  const driver = git(dir, 'config', '--local', 'merge.envseal.driver').trim();
  assert.is(textconv, `${process.execPath} ${BIN} git textconv`);
  assert.is(driver, `${process.execPath} ${BIN} git merge %O %A %B %P`);
  assert.match(git(dir, 'config', '--local', 'merge.envseal.name'), /envseal/);
  assert.is(git(dir, 'check-attr', 'diff', 'merge', '--', 'config/.env.production.encrypted'), 'config/.env.production.encrypted: diff: envseal\nconfig/.env.production.encrypted: merge: envseal\n');

  const attributes = read(path.join(dir, '.gitattributes'));
  const configured = read(path.join(dir, '.git', 'config'));
  const second = run(['git', 'setup'], { cwd: dir });
  assert.is(second.code, 0);
  assert.match(second.stderr, /already/);
  assert.is(read(path.join(dir, '.gitattributes')), attributes, 'idempotent');
  assert.is(read(path.join(dir, '.git', 'config')), configured, 'idempotent');

  const undo = run(['git', 'unsetup'], { cwd: dir });
  assert.is(undo.code, 0, undo.stderr);
  assert.is(read(path.join(dir, '.gitattributes')), '*.png binary\n');
  assert.is(read(path.join(dir, '.git', 'config')), config, 'the config file is exactly as before');
  assert.match(run(['git', 'unsetup'], { cwd: dir }).stderr, /Nothing to undo/);
});

setup('a .gitattributes that setup created is removed again; --undo is unsetup; foreign settings are left alone', () => {
  const dir = gitRepo('envseal-setup-');
  assert.is(run(['git', 'setup', '--command', 'envseal'], { cwd: dir }).code, 0);
  assert.is(git(dir, 'config', '--local', 'diff.envseal.textconv').trim(), 'envseal git textconv');
  assert.is(run(['git', 'setup', '--undo'], { cwd: dir }).code, 0);
  assert.not.ok(fs.existsSync(path.join(dir, '.gitattributes')));
  assert.is(gitRun(dir, 'config', '--local', '--get-regexp', 'envseal').code, 1);

  git(dir, 'config', '--local', 'diff.envseal.textconv', 'my-own-tool');
  const r = run(['git', 'unsetup'], { cwd: dir });
  assert.match(r.stderr, /diff\.envseal\.textconv was not written by envseal git setup; left as it is/);
  assert.is(git(dir, 'config', '--local', 'diff.envseal.textconv').trim(), 'my-own-tool');
});

setup('outside a git repository: exit 2', () => {
  const r = run(['git', 'setup'], { cwd: tempDir() });
  assert.is(r.code, 2);
  assert.match(r.stderr, /not inside a git work tree/);
});

const diff = suite('git diff textconv');

diff('git diff and git log -p show names, masked values and which value changed, never a value', () => {
  const dir = repo();
  set(dir, 'API_TOKEN', NEW_VALUES[0]);
  const d = gitRun(dir, 'diff');
  assert.is(d.code, 0, d.stderr);
  const changed = d.stdout.split('\n').filter((l) => /^[-+][A-Z]/.test(l));
  assert.is(changed.length, 2, d.stdout);
  assert.match(changed[0], /^-API_TOKEN=\*\*\*\*  \(value [0-9a-f]{12}\)$/);
  assert.match(changed[1], /^\+API_TOKEN=\*\*\*\*  \(value [0-9a-f]{12}\)$/);
  assert.is.not(changed[0].slice(-14), changed[1].slice(-14), 'the marker changed');
  assert.match(d.stdout, /^ SECRET_KEY=sk-v…cdef  \(value [0-9a-f]{12}\)$/m, 'unchanged values are context lines, masked');
  assert.match(d.stdout, /^ PORT=\*\*\*\*/m, 'every value is masked, public or not');
  assert.not.match(d.stdout, /fernet:|envseal:mac/);
  assertNoSecrets(d.output, SECRETS);

  git(dir, 'commit', '-qam', 'rotate token');
  const log = gitRun(dir, 'log', '-p');
  assert.match(log.stdout, /^\+API_TOKEN=\*\*\*\*  \(value /m);
  assert.match(log.stdout, /^\+SECRET_KEY=sk-v…cdef/m, 'the first commit as a view too');
  assertNoSecrets(log.output, SECRETS);

  // Without the key: names only, a note, and still which entries were re-sealed.
  fs.renameSync(path.join(dir, '.env.key'), path.join(dir, '..', `${path.basename(dir)}.key`));
  const locked = gitRun(dir, 'log', '-p', '-1', '--unified=50');
  assert.is(locked.code, 0);
  assert.match(locked.stdout, /# envseal: sealed with key [0-9a-f]{16}: no key for this file here/);
  assert.match(locked.stdout, /^-API_TOKEN  \(sealed, token [0-9a-f]{12}\)$/m);
  assert.match(locked.stdout, /^ SECRET_KEY  \(sealed, token [0-9a-f]{12}\)$/m);
  assertNoSecrets(locked.output, SECRETS);
});

diff('a tampered version is shown as names with the integrity failure, not values', () => {
  const dir = repo();
  const file = path.join(dir, '.env.encrypted');
  fs.writeFileSync(file, read(file).replace('# app', '# app!'));
  const r = run(['git', 'textconv', '.env.encrypted'], { cwd: dir });
  assert.is(r.code, 0);
  assert.match(r.stdout, /failed its integrity check/);
  assert.match(r.stdout, /^SECRET_KEY  \(sealed, token /m);
  assertNoSecrets(r.output, SECRETS);
  write(path.join(dir, 'plain.encrypted'), 'NOT_SEALED=value-that-must-not-show\n');
  const plain = run(['git', 'textconv', 'plain.encrypted'], { cwd: dir });
  assert.match(plain.stdout, /not shown: not an envseal sealed file/);
  assert.not.ok(plain.stdout.includes('value-that-must-not-show'));
});

const merge = suite('git merge driver');

/** main and feature branches from the initial commit, each with its own changes. */
function branches(onFeature, onMain) {
  const dir = repo();
  git(dir, 'checkout', '-qb', 'feature');
  onFeature(dir);
  git(dir, 'commit', '-qam', 'feature');
  git(dir, 'checkout', '-q', 'main');
  onMain(dir);
  git(dir, 'commit', '-qam', 'main');
  return dir;
}

merge('changes to different names merge cleanly, per name, into a valid sealed file', () => {
  const dir = branches(
    (d) => {
      set(d, 'API_TOKEN', NEW_VALUES[2]);
      set(d, 'FEATURE_KEY', NEW_VALUES[4]);
    },
    (d) => set(d, 'SECRET_KEY', NEW_VALUES[3]),
  );
  const base = read(path.join(dir, '.env.encrypted'));
  const m = gitRun(dir, 'merge', 'feature', '-m', 'merge feature');
  assert.is(m.code, 0, m.output);
  assert.match(m.output, /merged \.env\.encrypted per variable \(from the other branch: API_TOKEN, FEATURE_KEY\)/);
  assert.is(gitRun(dir, 'status', '--porcelain').stdout, '');
  assert.equal(values(dir), { ...VALUES, SECRET_KEY: NEW_VALUES[3], API_TOKEN: NEW_VALUES[2], FEATURE_KEY: NEW_VALUES[4] });
  const merged = read(path.join(dir, '.env.encrypted'));
  const line = (text, name) => text.split('\n').find((l) => l.startsWith(`${name}=`));
  assert.is(line(merged, 'DB_PASSWORD'), line(base, 'DB_PASSWORD'), 'unchanged values keep their ciphertext');
  assert.is(line(merged, 'SECRET_KEY'), line(base, 'SECRET_KEY'), 'ours keeps its ciphertext');
  assertNoSecrets(m.output + everything(dir), SECRETS);
});

merge('the same name changed on both branches: a conflict by name, a valid file with ours, resolved with envseal edit', () => {
  const dir = branches(
    (d) => {
      set(d, 'API_TOKEN', NEW_VALUES[1]);
      set(d, 'FEATURE_KEY', NEW_VALUES[4]);
    },
    (d) => set(d, 'API_TOKEN', NEW_VALUES[0]),
  );
  const m = gitRun(dir, 'merge', 'feature', '-m', 'merge feature');
  assert.is(m.code, 1, m.output);
  assert.match(m.output, /CONFLICT in \.env\.encrypted: API_TOKEN changed differently on both branches; the merged file keeps ours/);
  assert.match(m.output, /Resolve: `envseal edit`.*then `git add \.env\.encrypted` and commit/);
  assert.is(gitRun(dir, 'status', '--porcelain').stdout, 'UU .env.encrypted\n');
  const file = read(path.join(dir, '.env.encrypted'));
  assert.not.match(file, /^(<<<<<<<|>>>>>>>|=======)/m, 'no conflict markers');
  assert.equal(values(dir), { ...VALUES, API_TOKEN: NEW_VALUES[0], FEATURE_KEY: NEW_VALUES[4] }, 'valid, ours for the conflict, theirs for the rest');
  assertNoSecrets(m.output, SECRETS);

  // The documented flow: envseal edit shows theirs next to ours; this editor takes theirs.
  const editor = path.join(dir, '..', `${path.basename(dir)}-take-theirs.sh`);
  write(editor, `#!/bin/sh\ngrep -c '^# envseal-merge:' "$1" > "$1.count.txt" 2>/dev/null; theirs=$(sed -n 's/^# envseal-merge: theirs: API_TOKEN=//p' "$1")\nsed -i "s/^API_TOKEN=.*/API_TOKEN=$theirs/" "$1"\n`, 0o755);
  const runtime = tempDir('envseal-runtime-');
  const e = run(['edit'], { cwd: dir, env: { EDITOR: editor, XDG_RUNTIME_DIR: runtime } });
  assert.is(e.code, 0, e.stderr);
  assert.match(e.stderr, /resolves the merge conflict in API_TOKEN\. Next: git add \.env\.encrypted && git commit/);
  assert.equal(fs.readdirSync(runtime), []);
  assert.not.match(read(path.join(dir, '.env.encrypted')), /envseal-merge/);
  git(dir, 'add', '.env.encrypted');
  git(dir, 'commit', '-q', '--no-edit');
  assert.is(values(dir).API_TOKEN, NEW_VALUES[1]);
  assert.is(gitRun(dir, 'status', '--porcelain').stdout, '');
  assertNoSecrets(e.output + everything(dir), SECRETS);
});

merge('without the key the driver writes nothing: ours stays, sealed; with the key, git checkout --merge redoes it', () => {
  const dir = branches(
    (d) => set(d, 'API_TOKEN', NEW_VALUES[2]),
    (d) => set(d, 'SECRET_KEY', NEW_VALUES[3]),
  );
  const ours = read(path.join(dir, '.env.encrypted'));
  const keyFile = path.join(dir, '.env.key');
  const away = path.join(dir, '..', `${path.basename(dir)}.key`);
  fs.renameSync(keyFile, away);
  const m = gitRun(dir, 'merge', 'feature', '-m', 'merge feature');
  assert.is(m.code, 1);
  assert.match(m.output, /envseal: cannot merge \.env\.encrypted: no master key found/);
  assert.is(read(path.join(dir, '.env.encrypted')), ours, 'the work tree holds our sealed version, untouched');
  assertNoSecrets(m.output + everything(dir), SECRETS);

  fs.renameSync(away, keyFile);
  const redo = gitRun(dir, 'checkout', '--merge', '--', '.env.encrypted');
  assert.is(redo.code, 0, redo.output);
  assert.equal(values(dir), { ...VALUES, SECRET_KEY: NEW_VALUES[3], API_TOKEN: NEW_VALUES[2] });
  git(dir, 'add', '.env.encrypted');
  git(dir, 'commit', '-q', '--no-edit');
  assertNoSecrets(everything(dir), SECRETS);
});

merge('a file added on both branches (no common ancestor) merges per name too', () => {
  const dir = repo();
  fs.copyFileSync(path.join(dir, '.env.key'), path.join(dir, '.env.staging.key'));
  write(path.join(dir, '.gitignore'), '.env\n*.key\n.env.staging\n.envseal/\n');
  git(dir, 'commit', '-qam', 'ignore keys');
  const addStaging = (text) => {
    write(path.join(dir, '.env.staging'), text);
    assert.is(run(['encrypt', '--env', 'staging'], { cwd: dir }).code, 0);
    fs.rmSync(path.join(dir, '.env.staging'));
    git(dir, 'add', '.env.staging.encrypted');
  };
  git(dir, 'checkout', '-qb', 'feature');
  addStaging('SHARED=same-on-both\nFEATURE_ONLY=feature-token-value-3333\n');
  git(dir, 'commit', '-qm', 'feature staging');
  git(dir, 'checkout', '-q', 'main');
  addStaging('SHARED=same-on-both\nMAIN_ONLY=main-only-value-4444\n');
  git(dir, 'commit', '-qm', 'main staging');
  const m = gitRun(dir, 'merge', 'feature', '-m', 'merge');
  assert.is(m.code, 0, m.output);
  const r = run(['decrypt', '--env', 'staging', '--stdout'], { cwd: dir });
  assert.is(r.stdout, 'SHARED=same-on-both\nFEATURE_ONLY=feature-token-value-3333\nMAIN_ONLY=main-only-value-4444\n', 'a name from theirs goes after its predecessor there');
});

merge('without envseal git setup, git would merge sealed files as text', () => {
  const dir = repo({ setup: false });
  assert.is(git(dir, 'check-attr', 'merge', '--', '.env.encrypted'), '.env.encrypted: merge: unspecified\n');
});

setup.run();
diff.run();
merge.run();
