import { setValue, validateName } from '../../core/set.js';
import { EnvsealError, ExitCode, Code } from '../../errors.js';
import { displayPath } from '../../io/files.js';
import { decodeUtf8 } from '../../text.js';
import { audited } from '../audit.js';
import type { Context } from '../context.js';
import { decryptPaths, keyOptions } from '../paths.js';
import { notePlaintextBehind } from '../plaintext-note.js';
import type { Handler } from '../handler.js';

export const set: Handler = async (args, context) => {
  const name = String(args.name);
  if ((Array.isArray(args.value) && args.value.length > 0) || name.includes('=')) {
    // The value itself is never echoed: it is already in the shell history, it must not reach a log too.
    const shown = name.includes('=') ? name.slice(0, name.indexOf('=')) : name;
    throw new EnvsealError(
      Code.USAGE_VALUE_ON_ARGV,
      `refusing to take the value of ${shown} from the command line: arguments are visible to other users in \`ps\` and are saved in your shell history`,
      `Pipe it in (\`printf '%s' "$VALUE" | envseal set ${shown}\`, or \`envseal set ${shown} < file\`), or run \`envseal set ${shown}\` and type it at the hidden prompt. If you typed a real secret, consider it exposed and rotate it.`,
    );
  }
  validateName(name);
  const { input } = decryptPaths(args, context);
  const value = context.stdin.isTTY ? await promptHidden(`Value for ${name} (input hidden): `, context) : await readStdinValue(name, context);
  const result = await audited(context, 'set', input, () => setValue({ ...keyOptions(args, context), file: input, name, value, allowReuse: Boolean(args.allowReuse), now: context.now }));
  const file = displayPath(input);
  if (!result.written) context.info(`${name} already had that value; ${file} is unchanged.`);
  else context.info(`${result.action === 'added' ? 'Added' : 'Changed'} ${name} in ${file} (key ${result.fingerprint}); every other value kept its ciphertext.`);
  if (result.written) notePlaintextBehind(input, context);
  if (result.occurrences > 1) context.warn(`${name} appears ${result.occurrences} times in ${file}; only the last one (the one dotenv uses) was set. Remove the others with \`envseal edit\`.`);
  return ExitCode.ok;
};

/** Everything on stdin, minus exactly one trailing newline (what `echo` and here-strings add). */
async function readStdinValue(name: string, context: Context): Promise<string> {
  const text = decodeUtf8(await context.readStdin());
  if (text === undefined) throw new EnvsealError(Code.NOT_UTF8, `the value of ${name} on stdin is not UTF-8 text`, 'Pipe in UTF-8 text.');
  return text.replace(/\r?\n$/, '');
}

/**
 * Reads one line from the terminal without echoing it: raw mode, so the terminal shows nothing and
 * envseal handles Backspace, Enter and Ctrl-C itself.
 */
function promptHidden(question: string, context: Context): Promise<string> {
  const { stdin } = context;
  // Echo off before the question appears, so nothing typed (or pasted) early is shown.
  stdin.setRawMode(true);
  context.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: EnvsealError): void => {
      stdin.removeListener('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      context.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          return finish(value === '' ? new EnvsealError(Code.ABORTED, 'no value typed; nothing changed', "To set an empty value, pipe it in: printf '' | envseal set NAME") : undefined);
        }
        if (char === '\u0003') return finish(new EnvsealError(Code.INTERRUPTED, 'interrupted (Ctrl-C); nothing changed'));
        if (char === '\u0004') return finish(new EnvsealError(Code.ABORTED, 'cancelled (Ctrl-D); nothing changed'));
        if (char === '\u007f' || char === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (char >= ' ' || char === '\t') value += char;
      }
    };
    stdin.resume();
    stdin.on('data', onData);
  });
}
