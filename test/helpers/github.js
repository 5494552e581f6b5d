// How the GitHub Actions runner reads what a step writes: $GITHUB_ENV and $GITHUB_OUTPUT files, and
// workflow commands on stdout.

/** actions/runner's reading of $GITHUB_ENV and $GITHUB_OUTPUT (SetEnvFileCommand): NAME=VALUE or NAME<<DELIMITER heredocs. */
export function parseGithubEnv(text) {
  const values = {};
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      values[line.slice(0, eq)] = line.slice(eq + 1);
      continue;
    }
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    const body = [];
    for (i++; lines[i] !== delimiter; i++) {
      if (i >= lines.length) throw new Error(`no closing ${delimiter}`);
      body.push(lines[i]);
    }
    values[name] = body.join('\n');
  }
  return values;
}

/** Workflow command data as the runner unescapes it. */
export const unescapeCommandData = (data) => data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

/** The values of the `::add-mask::` commands in a step's stdout. */
export const masksIn = (stdout) => stdout.split('\n').filter((line) => line.startsWith('::add-mask::')).map((line) => unescapeCommandData(line.slice('::add-mask::'.length)));
