// Where the build's extra files are: next to the running code (dist/ for the bundles, out/src/engine
// for a file tsc compiles), else in the project's dist/ (tests and scripts run from out/).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The path of `file`, or undefined when it was not built. */
export function findBuilt(file: string): string | undefined {
  const beside = join(__dirname, file);
  if (existsSync(beside)) return beside;
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const built = join(dir, 'dist', file);
      return existsSync(built) ? built : undefined;
    }
  }
  return undefined;
}
