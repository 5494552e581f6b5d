/**
 * What each git hook checks, as findings. pre-commit reads the index (what is staged, which `git add -p`
 * can make differ from the working tree) and scans only added lines; commit-msg scans the message;
 * pre-push scans the commits a push would send that the remote does not have yet.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detect } from '../detect/engine.js';
import type { Finding } from '../detect/types.js';
import { ZERO_SHA, commitChanges, hasCommit, indexBlob, stagedChanges, trackedSealedFiles } from '../git/sources.js';
import { FINGERPRINT_KEY } from '../detect/fingerprint-key.js';
import { loadAllowList, applyAllowList } from './allow.js';
import { type GuardRun, historyOptions, inspectOptions, knowledgeFor } from './guard-run.js';
import { type CheckOptions, checkFile } from './inspect.js';
import { plainNameFor } from '../env-files.js';
import { readText } from '../io/files.js';

export async function preCommitFindings(run: GuardRun): Promise<Finding[]> {
  // ls-files reads the index, so it lists newly staged sealed files too.
  const knowledge = knowledgeFor(run, await trackedSealedFiles(run.root));
  const allow = loadAllowList(run.root, run.baseline);
  const options: CheckOptions = {
    ...inspectOptions(run, knowledge, true),
    stagedContent: (file) => indexBlob(run.root, file).toString('utf8'),
    blobOf: (file) => indexBlob(run.root, file.path),
    editedPlaintext: (sealedFile) => {
      const plain = path.join(run.root, plainNameFor(sealedFile));
      const sealed = path.join(run.root, sealedFile);
      try {
        // A .env older than its sealed file is merely behind it (after set, edit, a pull), not stale.
        if (fs.existsSync(sealed) && fs.statSync(plain).mtimeMs <= fs.statSync(sealed).mtimeMs) return undefined;
        return fs.readFileSync(plain, 'utf8');
      } catch {
        return undefined; // no readable plaintext beside it: nothing to compare
      }
    },
  };
  const findings: Finding[] = [];
  for await (const file of stagedChanges(run.root)) {
    if (allow.ignored(file.path)) continue;
    for (const finding of checkFile(file, options)) findings.push(finding);
  }
  return applyAllowList(findings, allow);
}

/** git's marker below which `git commit -v` appends the diff: not part of the message. */
const SCISSORS = /^# -+ >8 -+$/m;

export async function commitMessageFindings(run: GuardRun, messageFile: string): Promise<Finding[]> {
  const raw = readText(path.resolve(run.root, messageFile)).text;
  const cut = SCISSORS.exec(raw);
  const message = cut ? raw.slice(0, cut.index) : raw;
  const knowledge = knowledgeFor(run, await trackedSealedFiles(run.root));
  const findings = detect(message, {
    file: 'commit message',
    fingerprintKey: FINGERPRINT_KEY,
    inlineAllow: run.inlineAllow,
    knownKeys: knowledge.knownKeys,
    teamSecrets: knowledge.teamSecrets,
  });
  return applyAllowList(findings, loadAllowList(run.root, run.baseline));
}

/** Revision arguments for the commits of one pushed ref (a pre-push stdin line) that `remote` lacks. */
function pushRevisions(root: string, line: string, remote: string): string[] | undefined {
  const [, localSha, , remoteSha] = line.trim().split(/\s+/);
  if (!localSha || ZERO_SHA.test(localSha)) return undefined; // a deletion sends no commits
  // A ref name instead of a sha (run by hand, or by the pre-commit framework) may have no commits yet.
  if (!/^[0-9a-f]{40,64}$/.test(localSha) && !hasCommit(root, localSha)) return undefined;
  if (remoteSha && !ZERO_SHA.test(remoteSha) && hasCommit(root, remoteSha)) return [`${remoteSha}..${localSha}`];
  // A new branch, or a remote tip this clone never fetched: whatever no branch of the remote has.
  return [localSha, '--not', `--remotes=${remote}`];
}

export async function prePushFindings(run: GuardRun, remote: string, refs: string): Promise<Finding[]> {
  const knowledge = knowledgeFor(run, await trackedSealedFiles(run.root));
  const allow = loadAllowList(run.root, run.baseline);
  const options = historyOptions(run, inspectOptions(run, knowledge, true));
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const line of refs.split('\n').filter((l) => l.trim() !== '')) {
    const revisions = pushRevisions(run.root, line, remote);
    if (!revisions) continue;
    for await (const file of commitChanges(run.root, revisions)) {
      if (allow.ignored(file.path)) continue;
      for (const finding of checkFile(file, options)) {
        const key = `${finding.commit}:${finding.fingerprint}:${finding.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        findings.push(finding);
      }
    }
  }
  return applyAllowList(findings, allow);
}
