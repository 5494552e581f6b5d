/**
 * What `git diff`, `git log -p` and `git show` print for a sealed file, through envseal's diff driver
 * (diff.envseal.textconv, docs/WORKFLOW.md): names, masked values and per-value change markers. Never
 * a value, never a write, and always some view, so a missing key never breaks `git log -p`.
 */
import * as path from 'node:path';
import { envNameOf } from '../env-files.js';
import { EnvsealError } from '../errors.js';
import { toRecord } from '../format/envfile.js';
import { type OpenedFile, isLegacySealed, openSealed, parseSealedStructure } from '../format/sealed.js';
import { type TextconvLine, type TextconvView, renderTextconv, tokenMarker, valueMarker } from '../git/drivers.js';
import { readBytes } from '../io/files.js';
import type { KeyRing } from '../keys/key-ring.js';
import { tryResolveKeyRing } from '../keys/key-sources.js';
import { FULL_MASK } from '../mask/mask.js';
import { compileMaskRules } from '../mask/rules.js';
import { maskVariables } from '../mask/variables.js';
import { decodeUtf8, normalizeNewlines } from '../text.js';

export interface TextconvRequest {
  /** The file version git hands over: a temp copy, or the work-tree file. */
  file: string;
  /** Where git runs the driver: the repository root. */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** The view's text. */
export function textconv(request: TextconvRequest): string {
  const text = decodeUtf8(readBytes(request.file));
  return renderTextconv(text === undefined ? unreadable('it is not UTF-8 text') : view(normalizeNewlines(text).text, request));
}

const unreadable = (why: string): TextconvView => ({ notes: [`not shown: ${why}`], history: [], lines: [] });

function view(text: string, request: TextconvRequest): TextconvView {
  const label = path.basename(request.file);
  const envFile = originalPath(request.file, request.cwd);
  const envName = envNameOf(envFile);
  let locked: string;
  try {
    const ring = tryResolveKeyRing({ env: request.env, envFile, ...(envName ? { envName } : {}) });
    if (ring) return openedView(openSealed(text, ring, label), ring);
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

/** Every value is masked, secret or not: this output ends up in pagers, CI logs and patches. */
const MASK_ALL = compileMaskRules(['*']);

function openedView(opened: OpenedFile, ring: KeyRing): TextconvView {
  const key = ring.keys[opened.keyIndex]!;
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
