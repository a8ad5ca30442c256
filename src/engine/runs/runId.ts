// Run ids sort by the time they were made (UTC, to the millisecond) and stay unique when two
// runs start in the same millisecond: a random suffix, and the folder is created exclusively.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export function runId(now: Date, suffix = randomBytes(3).toString('hex')): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').replace('.', '-').replace('Z', '');
  return `${stamp}-${suffix}`;
}

/** Creates `<runsDir>/<new id>/` (never an existing one) and returns the id. */
export function createRunFolder(runsDir: string, now = new Date()): string {
  fs.mkdirSync(runsDir, { recursive: true });
  for (;;) {
    const id = runId(now);
    try {
      fs.mkdirSync(path.join(runsDir, id));
      return id;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
