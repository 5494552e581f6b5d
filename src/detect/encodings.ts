/**
 * The forms a secret takes when someone re-encodes it before pasting it somewhere: base64 (standard
 * and url-safe, padded or not) and URL encoding. Used to find the team's values and master keys
 * however they were written.
 */

export type Encoding = 'raw' | 'base64' | 'url';

export interface EncodedForm {
  text: string;
  encoding: Encoding;
}

/** The value itself, its base64 forms and its URL-encoded forms, without duplicates. */
export function encodedForms(value: string): EncodedForm[] {
  const bytes = Buffer.from(value, 'utf8');
  const standard = bytes.toString('base64');
  const urlSafe = bytes.toString('base64url');
  const uriComponent = encodeURIComponent(value);
  const rfc3986 = uriComponent.replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  const forms: EncodedForm[] = [
    { text: value, encoding: 'raw' },
    { text: standard, encoding: 'base64' },
    { text: standard.replace(/(?<!=)=+$/, ''), encoding: 'base64' },
    { text: urlSafe, encoding: 'base64' },
    { text: urlSafe + '='.repeat((4 - (urlSafe.length % 4)) % 4), encoding: 'base64' },
    { text: uriComponent, encoding: 'url' },
    // application/x-www-form-urlencoded writes spaces as '+'.
    { text: uriComponent.replace(/%20/g, '+'), encoding: 'url' },
    // RFC 3986 reserves ! ' ( ) * too (encodeURIComponent leaves them), and its hex digits may be
    // written in either case.
    { text: rfc3986, encoding: 'url' },
    { text: rfc3986.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()), encoding: 'url' },
  ];
  const seen = new Set<string>();
  return forms.filter((form) => !seen.has(form.text) && seen.add(form.text));
}

/**
 * The base64 text (both alphabets) that encodes `bytes` wherever they sit inside a longer encoded
 * blob: one fragment per alignment of the first byte to base64's 3-byte groups, each covering only
 * whole groups, so it appears verbatim in any encoding of any text containing the bytes.
 */
export function base64Fragments(bytes: Buffer): string[] {
  const fragments = new Set<string>();
  for (const skip of [0, 1, 2]) {
    const whole = Math.floor((bytes.length - skip) / 3) * 3;
    if (whole <= 0) continue;
    const part = bytes.subarray(skip, skip + whole);
    fragments.add(part.toString('base64'));
    fragments.add(part.toString('base64url'));
  }
  return [...fragments];
}
