// Report formats: text for people, JSON for scripts, SARIF 2.1.0 for code scanning. None leaks a secret.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { TEST_KEY, assertNoSecrets } from '../helpers/cli.js';
import { detect, formatJson, formatSarif, formatText, TeamSecretIndex } from '../../dist/detect/index.js';

const fingerprintKey = Buffer.alloc(32, 5);
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const random = (length) => Array.from(randomBytes(length), (byte) => B62[byte % 62]).join('');

/** One finding of each kind, from files whose names need quoting. */
function sample() {
  const secrets = {
    github: `ghp_${random(36)}`,
    generic: `${random(8)}7${random(15)}`,
    team: `${random(6)}-${random(6)}&${random(6)}`,
    pem: Array.from({ length: 4 }, () => randomBytes(48).toString('base64')).join('\n'),
  };
  const teamSecrets = TeamSecretIndex.build([{ name: 'WEBHOOK_SECRET', value: secrets.team }]);
  const findings = [
    ...detect(`GITHUB_TOKEN=${secrets.github}\nDB_PASSWORD=${secrets.generic}\n`, { file: 'config/prod env.txt', fingerprintKey }),
    ...detect(`key = "${TEST_KEY}"\nhook ${secrets.team}\n`, { file: "src/it's.js", fingerprintKey, knownKeys: [TEST_KEY], teamSecrets }),
    ...detect(`-----BEGIN OPENSSH PRIVATE KEY-----\n${secrets.pem}\n-----END OPENSSH PRIVATE KEY-----\n`, { file: 'id_ed25519', fingerprintKey }),
  ];
  return { findings, secrets: [...Object.values(secrets), TEST_KEY, secrets.pem.split('\n')[0]] };
}

test('text: location, rule, description, masked excerpt and a fix per kind; no secret', () => {
  const { findings, secrets } = sample();
  assert.equal(findings.map((f) => f.kind), ['credential', 'generic', 'master-key', 'team-secret', 'private-key']);
  const text = formatText(findings);
  assertNoSecrets(text, secrets, 'text report');
  assert.ok(text.includes('config/prod env.txt:1:14  github-token  GitHub token'));
  assert.ok(text.includes('    GITHUB_TOKEN=ghp_\u2026'));
  assert.ok(text.includes('rotate the leaked credential'));
  assert.ok(text.includes('move the value into .env and commit it sealed (`envseal encrypt`)'));
  assert.ok(text.includes("`git rm --cached -- 'src/it'\\''s.js'`"), 'paths are shell-quoted in commands');
  assert.ok(text.includes('`envseal rotate`'));
  assert.ok(text.includes("value of WEBHOOK_SECRET from the team's env files"));
  assert.ok(text.includes('`git rm --cached -- id_ed25519`'));
  for (const block of text.trim().split('\n\n')) assert.ok(block.includes('envseal:allow') && block.includes('.envsealignore') && block.includes('baseline'), block);
});

test('text: commits prefix the location; file names cannot inject terminal escapes', () => {
  const [finding] = detect(`TOKEN=ghp_${random(36)}`, { file: 'evil\u001b[2J.txt', fingerprintKey });
  finding.commit = '0123456789abcdef0123456789abcdef01234567';
  const text = formatText([finding]);
  assert.ok(text.startsWith('0123456789ab:evil?[2J.txt:1:7  github-token'), text);
  assert.not.ok(text.includes('\u001b'));
});

test('JSON: exactly {file, line, column, rule, description, fingerprint, commit?}', () => {
  const { findings, secrets } = sample();
  findings[1].commit = 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef';
  const json = formatJson(findings);
  assertNoSecrets(json, secrets, 'JSON report');
  const parsed = JSON.parse(json);
  assert.equal(Object.keys(parsed[0]), ['file', 'line', 'column', 'rule', 'description', 'fingerprint']);
  assert.equal(Object.keys(parsed[1]), ['file', 'line', 'column', 'rule', 'description', 'fingerprint', 'commit']);
  assert.equal(parsed[0], {
    file: 'config/prod env.txt',
    line: 1,
    column: 14,
    rule: 'github-token',
    description: findings[0].description,
    fingerprint: findings[0].fingerprint,
  });
  assert.equal(formatJson([]), '[]\n');
});

test('SARIF 2.1.0: one run, rules once each, locations, snippets masked, fingerprints', () => {
  const { findings, secrets } = sample();
  findings[0].commit = 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef';
  const sarif = formatSarif(findings);
  assertNoSecrets(sarif, secrets, 'SARIF report');
  const log = JSON.parse(sarif);
  assert.is(log.version, '2.1.0');
  assert.match(log.$schema, /sarif-2\.1\.0/);
  assert.is(log.runs.length, 1);
  const { driver } = log.runs[0].tool;
  assert.is(driver.name, 'envseal');
  assert.equal(driver.rules.map((r) => r.id), ['github-token', 'generic-secret', 'envseal-master-key-exact', 'team-secret', 'private-key']);
  assert.is(driver.rules[3].shortDescription.text, "value of a variable from the team's env files");
  const results = log.runs[0].results;
  assert.is(results.length, findings.length);
  results.forEach((result, i) => {
    assert.is(result.ruleId, findings[i].rule);
    assert.is(driver.rules[result.ruleIndex].id, result.ruleId);
    assert.is(result.level, 'error');
    const { artifactLocation, region } = result.locations[0].physicalLocation;
    assert.equal([region.startLine, region.startColumn], [findings[i].line, findings[i].column]);
    assert.is(region.snippet.text, findings[i].maskedExcerpt);
    assert.is(result.partialFingerprints['envseal/v1'], findings[i].fingerprint);
    assert.is(decodeURIComponent(artifactLocation.uri), findings[i].file);
  });
  assert.is(results[0].locations[0].physicalLocation.artifactLocation.uri, 'config/prod%20env.txt');
  assert.equal(results[0].properties, { commit: 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef' });
  assert.is(JSON.parse(formatSarif([])).runs[0].results.length, 0);
});

test.run();
