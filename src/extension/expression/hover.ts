// Finds the identifier under the cursor in a line of the model's pseudo-code, e.g.
// `dW3 = Hᵀ·dZ2 ; db2 = Σ dZ2`. Identifiers are ASCII only, so the math symbols around them
// (ᵀ · Σ σ …) are never part of a name.
const ID_CHAR = /[A-Za-z0-9_]/;

export interface IdentifierSpan {
  name: string;
  /** 0-based column of the first character. */
  start: number;
  /** Column just past the last character. */
  end: number;
}

/** The identifier covering `column`, or ending just before it (a cursor placed after a word). */
export function identifierAt(line: string, column: number): IdentifierSpan | undefined {
  if (!Number.isInteger(column) || column < 0 || column > line.length) return undefined;
  const isId = (i: number) => i >= 0 && i < line.length && ID_CHAR.test(line[i]);
  const at = isId(column) ? column : isId(column - 1) ? column - 1 : -1;
  if (at < 0) return undefined;
  let start = at;
  while (isId(start - 1)) start--;
  let end = at + 1;
  while (isId(end)) end++;
  const name = line.slice(start, end);
  // "0", "1e3" and the like are numbers, not names.
  return /^\d/.test(name) ? undefined : { name, start, end };
}
