import * as fs from 'node:fs';
import * as path from 'node:path';
import { newIdentity } from '../../core/identity.js';
import { type GrantResult, grantRecipient } from '../../core/recipients.js';
import { EnvsealError, ExitCode, Code } from '../../errors.js';
import { gitUserName } from '../../git/user.js';
import { displayPath, readText } from '../../io/files.js';
import { decodeUtf8 } from '../../text.js';
import { audited } from '../audit.js';
import type { Context } from '../context.js';
import type { Args, Handler } from '../handler.js';
import { sealedTargets } from '../paths.js';

export const grant: Handler = async (args, context) => {
  const targets = sealedTargets(args, context);
  const name = String(args.name);
  const identityOut = typeof args.identityOut === 'string' ? path.resolve(context.cwd, args.identityOut) : undefined;
  if (args.newIdentity && args.key !== undefined) throw new EnvsealError(Code.USAGE, 'give either a public key or --new-identity, not both', `envseal grant ${name} --new-identity`);
  if (identityOut && !args.newIdentity) throw new EnvsealError(Code.USAGE, '--identity-out goes with --new-identity', `envseal grant ${name} --new-identity --identity-out ${String(args.identityOut)}`);
  // The identity file is created first (exclusively): a grant to an identity nobody could keep would lock that recipient out.
  const made = args.newIdentity ? newIdentity({ env: context.env, ...(identityOut ? { out: identityOut } : { print: true }) }) : undefined;
  const publicKey = made?.recipient ?? (await publicKeyArgument(args, context));
  const results: GrantResult[] = [];
  try {
    for (const { input, keys } of targets) {
      results.push(
        await audited(context, 'grant', input, () => {
          const granted = grantRecipient({ ...keys, file: input, name, publicKey, now: context.now, ...byOf(context) });
          return { ...granted, fingerprint: granted.keyFingerprint };
        }),
      );
    }
  } catch (e) {
    // An identity no grant names is useless: remove it. One that some environment was granted stays.
    if (identityOut && !results.some((r) => r.written)) fs.rmSync(identityOut, { force: true });
    throw e;
  }
  for (const result of results) {
    const file = displayPath(result.recipientsFile);
    if (result.written) context.info(`Granted ${name} (${result.recipient.type} ${result.recipient.fingerprint}) the key ${result.keyFingerprint} in ${file}${result.created ? ' (new file)' : ''}.`);
    else context.info(`${name} already has access with this key (${result.recipient.fingerprint}); ${file} is unchanged.`);
  }
  const written = results.filter((r) => r.written).map((r) => displayPath(r.recipientsFile));
  if (written.length === 0) return ExitCode.ok;
  if (!made) context.info(`  Check the fingerprint with ${name} (ssh-keygen -lf their .pub prints it), then commit ${written.join(', ')}.`);
  else context.info(`  Commit ${written.join(', ')}.`);
  if (made?.identity) {
    const variable = targets.length === 1 && typeof args.env === 'string' ? `ENVSEAL_IDENTITY_${args.env.toUpperCase()}` : 'ENVSEAL_IDENTITY';
    context.info(`New identity for ${name}, shown once: store it as a secret (e.g. ${variable} in CI).`);
    context.write(`${made.identity}\n`);
  } else if (made?.file) context.info(`  The identity is in ${made.file} (mode 0600): store it as a secret, then delete the file.`);
  return ExitCode.ok;
};

async function publicKeyArgument(args: Args, context: Context): Promise<string> {
  const key = args.key;
  if (typeof key !== 'string' || key === '') throw new EnvsealError(Code.USAGE, 'grant needs the teammate\'s public key: a .pub file, the key text, or - for stdin', 'envseal grant alice ~/alice.pub');
  if (key === '-') {
    const text = decodeUtf8(await context.readStdin());
    if (text === undefined) throw new EnvsealError(Code.NOT_UTF8, 'the public key on stdin is not UTF-8 text', 'Pipe in a .pub file or an age1… key.');
    return firstKeyLine(text);
  }
  if (/^(ssh-|sk-|ecdsa-|age1)/.test(key)) return key;
  return firstKeyLine(readText(path.resolve(context.cwd, key)).text);
}

/** GitHub's /NAME.keys lists several keys: the first one is taken, and the fingerprint printed says which. */
function firstKeyLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#')) ?? '';
}

function byOf(context: Context): { by?: string } {
  const by = gitUserName(context.cwd);
  return by ? { by } : {};
}
