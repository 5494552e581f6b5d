/**
 * Passwords given where no `=` or `:` ties them to a name, so the generic assignment rule cannot see
 * them: .netrc entries, command arguments (`mysql -p<pw>`, `curl -u user:<pw>`, `docker login -p`,
 * `sshpass -p`, `htpasswd -b`) and SQL that sets a user's password.
 */
import { isDocumentedPassword } from './not-secrets.js';
import type { Rule, RuleForm } from './types.js';

/** A password argument, single-quoted, double-quoted or bare (up to a shell metacharacter): one capture group each. */
const ARGUMENT = String.raw`(?:'([^'\n]{1,128})'|"([^"\n]{1,128})"|([^\s'"\x60;|&<>()]{1,128}))`;
/** A SQL string literal. */
const SQL_STRING = String.raw`(?:'([^'\n]{1,128})'|"([^"\n]{1,128})")`;
/**
 * Oracle's unquoted password: a letter, then letters, digits, _, $ and # (not the PASSWORD or VALUES
 * keywords of hashed forms), ending the statement or followed by the statement's next clause.
 */
const ORACLE_IDENTIFIER = String.raw`(?!(?:PASSWORD|VALUES|password|values)\b)([A-Za-z][\w$#]{0,127})(?=[ \t]*(?:;|\r?\n|$)|[ \t]+(?:DEFAULT|TEMPORARY|QUOTA|PROFILE|PASSWORD|ACCOUNT|CONTAINER|default|temporary|quota|profile|password|account|container)\b)`;
/**
 * The rest of a command up to where the option sits: stops at a shell operator, follows `\` line
 * continuations, and stops where the command's name appears again, so a text repeating it reads each
 * stretch from one start only (else every start would read the same 300 characters).
 */
const argumentsUntil = (command: string): string => String.raw`(?:(?!${command})(?:[^\n|;&]|\\\r?\n)){0,300}?`;

/** A form: its pattern, every capture group of which is a password alternative, and its keywords. */
function form(source: string, keywords: readonly string[]): RuleForm {
  const groups = captureGroups(source);
  return { pattern: new RegExp(source), keywords, secretGroup: Array.from({ length: groups }, (_, i) => i + 1) };
}

/**
 * How many capture groups a pattern has, read from its source: `(` not escaped, not in a character
 * class, and not `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!`. (Asking the compiled regex would compile each
 * of these long patterns one extra time at every start of the commit hook.)
 */
function captureGroups(source: string): number {
  let count = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(' && (source[i + 1] !== '?' || (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!'))) count++;
  }
  return count;
}

const FORMS: readonly RuleForm[] = [
  // .netrc: machine <host> login <user> password <pw>, on one line or several.
  form(String.raw`\bmachine[ \t]+\S{1,253}(?:\s{1,40}(?:login|account|port)[ \t]+\S{1,256}){1,3}\s{1,40}password[ \t]+${ARGUMENT}`, ['machine']),
  // mysql -p<pw>: the password attached to the option (`-p` alone prompts for it).
  form(
    String.raw`\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlshow|mysqlslap|mysqlpump|mariadb(?:-dump|-admin)?)\b${argumentsUntil('mysql|mariadb')}[ \t]-p${ARGUMENT}`,
    ['mysql', 'mariadb'],
  ),
  // curl -u / --user <user>:<pw> (without the colon curl prompts).
  form(
    String.raw`\bcurl\b${argumentsUntil('curl')}[ \t](?:-u|--user)(?:[ \t]+|=)?` +
      String.raw`(?:'[^'\n:]{0,128}:([^'\n]{1,128})'|"[^"\n:]{0,128}:([^"\n]{1,128})"|[^\s'":]{0,128}:([^\s'"\x60;|&<>()]{1,128}))`,
    ['curl'],
  ),
  // docker (podman, buildah, nerdctl, skopeo, oras, helm registry) login -p <pw> / --password <pw>, not
  // --password-stdin. Anchored on "login", the tool checked behind it.
  form(
    String.raw`\blogin\b(?<=\b(?:docker|podman|buildah|nerdctl|skopeo|oras|helm[ \t]+registry)[ \t]+login)${argumentsUntil('login')}[ \t](?:-p(?:[ \t]+|=)?|--password(?:[ \t]+|=))${ARGUMENT}`,
    ['login'],
  ),
  form(String.raw`\bsshpass\b${argumentsUntil('sshpass')}[ \t]-p[ \t]*${ARGUMENT}`, ['sshpass']),
  // htpasswd -b[c] <file> <user> <pw> and htpasswd -nb <user> <pw>: the password is the last argument.
  form(
    String.raw`\bhtpasswd(?:[ \t]+-[A-Za-z]{1,8}){0,3}?[ \t]+-[A-Za-z]{0,7}b[A-Za-z]{0,7}(?:[ \t]+-[A-Za-z]{1,8}){0,3}(?:[ \t]+[^\s'"-]\S{0,255}){1,2}[ \t]+${ARGUMENT}(?=\s|$)`,
    ['htpasswd'],
  ),
  // CREATE/ALTER USER|ROLE ... [WITH] [ENCRYPTED] PASSWORD '<pw>' (PostgreSQL and others). One space
  // between the words, as the keywords have it.
  form(String.raw`\b(?:CREATE|ALTER|create|alter) (?:USER|ROLE|user|role)\b(?:(?!(?:CREATE|ALTER|create|alter) )[^;\n]){0,200}?\b(?:PASSWORD|password)[ \t]+${SQL_STRING}`, [
    'create user',
    'alter user',
    'create role',
    'alter role',
  ]),
  // IDENTIFIED [WITH <plugin>] BY '<pw>' (MySQL, MariaDB) or BY <pw> (Oracle), in a CREATE/ALTER
  // USER|ROLE|LOGIN or GRANT statement (prose says "identified by" too).
  form(
    String.raw`\b(?:IDENTIFIED|identified)(?<=\b(?:(?:CREATE|ALTER|create|alter)[ \t]+(?:USER|ROLE|LOGIN|user|role|login)|(?:GRANT|grant)[ \t](?:(?![ \t](?:TO|to)[ \t])[^;\n]){0,300}?[ \t](?:TO|to))[ \t](?:(?!IDENTIFIED|identified)[^;\n]){0,300}?(?:IDENTIFIED|identified))` +
      String.raw`(?:[ \t]+(?:WITH|with)[ \t]+\w{1,64})?[ \t]+(?:BY|by)[ \t]+(?:${SQL_STRING}|${ORACLE_IDENTIFIER})`,
    ['identified'],
  ),
  // SET PASSWORD [FOR <user>] = '<pw>' or = PASSWORD('<pw>').
  form(String.raw`\b(?:SET|set) (?:PASSWORD|password)\b(?:(?!(?:SET|set) )[^;\n=]){0,100}=[ \t]*(?:(?:PASSWORD|password)\([ \t]*)?${SQL_STRING}`, ['set password']),
];

/** SQL bind parameters and client variables (`:password`, `@pw`, `&1`) stand for the password. */
const BIND_PARAMETER = /^[:@&?$]\w+$/;

/** Stored password hashes (PostgreSQL's md5/SCRAM verifiers, MySQL's *SHA1 hex) are not the password. */
const PASSWORD_HASH = /^(?:md5[0-9a-f]{32}|SCRAM-SHA-256\$.*|\*[0-9A-F]{40})$/;

export const cliPassword: Rule = {
  id: 'cli-password',
  description: 'password in a command line, .netrc or SQL statement (mysql -p, curl -u, docker login -p, sshpass, htpasswd, IDENTIFIED BY)',
  ...FORMS[0]!,
  variants: FORMS.slice(1),
  // Placeholders and references ($PW, ${PW}, <password>) are filtered for every rule; what is left
  // here is the defaults of tutorials and local setups, bind parameters and stored hashes.
  validate: (password) => password.length >= 6 && !isDocumentedPassword(password) && !PASSWORD_HASH.test(password) && !BIND_PARAMETER.test(password),
};
