// Replace a file all at once: write a temporary sibling, flush it to disk, then rename it over the
// target. A crash at any point leaves either the old file or the new one, never a torn mix.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';

export function writeFileAtomic(target: string, bytes: Uint8Array): void {
  // Same directory, so the rename never crosses a file system; 'wx' refuses to reuse a name.
  const unique = `${process.pid}.${randomBytes(6).toString('hex')}`;
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${unique}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx');
    for (let written = 0; written < bytes.length; ) {
      written += fs.writeSync(fd, bytes, written, bytes.length - written);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, target);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw new InputError(target, `could not be written (${(e as Error).message})`);
  }
  syncDirectory(path.dirname(target));
}

/** Makes the rename itself durable; some platforms (Windows) cannot open directories, which is fine. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Best effort: the new file is already in place.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
