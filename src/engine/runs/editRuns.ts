// What the Runs view changes in a runs folder: a run's display name (in its config.json, which the
// recorder writes once at the start) and deleting a run. Deleting refuses a folder that is not a
// run, so a wrong path can never remove anything else.
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../modelfile/atomic';
import { CONFIG_FILE, RUN_FORMAT, RunConfig } from './runFiles';

function readConfig(dir: string): RunConfig {
  const file = path.join(dir, CONFIG_FILE);
  let config: RunConfig;
  try {
    config = JSON.parse(fs.readFileSync(file, 'utf8')) as RunConfig;
  } catch (e) {
    throw new Error(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist: not a run folder' : (e as Error).message}`, { cause: e });
  }
  if (config.format !== RUN_FORMAT) throw new Error(`${file}: not a run record (format ${JSON.stringify(config.format)})`);
  return config;
}

/** Gives the run a name (an empty one removes it). */
export function renameRun(dir: string, name: string): void {
  const config = readConfig(dir);
  const trimmed = name.trim();
  if (trimmed) config.name = trimmed;
  else delete config.name;
  writeFileAtomic(path.join(dir, CONFIG_FILE), new TextEncoder().encode(JSON.stringify(config, null, 2) + '\n'));
}

/** Removes the run's folder, after checking that it holds a run record. */
export function deleteRun(dir: string): void {
  readConfig(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}
