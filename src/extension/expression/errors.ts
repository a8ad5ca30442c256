// The only error the expression language throws. It carries the character span it concerns so the
// debugger can point at the offending part of a condition or watch expression.
export class ExpressionError extends Error {
  constructor(
    message: string,
    /** 0-based offset of the first character concerned. */
    readonly pos: number,
    /** Offset just past the last character concerned. */
    readonly end: number = pos,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** Quotes user text for messages, escaping anything unprintable. */
export function quote(text: string): string {
  return JSON.stringify(text);
}
