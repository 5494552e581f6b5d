// `show`, `get` and `export` through the real CLI: what is masked, and every export format read back
// by its own consumer. Ends with a leak test over every command without --reveal.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { TEST_KEY, assertNoSecrets, run, tempDir, write } from '../helpers/cli.js';
import { masksIn, parseGithubEnv } from '../helpers/github.js';
import { renderEntry, renderValue } from '../../dist/format/envfile.js';
import * as YAML from 'yaml';

const dotenv = createRequire(import.meta.url)('dotenv');

const STRIPE = 'sk_test_' + 'T3stOnlyNotReal' + '4eC39HqLyjWDarjt';
const PASSWORD = 's3cr3t-pw-for-tests';
const PEM = '-----BEGIN PRIVATE KEY-----\nTUlJRXZRSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0M=\n-----END PRIVATE KEY-----';
const SECRET_VALUES = {
  STRIPE_SECRET_KEY: STRIPE,
  DATABASE_URL: `postgres://app:${PASSWORD}@db:5432/app`,
  API_TOKEN: 'tok-short-1',
  PRIVATE_KEY: PEM,
  SESSION_SECRET: "it's \"quoted\" `tick` $HOME $(id) \\n",
};
const PUBLIC_VALUES = {
  PORT: '3000',
  DEBUG: 'true',
  GREETING: '  héllo wörld 🚀  ',
  EQUATION: 'a=b=c # not a comment',
  EMPTY: '',
  NOTE: 'two\nlines',
};
const VALUES = { ...SECRET_VALUES, ...PUBLIC_VALUES };
const SECRETS = [STRIPE, PASSWORD, SECRET_VALUES.API_TOKEN, PEM, SECRET_VALUES.SESSION_SECRET];
const KEY_ENV = { ENVSEAL_MASTER_KEY: TEST_KEY };

const envText = (values) => `${Object.entries(values).map(([name, value]) => renderEntry({ name, exported: false, comment: '' }, renderValue(value, ''))).join('\n')}\n`;

function project(values = VALUES, envName) {
  const dir = tempDir('envseal-show-');
  fs.mkdirSync(path.join(dir, '.git'));
  const plain = path.join(dir, envName ? `.env.${envName}` : '.env');
  write(plain, envText(values));
  assert.equal(dotenv.parse(fs.readFileSync(plain)), values, 'test setup: the .env reads back');
  assert.is(run(['encrypt', ...(envName ? ['--env', envName] : [])], { cwd: dir, env: KEY_ENV }).code, 0);
  fs.rmSync(plain);
  return dir;
}

const ok = (r) => {
  assert.is(r.code, 0, r.stderr);
  return r.stdout;
};

// ---- show ------------------------------------------------------------------------------------------

const show = suite('show');

show('a table of names, masked values and which are sensitive', () => {
  const dir = project();
  const lines = ok(run(['show'], { cwd: dir, env: KEY_ENV })).trimEnd().split('\n');
  assert.equal(lines[0].split(/\s{2,}/), ['NAME', 'VALUE', 'SENSITIVE']);
  const rows = Object.fromEntries(lines.slice(1).map((line) => [line.split(/\s+/)[0], line]));
  assert.equal(Object.keys(rows), Object.keys(VALUES));
  assert.match(rows.STRIPE_SECRET_KEY, /^STRIPE_SECRET_KEY\s+sk_t…arjt\s+yes$/);
  assert.match(rows.DATABASE_URL, /^DATABASE_URL\s+postgres:\/\/app:\*\*\*\*@db:5432\/app\s+yes$/);
  assert.match(rows.API_TOKEN, /^API_TOKEN\s+\*\*\*\*\s+yes$/);
  assert.match(rows.PRIVATE_KEY, /^PRIVATE_KEY\s+----…----\s+yes$/);
  assert.match(rows.PORT, /^PORT\s+3000\s+no$/);
  assert.match(rows.NOTE, /^NOTE\s+two\\nlines\s+no$/);
});

show('--json: the same, machine-readable, still masked; --reveal shows plaintext', () => {
  const dir = project();
  const masked = JSON.parse(ok(run(['show', '--json'], { cwd: dir, env: KEY_ENV })));
  const byName = Object.fromEntries(masked.map((v) => [v.name, v]));
  assert.equal(byName.STRIPE_SECRET_KEY, { name: 'STRIPE_SECRET_KEY', value: 'sk_t…arjt', sensitive: true, reason: 'name' });
  assert.equal(byName.DATABASE_URL, { name: 'DATABASE_URL', value: 'postgres://app:****@db:5432/app', sensitive: true, reason: 'embedded-password' });
  assert.equal(byName.GREETING, { name: 'GREETING', value: PUBLIC_VALUES.GREETING, sensitive: false });
  const revealed = JSON.parse(ok(run(['show', '--json', '--reveal'], { cwd: dir, env: KEY_ENV })));
  assert.equal(Object.fromEntries(revealed.map((v) => [v.name, v.value])), VALUES);
  assert.ok(ok(run(['show', '--reveal'], { cwd: dir, env: KEY_ENV })).includes(STRIPE));
});

show('names in .envseal.json are masked; a public value that equals a secret is masked too', () => {
  const dir = project({ PIN: '4321', MIRROR: '4321', LICENSE: 'community-edition', PORT: '3000' });
  write(path.join(dir, '.envseal.json'), JSON.stringify({ mask: { sensitive: ['LIC*'] } }));
  const byName = Object.fromEntries(JSON.parse(ok(run(['show', '--json'], { cwd: dir, env: KEY_ENV }))).map((v) => [v.name, v]));
  assert.is(byName.LICENSE.value, '****');
  assert.is(byName.LICENSE.reason, 'config');
  assert.is(byName.PIN.value, '****');
  assert.is(byName.MIRROR.value, '****');
  assert.is(byName.MIRROR.sensitive, false);
  assert.is(byName.PORT.value, '3000');
});

show('errors name the file and the fix: no sealed file (5), no key (3)', () => {
  const empty = tempDir('envseal-show-empty-');
  const missing = run(['show'], { cwd: empty, env: KEY_ENV });
  assert.is(missing.code, 5);
  assert.match(missing.stderr, /\.env\.encrypted does not exist/);
  const noKey = run(['show'], { cwd: project() });
  assert.is(noKey.code, 3);
  assert.match(noKey.stderr, /no master key found/);
});

show.run();

// ---- get ---------------------------------------------------------------------------------------------

const get = suite('get');

get('one value: masked when sensitive, as is when not, plaintext with --reveal', () => {
  const dir = project();
  assert.is(ok(run(['get', 'STRIPE_SECRET_KEY'], { cwd: dir, env: KEY_ENV })), 'sk_t…arjt\n');
  assert.is(ok(run(['get', 'DATABASE_URL'], { cwd: dir, env: KEY_ENV })), 'postgres://app:****@db:5432/app\n');
  assert.is(ok(run(['get', 'PORT'], { cwd: dir, env: KEY_ENV })), '3000\n');
  assert.is(ok(run(['get', 'STRIPE_SECRET_KEY', '--reveal'], { cwd: dir, env: KEY_ENV })), `${STRIPE}\n`);
  assert.is(ok(run(['get', 'PRIVATE_KEY', '--reveal'], { cwd: dir, env: KEY_ENV })), `${PEM}\n`);
});

get('an absent name exits 1, says where it looked, and suggests a name that differs only in case', () => {
  const dir = project();
  const absent = run(['get', 'NOPE'], { cwd: dir, env: KEY_ENV });
  assert.is(absent.code, 1);
  assert.is(absent.stdout, '');
  assert.match(absent.stderr, /NOPE is not in \.env\.encrypted/);
  const near = run(['get', 'port'], { cwd: dir, env: KEY_ENV });
  assert.is(near.code, 1);
  assert.match(near.stderr, /did you mean PORT\?/);
  // A value pasted where the name goes (a valid name by its characters) is not repeated either.
  for (const pasted of [STRIPE, 'ghp_' + 'Zq7Yx6Wv5Ut4Sr3Qp2On1Ml0Kj9Ih8Gf7Ed6']) {
    const r = run(['get', pasted], { cwd: dir, env: KEY_ENV });
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, /the name given \(not repeated: it looks like a value\) is not in/);
    assertNoSecrets(r.output, [pasted]);
  }
});

get('an argument that is not a variable name (NAME=value, a pasted value) is refused with exit 2, never echoed', () => {
  const dir = project();
  for (const [argument, problem] of [
    [`API_TOKEN=${SECRET_VALUES.API_TOKEN}`, /contains "="/],
    [`Bearer ${STRIPE}`, /not a valid variable name: it contains a space/],
    ['', /not a valid variable name: it is empty/],
  ]) {
    const r = run(['get', argument], { cwd: dir, env: KEY_ENV });
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stdout, '');
    assert.match(r.stderr, problem);
    assert.match(r.stderr, /envseal show/);
    assertNoSecrets(r.output, [...SECRETS, argument], `get ${JSON.stringify(argument)}`);
  }
});

get.run();

// ---- export --------------------------------------------------------------------------------------------

const exporting = suite('export');

const exported = (dir, format, options = {}) => run(['export', '--format', format, ...(options.args ?? [])], { cwd: dir, env: { ...KEY_ENV, ...options.env } });

exporting('shell: a POSIX shell that sources the output sees every value exactly', () => {
  const dir = project();
  write(path.join(dir, 'values.sh'), ok(exported(dir, 'shell')));
  const printer = `process.stdout.write(JSON.stringify(Object.fromEntries(${JSON.stringify(Object.keys(VALUES))}.map((n) => [n, process.env[n]]))))`;
  const sh = spawnSync('sh', ['-c', `. ./values.sh && exec "$NODE" -e '${printer}'`], { cwd: dir, env: { PATH: process.env.PATH, NODE: process.execPath }, encoding: 'utf8' });
  assert.is(sh.status, 0, sh.stderr);
  assert.equal(JSON.parse(sh.stdout), VALUES);
  assert.is(ok(exported(dir, 'shell')).split('\n').filter((line) => line.startsWith('export ')).length, Object.keys(VALUES).length);
});

exporting('shell: a name that is not a shell identifier is refused (exit 2), naming it', () => {
  const dir = project({ 'app.port': '1' });
  const r = exported(dir, 'shell');
  assert.is(r.code, 2);
  assert.match(r.stderr, /--format shell cannot carry app\.port/);
  assert.is(r.stdout, '');
});

exporting('a variable the format cannot carry, however far down, leaves no output at all: every one is checked before the first line is written', () => {
  const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`NAME_${i}`, `value ${i}`]));
  for (const [format, last, refusal] of [
    ['shell', { 'app.port': '1' }, /--format shell cannot carry app\.port/],
    ['docker', { NOTE: 'two\nlines' }, /--format docker cannot carry NOTE/],
  ]) {
    const r = exported(project({ ...many, ...last, LAST: 'x' }), format);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, refusal);
    assert.is(r.stdout, '');
  }
});

exporting('shell is the default format', () => {
  const dir = project({ PORT: '3000' });
  assert.is(ok(run(['export'], { cwd: dir, env: KEY_ENV })), "export PORT='3000'\n");
});

exporting('json: JSON.parse gives back every value', () => {
  const dir = project();
  assert.equal(JSON.parse(ok(exported(dir, 'json'))), VALUES);
});

exporting('dotenv: dotenv.parse gives back every value', () => {
  const dir = project();
  assert.equal(dotenv.parse(ok(exported(dir, 'dotenv'))), VALUES);
});

/** docker's env-file reader (docker/cli pkg/kvfile), as documented and implemented there. */
function parseDockerEnvFile(text) {
  const values = {};
  text.split('\n').forEach((raw, i, all) => {
    if (i === all.length - 1 && raw === '') return;
    const line = raw.replace(/\r$/, '').replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq < 0 ? line : line.slice(0, eq);
    if (name === '' || /[ \t]/.test(name)) throw new Error(`docker would reject line ${i + 1}`);
    if (eq < 0) return;
    let value = line.slice(eq + 1);
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) value = value.slice(1, -1);
    values[name] = value;
  });
  return values;
}

exporting('docker: read back by docker\'s env-file rules; values are not quoted', () => {
  const safe = { ...VALUES };
  delete safe.PRIVATE_KEY;
  delete safe.NOTE;
  const dir = project(safe);
  const text = ok(exported(dir, 'docker'));
  assert.equal(parseDockerEnvFile(text), safe);
  assert.ok(text.includes(`GREETING=${safe.GREETING}\n`));
});

exporting('docker: multi-line and quote-wrapped values are refused with exit 2, naming the variable', () => {
  const multi = exported(project({ PORT: '1', NOTE: 'two\nlines' }), 'docker');
  assert.is(multi.code, 2);
  assert.match(multi.stderr, /--format docker cannot carry NOTE: its value spans several lines/);
  assert.match(multi.stderr, /envseal run -- docker run -e NOTE/);
  assert.is(multi.stdout, '');
  const quoted = exported(project({ QUOTED: '"kept"' }), 'docker');
  assert.is(quoted.code, 2);
  assert.match(quoted.stderr, /cannot carry QUOTED: its value is wrapped in quotes/);
});

exporting('github: ::add-mask:: for every secret (and each line of a multi-line one), values appended to $GITHUB_ENV', () => {
  const dir = project();
  const githubEnv = path.join(dir, 'github_env');
  write(githubEnv, 'EARLIER=kept\n');
  const r = exported(dir, 'github', { env: { GITHUB_ENV: githubEnv } });
  assert.is(r.code, 0, r.stderr);
  assert.ok(r.stdout.trimEnd().split('\n').every((line) => line.startsWith('::add-mask::')), r.stdout);
  const masked = masksIn(r.stdout);
  for (const secret of SECRETS) assert.ok(masked.includes(secret), 'each secret is masked whole');
  for (const line of PEM.split('\n')) assert.ok(masked.includes(line), 'each line of a multi-line secret is masked');
  for (const value of Object.values(PUBLIC_VALUES)) assert.not.ok(masked.includes(value), 'public values are not masked');
  assert.not.ok(masked.includes(SECRET_VALUES.DATABASE_URL), 'only the password of a URL');
  assert.equal(parseGithubEnv(fs.readFileSync(githubEnv, 'utf8')), { EARLIER: 'kept', ...VALUES });
  assert.match(r.stderr, /Added 11 variables/);
});

exporting('github: without $GITHUB_ENV, exit 2 with the fix, and nothing printed', () => {
  const r = exported(project(), 'github');
  assert.is(r.code, 2);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /GITHUB_ENV is not set/);
  assert.match(r.stderr, /fix: Run this in a GitHub Actions step/);
});

exporting.run();

// ---- export --format k8s -----------------------------------------------------------------------------

const k8s = suite('export --format k8s');

/**
 * The manifest as kubectl would read it: a strict parse, once under YAML 1.2 and once under YAML 1.1
 * (sigs.k8s.io/yaml reads 1.1, where `on` is a boolean and `NULL` a null), both required to agree.
 */
function parseManifest(text) {
  const [strict, legacy] = ['1.2', '1.1'].map((version) => {
    const docs = YAML.parseAllDocuments(text, { version, strict: true, uniqueKeys: true, prettyErrors: false });
    assert.is(docs.length, 1, 'one document');
    assert.equal([...docs[0].errors, ...docs[0].warnings].map(String), [], `YAML ${version} reads it cleanly`);
    return docs[0].toJS();
  });
  assert.equal(legacy, strict, 'YAML 1.1 and 1.2 read the same manifest');
  return strict;
}

const decoded = (data) => Object.fromEntries(Object.entries(data).map(([name, value]) => [name, Buffer.from(value, 'base64').toString('utf8')]));

k8s('a v1 Opaque Secret whose data decode to every value (multi-line, unicode, quotes, empty), nothing on stderr', () => {
  const dir = project();
  const r = exported(dir, 'k8s', { args: ['--name', 'app-secrets', '--namespace', 'prod'] });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, '');
  const manifest = parseManifest(r.stdout);
  assert.equal(Object.keys(manifest), ['apiVersion', 'kind', 'metadata', 'type', 'data']);
  assert.equal({ ...manifest, data: undefined }, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-secrets', namespace: 'prod' }, type: 'Opaque', data: undefined });
  for (const value of Object.values(manifest.data)) assert.match(value, /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'standard padded base64');
  assert.equal(decoded(manifest.data), VALUES);
  for (const secret of SECRETS) assert.not.ok(r.stdout.includes(secret), 'no value in clear');
});

k8s('names YAML 1.1 reads as booleans or nulls stay strings; no namespace without --namespace; an empty file is `data: {}`', () => {
  const tricky = { on: 'yes', NULL: '~', '123': '0x1F', 'a.b-c_d': 'x' };
  const manifest = parseManifest(ok(exported(project(tricky), 'k8s', { args: ['--name', 'null'] })));
  assert.equal(manifest.metadata, { name: 'null' });
  assert.equal(decoded(manifest.data), tricky);
  const empty = parseManifest(ok(exported(project({}), 'k8s', { args: ['--name', 'yes'] })));
  assert.equal(empty, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'yes' }, type: 'Opaque', data: {} });
});

k8s('--name is required and checked as DNS-1123 (and --namespace as a label) before any key is needed: exit 2, nothing on stdout', () => {
  const dir = project();
  const cases = [
    [[], /--format k8s needs --name/],
    [['--name', 'App'], /--name "App" is not a valid Kubernetes Secret name/],
    [['--name', 'app-'], /not a valid Kubernetes Secret name/],
    [['--name', 'a..b'], /not a valid Kubernetes Secret name/],
    [['--name', 'a'.repeat(254)], /not a valid Kubernetes Secret name/],
    [['--name', 'app', '--namespace', 'team.prod'], /--namespace "team.prod" is not a valid Kubernetes namespace/],
    [['--name', 'app', '--namespace', 'n'.repeat(64)], /not a valid Kubernetes namespace/],
  ];
  for (const [args, message] of cases) {
    for (const env of [KEY_ENV, { ENVSEAL_MASTER_KEY: '' }]) {
      const r = run(['export', '--format', 'k8s', ...args], { cwd: dir, env });
      assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /fix: /);
      assert.is(r.stdout, '');
    }
  }
  assert.ok(parseManifest(ok(exported(dir, 'k8s', { args: ['--name', 'a.b-c.d', '--namespace', 'x-1'] }))).data, 'dots in a name, a dash in a namespace');
  const other = exported(dir, 'json', { args: ['--namespace', 'prod'] });
  assert.is(other.code, 2);
  assert.match(other.stderr, /--namespace is for --format k8s only/);
});

k8s('a name Kubernetes cannot take as a data key is refused (exit 2), naming it', () => {
  const r = exported(project({ '..hidden': '1' }), 'k8s', { args: ['--name', 'app'] });
  assert.is(r.code, 2);
  assert.match(r.stderr, /--format k8s cannot carry \.\.hidden/);
  assert.is(r.stdout, '');
});

k8s.run();

// ---- key material inside values ----------------------------------------------------------------------

const embedded = suite('key material inside a value');

// Built at run time, so this file holds no string a secret scanner would flag.
const b64u = (text) => Buffer.from(text).toString('base64url');
const JWT = [b64u('{"alg":"HS256","typ":"JWT"}'), b64u('{"sub":"user-4821","iat":1767225600}'), 'Qm9ndXNTaWduYXR1cmVGb3JUZXN0c09ubHlYeXo5'].join('.');
const GITHUB = 'gh' + 'p_' + 'Xq4Rz8Lm2Nw6Pt0Vs3Hb7Jk1Fd5Cg9Ya2Ue4';
const GITHUB_2 = 'gh' + 'o_' + 'Mn0Bv9Cx8Zl7Ak6Sj5Dh4Fg3Qw2Er1Ty0UiOp';
const NPM = 'np' + 'm_' + 'Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa';
const AWS_ID = 'AK' + 'IA' + 'Q3T7XK2M5PZR4WVN';
const AWS_SECRET = 'Zx8Qv2Lm7Np4Rt6Wy9Ab3Cd5Ef1Gh0Jk/Ls+Tu8V';
const EMBEDDED = {
  AUTH_HEADER: `Bearer ${JWT}`,
  UPSTREAM: `Bearer ${JWT}`,
  GIT_REMOTE: `https://${GITHUB}@github.com/o/r.git`,
  NPM_CONFIG: `//registry.npmjs.org/:_authToken=${NPM}`,
  CURL_ARGS: `-H "Authorization: token ${GITHUB_2}" https://api.github.com/user`,
  LAKE: `Region=eu-west-1;AccessKeyId=${AWS_ID};aws_secret_access_key=${AWS_SECRET};Db=x`,
  PORT: '3000',
};
const EMBEDDED_SECRETS = [JWT, GITHUB, GITHUB_2, NPM, AWS_ID, AWS_SECRET];

embedded('show and get mask only the secret part; a header named for a secret is masked whole', () => {
  const dir = project(EMBEDDED);
  const shown = Object.fromEntries(JSON.parse(ok(run(['show', '--json'], { cwd: dir, env: KEY_ENV }))).map((v) => [v.name, v]));
  assert.equal(shown.AUTH_HEADER, { name: 'AUTH_HEADER', value: 'Bear…eXo5', sensitive: true, reason: 'name' });
  assert.equal(shown.UPSTREAM, { name: 'UPSTREAM', value: 'Bearer eyJh…eXo5', sensitive: true, reason: 'embedded-secret' });
  assert.is(shown.GIT_REMOTE.value, 'https://ghp_…2Ue4@github.com/o/r.git');
  assert.is(shown.NPM_CONFIG.value, '//registry.npmjs.org/:_authToken=npm_…DcBa');
  assert.is(shown.CURL_ARGS.value, '-H "Authorization: token gho_…UiOp" https://api.github.com/user');
  assert.is(shown.LAKE.value, 'Region=eu-west-1;AccessKeyId=****;aws_secret_access_key=Zx8Q…Tu8V;Db=x');
  assert.equal(shown.PORT, { name: 'PORT', value: '3000', sensitive: false });
  const table = ok(run(['show'], { cwd: dir, env: KEY_ENV }));
  assertNoSecrets(table, EMBEDDED_SECRETS, 'show');
  for (const name of Object.keys(EMBEDDED)) {
    const got = ok(run(['get', name], { cwd: dir, env: KEY_ENV }));
    assert.is(got, `${shown[name].value}\n`, name);
    assertNoSecrets(got, EMBEDDED_SECRETS, `get ${name}`);
  }
});

embedded('export --format github: ::add-mask:: for each secret inside a value, not the whole value', () => {
  const dir = project(EMBEDDED);
  const githubEnv = path.join(dir, 'github_env');
  const r = exported(dir, 'github', { env: { GITHUB_ENV: githubEnv } });
  assert.is(r.code, 0, r.stderr);
  const masked = masksIn(r.stdout);
  for (const secret of EMBEDDED_SECRETS) assert.ok(masked.includes(secret), `${secret.slice(0, 4)}... is masked`);
  assert.ok(masked.includes(EMBEDDED.AUTH_HEADER), 'a secret by name is masked whole too');
  for (const name of ['GIT_REMOTE', 'NPM_CONFIG', 'CURL_ARGS', 'LAKE', 'PORT']) assert.not.ok(masked.includes(EMBEDDED[name]), `${name} is not masked whole`);
  assert.equal(parseGithubEnv(fs.readFileSync(githubEnv, 'utf8')), EMBEDDED);
});

embedded.run();

// ---- leak test ------------------------------------------------------------------------------------------

const leaks = suite('no secret is printed without --reveal');

leaks('show, show --json, get of every name, run --mask printing everything, and error paths', () => {
  const dir = project();
  const printAll = `console.log(JSON.stringify(process.env)); for (const v of Object.values(process.env)) { console.log(v); console.error(Buffer.from(v).toString('base64'), encodeURIComponent(v)); }`;
  const runs = [
    ['show'],
    ['show', '--json'],
    ...Object.keys(VALUES).map((name) => ['get', name]),
    ['get', 'NOT_THERE'],
    ['run', '--mask', '--', process.execPath, '-e', printAll],
    ['run', '--mask', '--', process.execPath, '-e', `${printAll}; process.exit(3)`],
    ['run', '--', 'no-such-command-envseal-test'],
    ['export', '--format', 'github'],
    ['export', '--format', 'docker'],
    ['export', '--format', 'k8s'],
    ['export', '--format', 'k8s', '--name', 'Bad'],
    ['export', '--format', 'shell', '--in', 'nope.encrypted'],
  ];
  for (const args of runs) {
    const r = run(args, { cwd: dir, env: KEY_ENV });
    assert.ok(r.code !== 70, `${args.join(' ')}: ${r.stderr}`);
    assertNoSecrets(r.output, SECRETS, `envseal ${args.slice(0, 3).join(' ')}`);
  }
});

leaks.run();
