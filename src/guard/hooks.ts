/**
 * What each git hook checks, as findings. pre-commit reads the index (what is staged, which `git add -p`
 * can make differ from the working tree) and scans only added lines; commit-msg scans the message;
 * pre-push scans the commits a push would send that the remote does not have yet.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../detect/types.js';
import { ZERO_SHA, commitChanges, hasCommit, indexBlob, messageCleanupConfig, stagedChanges, tagMessages, trackedSealedFiles } from '../git/sources.js';
import { MESSAGE_PATH, messageFile as messageAsFile } from '../git/patch.js';
import { keptMessage } from './message.js';
import { loadAllowList, applyAllowList } from './allow.js';
import { type GuardRun, inspectOptions, knowledgeFor } from './guard-run.js';
import { type CheckOptions, checkFile } from './inspect.js';
import { commitFindings } from './scan.js';
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

export async function commitMessageFindings(run: GuardRun, messageFile: string): Promise<Finding[]> {
  const raw = readText(path.resolve(run.root, messageFile)).text;
  const knowledge = knowledgeFor(run, await trackedSealedFiles(run.root));
  // Config is read only when a scissors line makes the cleanup mode matter.
  const edited = run.env.GIT_EDITOR !== ':';
  const config = edited && raw.includes('>8') ? messageCleanupConfig(run.root) : {};
  const kept = keptMessage(raw, { edited, ...config });
  const findings = checkFile(messageAsFile(MESSAGE_PATH, kept), inspectOptions(run, knowledge, false));
  return applyAllowList(findings, loadAllowList(run.root, run.baseline));
}

/** Revision arguments for the commits of one pushed ref (a pre-push stdin line) that `remote` lacks. */
function pushRevisions(root: string, localSha: string, remoteSha: string | undefined, remote: string): string[] | undefined {
  if (ZERO_SHA.test(localSha)) return undefined; // a deletion sends no commits
  // A ref name instead of a sha (run by hand, or by the pre-commit framework) may have no commits yet.
  if (!/^[0-9a-f]{40,64}$/.test(localSha) && !hasCommit(root, localSha)) return undefined;
  // Whatever neither the remote's tip for this ref nor any branch of the remote fetched here has: a
  // merge of a branch already pushed sends only the merge.
  const known = remoteSha && !ZERO_SHA.test(remoteSha) && hasCommit(root, remoteSha) ? [remoteSha] : [];
  return [localSha, '--not', ...known, `--remotes=${remote}`];
}

export async function prePushFindings(run: GuardRun, remote: string, refs: string): Promise<Finding[]> {
  const knowledge = knowledgeFor(run, await trackedSealedFiles(run.root));
  const allow = loadAllowList(run.root, run.baseline);
  return commitFindings(run.root, inspectOptions(run, knowledge, true), allow, async (check) => {
    const tags: string[] = [];
    for (const line of refs.split('\n').filter((l) => l.trim() !== '')) {
      const [localRef = '', localSha = '', , remoteSha] = line.trim().split(/\s+/);
      if (!localSha) continue;
      // An annotated tag carries a message of its own, pushed with it.
      if (localRef.startsWith('refs/tags/') && !ZERO_SHA.test(localSha)) tags.push(localSha);
      const revisions = pushRevisions(run.root, localSha, remoteSha, remote);
      if (!revisions) continue;
      for await (const file of commitChanges(run.root, revisions)) await check(file);
    }
    for (const file of tagMessages(run.root, tags)) await check(file);
  });
}
