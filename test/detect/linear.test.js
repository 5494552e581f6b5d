// Linear time on any input: every regular expression the detector runs is free of super-linear
// backtracking, as proved by the ReDoS checker recheck. Covered: every built-in rule's pattern, its
// variants and allowlist, and every regex literal in the source of every module the detector loads
// (src/detect and what it imports), which is where the heuristics (placeholders, context checks,
// team-secret filters) keep theirs. Timing lives in bench/adversarial.bench.js; this file proves the
// shape and checks what the adversarial inputs are found to be.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { check } from 'recheck';
import { ROOT } from '../helpers/cli.js';
import { builtinRules, detect, TeamSecretIndex } from '../../dist/detect/index.js';
import { PLACEHOLDER } from '../../dist/detect/not-secrets.js';

/**
 * Regular expressions built at run time, which no literal scan sees, by the file that builds them:
 * each is a rule's pattern (covered through the rule table) or exported and listed here.
 */
const DYNAMIC = {
  'src/detect/engine.ts': [],
  'src/detect/rules.ts': [],
  'src/detect/cli-password.ts': [],
  'src/detect/not-secrets.ts': [PLACEHOLDER],
};

const KEYWORDS_BEFORE_EXPRESSION = new Set(['return', 'typeof', 'case', 'in', 'of', 'delete', 'void', 'throw', 'new', 'else', 'do', 'yield', 'await', 'instanceof']);

/**
 * The regex literals of a TypeScript or JavaScript source, with their line. A `/` starts a regex
 * where an expression may start: after an operator or punctuation, or a keyword such as `return`;
 * after an identifier, a number or a closing bracket it divides. Strings, template literals (with
 * their substitutions) and comments are skipped.
 */
function regexLiterals(source) {
  const found = [];
  let i = 0;
  let line = 1;
  let expressionMayStart = true;
  const templates = []; // brace depth of each open template substitution
  let depth = 0;
  const skipString = (quote) => {
    for (i++; i < source.length && source[i] !== quote; i++) if (source[i] === '\\') i++;
    i++;
  };
  /** Reads template text from i (just after ` or a substitution's }): stops after the closing ` or at ${. */
  const templateText = () => {
    for (; i < source.length; i++) {
      const c = source[i];
      if (c === '\n') line++;
      if (c === '\\') i++;
      else if (c === '`') return void i++;
      else if (c === '$' && source[i + 1] === '{') {
        i += 2;
        templates.push(depth);
        depth++;
        return;
      }
    }
  };
  while (i < source.length) {
    const c = source[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      line += source.slice(i, end).split('\n').length - 1;
      i = end + 2;
    } else if (c === '"' || c === "'") {
      skipString(c);
      expressionMayStart = false;
    } else if (c === '`') {
      i++;
      templateText();
      expressionMayStart = false;
    } else if (c === '/' && expressionMayStart) {
      let inClass = false;
      let j = i + 1;
      for (; j < source.length && (inClass || source[j] !== '/'); j++) {
        if (source[j] === '\\') j++;
        else if (source[j] === '[') inClass = true;
        else if (source[j] === ']') inClass = false;
        else if (source[j] === '\n') throw new Error(`unterminated regex literal at line ${line}`);
      }
      let k = j + 1;
      while (/[a-z]/.test(source[k] ?? '')) k++;
      found.push({ source: source.slice(i + 1, j), flags: source.slice(j + 1, k), line });
      i = k;
      expressionMayStart = false;
    } else if (/[A-Za-z_$0-9]/.test(c)) {
      let j = i;
      while (/[\w$]/.test(source[j] ?? '')) j++;
      expressionMayStart = KEYWORDS_BEFORE_EXPRESSION.has(source.slice(i, j));
      i = j;
    } else {
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (templates.length > 0 && templates[templates.length - 1] === depth) {
          templates.pop();
          i++;
          templateText();
          expressionMayStart = false;
          continue;
        }
      }
      expressionMayStart = c !== ')' && c !== ']';
      i++;
    }
  }
  return found;
}

/** src/detect's modules and every module of src/ they import, transitively. */
function detectorSources() {
  const seen = new Set();
  const queue = fs.readdirSync(path.join(ROOT, 'src/detect')).filter((f) => f.endsWith('.ts')).map((f) => `src/detect/${f}`);
  while (queue.length > 0) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const [, target] of text.matchAll(/^import[^'"]*['"](\.{1,2}\/[^'"]+)\.js['"]/gm)) {
      queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), `${target}.ts`)));
    }
  }
  return [...seen].sort();
}

const sources = detectorSources();
const subjects = [];
for (const rule of builtinRules) {
  for (const [i, form] of [rule, ...(rule.variants ?? [])].entries()) subjects.push({ where: `rule ${rule.id}${i ? ` variant ${i}` : ''}`, regex: form.pattern });
  for (const [i, pattern] of (rule.allowlist ?? []).entries()) subjects.push({ where: `rule ${rule.id} allowlist ${i}`, regex: pattern });
}
for (const file of sources) {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  for (const literal of regexLiterals(text)) subjects.push({ where: `${file}:${literal.line}`, regex: new RegExp(literal.source, literal.flags) });
  for (const regex of DYNAMIC[file] ?? []) subjects.push({ where: `${file} (built at run time)`, regex });
}

test('the literal scan reads every module the detector loads, and every run-time regex is accounted for', () => {
  assert.ok(sources.includes('src/detect/rules.ts') && sources.includes('src/secret-names.ts') && sources.includes('src/text.ts'), sources.join(' '));
  for (const file of sources) {
    const builds = /new RegExp\(/.test(fs.readFileSync(path.join(ROOT, file), 'utf8'));
    assert.is(builds, file in DYNAMIC, `${file}: a regex built at run time must be listed in DYNAMIC (a rule pattern, or exported and listed)`);
  }
  // A sample of literals the scan must find, so a tokenizer slip cannot silently drop a file's regexes.
  const found = new Set(subjects.map((s) => s.regex.source));
  assert.ok(found.has(String.raw`^[\d\s.,:+\-/]*$`), 'team-secrets.ts literals');
  assert.ok(subjects.filter((s) => s.where.startsWith('src/detect/rules.ts:')).length >= 20, 'rules.ts literals');
});

/**
 * Every distinct pattern checked, two at a time (the machine has two cores). recheck's own time limits
 * are off, so a verdict depends on the pattern and recheck's fixed seed only, never on how loaded the
 * machine is; its step limits still bound the work, and the overall limit only stops a runaway check
 * ("unknown" fails too). The checks start when this file is loaded, in recheck's own process, so they
 * run beside the suites loaded before this one; the test waits for them.
 */
async function checkAll() {
  const unique = new Map();
  for (const subject of subjects) {
    const key = `/${subject.regex.source}/${subject.regex.flags}`;
    if (!unique.has(key)) unique.set(key, { regex: subject.regex, where: [] });
    unique.get(key).where.push(subject.where);
  }
  const params = { timeout: 300_000, attackTimeout: null, incubationTimeout: null, seedingTimeout: null };
  const failures = [];
  const queue = [...unique.values()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const result = await check(next.regex.source, next.regex.flags, params);
      if (result.status !== 'safe') {
        const detail = result.status === 'vulnerable' ? `${result.complexity.summary}, attack ${result.attack.pattern.slice(0, 120)}` : result.error?.kind;
        failures.push(`${next.where.join(', ')}: ${result.status} (${detail})`);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  return failures;
}
const verdicts = checkAll().then(
  (failures) => ({ failures }),
  (error) => ({ error }),
);

test('recheck proves every pattern safe (no exponential or polynomial backtracking)', async () => {
  const { failures, error } = await verdicts;
  if (error) throw error;
  assert.equal(failures, [], `\n${failures.join('\n')}`);
});

const fingerprintKey = Buffer.alloc(32, 9);
const rules = (text, file) => detect(text, { file, fingerprintKey }).map((f) => f.rule);

test('the inputs that were super-linear are read once and judged as before', () => {
  // Each was exponential or quadratic in n; at these sizes a regression would stall the suite.
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
  assert.equal(rules(`const keyStr = "${B64}";`, 'base64.js'), []);
  for (const n of [40, 44, 400]) assert.equal(rules(`password = "${'a'.repeat(n)}1"`, 'app.cfg'), [], `${n} letters`);
  assert.equal(rules(`token = "<A${'b'.repeat(400)}"`, 'app.cfg'), []);
  assert.equal(rules(`{"kty":"oct","k":"${'A'.repeat(30)}",`.repeat(5000), 'jwks.json'), []);
  assert.equal(rules(`a=`.repeat(100_000), 'x.txt'), []);
});

test('the team index reads a token made of nothing but candidate bounds once per indexed length, not per window', () => {
  // Values that begin and end with `!!` make every character of a run of `!` both a start and an
  // end; trying every end in reach of every start (4,000 characters) would take billions of steps.
  const letters = (n) => Array.from(randomBytes(n), (byte) => 'abcdefghijklmnopqrstuvwxyzXYZ0123456789'[byte % 39]).join('');
  const values = [12, 50, 300, 1000, 4000].map((n, i) => ({ name: `V${i}`, value: `!!${letters(n)}!!` }));
  const index = TeamSecretIndex.build(values);
  assert.is(index.size, values.length);
  for (const text of ['!'.repeat(1 << 20), '!a'.repeat(1 << 19), `x=${'!!'.repeat(1 << 19)}`]) {
    assert.equal(index.find(text), []);
    const planted = `${text.slice(0, 1000)}!${values[4].value}!${text.slice(0, 1000)}`;
    assert.equal(index.find(planted).map((m) => planted.slice(m.start, m.end)), [values[4].value]);
  }
});

test.run();
