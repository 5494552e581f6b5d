// The rule corpus: for every rule, positives it must find and negatives nothing may flag. Prints
// recall and false positives per rule, and requires 100% recall and no false positive.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, TEST_KEY } from '../helpers/cli.js';
import { detect, builtinRules, TeamSecretIndex, KNOWN_KEY_RULE, TEAM_SECRET_RULE } from '../../dist/detect/index.js';

const DIR = path.join(ROOT, 'test/fixtures/detect/rules');
const NEGATIVES = path.join(ROOT, 'test/fixtures/detect/negatives');
const fingerprintKey = Buffer.alloc(32, 7);

const corpus = fs
  .readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .map((name) => JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8')));

function scan(entry, sample) {
  const text = Array.isArray(sample.text) ? sample.text.join('\n') : sample.text;
  const options = { file: sample.file, fingerprintKey };
  if (entry.options?.knownKeys) options.knownKeys = entry.options.knownKeys;
  if (entry.options?.teamValues) options.teamSecrets = TeamSecretIndex.build(entry.options.teamValues);
  return detect(text, options);
}

const describe = (finding) => `${finding.rule}@${finding.line}`;

/** Per rule: positives found as expected, unexpected findings in positives, findings in negatives. */
const results = corpus.map((entry) => {
  const row = { rule: entry.rule, positives: entry.positives.length, found: 0, negatives: entry.negatives.length, falsePositives: 0, failures: [] };
  for (const sample of entry.positives) {
    const expected = (sample.expect ?? [{ rule: entry.rule, line: sample.line }]).map((e) => `${e.rule}@${e.line}`).sort();
    const actual = scan(entry, sample).map(describe).sort();
    const missing = expected.filter((e) => !actual.includes(e));
    if (missing.length === 0) row.found++;
    else row.failures.push(`missed in ${sample.name}: ${missing.join(', ')} (got ${actual.join(', ') || 'nothing'})`);
    const extra = actual.filter((a) => !expected.includes(a));
    row.falsePositives += extra.length;
    if (extra.length > 0) row.failures.push(`unexpected in positive ${sample.name}: ${extra.join(', ')}`);
  }
  for (const sample of entry.negatives) {
    const actual = scan(entry, sample).map(describe);
    row.falsePositives += actual.length;
    if (actual.length > 0) row.failures.push(`flagged negative ${sample.name}: ${actual.join(', ')}`);
  }
  return row;
});

// Whole files of the kinds a repository holds (lockfiles, manifests, code reading the environment,
// public keys, certificates, an envseal sealed file): nothing in them is a secret. They are scanned
// with the key that sealed sealed.env.encrypted and the values it seals, as the hooks would.
const sealedValues = [
  { name: 'DATABASE_URL', value: 'postgres://app:Fixture-Db-Pass-7Q2m@db.internal:5432/app' },
  { name: 'STRIPE_SECRET_KEY', value: 'sk_live_51EnvsealFIXTUREnotARealKey0000aBcD' },
  { name: 'API_TOKEN', value: 'Envs3alFIXTURE-token-Zx9Qp2Lm7Rt4' },
  { name: 'JWT_SECRET', value: 'multi word secret with spaces 42' },
  { name: 'NODE_ENV', value: 'production' },
];
const realistic = fs.readdirSync(NEGATIVES).map((name) => {
  const text = fs.readFileSync(path.join(NEGATIVES, name), 'utf8');
  const findings = detect(text, { file: name, fingerprintKey, knownKeys: [TEST_KEY], teamSecrets: TeamSecretIndex.build(sealedValues) });
  return { name, findings: findings.map(describe) };
});
results.push({
  rule: '(realistic files)',
  positives: 0,
  found: 0,
  negatives: realistic.length,
  falsePositives: realistic.reduce((sum, r) => sum + r.findings.length, 0),
  failures: realistic.filter((r) => r.findings.length > 0).map((r) => `flagged ${r.name}: ${r.findings.join(', ')}`),
});

test('prints recall and false positives per rule', () => {
  const total = results.reduce((sum, r) => ({ positives: sum.positives + r.positives, found: sum.found + r.found, negatives: sum.negatives + r.negatives, falsePositives: sum.falsePositives + r.falsePositives }), { positives: 0, found: 0, negatives: 0, falsePositives: 0 });
  const pct = (found, all) => (all === 0 ? '-' : `${((100 * found) / all).toFixed(0)}%`);
  const rows = [...results.map((r) => [r.rule, r.found, r.positives, pct(r.found, r.positives), r.negatives, r.falsePositives]), ['TOTAL', total.found, total.positives, pct(total.found, total.positives), total.negatives, total.falsePositives]];
  console.log(`\n${'rule'.padEnd(32)} ${'found'.padStart(5)} ${'of'.padStart(4)} ${'recall'.padStart(6)} ${'negs'.padStart(5)} ${'FP'.padStart(4)}`);
  for (const [rule, found, of, recall, negs, fps] of rows) {
    console.log(`${String(rule).padEnd(32)} ${String(found).padStart(5)} ${String(of).padStart(4)} ${recall.padStart(6)} ${String(negs).padStart(5)} ${String(fps).padStart(4)}`);
  }
  for (const r of results) for (const failure of r.failures) console.log(`  ${r.rule}: ${failure}`);
});

test('every rule has positives and negatives in the corpus', () => {
  const covered = new Set(corpus.filter((e) => e.positives.length > 0 && e.negatives.length > 0).map((e) => e.rule));
  for (const id of [...builtinRules.map((r) => r.id), KNOWN_KEY_RULE, TEAM_SECRET_RULE]) assert.ok(covered.has(id), `no corpus for ${id}`);
});

test('100% recall on the positives', () => {
  for (const r of results) assert.is(r.found, r.positives, `${r.rule}: ${r.failures.join('; ')}`);
});

test('no false positive on the negatives or around the positives', () => {
  for (const r of results) assert.is(r.falsePositives, 0, `${r.rule}: ${r.failures.join('; ')}`);
});

test.run();
