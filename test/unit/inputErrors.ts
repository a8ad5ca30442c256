// Assertions for "FILE: problem" input errors.
import assert from 'node:assert/strict';
import { InputError } from '../../src/engine/errors';

/** `fn` throws an InputError about `file` whose problem matches `problem`; returns the error. */
export function throwsInputError(fn: () => unknown, file: string, problem: RegExp): InputError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `expected an InputError about ${file} matching ${problem}, but nothing was thrown`);
  assert.ok(caught instanceof InputError, `expected an InputError, got ${(caught as Error)?.stack ?? String(caught)}`);
  assert.equal(caught.file, file, `the error names ${caught.file}, expected ${file}`);
  assert.ok(caught.message.startsWith(`${file}: `), `message "${caught.message}" starts with the file`);
  assert.match(caught.problem, problem);
  return caught;
}
