// Finding a Python with numpy (and scipy) for cross-checks against the real libraries. There may
// be several interpreters (python3 on PATH, /usr/bin/python3); the first one with the modules wins.
import { execFileSync } from 'node:child_process';

const CANDIDATES = ['python3', '/usr/bin/python3'];
const found = new Map<string, string | undefined>();

/** The first interpreter that imports all `modules`, or undefined. */
export function pythonWith(...modules: string[]): string | undefined {
  const key = modules.join(',');
  if (found.has(key)) return found.get(key);
  let hit: string | undefined;
  for (const py of CANDIDATES) {
    try {
      execFileSync(py, ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore', timeout: 30_000 });
      hit = py;
      break;
    } catch {
      // not installed, or the module is missing: try the next one
    }
  }
  found.set(key, hit);
  return hit;
}

/** Skipped where no Python has the modules, except under CI=true: there test/setup.sh installs
 *  them, so their absence fails the test (runPython says why) instead of hiding it. */
export function pythonSkip(...modules: string[]): string | false {
  if (pythonWith(...modules) || process.env.CI === 'true') return false;
  return `no Python with ${modules.join(' and ')} (tried ${CANDIDATES.join(', ')})`;
}

/** Runs a script with the interpreter that has `modules`; argv[1..] are `args`. */
export function runPython(modules: string[], script: string, args: string[] = []): string {
  const py = pythonWith(...modules);
  if (!py) throw new Error(`no Python with ${modules.join(', ')}`);
  return execFileSync(py, ['-c', script, ...args], { encoding: 'utf8', timeout: 60_000 });
}
