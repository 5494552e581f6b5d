/**
 * `envseal git textconv <file>`: the diff driver git runs (diff.envseal.textconv) for each version of
 * a sealed file in `git diff`, `git log -p` and `git show`. Prints a view with names, masked values and
 * per-value change markers (docs/WORKFLOW.md). Never prints a value, never writes anything, and always
 * exits 0 with some view, so a missing key never breaks `git log -p`.
 */
import * as path from 'node:path';
import { EnvsealError, ExitCode } from '../../errors.js';
import { toRecord } from '../../format/envfile.js';
import { type OpenedFile, isLegacySealed, openSealed, parseSealedStructure } from '../../format/sealed.js';
import { type TextconvLine, type TextconvView, renderTextconv, tokenMarker, valueMarker } from '../../git/drivers.js';
import { readBytes } from '../../io/files.js';
import { keyList, tryResolveKeys } from '../../keys/key-sources.js';
import { FULL_MASK } from '../../mask/mask.js';
import { compileMaskRules } from '../../mask/rules.js';
import { maskVariables } from '../../mask/variables.js';
import { envNameOf } from '../../core/status.js';
import { decodeUtf8, normalizeNewlines } from '../../text.js';
import type { Context } from '../context.js';
import type { Handler } from '../spec.js';

/** Every value is masked, secret or not: this output ends up in pagers, CI logs and patches. */
const MASK_ALL = compileMaskRules(['*']);

export const gitTextconv: Handler = async (args, context) => {
  const file = path.resolve(context.cwd, String(args.file));
  const text = decodeUtf8(readBytes(file));
  context.stdout.write(renderTextconv(text === undefined ? unreadable('it is not UTF-8 text') : view(normalizeNewlines(text).text, file, context)));
  return ExitCode.ok;
};

const unreadable = (why: string): TextconvView => ({ notes: [`not shown: ${why}`], history: [], lines: [] });

function view(text: string, file: string, context: Context): TextconvView {
  const label = path.basename(file);
  const envFile = originalPath(file, context.cwd);
  const envName = envNameOf(envFile);
  let locked: string;
  try {
    const keys = tryResolveKeys({ env: context.env, envFile, ...(envName ? { envName } : {}) });
    if (keys) return openedView(openSealed(text, keyList(keys), label, keys.source), keyList(keys));
    locked = 'no key for this file here, so values are hidden; "(sealed, token ...)" changes when a value is re-sealed';
  } catch (e) {
    if (!(e instanceof EnvsealError)) throw e;
    locked = `${e.message}; values are hidden`;
  }
  if (isLegacySealed(text)) return unreadable(`a whole-file Fernet token; ${locked}`);
  try {
    const structure = parseSealedStructure(text, label);
    const lines = structure.body.map((line): TextconvLine => (line.kind === 'trivia' ? line : { kind: 'entry', name: line.name, marker: tokenMarker(line.value) }));
    return { notes: [`sealed with key ${structure.fingerprint}: ${locked}`], history: structure.history, lines };
  } catch {
    return unreadable('not an envseal sealed file');
  }
}

function openedView(opened: OpenedFile, keys: ReturnType<typeof keyList>): TextconvView {
  const key = keys[opened.keyIndex]!;
  const shown = new Map(maskVariables(toRecord(opened.lines), MASK_ALL).map((v) => [v.name, v.shown]));
  const last = new Map(opened.lines.flatMap((line, i) => (line.kind === 'entry' ? [[line.name, i] as const] : [])));
  const lines = opened.lines.map((line, i): TextconvLine =>
    line.kind === 'trivia' ? line : { kind: 'entry', name: line.name, shown: last.get(line.name) === i ? shown.get(line.name)! : FULL_MASK, marker: valueMarker(key, line.name, line.value) },
  );
  const verified = opened.legacy ? 'a whole-file Fernet token, opened' : 'MAC verified';
  return { notes: [`sealed with key ${opened.fingerprint} (${verified}); values masked; "(value ...)" changes exactly when the value does`], history: opened.history, lines };
}

/**
 * git hands over a temp copy (/tmp/git-blob-XXXXXX/.env.encrypted, or XXXXXX_.env.encrypted in older
 * versions) or the work-tree path. Keys are looked up as for the real file; for a temp copy, whose
 * directory is unknown, from the repository root (git runs drivers there).
 */
function originalPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) return file;
  const base = path.basename(file).replace(/^[A-Za-z0-9]{6}_(?=\.env)/, '');
  return path.join(cwd, base);
}
