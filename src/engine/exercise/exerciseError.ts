// The one error type of the tensor language: every problem with a student's text (syntax, unknown
// name, shape, limits) is one of these, pointing at the token (1-based line and column).
export class ExerciseError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`line ${line}, column ${column}: ${problem}`);
    this.name = 'ExerciseError';
  }
}

/** Where a token starts in the exercise file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export function errorAt(pos: Position, problem: string): ExerciseError {
  return new ExerciseError(pos.line, pos.column, problem);
}
