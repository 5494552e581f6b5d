// envseal edit with scripted editors: re-seal on success, nothing written otherwise, and the private
// temp directory gone on every path (success, no change, failure, crash, signals).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, OTHER_KEY, assertNoSecrets, mode, read, run, runAsync, tempDir } from '../../helpers/cli.js';
import { changedLines, finished, lines, script, sealedProject, spot, values, waitFor } from './helpers.js';
import { runAtTerminal } from '../../helpers/pty.js';

const SECRET = spot('secret');
const DB = spot('db');
const ENV = `# app\nSECRET_KEY=${SECRET}\nDB_PASSWORD="${DB}" # primary\nPORT=3000\n`;
const SECRETS = [SECRET, DB];

/** A project, a private runtime dir (where edit must create and remove its temp dir) and a log file for the editor. */
function setup() {
  const dir = sealedProject(ENV);
  const runtime = tempDir('envseal-runtime-');
  const log = path.join(dir, 'editor.log');
  return { dir, runtime, log, sealed: path.join(dir, '.env.encrypted') };
}

/** Gone, or a zombie waiting for init to reap it (slow in some containers). */
function exited(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

const editWith = (ctx, editor, extra = {}) => run(['edit'], { cwd: ctx.dir, env: { XDG_RUNTIME_DIR: ctx.runtime, EDITOR: editor, ...extra } });
const leftovers = (ctx) => fs.readdirSync(ctx.runtime);

const edit = suite('edit');

edit('re-seals the edited file; only the changed line and the MAC line differ (besides the value records); temp dir 0700 and file 0600, gone afterwards', () => {
  const ctx = setup();
  const before = lines(ctx.sealed);
  const NEW = spot('new');
  const editor = script(ctx.dir, 'editor.sh', `stat -c '%a' "$(dirname "$1")" "$1" > "${'$'}{LOG}"\necho "$1" >> "${'$'}{LOG}"\nsed -i "s/^SECRET_KEY=.*/SECRET_KEY=${NEW}/" "$1"`);
  const r = editWith(ctx, editor, { LOG: ctx.log });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /Updated \.env\.encrypted: changed SECRET_KEY/);
  const [dirMode, fileMode, tempFile] = read(ctx.log).trim().split('\n');
  assert.is(dirMode, '700');
  assert.is(fileMode, '600');
  assert.ok(tempFile.startsWith(ctx.runtime), 'the temp file is under $XDG_RUNTIME_DIR');
  assert.is(path.basename(tempFile), '.env', 'named like the env so editors highlight it');
  assert.equal(leftovers(ctx), [], 'temp dir removed');

  const after = lines(ctx.sealed);
  const changed = changedLines(before, after);
  assert.equal(changed.map((i) => after[i].split('=')[0].split(' ')[0]), ['SECRET_KEY', '#envseal:mac']);
  assert.equal(values(ctx.dir), { SECRET_KEY: NEW, DB_PASSWORD: DB, PORT: '3000' });
  assertNoSecrets(r.output, [...SECRETS, NEW]);
});

edit('an unchanged file writes nothing', () => {
  const ctx = setup();
  const before = fs.statSync(ctx.sealed);
  const bytes = read(ctx.sealed);
  const r = editWith(ctx, script(ctx.dir, 'noop.sh', 'true'));
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /No changes/);
  assert.is(read(ctx.sealed), bytes);
  assert.is(fs.statSync(ctx.sealed).mtimeMs, before.mtimeMs);
  assert.equal(leftovers(ctx), []);
});

edit('an editor that exits non-zero changes nothing, even after editing', () => {
  const ctx = setup();
  const bytes = read(ctx.sealed);
  const r = editWith(ctx, script(ctx.dir, 'fail.sh', 'echo "BROKEN=1" >> "$1"\nexit 3'));
  assert.is(r.code, 1);
  assert.match(r.stderr, /exited with status 3; nothing was changed/);
  assert.is(read(ctx.sealed), bytes);
  assert.equal(leftovers(ctx), []);
  assertNoSecrets(r.output, SECRETS);
});

edit('an editor that crashes or is killed by a signal changes nothing', () => {
  for (const signal of ['KILL', 'SEGV']) {
    const ctx = setup();
    const bytes = read(ctx.sealed);
    const r = editWith(ctx, script(ctx.dir, 'crash.sh', `echo "BROKEN=1" >> "$1"\nkill -${signal} $$`));
    assert.is(r.code, 1, signal);
    assert.match(r.stderr, /(killed by SIG|exited with status 1[0-9]{2})/);
    assert.is(read(ctx.sealed), bytes);
    assert.equal(leftovers(ctx), [], `temp dir removed after SIG${signal}`);
  }
});

edit('an editor that is not found fails cleanly', () => {
  const ctx = setup();
  const r = editWith(ctx, 'no-such-editor-xyz');
  assert.is(r.code, 1);
  assert.match(r.stderr, /not found/);
  assert.equal(leftovers(ctx), []);
});

edit('SIGTERM, SIGINT and SIGHUP to envseal while the editor runs: temp dir removed, editor stopped, nothing written', async () => {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
    const ctx = setup();
    const bytes = read(ctx.sealed);
    const started = path.join(ctx.dir, 'started');
    const editor = script(ctx.dir, 'slow.sh', `echo "$$" > "${started}"\necho "BROKEN=1" >> "$1"\nexec sleep 30`);
    const child = runAsync(['edit'], { cwd: ctx.dir, env: { XDG_RUNTIME_DIR: ctx.runtime, EDITOR: editor } });
    const done = finished(child);
    await waitFor(() => fs.existsSync(started) && read(started).trim() !== '');
    assert.is(leftovers(ctx).length, 1, 'temp dir exists while editing');
    child.kill(signal);
    const result = await done;
    assert.is(result.signal, signal, `envseal re-raised ${signal}`);
    assert.equal(leftovers(ctx), [], `temp dir removed on ${signal}`);
    assert.is(read(ctx.sealed), bytes);
    await waitFor(() => exited(Number(read(started).trim())));
  }
});

edit('EDITOR with arguments works, the file is its last argument, and no value is in any argv', () => {
  const ctx = setup();
  const argsLog = path.join(ctx.dir, 'args.log');
  const editor = script(ctx.dir, 'witharg.sh', `printf '%s\\n' "$@" > "${argsLog}"\nps -eo args >> "${argsLog}"\nsed -i 's/^PORT=.*/PORT=4000/' "$2"`);
  const r = editWith(ctx, `${editor} --wait`);
  assert.is(r.code, 0, r.stderr);
  const logged = read(argsLog).split('\n');
  assert.is(logged[0], '--wait');
  assert.ok(logged[1].startsWith(ctx.runtime));
  assertNoSecrets(read(argsLog), SECRETS, 'process list');
  assert.is(values(ctx.dir).PORT, '4000');
});

edit('$VISUAL wins over $EDITOR', () => {
  const ctx = setup();
  const visual = script(ctx.dir, 'visual.sh', 'sed -i "s/^PORT=.*/PORT=5000/" "$1"');
  const r = editWith(ctx, script(ctx.dir, 'fail.sh', 'exit 1'), { VISUAL: visual });
  assert.is(r.code, 0, r.stderr);
  assert.is(values(ctx.dir).PORT, '5000');
});

edit('a parse error without a terminal: nothing written, the edit kept (0600) at the path the error names', () => {
  const ctx = setup();
  const bytes = read(ctx.sealed);
  const r = editWith(ctx, script(ctx.dir, 'bad.sh', 'echo "this line is not an assignment" >> "$1"'));
  assert.is(r.code, 4);
  const kept = /kept in (\S+) \(mode 0600\)/.exec(r.stderr)?.[1];
  assert.ok(kept, r.stderr);
  assert.is(mode(kept), 0o600);
  assert.is(mode(path.dirname(kept)), 0o700);
  assert.match(read(kept), /this line is not an assignment/);
  assert.match(r.stderr, /line 5/);
  assert.match(r.stderr, new RegExp(`envseal encrypt --in ${kept.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --out \\.env\\.encrypted --key-file`));
  assert.is(read(ctx.sealed), bytes);
  assertNoSecrets(r.output, SECRETS);
  // The suggested command seals the fixed file.
  fs.writeFileSync(kept, read(kept).replace('this line is not an assignment\n', ''));
  const sealedAgain = run(['encrypt', '--in', kept, '--out', '.env.encrypted', '--key-file', '.env.key'], { cwd: ctx.dir });
  assert.is(sealedAgain.code, 0, sealedAgain.stderr);
  fs.rmSync(path.dirname(kept), { recursive: true });
});

/** Runs `envseal edit` on a pseudo-terminal (stdin and stderr are TTYs), answering the reopen question with `answer`. */
function editAtTerminal(ctx, editor, answer) {
  return runAtTerminal([process.execPath, BIN, 'edit'], { cwd: ctx.dir, env: { XDG_RUNTIME_DIR: ctx.runtime, EDITOR: editor }, prompt: 'Reopen the editor', reply: answer });
}

edit('a parse error at a terminal asks to reopen the editor, and the second edit is sealed', () => {
  const ctx = setup();
  const counter = path.join(ctx.dir, 'count');
  const editor = script(ctx.dir, 'twice.sh', `n=$(cat "${counter}" 2>/dev/null || echo 0); echo $((n+1)) > "${counter}"\nif [ "$n" = 0 ]; then echo "not valid" >> "$1"; else sed -i '/^not valid$/d; s/^PORT=.*/PORT=6000/' "$1"; fi`);
  const r = editAtTerminal(ctx, editor, 'y\r');
  assert.is(r.code, 0, r.output);
  assert.match(r.output, /line 5 is not NAME=value/);
  assert.is(read(counter).trim(), '2');
  assert.is(values(ctx.dir).PORT, '6000');
  assert.equal(leftovers(ctx), []);
});

edit('answering no, or Ctrl-C, at the reopen question keeps the edit and says where', () => {
  for (const answer of ['n\r', '\x03']) {
    const ctx = setup();
    const bytes = read(ctx.sealed);
    const r = editAtTerminal(ctx, script(ctx.dir, 'bad.sh', 'echo "not valid" >> "$1"'), answer);
    assert.is(r.code, 4, r.output);
    const kept = /kept in (\S+) \(mode 0600\)/.exec(r.output)?.[1];
    assert.ok(kept && read(kept).includes('not valid'), JSON.stringify(answer));
    assert.is(read(ctx.sealed), bytes);
    assertNoSecrets(r.output.replace(/\r/g, ''), SECRETS);
  }
});

/** An editor that, while open, has another envseal process `set` a value in the same sealed file. */
const racingEditor = (ctx, name, theirs, mine) =>
  script(
    ctx.dir,
    'race.sh',
    `printf %s ${theirs} | '${process.execPath}' '${BIN}' set ${name} >/dev/null 2>&1\nsed -i "s/^PORT=.*/PORT=${mine}/" "$1"`,
  );

edit('a teammate process setting the same name during the edit: not overwritten; the edit is kept', () => {
  const ctx = setup();
  const r = editWith(ctx, racingEditor(ctx, 'PORT', '8000', '7000'));
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /changed by something else.*\(PORT\)/);
  const kept = /kept in (\S+) \(mode 0600\)/.exec(r.stderr)?.[1];
  assert.ok(kept && /PORT=7000/.test(read(kept)));
  assert.is(values(ctx.dir).PORT, '8000');
  fs.rmSync(path.dirname(kept), { recursive: true });
});

edit('another process setting a different name during the edit: both changes land', () => {
  const ctx = setup();
  const r = editWith(ctx, racingEditor(ctx, 'FEATURE_FLAG', 'on', '7000'));
  assert.is(r.code, 0, r.stderr);
  const after = values(ctx.dir);
  assert.is(after.PORT, '7000');
  assert.is(after.FEATURE_FLAG, 'on');
  assert.is(after.SECRET_KEY, SECRET);
});

/** The path a kept-edit error names, checked: 0600 in a 0700 directory, holding `content`. */
function keptEdit(output, content) {
  const kept = /kept in (\S+) \(mode 0600\)/.exec(output)?.[1];
  assert.ok(kept, output);
  assert.is(mode(kept), 0o600);
  assert.is(mode(path.dirname(kept)), 0o700);
  assert.equal(fs.readFileSync(kept), Buffer.from(content, 'latin1'));
  return kept;
}

// Built at run time, so this file holds no string a secret scanner would flag.
const GITHUB = 'gh' + 'p_' + 'Xq4Rz8Lm2Nw6Pt0Vs3Hb7Jk1Fd5Cg9Ya2Ue4';
const LEAKY_EDIT = `A=new-work\nB=more\n# old ${GITHUB}\n`;

edit('a comment that would leak a secret, without a terminal: exit 1, nothing written, the edit kept (0600) at the path the error names', () => {
  const ctx = setup();
  const bytes = read(ctx.sealed);
  const r = editWith(ctx, script(ctx.dir, 'leak.sh', `printf '%s' "$EDIT" > "$1"`), { EDIT: LEAKY_EDIT });
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /a comment would stay readable in the sealed file/);
  const kept = keptEdit(r.stderr, LEAKY_EDIT);
  assert.is(read(ctx.sealed), bytes);
  assertNoSecrets(r.output, [...SECRETS, GITHUB]);
  fs.rmSync(path.dirname(kept), { recursive: true });
});

edit('an edit that is not UTF-8, without a terminal: exit 4, nothing written, the edit kept', () => {
  const ctx = setup();
  const bytes = read(ctx.sealed);
  const r = editWith(ctx, script(ctx.dir, 'latin1.sh', `printf 'B=caf\\351\\n' > "$1"`));
  assert.is(r.code, 4, r.stderr);
  assert.match(r.stderr, /not UTF-8/);
  const kept = keptEdit(r.stderr, 'B=caf\xe9\n');
  assert.is(read(ctx.sealed), bytes);
  fs.rmSync(path.dirname(kept), { recursive: true });
});

edit('a leaking comment at a terminal asks to reopen the editor, and the fixed edit is sealed', () => {
  const ctx = setup();
  const counter = path.join(ctx.dir, 'count');
  const editor = script(ctx.dir, 'twice.sh', `n=$(cat "${counter}" 2>/dev/null || echo 0); echo $((n+1)) > "${counter}"\nif [ "$n" = 0 ]; then echo "# old ${GITHUB}" >> "$1"; else sed -i '/^# old /d; s/^PORT=.*/PORT=6001/' "$1"; fi`);
  const r = editAtTerminal(ctx, editor, 'y\r');
  assert.is(r.code, 0, r.output);
  assert.match(r.output, /a comment would stay readable/);
  assert.is(read(counter).trim(), '2');
  assert.is(values(ctx.dir).PORT, '6001');
  assert.equal(leftovers(ctx), []);
  assertNoSecrets(r.output.replace(/\r/g, ''), [...SECRETS, GITHUB]);
});

edit('an editor that fails after a reopen keeps the edit made before it', () => {
  const ctx = setup();
  const bytes = read(ctx.sealed);
  const counter = path.join(ctx.dir, 'count');
  const editor = script(ctx.dir, 'then-fail.sh', `n=$(cat "${counter}" 2>/dev/null || echo 0); echo $((n+1)) > "${counter}"\nif [ "$n" = 0 ]; then echo "not valid" >> "$1"; else exit 1; fi`);
  const r = editAtTerminal(ctx, editor, 'y\r');
  assert.is(r.code, 1, r.output);
  assert.match(r.output, /exited with status 1/);
  const kept = /kept in (\S+) \(mode 0600\)/.exec(r.output)?.[1];
  assert.ok(kept && read(kept).includes('not valid'), r.output);
  assert.is(read(ctx.sealed), bytes);
  fs.rmSync(path.dirname(kept), { recursive: true });
});

edit('a signal while the reopened editor runs keeps the earlier edit and says where', () => {
  const ctx = setup();
  const bytes = read(ctx.sealed);
  const counter = path.join(ctx.dir, 'count');
  // The second editor run is the reopened one: it signals envseal (its parent, as the editor is exec'd).
  const editor = script(ctx.dir, 'then-killed.sh', `n=$(cat "${counter}" 2>/dev/null || echo 0); echo $((n+1)) > "${counter}"\nif [ "$n" = 0 ]; then echo "not valid" >> "$1"; else kill -TERM $PPID; sleep 5; fi`);
  const r = editAtTerminal(ctx, editor, 'y\r');
  assert.is(r.code, 256 - 15, r.output); // the pty driver's sys.exit(-SIGTERM)
  assert.match(r.output, /stopped by a signal/);
  const kept = /kept in (\S+) \(mode 0600\)/.exec(r.output)?.[1];
  assert.ok(kept && read(kept).includes('not valid'), r.output);
  assert.is(fs.statSync(kept).mode & 0o777, 0o600);
  assert.is(read(ctx.sealed), bytes);
  assertNoSecrets(r.output.replace(/\r/g, ''), SECRETS);
  fs.rmSync(path.dirname(kept), { recursive: true });
});

edit('the editor does not inherit the variables that hold or fetch a master key', () => {
  const ctx = setup();
  const key = /[\w-]{43}=/.exec(read(path.join(ctx.dir, '.env.key')))[0];
  const envLog = path.join(ctx.dir, 'env.log');
  const editor = script(ctx.dir, 'env.sh', `env > "${envLog}"\nsed -i 's/^PORT=.*/PORT=4100/' "$1"`);
  const r = editWith(ctx, editor, {
    ENVSEAL_MASTER_KEY: key,
    SECRETS_MASTER_KEY: key,
    ENVSEAL_MASTER_KEY_PREVIOUS: OTHER_KEY,
    ENVSEAL_MASTER_KEY_STAGING: OTHER_KEY,
    ENVSEAL_KEY_COMMAND: 'echo not-used',
    UNRELATED: 'kept',
  });
  assert.is(r.code, 0, r.stderr);
  assert.is(values(ctx.dir).PORT, '4100');
  const seen = read(envLog);
  assert.match(seen, /^UNRELATED=kept$/m);
  assert.equal(seen.split('\n').filter((line) => /^(ENVSEAL_MASTER_KEY|SECRETS_MASTER_KEY|ENVSEAL_KEY_COMMAND)/.test(line)).map((line) => line.split('=')[0]), []);
  assertNoSecrets(seen, [key, OTHER_KEY], 'the editor\'s environment');
});

edit('without the key: exit 3 before any editor or temp file', () => {
  const ctx = setup();
  fs.renameSync(path.join(ctx.dir, '.env.key'), path.join(ctx.runtime, '..', `${path.basename(ctx.runtime)}.key`));
  const r = editWith(ctx, script(ctx.dir, 'never.sh', `touch "${ctx.log}"`));
  assert.is(r.code, 3);
  assert.not.ok(fs.existsSync(ctx.log));
  assert.equal(leftovers(ctx), []);
});

edit.run();
