// The .env model: parseEnv reads what dotenv reads (and keeps the layout), refuses what it cannot
// carry, and renderValue writes values back so dotenv reads them unchanged.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { assertDotenvEquivalent, joinLines, parseEnv, renderEntry, renderEnv, renderValue, toRecord } from '../../dist/format/envfile.js';

const dotenv = createRequire(import.meta.url)('dotenv');

const entries = (text) => parseEnv(text, '.env').filter((l) => l.kind === 'entry');
const entry = (text) => {
  const found = entries(text);
  assert.is(found.length, 1, `one entry in ${JSON.stringify(text)}`);
  return found[0];
};

function refused(text, code, line) {
  try {
    parseEnv(text, 'config/.env');
  } catch (e) {
    assert.is(e.name, 'EnvsealError');
    assert.is(e.code, code);
    assert.is(e.exitCode, 4);
    assert.ok(e.message.includes('config/.env'), 'the message names the file');
    if (line !== undefined) assert.ok(e.message.includes(`line ${line} `), `expected line ${line} in: ${e.message}`);
    assert.ok(e.hint, 'a fix is suggested');
    return e;
  }
  assert.unreachable(`accepted ${JSON.stringify(text)}`);
}

test('comments and blank lines are kept as trivia with their line numbers', () => {
  const lines = parseEnv('# database\n\n   # indented comment\nDB_HOST=localhost\n\n', '.env');
  assert.equal(
    lines.map((l) => [l.kind, l.kind === 'trivia' ? l.text : l.name, l.line]),
    [
      ['trivia', '# database', 1],
      ['trivia', '', 2],
      ['trivia', '   # indented comment', 3],
      ['entry', 'DB_HOST', 4],
      ['trivia', '', 5],
    ],
  );
});

test('an empty file and a file without a final newline', () => {
  assert.equal(parseEnv('', '.env'), []);
  const lines = parseEnv('A=1\n# trailing', '.env');
  assert.is(lines.length, 2);
  assert.is(lines[1].text, '# trailing');
});

test('export prefix is recorded and not part of the name', () => {
  const e = entry('export   API_URL=https://api.example.test\n');
  assert.is(e.name, 'API_URL');
  assert.is(e.value, 'https://api.example.test');
  assert.is(e.exported, true);
  assert.is(entry('API_URL=x\n').exported, false);
  // A name that merely starts with "export" is not an export.
  const n = entry('exported_flag=1\n');
  assert.is(n.name, 'exported_flag');
  assert.is(n.exported, false);
});

test('quotes of all three kinds are stripped and remembered', () => {
  assert.equal([entry(`A='single # not a comment'\n`).value, entry(`A='single'\n`).quote], ['single # not a comment', "'"]);
  assert.equal([entry(`A="double"\n`).value, entry(`A="double"\n`).quote], ['double', '"']);
  assert.equal([entry('A=`back tick`\n').value, entry('A=`back`\n').quote], ['back tick', '`']);
  assert.equal([entry('A=bare\n').value, entry('A=bare\n').quote], ['bare', '']);
});

test('\\n and \\r escapes expand in double quotes only', () => {
  assert.is(entry('CERT="line1\\nline2\\r"\n').value, 'line1\nline2\r');
  assert.is(entry("CERT='line1\\nline2'\n").value, 'line1\\nline2');
  assert.is(entry('CERT=`line1\\nline2`\n').value, 'line1\\nline2');
  assert.is(entry('CERT=line1\\nline2\n').value, 'line1\\nline2');
});

test('multi-line quoted values span lines; the next entry gets the right line number', () => {
  const text = 'KEY="-----BEGIN FAKE KEY-----\nAAAA\n-----END FAKE KEY-----"\nNEXT=1\n';
  const [key, next] = entries(text);
  assert.is(key.value, '-----BEGIN FAKE KEY-----\nAAAA\n-----END FAKE KEY-----');
  assert.is(key.line, 1);
  assert.is(next.line, 4);
  assert.is(entry("S='one\ntwo'\n").value, 'one\ntwo');
  assert.is(entry('S=`one\ntwo`\n').value, 'one\ntwo');
});

test('inline comments are kept verbatim, including the space before them', () => {
  const bare = entry('PORT=8080   # http port\n');
  assert.is(bare.value, '8080');
  assert.is(bare.comment, '   # http port');
  const quoted = entry('NAME="envseal" # the app\n');
  assert.is(quoted.value, 'envseal');
  assert.is(quoted.comment, ' # the app');
  assert.is(renderEntry(bare, renderValue(bare.value, bare.quote)), 'PORT=8080   # http port');
});

test('empty values', () => {
  for (const text of ['EMPTY=\n', 'EMPTY=""\n', "EMPTY=''\n", 'EMPTY=``\n', 'EMPTY=   \n', 'EMPTY= # nothing\n']) {
    assert.is(entry(text).value, '', text);
  }
  assert.equal(toRecord(parseEnv('A=\nB=2\n', '.env')), { A: '', B: '2' });
});

test('# inside quoted values is part of the value', () => {
  assert.is(entry('PASSWORD="p#ss#word" # comment\n').value, 'p#ss#word');
  assert.is(entry("PASSWORD='#start'\n").value, '#start');
  assert.is(entry('PASSWORD=`a#b`\n').value, 'a#b');
  // Unquoted, dotenv cuts at the # (and so does envseal).
  assert.is(entry('PASSWORD=p#ss\n').value, 'p');
});

test('KEY: value syntax', () => {
  const e = entry('DATABASE_URL: postgres://localhost/app\n');
  assert.is(e.name, 'DATABASE_URL');
  assert.is(e.value, 'postgres://localhost/app');
  assert.is(entry('X: "quoted"\n').value, 'quoted');
});

test('duplicate names: both kept in order, the last wins as in dotenv', () => {
  const text = 'MODE=first\nOTHER=x\nMODE=second\n';
  assert.equal(entries(text).map((e) => [e.name, e.value]), [['MODE', 'first'], ['OTHER', 'x'], ['MODE', 'second']]);
  assert.equal(toRecord(parseEnv(text, '.env')), dotenv.parse(text));
  assert.is(toRecord(parseEnv(text, '.env')).MODE, 'second');
});

test('names with dots and dashes, spaces around =', () => {
  assert.equal(toRecord(parseEnv('app.name = demo\nfeature-x=on\n', '.env')), { 'app.name': 'demo', 'feature-x': 'on' });
});

test('garbage lines are refused with E_ENV_SYNTAX and the right line number', () => {
  refused('GOOD=1\nthis is not an assignment\n', 'E_ENV_SYNTAX', 2);
  refused('# header\n\nGOOD=1\nexport LONELY\n', 'E_ENV_SYNTAX', 4);
  refused('=no_name\n', 'E_ENV_SYNTAX', 1);
  refused('A=1\nB\n', 'E_ENV_SYNTAX', 2);
  // After a multi-line value the count continues on the right line.
  refused('CERT="a\nb\nc"\n# ok\n\nstray text\n', 'E_ENV_SYNTAX', 6);
  // An unterminated multi-line value: dotenv reads the first line only, the rest is garbage.
  refused('CERT="a\nb" trailing\n', 'E_ENV_SYNTAX', 2);
  const e = refused('A=1\nB\n', 'E_ENV_SYNTAX', 2);
  assert.not.ok(e.message.includes('A=1'), 'the line content (possibly a secret) is not quoted');
});

test('a line dotenv would read but envseal could not carry safely is refused, never dropped', () => {
  // Every non-blank, non-comment line must be an entry: nothing is silently left out of a sealed file.
  refused('A=1\n  some-secret-looking-text\n', 'E_ENV_SYNTAX', 2);
});

test('values parse exactly as dotenv parses them', () => {
  const text = [
    '# sample',
    'export SECRET_KEY=fake-secret-0000',
    'DATABASE_URL="postgres://user:pass@localhost:5432/app"',
    "SINGLE='it''s'",
    'MULTI="a',
    'b"',
    'ESC="x\\ny"',
    'BT=`back`',
    'INLINE=value # comment',
    'HASHQ="a#b"',
    'EMPTY=',
    'COLON: yes',
    'SPACES =  padded  ',
    'MODE=1',
    'MODE=2',
    'UNI=Grüße 🚀',
    '',
  ].join('\n');
  assert.equal(toRecord(parseEnv(text, '.env')), dotenv.parse(text));
});

test('renderValue round-trips through dotenv and prefers the original quote', () => {
  const values = ['plain', 'with space', "it's", 'say "hi"', 'a#b', ' lead', 'trail ', 'x\ny', 'x\r\ny', 'tab\there', 'a\\nb', '`mixed` \'all\' "three"', 'Grüße 🚀', '', '"', "'", '`', '"quoted"', '#', 'a = b'];
  for (const value of values) {
    for (const quote of ['', '"', "'", '`']) {
      const rendered = renderValue(value, quote);
      assert.ok(rendered !== undefined, `renderable: ${JSON.stringify(value)}`);
      assert.equal(dotenv.parse(`X=${rendered}\n`), { X: value }, `${JSON.stringify(value)} via ${rendered}`);
      assert.equal(toRecord(parseEnv(`X=${rendered}\n`, '.env')), { X: value });
    }
  }
  assert.is(renderValue('plain', "'"), "'plain'");
  assert.is(renderValue('plain', '`'), '`plain`');
  assert.is(renderValue('plain', ''), 'plain');
  assert.is(renderValue('a#b', ''), '"a#b"', 'quoted when bare would be cut at #');
  assert.is(renderValue('x\ny', ''), '"x\ny"');
});

test('renderValue refuses a value no dotenv quoting can carry', () => {
  // A literal "\n" and a real newline together, plus every quote character: no quoting reads back as this.
  assert.is(renderValue('a\\n\nb"\'`', '"'), undefined);
});

/** renderEnv of a parsed file must mean to dotenv what the file meant. */
function rendersFaithfully(text) {
  const lines = parseEnv(text, '.env');
  const out = renderEnv(lines, '.env');
  assert.equal(dotenv.parse(out), dotenv.parse(text), JSON.stringify(out));
  assert.equal(toRecord(parseEnv(out, '.env')), dotenv.parse(text));
  return out;
}

test('renderEnv keeps layout: comments, blank lines, export, inline comments, order', () => {
  const text = '# top\n\nexport A=1 # one\nB="x y"\n  # indented\nC=\'q\'\nA=2\n';
  assert.is(rendersFaithfully(text), text);
});

test('renderEnv: a value is never written so that a later line closes a quote it leaves open', () => {
  // A bare value starting with a quote: dotenv would pair it with a later line ending in that quote.
  rendersFaithfully('A="\nB = "\\n" # c\n');
  rendersFaithfully("A='\nB='x\n' # c\n");
  // CR inside a value (from a \r escape) must be written as \r: dotenv turns a literal CR into LF.
  assert.is(rendersFaithfully('A="x\\r\\ny"\n'), 'A="x\\r\\ny"\n');
});

test('renderEnv: a quoted value ending in a backslash is checked against what follows it', () => {
  // dotenv reads "a b\" as `a b\` only because no later line ends in a double quote.
  rendersFaithfully('A="a b\\"\nB=2\n');
  rendersFaithfully('A="#\\" # c\nB=`x`\n');
  // Written with a literal newline, B's value would start a line ending in `"` and extend A: B gets \n escapes.
  const out = rendersFaithfully('A="]\\r\\" # c\nB: "\\n" # d"\n');
  assert.is(out, 'A="]\\r\\" # c\nB="\\n" # d"\n');
});

test('renderEnv refuses, naming the variable and line, when no writing reads back', () => {
  const lines = [{ kind: 'trivia', text: '# c', line: 1 }, { kind: 'entry', name: 'ODD', value: 'a\\n\nb"\'`', exported: false, quote: '"', comment: '', line: 2 }];
  assert.throws(
    () => renderEnv(lines, 'app/.env'),
    (e) => e.code === 'E_ENV_UNREPRESENTABLE' && e.exitCode === 4 && e.message.includes('app/.env line 2') && e.message.includes('ODD') && !e.message.includes('a\\n'),
  );
});

test('joinLines ends with one newline; nothing for no lines', () => {
  assert.is(joinLines(['A=1', '# c']), 'A=1\n# c\n');
  assert.is(joinLines([]), '');
});

test('assertDotenvEquivalent accepts what dotenv agrees with and names the variable otherwise', () => {
  const text = 'A=1\nB="two"\n';
  assertDotenvEquivalent(text, parseEnv(text, '.env'), '.env');
  const lines = parseEnv(text, '.env');
  lines[1] = { ...lines[1], value: 'changed-secret-value' };
  try {
    assertDotenvEquivalent(text, lines, 'app/.env');
    assert.unreachable('a disagreement passed');
  } catch (e) {
    assert.is(e.code, 'E_ENV_AMBIGUOUS');
    assert.is(e.exitCode, 4);
    assert.ok(e.message.includes('app/.env') && e.message.includes('B'));
    assert.not.ok(`${e.message} ${e.hint}`.includes('changed-secret-value'));
    assert.not.ok(`${e.message} ${e.hint}`.includes('two'));
  }
  // A name dotenv sees that envseal lost is a disagreement too.
  try {
    assertDotenvEquivalent(text, lines.slice(0, 1), '.env');
    assert.unreachable('a missing entry passed');
  } catch (e) {
    assert.is(e.code, 'E_ENV_AMBIGUOUS');
  }
});

test.run();
