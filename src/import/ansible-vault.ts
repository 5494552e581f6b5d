/**
 * ansible-vault files, read (never written). Pure: text and a password in, plaintext bytes out.
 *
 *   $ANSIBLE_VAULT;1.1;AES256                  (1.2 adds ";<vault id>")
 *   hex( hex(salt) "\n" hex(HMAC) "\n" hex(ciphertext) ), in lines of 80
 *
 * PBKDF2-HMAC-SHA256(password, salt, 10000 iterations) gives 80 bytes: the AES-256 key, the HMAC key,
 * then the 16-byte initial counter. The HMAC-SHA256 covers the ciphertext; the ciphertext is
 * AES-256-CTR of the PKCS#7-padded plaintext. (ansible/parsing/vault, VaultAES256.)
 */
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { EnvsealError, Code } from '../errors.js';

const HEADER_PREFIX = '$ANSIBLE_VAULT;';
const VERSIONS = ['1.1', '1.2'];
const CIPHER = 'AES256';
const ITERATIONS = 10_000;
const KEY = 32;
const BLOCK = 16;
const HMAC = 32;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
/** What Python's bytes.strip() removes, which is how ansible reads a password (from a file or a prompt). */
const ASCII_SPACE = /^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g;

export interface VaultFile {
  version: string;
  /** The vault id of a 1.2 file (`--vault-id label@…`). */
  vaultId?: string;
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

export const isVaultText = (text: string): boolean => text.startsWith(HEADER_PREFIX);

const RESTORE = 'Restore the file from git or a backup (`ansible-vault view` fails on it too), then import again.';

/** Parses the envelope: header, then the hex layers. Throws on anything ansible-vault would not read. */
export function parseVault(text: string, label: string): VaultFile {
  if (!isVaultText(text)) {
    const inline = text.includes('!vault');
    throw new EnvsealError(
      Code.IMPORT_FORMAT,
      inline
        ? `${label} is not an ansible-vault file: it holds inline \`!vault\` values (ansible-vault encrypt_string), which envseal does not read`
        : `${label} is not an ansible-vault file (its first line is not a "$ANSIBLE_VAULT;1.1;AES256" header)`,
      inline
        ? 'Import a file ansible-vault encrypted as a whole (`ansible-vault encrypt FILE`), passed with --in.'
        : 'Pass the file ansible-vault encrypted with --in (`ansible-vault view FILE` opens it).',
    );
  }
  const lines = text.split('\n');
  const header = lines[0]!.trim().split(';');
  const version = header[1]?.trim() ?? '';
  const cipher = header[2]?.trim() ?? '';
  if (!VERSIONS.includes(version) || cipher !== CIPHER || header.length > 4) {
    throw new EnvsealError(
      Code.IMPORT_FORMAT,
      `${label} is an ansible-vault file of a kind envseal does not read (format ${version || '?'}, cipher ${cipher || '?'}); it reads 1.1 and 1.2 with AES256`,
      'Re-encrypt it with a current ansible-vault (`ansible-vault rekey` writes 1.1 or 1.2 AES256), then import again.',
    );
  }
  const vaultId = header[3]?.trim();
  const corrupt = (what: string): EnvsealError => new EnvsealError(Code.IMPORT_CORRUPT, `${label} is truncated or damaged: ${what}`, RESTORE);
  const outer = unhex(lines.slice(1).join(''));
  if (!outer) throw corrupt('its body is not hexadecimal text of whole bytes');
  const parts = outer.toString('latin1').split('\n');
  if (parts.length !== 3) throw corrupt('its body does not hold a salt, an HMAC and a ciphertext');
  const [salt, hmacHex, ciphertext] = [unhex(parts[0]!), parts[1]!, unhex(parts[2]!)];
  const hmac = unhex(hmacHex);
  if (!salt) throw corrupt('its salt is not hexadecimal');
  if (!hmac || hmac.length !== HMAC) throw corrupt('its HMAC is not 32 bytes of hexadecimal');
  if (!ciphertext || ciphertext.length % BLOCK !== 0) throw corrupt('its ciphertext is not whole 16-byte blocks');
  return { version, ...(vaultId ? { vaultId } : {}), salt, hmac, ciphertext };
}

function unhex(text: string): Buffer | undefined {
  return HEX.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/** A vault password as ansible takes it: surrounding ASCII whitespace dropped; empty is refused. */
export function vaultPassword(raw: Uint8Array, source: string): Buffer {
  const password = Buffer.from(Buffer.from(raw).toString('latin1').replace(ASCII_SPACE, ''), 'latin1');
  if (password.length === 0) {
    throw new EnvsealError(Code.IMPORT_KEY_MISSING, `${source} is empty: no vault password`, 'Put the vault password in the file (ansible reads it the same way), or type it at the prompt.');
  }
  return password;
}

/** The plaintext, once the HMAC shows `password` is the vault's (or that the file is unchanged). */
export function decryptVault(vault: VaultFile, password: Buffer, label: string): Buffer {
  const derived = pbkdf2Sync(password, vault.salt, ITERATIONS, 2 * KEY + BLOCK, 'sha256');
  const [aesKey, hmacKey, counter] = [derived.subarray(0, KEY), derived.subarray(KEY, 2 * KEY), derived.subarray(2 * KEY)];
  const expected = createHmac('sha256', hmacKey).update(vault.ciphertext).digest();
  if (!timingSafeEqual(expected, vault.hmac)) {
    throw new EnvsealError(
      Code.IMPORT_KEY_WRONG,
      `the vault password does not open ${label}: the HMAC does not match (a wrong password, or the file was changed after it was encrypted; the two look the same)`,
      'Check the password (`ansible-vault view` with the same password fails too if it is wrong), or restore the file from git.',
    );
  }
  const decipher = createDecipheriv('aes-256-ctr', aesKey, counter);
  const padded = Buffer.concat([decipher.update(vault.ciphertext), decipher.final()]);
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > BLOCK || pad > padded.length || !padded.subarray(padded.length - pad).every((b) => b === pad)) {
    throw new EnvsealError(Code.IMPORT_CORRUPT, `${label} decrypts, but its padding is invalid: it was not written by ansible-vault`, RESTORE);
  }
  return padded.subarray(0, padded.length - pad);
}
