// What git keeps of a commit message, by cleanup mode: the hook checks exactly that, or more.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { keptMessage } from '../../dist/guard/message.js';

const CUT = '# ------------------------ >8 ------------------------';
const VERBOSE = `subject\n\n# comments\n${CUT}\n# Do not modify or remove the line above.\n# Everything below it will be ignored.\ndiff --git a/x b/x\n+added\n`;

test('a message not edited (-m, -F) is kept whole: git cleans it as whitespace', () => {
  assert.is(keptMessage(VERBOSE, { edited: false }), VERBOSE);
  assert.is(keptMessage(VERBOSE, { edited: false, cleanup: 'scissors' }), VERBOSE, 'scissors applies only to an edited message');
});

test('an edited message is cut at the first cut line when commit -v put a diff below it', () => {
  assert.is(keptMessage(VERBOSE, { edited: true }), 'subject\n\n# comments\n');
  assert.is(keptMessage(`${CUT}\n# x\ndiff --git a/x b/x\n`, { edited: true }), '', 'at the very start');
  assert.is(keptMessage(VERBOSE.replaceAll('# ', '; '), { edited: true, commentString: ';' }), 'subject\n\n; comments\n');
});

test('an edited message without a diff below is cut only in scissors mode', () => {
  const typed = `subject\n${CUT}\nkept unless scissors\n`;
  assert.is(keptMessage(typed, { edited: true, cleanup: 'scissors' }), 'subject\n');
  for (const cleanup of [undefined, 'strip', 'whitespace', 'default', 'verbatim']) assert.is(keptMessage(typed, { edited: true, cleanup }), typed, String(cleanup));
});

test('look-alike lines are not cut lines', () => {
  for (const line of ['# -------- >8 --------', `${CUT} `, ` ${CUT}`, `#${CUT.slice(1)}x`, `; ${CUT.slice(2)}`]) {
    const text = `subject\n${line}\n# x\ndiff --git a/x b/x\n`;
    assert.is(keptMessage(text, { edited: true, cleanup: 'scissors' }), text, JSON.stringify(line));
  }
});

test.run();
