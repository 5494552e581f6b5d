/**
 * The key file format (docs/FORMAT.md, "Key files"). Pure: text in, keys out.
 *
 *   # comments and blank lines are ignored
 *   <current key>                       the first non-comment line
 *   previous <key> [retired=<ISO date>] zero or more, newest first: still accepted for decryption
 *
 * A file holding just the key (what a teammate pastes from a password manager) is a valid key file.
 * The same text is accepted from ENVSEAL_KEY_COMMAND, so a vault can hold previous keys too.
 */
import { MasterKey } from '../crypto/master-key.js';
import { EnvsealError, Code } from '../errors.js';

export interface PreviousKey {
  key: MasterKey;
  retired?: string;
}

export interface KeyFileContent {
  current: MasterKey;
  previous: PreviousKey[];
}

const PREVIOUS = /^previous\s+(\S+)(?:\s+retired=(\S+))?$/;

export function parseKeyFile(text: string, source: string): KeyFileContent {
  let current: MasterKey | undefined;
  const previous: PreviousKey[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${source} (line ${index + 1})`;
    if (!current) {
      current = MasterKey.parse(line, where);
      return;
    }
    const match = PREVIOUS.exec(line);
    if (!match) {
      throw new EnvsealError(
        Code.KEY_FILE_SYNTAX,
        `${where} is not "previous <key>": a key file holds one current key, then previous keys`,
        'Keep the current key on the first line; prefix older keys with "previous ".',
      );
    }
    previous.push({ key: MasterKey.parse(match[1]!, where), ...(match[2] ? { retired: match[2] } : {}) });
  });
  if (!current) {
    throw new EnvsealError(Code.KEY_MALFORMED, `${source} holds no key`, 'Paste the key (44 characters) on its first line, or run `envseal init` to create one.');
  }
  return { current, previous };
}

export function serializeKeyFile(content: KeyFileContent, envLabel: string): string {
  const lines = [
    `# envseal master key for ${envLabel} (fingerprint ${content.current.fingerprint}).`,
    '# Keep it secret: never commit it; share it through a password manager or vault.',
    content.current.export(),
  ];
  if (content.previous.length > 0) {
    lines.push('# Previous keys, newest first: still accepted to open files sealed before a rotation.');
    for (const p of content.previous) lines.push(`previous ${p.key.export()}${p.retired ? ` retired=${p.retired}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
