// Errors about user input carry the file they concern, so every layer (CLI, extension, debugger)
// can show "FILE: problem" without a stack trace.
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'InputError';
  }
}
