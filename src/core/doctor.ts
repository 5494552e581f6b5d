/**
 * `envseal doctor`, all but the hooks (guard/doctor.ts adds those): the project's settings, ignore
 * rules, key files and every environment's sealed file, each check with what it found and, when
 * something is off, the fix. It reuses the judgement of the command that owns each idea (status for
 * sealed files, recipients verify, init's rule lists, git setup's settings, the key store's mode rule),
 * so the doctor and those commands never disagree. Messages carry names, paths and fingerprints only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { keyFileEnv, envNameOf } from '../env-files.js';
import { keyMaterialVariables } from '../env-vars.js';
import { EnvsealError } from '../errors.js';
import { checkIgnore } from '../git/ignore.js';
import { driverState } from '../git/setup.js';
import { displayPath, exists, readText } from '../io/files.js';
import type { KeyRing } from '../keys/key-ring.js';
import { missingKeyError, tryResolveKeyRing } from '../keys/key-sources.js';
import { readKeyFile } from '../keys/key-store.js';
import { readRecipients } from '../keys/recipients-store.js';
import { loadProjectConfig } from '../project-config.js';
import type { ChangeSummary } from './changes.js';
import { DOCKERIGNORE_RULES, GITATTRIBUTES_RULES, GITIGNORE_RULES, buildsImages, missingRules, rulesToAppend } from './init.js';
import type { KeyOptions } from './open.js';
import { BAD_RECIPIENT_HELP, accessCover, judgeRecipients, recipientsFileFor } from './recipients.js';
import { DEFAULT_MAX_AGE_DAYS, type FileStatus, fileStatuses } from './status.js';
import { projectFiles, sealedFilesAmong } from './sealed-files.js';

/**
 * ok: as it should be. warn: works, but leaks or costs something (exit 0 unless --strict). problem:
 * broken or unsafe (exit 1). skipped: does not apply here, or cannot be checked (say why).
 */
export type CheckStatus = 'ok' | 'warn' | 'problem' | 'skipped';

export type CheckName =
  | 'hook'
  | 'drivers'
  | 'gitignore'
  | 'gitattributes'
  | 'dockerignore'
  | 'config'
  | 'key-file'
  | 'environments'
  | 'sealed-file'
  | 'plaintext'
  | 'rotation'
  | 'value-rotation'
  | 'leftovers'
  | 'recipients'
  | 'key-variable';

export interface Check {
  name: CheckName;
  /** What was looked at: a hook, a file (relative to the root), a variable; absent for the project as a whole. */
  subject?: string;
  status: CheckStatus;
  message: string;
  /** What to do; every warn and problem has one. */
  fix?: string;
}

export interface DoctorRequest extends KeyOptions {
  /** The git work tree's root, or undefined outside one: git's checks are then skipped, with `notGit` as the reason. */
  root?: string;
  notGit?: string;
  /** Where to look outside a work tree. */
  cwd: string;
  now: Date;
}

export function projectChecks(request: DoctorRequest): Check[] {
  const base = request.root ?? request.cwd;
  const relative = (file: string): string => path.relative(base, file).split(path.sep).join('/') || '.';
  // Outside a work tree nothing says where a project ends, and keys are looked up in the directory itself only.
  const files = request.root ? projectFiles(base) : filesIn(base);
  const inScope = (envName: string | undefined): boolean => request.envName === undefined || envName === request.envName;
  const sealed = sealedFilesAmong(files).filter((file) => inScope(envNameOf(file)));
  const checks: Check[] = [];

  const configs = new PolicyCache(relative);
  configs.maxAgeDays(base);
  if (request.root) {
    checks.push(...driverChecks(request.root, sealed, request.env));
    checks.push(gitignoreCheck(request.root, sealed, relative));
  } else {
    const why = request.notGit ?? 'not inside a git work tree';
    checks.push({ name: 'drivers', status: 'skipped', message: `${why}: git's diff and merge drivers do not apply` });
    checks.push({ name: 'gitignore', status: 'skipped', message: `${why}: .gitignore does not apply` });
  }
  if (buildsImages(base)) checks.push(dockerignoreCheck(base));

  const keyFiles = files.filter((file) => {
    const env = keyFileEnv(file);
    return env !== undefined && inScope(env.envName);
  });
  for (const file of keyFiles.sort()) checks.push(keyFileCheck(file, relative(file)));

  if (sealed.length === 0) {
    checks.push(
      request.envName
        ? { name: 'environments', status: 'problem', message: `no sealed file for the ${request.envName} environment under ${displayPath(base) || '.'}`, fix: `Seal it: \`envseal encrypt --env ${request.envName}\`.` }
        : { name: 'environments', status: 'warn', message: `no sealed files (*.encrypted) under ${displayPath(base) || '.'}`, fix: 'Start with `envseal init`, then `envseal encrypt`.' },
    );
  }
  // Each file's keys are looked up once (a key command or an identity's passphrase asks once), for its status and its recipients.
  const rings = new Map<string, KeyRing | undefined>();
  const keyRingFor: typeof tryResolveKeyRing = (lookup) => {
    const ring = tryResolveKeyRing(lookup);
    rings.set(lookup.envFile, ring);
    return ring;
  };
  const recipientFiles = new Set<string>();
  for (const file of sealed) {
    const maxAgeDays = configs.maxAgeDays(path.dirname(file));
    const [status] = fileStatuses({ ...request, files: [file], maxAgeDays, keyRingFor });
    checks.push(...environmentChecks(status!, relative, maxAgeDays, request));
    const envName = envNameOf(file);
    const recipients = recipientsFileFor(file, envName);
    if (exists(recipients) && !recipientFiles.has(recipients)) {
      recipientFiles.add(recipients);
      checks.push(recipientsCheck(recipients, relative(recipients), rings.get(file)));
    }
  }
  if (request.root && recipientFiles.size > 0) checks.push(gitattributesCheck(request.root));

  const variables = keyMaterialVariables(request.env);
  if (variables.length === 0) checks.push({ name: 'key-variable', status: 'ok', message: 'no master key or identity in this shell\'s environment' });
  for (const variable of variables) checks.push(keyVariableCheck(variable));
  return [...configs.checks, ...checks];
}

function filesIn(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => path.join(dir, entry.name));
  } catch {
    return [];
  }
}

/** The rotation policy of each directory's nearest .envseal.json; an invalid file is a problem, reported once, and the default applies. */
class PolicyCache {
  readonly checks: Check[] = [];
  private readonly byDir = new Map<string, number>();
  private readonly reported = new Set<string>();

  constructor(private readonly relative: (file: string) => string) {}

  maxAgeDays(dir: string): number {
    const known = this.byDir.get(dir);
    if (known !== undefined) return known;
    let days = DEFAULT_MAX_AGE_DAYS;
    try {
      const config = loadProjectConfig(dir);
      days = config.rotation.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS;
      if (config.file && !this.reported.has(config.file)) {
        this.reported.add(config.file);
        this.checks.push({ name: 'config', subject: this.relative(config.file), status: 'ok', message: `valid; rotation every ${days} days` });
      }
    } catch (e) {
      if (!(e instanceof EnvsealError)) throw e;
      if (!this.reported.has(e.message)) {
        this.reported.add(e.message);
        this.checks.push({ name: 'config', status: 'problem', message: e.message, fix: e.hint ?? 'Correct the file; `envseal status` names the setting.' });
      }
    }
    this.byDir.set(dir, days);
    return days;
  }
}

/** .gitattributes asks for envseal's drivers: then this clone's config must have them, and they must start a program that is there. */
function driverChecks(root: string, sealed: readonly string[], env: NodeJS.ProcessEnv): Check[] {
  const state = driverState(root);
  if (!state.declared) {
    if (sealed.length === 0) return [];
    return [{ name: 'drivers', status: 'warn', message: '.gitattributes does not route sealed files to envseal\'s drivers: `git diff` shows ciphertext, and two branches that change values conflict on the MAC line', fix: 'Run `envseal git setup` once, and commit .gitattributes.' }];
  }
  if (state.missing.length > 0) {
    return [{ name: 'drivers', status: 'problem', message: `.gitattributes routes sealed files to envseal's diff and merge drivers, but this clone's git config lacks ${state.missing.join(', ')}: git diff and merge treat sealed files as plain text`, fix: 'Run `envseal git setup` (or `envseal init`, which configures what .gitattributes asks for).' }];
  }
  if (state.foreign.length > 0) {
    return [{ name: 'drivers', status: 'warn', message: `${state.foreign.join(', ')} ${state.foreign.length === 1 ? 'is' : 'are'} not what \`envseal git setup\` writes (set by hand, or by another tool)`, fix: 'Run `envseal git setup` to replace them with envseal\'s drivers.' }];
  }
  const gone = [...new Set(state.commands.map((words) => missingProgram(words, env)).filter((p): p is string => p !== undefined))];
  if (gone.length > 0) {
    return [{ name: 'drivers', status: 'problem', message: `the diff and merge drivers start ${gone.join(', ')}, which ${gone.length === 1 ? 'is' : 'are'} not there (the project or Node moved since \`envseal git setup\`): git diff and merge of sealed files fail`, fix: 'Run `envseal git setup` again (or `envseal git setup --command envseal` to use the envseal on PATH).' }];
  }
  return [{ name: 'drivers', status: 'ok', message: 'git diff and merge use envseal\'s drivers for sealed files' }];
}

/** The first word of a driver command that names no file: a path that does not exist, or a program not on PATH. */
function missingProgram(words: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  for (const [i, word] of words.entries()) {
    if (word.includes('/')) {
      if (!fs.existsSync(word)) return word;
    } else if (i === 0 && !(env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && isExecutable(path.join(dir, word)))) {
      return `${word} (not on PATH)`;
    }
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** A path each rule of init's list must decide: `.env.*` → `.env.x`, `.envseal/` → the directory. */
const sampleOf = (rule: string): string => rule.replace(/^!/, '').replace(/\[0-9\]/g, '1').replace(/\*/g, 'x');

/**
 * init's .gitignore rules, as git applies them (git check-ignore), at the root and beside every
 * sealed file: a rule written differently (`.env*`) counts, a later rule that undoes one does not,
 * and neither does a rule only this machine has (core.excludesFile, .git/info/exclude).
 */
function gitignoreCheck(root: string, sealed: readonly string[], relative: (file: string) => string): Check {
  const dirs = [...new Set(['', ...sealed.map((file) => relative(path.dirname(file))).filter((dir) => dir !== '.').map((dir) => `${dir}/`)])];
  const asked = dirs.flatMap((dir) => GITIGNORE_RULES.map((rule) => ({ rule, path: `${dir}${sampleOf(rule)}` })));
  const verdicts = checkIgnore(root, asked.map((a) => a.path));
  const failing = new Map<string, string>();
  asked.forEach(({ rule, path: sample }, i) => {
    const verdict = verdicts[i];
    if (!verdict || failing.has(rule)) return;
    const by = verdict.rule ? `${verdict.rule.source}:${verdict.rule.line} \`${verdict.rule.pattern}\`` : '';
    if (rule.startsWith('!')) {
      if (verdict.ignored) failing.set(rule, `${sample} is ignored by ${by}, so it cannot be committed`);
    } else if (!verdict.ignored) {
      failing.set(rule, verdict.rule ? `${sample} is re-included by ${by}` : `${sample} is not ignored`);
    } else if (!committedRuleFile(verdict.rule!.source)) {
      failing.set(rule, `${sample} is ignored only by ${verdict.rule!.source}, which a teammate's clone does not have`);
    }
  });
  if (failing.size === 0) return { name: 'gitignore', status: 'ok', message: 'plaintext env files, key files and backups are ignored; sealed files, recipients and examples are not' };
  const lines = rulesToAppend(GITIGNORE_RULES, [...failing.keys()]);
  const file = path.join(root, '.gitignore');
  // init appends the rules the file does not have; a rule it has that something else undoes must be repeated by hand.
  const initFixes = missingRules(exists(file) ? readText(file).text : '', [...failing.keys()]).length === failing.size;
  return {
    name: 'gitignore',
    status: 'problem',
    message: `${failing.size} of envseal's .gitignore rules ${failing.size === 1 ? 'does' : 'do'} not hold: ${[...failing].map(([rule, why]) => `\`${rule}\` (${why})`).join('; ')}`,
    fix: `Append to .gitignore${initFixes ? ' (or run `envseal init`, which does)' : ' (the last matching rule wins)'}:\n${lines.join('\n')}`,
  };
}

/** A .gitignore inside the work tree (git names it relative to the root), not .git/info/exclude or a global excludes file. */
const committedRuleFile = (source: string): boolean => !path.isAbsolute(source) && path.basename(source) === '.gitignore' && !source.startsWith('.git/');

function gitattributesCheck(root: string): Check {
  const file = path.join(root, '.gitattributes');
  const missing = missingRules(exists(file) ? readText(file).text : '', GITATTRIBUTES_RULES);
  if (missing.length === 0) return { name: 'gitattributes', status: 'ok', message: 'recipients files merge line by line (merge=union)' };
  return { name: 'gitattributes', status: 'warn', message: '.gitattributes does not merge recipients files line by line: two branches that each grant someone conflict', fix: `Append to .gitattributes (or run \`envseal init\`, which adds it):\n${missing.join('\n')}` };
}

function dockerignoreCheck(base: string): Check {
  const file = path.join(base, '.dockerignore');
  const present = exists(file);
  const missing = missingRules(present ? readText(file).text : '', DOCKERIGNORE_RULES);
  if (missing.length === 0) return { name: 'dockerignore', status: 'ok', message: 'the Docker build context leaves plaintext env files and keys out' };
  const what = present ? `.dockerignore lacks ${missing.length} of envseal's rules` : 'there is a Dockerfile but no .dockerignore';
  return {
    name: 'dockerignore',
    status: 'problem',
    message: `${what}: \`COPY . .\` sends plaintext env files and master keys into the image`,
    fix: `Append to .dockerignore (or run \`envseal init\`, which adds them):\n${rulesToAppend(DOCKERIGNORE_RULES, missing).join('\n')}`,
  };
}

/** What envseal itself requires of a key file before it reads one (keys/key-store.ts): a regular file, private, well-formed. */
function keyFileCheck(file: string, subject: string): Check {
  try {
    readKeyFile(file);
  } catch (e) {
    if (!(e instanceof EnvsealError)) throw e;
    return { name: 'key-file', subject, status: 'problem', message: e.message, fix: e.hint ?? `Check ${displayPath(file)}.` };
  }
  const mode = (fs.statSync(file).mode & 0o777).toString(8).padStart(4, '0');
  return { name: 'key-file', subject, status: 'ok', message: `private (mode ${mode})` };
}

function environmentChecks(status: FileStatus, relative: (file: string) => string, maxAgeDays: number, request: DoctorRequest): Check[] {
  const subject = relative(status.file);
  const envFlag = status.envName ? ` --env ${status.envName}` : '';
  const checks: Check[] = [];
  const sealedFile = (check: Omit<Check, 'name' | 'subject'>): void => void checks.push({ name: 'sealed-file', subject, ...check });
  if (status.problem) {
    sealedFile({ status: 'problem', message: `cannot be opened: ${status.problem.message}`, fix: status.problem.hint ?? `Run \`envseal status${envFlag}\` for details.` });
  } else if (status.states.includes('key-missing')) {
    const error = missingKeyError({ envFile: status.file, ...(status.envName ? { envName: status.envName } : {}), env: request.env });
    sealedFile({ status: 'problem', message: `no key for it here${status.sealedWith ? ` (it is sealed with key ${status.sealedWith})` : ''}, so it cannot be opened or verified`, fix: error.hint ?? '' });
  } else if (status.sealedWithPrevious) {
    sealedFile({ status: 'problem', message: `still sealed with the previous key, not the current ${status.currentKey} (an interrupted \`envseal rotate\`)`, fix: `Run \`envseal rotate${envFlag}\` to finish; no new key is made.` });
  } else if (status.verified) {
    sealedFile({ status: 'ok', message: `opens and verifies with key ${status.sealedWith} (from ${status.keySource}); ${status.values} values` });
  }
  for (const exposure of status.exposures ?? []) {
    sealedFile({ status: 'problem', message: `${exposure.recipient}, revoked ${exposure.date.slice(0, 10)}, still knows ${exposure.names.join(', ')} (unchanged since)`, fix: `Issue new values where they come from (the provider), then \`envseal set NAME${envFlag}\` for each.` });
  }
  if (status.plaintextFile) checks.push(plaintextCheck(status, relative(status.plaintextFile), envFlag));
  if (status.lastRotation) {
    const last = `last rotated ${status.lastRotation.date.slice(0, 10)} (${status.ageDays} days ago)`;
    checks.push(
      status.overdue
        ? { name: 'rotation', subject, status: 'problem', message: `${last}: overdue (policy: every ${maxAgeDays} days)`, fix: `Run \`envseal rotate${envFlag}\`, then commit the sealed file and share the new key.` }
        : { name: 'rotation', subject, status: 'ok', message: `${last}; next due ${status.nextDue!.slice(0, 10)}` },
    );
  }
  for (const v of status.valueAges ?? []) {
    if (v.state === 'overdue') {
      checks.push({ name: 'value-rotation', subject, status: 'problem', message: `${v.name} is overdue since ${v.due!.slice(0, 10)} (every ${v.maxAge}, from ${v.policy})`, fix: `Run \`envseal generate --rotate ${v.name}${envFlag}\`, or set a new value from where it is issued.` });
    } else if (v.state === 'expired') {
      checks.push({ name: 'value-rotation', subject, status: 'problem', message: `${v.name}'s grace window ended ${v.expires}`, fix: `Run \`envseal generate --finish ${v.previousOf}${envFlag}\` once nothing uses the old value.` });
    } else if (v.state === 'due') {
      checks.push({ name: 'value-rotation', subject, status: 'warn', message: `${v.name} is due by ${v.due!.slice(0, 10)} (every ${v.maxAge}, from ${v.policy})`, fix: `Rotate it before then: \`envseal generate --rotate ${v.name}${envFlag}\`.` });
    }
  }
  if (status.leftovers.length > 0) {
    const names = status.leftovers.map(displayPath);
    checks.push({ name: 'leftovers', subject, status: 'warn', message: `temp files an interrupted write left: ${names.join(', ')}`, fix: `Delete them (the sealed file is whole without them): rm ${names.join(' ')}` });
  }
  return checks;
}

function plaintextCheck(status: FileStatus, subject: string, envFlag: string): Check {
  const plain = displayPath(status.plaintextFile!);
  if (!status.stale && !status.behind) return { name: 'plaintext', subject, status: 'ok', message: 'matches the sealed file' };
  const parts = [
    ...(status.stale ? [`${plain} has edits that are not sealed (${describe(status.stale)})`] : []),
    ...(status.behind ? [`the sealed file has changes ${plain} lacks (${describe(status.behind)})`] : []),
    ...(status.conflicts ? [`both changed ${status.conflicts.join(', ')}`] : []),
  ];
  const fix = status.conflicts
    ? `Make ${plain} hold the values you want for ${status.conflicts.join(', ')}, then run \`envseal encrypt${envFlag}\`.`
    : status.stale
      ? `Run \`envseal encrypt${envFlag}\`${status.behind ? ' (it seals your edits and merges the sealed changes into your file)' : ''}.`
      : `Run \`envseal decrypt${envFlag}${status.fromBase ? '' : ' --force'}\` to refresh it.`;
  return { name: 'plaintext', subject, status: 'problem', message: parts.join('; '), fix };
}

/** Names only, never values. */
function describe(changes: ChangeSummary): string {
  const parts = [changes.changed.length ? `changed ${changes.changed.join(', ')}` : '', changes.added.length ? `added ${changes.added.join(', ')}` : '', changes.removed.length ? `removed ${changes.removed.join(', ')}` : ''];
  return parts.filter(Boolean).join('; ') || 'it cannot be read as a .env';
}

/** What `envseal recipients verify` fails on; without a key the MACs cannot be checked, which is said. */
function recipientsCheck(file: string, subject: string, ring: KeyRing | undefined): Check {
  let verdict;
  try {
    verdict = judgeRecipients(readRecipients(file), ring);
  } catch (e) {
    if (!(e instanceof EnvsealError)) throw e;
    return { name: 'recipients', subject, status: 'problem', message: e.message, fix: e.hint ?? 'Restore the file from git.' };
  }
  const { infos, bad, problems } = verdict;
  if (bad.length > 0 || problems.length > 0) {
    const statuses = [...new Set(bad.map((b) => b.status))];
    return {
      name: 'recipients',
      subject,
      status: 'problem',
      message: [...problems, ...bad.map((b) => `${b.name}: ${b.status}`)].join('; '),
      fix: [...statuses.map((s) => `${bad.filter((b) => b.status === s).map((b) => b.name).join(', ')}: ${BAD_RECIPIENT_HELP[s]}`), ...(problems.length > 0 ? ['Restore the lines from git, or run `envseal recipients repair`.'] : [])].join('\n'),
    };
  }
  const live = infos.filter((i) => i.status !== 'revoked').length;
  const cover = accessCover(infos);
  if (cover.thin) {
    return {
      name: 'recipients',
      subject,
      status: 'warn',
      message: `${live} recipients, but ${cover.people.length < 2 ? `${cover.people.length === 1 ? 'one person' : 'no person'}${cover.recovery.length === 0 ? ' and no recovery identity' : ''}` : 'no recovery identity'} can open it: one lost key could lose every value`,
      fix: 'Grant a second teammate, and a recovery identity kept offline: `envseal grant recovery --new-identity --identity-out recovery.age` (print it, lock it away).',
    };
  }
  if (!ring) return { name: 'recipients', subject, status: 'skipped', message: `${live} recipients; their lines' MACs cannot be checked without the key` };
  return { name: 'recipients', subject, status: 'ok', message: `${live} recipients, every line verifies` };
}

function keyVariableCheck(variable: string): Check {
  const what = variable.startsWith('ENVSEAL_IDENTITY') ? 'an identity' : 'a master key';
  return {
    name: 'key-variable',
    subject: variable,
    status: 'warn',
    message: `is set in this shell's environment and holds ${what}: every program started from it (editors, build tools, their crash reports) inherits it`,
    fix: `Unset it (\`unset ${variable}\`) and keep the key in a key file (.env.key, chmod 600) or behind ENVSEAL_KEY_COMMAND; start programs with \`envseal run\`, which leaves key variables out of their environment. In CI, give the secret only to the steps that run envseal.`,
  };
}
