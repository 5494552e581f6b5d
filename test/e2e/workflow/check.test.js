// envseal check: every rule with a failing and a passing case; reports name the variable and the rule,
// never the value; exit 1 on any error.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { TEST_KEY, assertNoSecrets, run, tempDir, write } from '../../helpers/cli.js';
import { sealedProject } from './helpers.js';

const strong = () => randomBytes(24).toString('base64url');

/** Runs check on a plaintext .env against an example; returns the parsed JSON report and the raw run. */
function check(envText, exampleText, args = []) {
  const dir = tempDir('envseal-check-');
  write(path.join(dir, '.env'), envText);
  if (exampleText !== undefined) write(path.join(dir, '.env.example'), exampleText);
  const r = run(['check', '--json', ...args], { cwd: dir });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.is(r.code, report.errors > 0 ? 1 : 0, 'exit 1 exactly when there are errors');
  const secretValues = envText.split('\n').map((l) => l.split('=').slice(1).join('=')).filter((v) => v.length >= 6);
  assertNoSecrets(r.output, secretValues);
  return { report, r, dir };
}

const rules = (report, name) => report.findings.filter((f) => name === undefined || f.name === name).map((f) => `${f.severity}:${f.rule}`);

const rule = suite('check rules');

rule('missing: a name of the example absent from the env is an error; @optional names may be absent', () => {
  const example = 'A=<a>\n# @optional\nB=<b>\n';
  assert.equal(rules(check('B=1\n', example).report, 'A'), ['error:missing']);
  assert.equal(rules(check('A=1\n', example).report), []);
});

rule('extra: a name not in the example is a warning (exit 0), an error with --strict', () => {
  const { report, r } = check('A=1\nEXTRA=2\n', 'A=<a>\n');
  assert.equal(rules(report), ['warning:extra']);
  assert.is(r.code, 0);
  assert.equal(rules(check('A=1\nEXTRA=2\n', 'A=<a>\n', ['--strict']).report), ['error:extra']);
  assert.equal(rules(check('A=1\n', 'A=<a>\n', ['--strict']).report), []);
});

rule('placeholder: <...>, your_..._here, changeme, xxx and vendor-prefixed placeholders are errors', () => {
  for (const value of ['<64-char-random>', 'your_api_key_here', 'changeme', 'CHANGE_ME', 'xxx', 'xxxxxxxx', 'sk_test_<key>', 'postgres://app:<password>@db/app', '***']) {
    assert.equal(rules(check(`API_URL=${value}\n`, 'API_URL=<x>\n').report), ['error:placeholder'], value);
  }
  for (const value of ['https://api.example.com', 'maxxed-out', 'box-of-x']) assert.equal(rules(check(`API_URL=${value}\n`, 'API_URL=<x>\n').report), [], value);
});

rule('required: an @required name must not be empty; other names may be', () => {
  const example = '# @required\nA=<a>\nB=<b>\n';
  assert.equal(rules(check('A=\nB=\n', example).report), ['error:required']);
  assert.equal(rules(check('A=set\nB=\n', example).report), []);
});

rule('duplicate: a name set twice in the env is an error (twice in the example: a warning)', () => {
  assert.equal(rules(check('A=1\nA=2\n', 'A=<a>\n').report), ['error:duplicate']);
  assert.equal(rules(check('A=1\n', 'A=<a>\nA=<b>\n').report), ['warning:duplicate']);
  assert.equal(rules(check('A=1\nB=2\n', 'A=<a>\nB=<b>\n').report), []);
});

rule('@min, @max and @length count characters; with @format int they bound the number', () => {
  const example = '# @min 5 @max 8\nA=<a>\nB=<b> # @length 4\n# @format int @min 1 @max 65535\nPORT=3000\n';
  assert.equal(rules(check('A=abc\nB=abcd\nPORT=80\n', example).report), ['error:min']);
  assert.equal(rules(check('A=abcdefghi\nB=abcd\nPORT=80\n', example).report), ['error:max']);
  assert.equal(rules(check('A=abcdef\nB=abcde\nPORT=80\n', example).report), ['error:length']);
  assert.equal(rules(check('A=abcdef\nB=abcd\nPORT=0\n', example).report), ['error:min']);
  assert.equal(rules(check('A=abcdef\nB=abcd\nPORT=70000\n', example).report), ['error:max']);
  assert.equal(rules(check('A=abcdef\nB=abcd\nPORT=8080\n', example).report), []);
});

rule('@format: each format with a failing and a passing value', () => {
  const cases = {
    fernet: [randomBytes(32).toString('base64url') + '=', 'not-a-fernet-key'],
    hex: ['deadBEEF0123', 'xyz123'],
    base64: [randomBytes(12).toString('base64'), 'abc$'],
    base64url: [randomBytes(12).toString('base64url'), 'a+b/c'],
    url: ['https://example.com/path?q=1', 'not a url'],
    uuid: ['123e4567-e89b-42d3-a456-426614174000', '123e4567-e89b'],
    int: ['-42', '4.2'],
    bool: ['true', 'maybe'],
  };
  for (const [format, [good, bad]] of Object.entries(cases)) {
    const example = `# @format ${format}\nV=<v>\n`;
    assert.equal(rules(check(`V=${good}\n`, example).report), [], `${format} accepts ${good}`);
    assert.equal(rules(check(`V=${bad}\n`, example).report), ['error:format'], `${format} refuses ${bad}`);
  }
});

rule('annotation: an unknown or malformed annotation in the example is an error naming the line', () => {
  const { report } = check('A=1\nB=2\nC=3\n', '# @requird\nA=<a>\n# @min many\nB=<b>\n# @format yaml\nC=<c>\n');
  assert.equal(rules(report), ['error:annotation', 'error:annotation', 'error:annotation']);
  assert.match(report.findings[0].message, /line 1 \(A\): unknown annotation @requird/);
  assert.match(report.findings[1].message, /@min needs a whole number/);
  // Prose mentioning @someone is not an annotation.
  assert.equal(rules(check('A=1\n', '# ask @alice for this one\nA=<a>\n').report), []);
});

rule('low-entropy: a secret-looking name with a short or repetitive value is an error', () => {
  for (const [name, value] of [['SECRET_KEY', 'sekrit12'], ['DB_PASSWORD', 'aaaaaaaaaaaaaaaaaaaaaaaa'], ['API_TOKEN', 'abababababababababab'], ['AUTH_SALT', 'short-salt']]) {
    const { report } = check(`${name}=${value}\n`, `${name}=<x>\n`);
    assert.equal(rules(report), ['error:low-entropy'], name);
    assert.not.ok(report.findings[0].message.includes(value));
  }
  assert.equal(rules(check(`SECRET_KEY=${strong()}\n`, 'SECRET_KEY=<x>\n').report), []);
  assert.equal(rules(check('PASSWORD_MIN_LENGTH=8\nLOG_LEVEL=debug\n', 'PASSWORD_MIN_LENGTH=8\nLOG_LEVEL=info\n').report), [], 'names that only describe a secret, and plain names');
  assert.equal(rules(check('AUTH_ENABLED=true\n', '# @format bool\nAUTH_ENABLED=false\n').report), [], '@format bool says what it is');
  assert.equal(rules(check('API_KEY_HEADER=X-Api-Key\n', 'API_KEY_HEADER=X-Api-Key\n').report), [], 'a header name is no weak secret');
});

rule('without an example, only the value rules run', () => {
  const { report, dir } = check('SECRET_KEY=changeme\nPORT=3000\n', undefined);
  assert.is(report.example, null);
  assert.equal(rules(report), ['error:placeholder']);
  assert.match(run(['check'], { cwd: dir }).stdout, /no \.env\.example here, so only the value rules ran/);
  const missing = run(['check', '--example', 'nope.example'], { cwd: dir });
  assert.is(missing.code, 5, 'an --example that does not exist is an I/O error');
});

rule('the shipped .env.example reads without annotation problems, and a filled env passes', () => {
  const example = fs.readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
  const filled = example.replace(/^(\w+)=.*$/gm, (_, name) => {
    const special = { DATABASE_URL: 'postgres://app:pw@db:5432/app', ENCRYPTION_KEY: strong().slice(0, 32), PII_FERNET_KEY: randomBytes(32).toString('base64url') + '=', PORT: '3000', DEBUG: 'false' };
    return `${name}=${special[name] ?? strong()}`;
  });
  const { report } = check(filled, example);
  assert.equal(report.findings, []);
});

const source = suite('check sources and reuse');

source('reads the sealed file when the key is here, the plaintext without it or with --plain', () => {
  const dir = sealedProject('A=sealed-value\n', { keepPlain: true });
  write(path.join(dir, '.env'), 'A=changeme\n');
  write(path.join(dir, '.env.example'), 'A=<a>\n');
  const sealed = run(['check', '--json'], { cwd: dir });
  assert.is(JSON.parse(sealed.stdout).source, 'sealed');
  assert.is(sealed.code, 0);
  const plain = run(['check', '--json', '--plain'], { cwd: dir });
  assert.is(JSON.parse(plain.stdout).source, 'plain');
  assert.is(plain.code, 1);
  fs.rmSync(path.join(dir, '.env.key'));
  assert.is(JSON.parse(run(['check', '--json'], { cwd: dir }).stdout).source, 'plain');
  fs.rmSync(path.join(dir, '.env'));
  const none = run(['check'], { cwd: dir });
  assert.is(none.code, 3, 'sealed file but no key and no plaintext: the key error');
});

source('reused: the same secret in two environments is an error naming both, never the value', () => {
  const dir = tempDir('envseal-reuse-');
  const shared = strong();
  write(path.join(dir, '.env'), `SECRET_KEY=${shared}\nPORT=3000\n`);
  write(path.join(dir, '.env.production'), `SIGNING_SECRET=${shared}\nPORT=3000\n`);
  write(path.join(dir, '.env.staging'), `SECRET_KEY=${strong()}\nPORT=3000\n`);
  const env = { ENVSEAL_MASTER_KEY: TEST_KEY };
  for (const envName of [undefined, 'production', 'staging']) {
    assert.is(run(['encrypt', ...(envName ? ['--env', envName] : [])], { cwd: dir, env }).code, 0);
  }
  const r = run(['check', '--json'], { cwd: dir, env });
  const report = JSON.parse(r.stdout);
  assert.equal(rules(report), ['error:reused'], 'PORT=3000 in every env is not a secret');
  assert.match(report.findings[0].message, /SECRET_KEY in \.env\.encrypted has the same value as SIGNING_SECRET in \.env\.production\.encrypted/);
  assert.equal(report.compared, ['.env.production.encrypted', '.env.staging.encrypted']);
  assertNoSecrets(r.output, [shared]);

  const staging = JSON.parse(run(['check', '--json', '--env', 'staging'], { cwd: dir, env }).stdout);
  assert.equal(rules(staging), [], 'staging has its own secret');
});

source('envs whose key is not here are reported as not compared', () => {
  const dir = sealedProject(`SECRET_KEY=${strong()}\n`);
  write(path.join(dir, '.env.production.encrypted'), fs.readFileSync(path.join(dir, '.env.encrypted')));
  const r = run(['check'], { cwd: dir });
  assert.is(r.code, 0, r.stdout);
  assert.match(r.stdout, /not compared for reused secrets: \.env\.production\.encrypted \(no key for it here\)/);
  assert.match(r.stdout, /OK: no problems found/);
});

source('human output names variable and rule; exit 1', () => {
  const dir = tempDir('envseal-check-');
  const weak = 'hunter2';
  write(path.join(dir, '.env'), `DB_PASSWORD=${weak}\n`);
  write(path.join(dir, '.env.example'), '# @required\nDB_PASSWORD=<db-password>\n# @required\nSECRET_KEY=<secret-key>\n');
  const r = run(['check'], { cwd: dir });
  assert.is(r.code, 1);
  assert.match(r.stdout, /error\s+DB_PASSWORD\s+low-entropy:/);
  assert.match(r.stdout, /error\s+SECRET_KEY\s+missing:/);
  assert.match(r.stdout, /2 errors, 0 warnings/);
  assert.not.ok(r.output.includes(weak));
});

rule.run();
source.run();
