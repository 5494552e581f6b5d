/**
 * The inline exception: a line holding this marker, or below a comment line holding it, is not
 * reported (a known master key excepted). Named once, as gitleaks names `gitleaks:allow`.
 */
export const ALLOW_MARKER = 'envseal:allow';
