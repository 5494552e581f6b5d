/**
 * Asks for a secret at the terminal, synchronously: an identity's passphrase (key resolution is
 * synchronous, and it asks only once an identity has matched a recipient) or a vault password. Echo
 * is off (raw mode on /dev/tty); Ctrl-C is read as a character, so the terminal is restored before
 * envseal exits 130. Never used without a terminal, and never by a git hook.
 */
import * as fs from 'node:fs';
import * as tty from 'node:tty';
import { EnvsealError, Code } from '../errors.js';

export function askPassphrase(source: string): string {
  return askHidden(`Passphrase for ${source}`, () =>
    new EnvsealError(Code.IDENTITY_PASSPHRASE, `${source} is protected by a passphrase and the terminal could not be read`, 'Run the command at a terminal, or give an identity without a passphrase (ENVSEAL_IDENTITY, or `envseal identity new`).'),
  );
}

/** `import --from ansible-vault` without --vault-password-file. */
export function askVaultPassword(label: string): string {
  return askHidden(`Vault password for ${label}`, () =>
    new EnvsealError(Code.IMPORT_KEY_MISSING, `no vault password for ${label}: the terminal could not be read`, 'Pass --vault-password-file FILE (a pipe works too).'),
  );
}

function askHidden(question: string, unreadable: () => EnvsealError): string {
  let control: number | undefined;
  let input: number | undefined;
  let stream: tty.ReadStream | undefined;
  try {
    control = fs.openSync('/dev/tty', 'r+');
    // The stream's fd is made non-blocking by libuv; raw mode is per terminal, so a second, blocking
    // descriptor reads the keys.
    stream = new tty.ReadStream(control);
    stream.setRawMode(true);
    input = fs.openSync('/dev/tty', 'r');
    fs.writeSync(control, `${question} (input hidden): `);
    return readHidden(input);
  } catch (e) {
    if (e instanceof EnvsealError) throw e;
    throw unreadable();
  } finally {
    stream?.setRawMode(false);
    if (control !== undefined) fs.writeSync(control, '\r\n');
    stream?.destroy();
    if (input !== undefined) fs.closeSync(input);
  }
}

function readHidden(fd: number): string {
  const byte = Buffer.alloc(1);
  const bytes: number[] = [];
  for (;;) {
    if (fs.readSync(fd, byte, 0, 1, null) === 0) break;
    const c = byte[0]!;
    if (c === 0x0d || c === 0x0a) break;
    if (c === 0x03) throw new EnvsealError(Code.INTERRUPTED, 'interrupted at the prompt (Ctrl-C); nothing was changed');
    if (c === 0x04) throw new EnvsealError(Code.ABORTED, 'cancelled at the prompt (Ctrl-D); nothing was changed');
    if (c === 0x7f || c === 0x08) {
      // Drop one whole UTF-8 character: continuation bytes, then its lead byte.
      while (bytes.length > 0 && (bytes[bytes.length - 1]! & 0xc0) === 0x80) bytes.pop();
      bytes.pop();
    } else if (c >= 0x20 || c === 0x09) bytes.push(c);
  }
  return Buffer.from(bytes).toString('utf8');
}
