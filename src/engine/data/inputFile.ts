// Reading a user's input file, so that a missing or unreadable file reads "FILE: problem" like
// every other input error.
import * as fs from 'fs';
import { InputError } from '../errors';

export function readInputFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(file, 'does not exist');
    if (code === 'EISDIR') throw new InputError(file, 'is a folder, not a file');
    throw new InputError(file, `could not be read (${code ?? (e as Error).message})`);
  }
}
