// The tensor language's tokens: numbers, names, operators, parentheses and commas. One line at a
// time; a `#` starts a comment to the end of the line.
import { errorAt, Position } from './exerciseError';

export type TokenKind = 'number' | 'name' | 'op' | '(' | ')' | ',' | '=' | '.T' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The text as written ("−" is read as "-"). */
  readonly text: string;
  readonly pos: Position;
}

/** The longest line the language reads: a bound on work, not a style rule. */
export const MAX_LINE_LENGTH = 2000;

const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPERATORS: Readonly<Record<string, string>> = { '+': '+', '-': '-', '−': '-', '*': '*', '/': '/', '@': '@' };

export function tokenize(text: string, line: number): Token[] {
  if (text.length > MAX_LINE_LENGTH) throw errorAt({ line, column: MAX_LINE_LENGTH + 1 }, `the line is longer than ${MAX_LINE_LENGTH} characters`);
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const pos = { line, column: i + 1 };
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#') {
      break;
    } else if (text.startsWith('.T', i) && !/[A-Za-z0-9_]/.test(text[i + 2] ?? '')) {
      tokens.push({ kind: '.T', text: '.T', pos });
      i += 2;
    } else if (NUMBER.test(text.slice(i, i + 64))) {
      const m = NUMBER.exec(text.slice(i))!;
      tokens.push({ kind: 'number', text: m[0], pos });
      i += m[0].length;
    } else if (NAME.test(text.slice(i, i + 1))) {
      const m = NAME.exec(text.slice(i))!;
      tokens.push({ kind: 'name', text: m[0], pos });
      i += m[0].length;
    } else if (Object.hasOwn(OPERATORS, c)) {
      tokens.push({ kind: 'op', text: OPERATORS[c], pos });
      i++;
    } else if (c === '(' || c === ')' || c === ',' || c === '=') {
      tokens.push({ kind: c, text: c, pos });
      i++;
    } else {
      const shown = c === '.' ? '"." (only .T, the transpose, follows a tensor)' : JSON.stringify(c);
      throw errorAt(pos, `unexpected character ${shown}`);
    }
  }
  tokens.push({ kind: 'end', text: '', pos: { line, column: text.length + 1 } });
  return tokens;
}
