/**
 * Text from scanned files and their names goes to terminals and CI logs: control characters (escape
 * sequences) and bidirectional overrides ("Trojan Source") would let a file rewrite the report.
 */
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(/\t/g, ' ').replace(UNPRINTABLE, '?');
}
