import * as path from 'node:path';
import { shellQuote } from '../git/setup.js';
import { packageRoot } from '../package-root.js';

/**
 * How git runs envseal's drivers: `'<node>' '<absolute bin/envseal.js>'`. No PATH lookup and no npx
 * start-up (hundreds of milliseconds per file per `git diff`), and it works whether envseal was
 * installed in node_modules or globally. The cost: the paths are fixed, so after moving the project
 * or changing the Node installation, run `envseal git setup` again (or pass --command envseal).
 */
export function driverCommand(): string {
  return `${shellQuote(process.execPath)} ${shellQuote(path.join(packageRoot(), 'bin', 'envseal.js'))}`;
}
