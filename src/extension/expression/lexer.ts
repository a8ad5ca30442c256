// Splits expression text into tokens. Only ASCII identifiers, numbers, quoted strings and a fixed
// set of operators exist; anything else is rejected with its position.
import { ExpressionError, quote } from './errors';

/** Longer inputs are refused outright, which bounds the work every later stage can do. */
export const MAX_LENGTH = 1000;

export type Op =
  | '+' | '-' | '*' | '/' | '%'
  | '<' | '<=' | '>' | '>=' | '==' | '!='
  | '&&' | '||' | '!'
  | '(' | ')' | '[' | ']' | ',' | ':';

interface Span {
  pos: number;
  end: number;
}

export type Token =
  | (Span & { kind: 'number'; value: number; text: string })
  | (Span & { kind: 'string'; value: string; text: string })
  | (Span & { kind: 'name'; value: string })
  | (Span & { kind: 'op'; value: Op })
  | (Span & { kind: 'end' });

// Two-character operators first, so "<=" is not read as "<" then "=".
const OPS: readonly Op[] = ['<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '<', '>', '!', '(', ')', '[', ']', ',', ':'];

/** Single characters people type meaning an operator we spell differently. */
const MISSPELLED: Readonly<Record<string, string>> = { '=': '==', '&': '&&', '|': '||' };

const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_]\w*/y;
const NUMBER_TAIL = /[\w.]*/y;

export function tokenize(text: string): Token[] {
  if (text.length > MAX_LENGTH) {
    throw new ExpressionError(`expression is too long (${text.length} characters; the limit is ${MAX_LENGTH})`, MAX_LENGTH, text.length);
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(text[i + 1] ?? ''))) {
      tokens.push(readNumber(text, i));
      i = tokens[tokens.length - 1].end;
    } else if (/[A-Za-z_]/.test(c)) {
      NAME.lastIndex = i;
      const value = NAME.exec(text)![0];
      tokens.push({ kind: 'name', value, pos: i, end: i + value.length });
      i += value.length;
    } else if (c === '"' || c === "'") {
      tokens.push(readString(text, i));
      i = tokens[tokens.length - 1].end;
    } else {
      const op = OPS.find((o) => text.startsWith(o, i));
      if (op) {
        tokens.push({ kind: 'op', value: op, pos: i, end: i + op.length });
        i += op.length;
      } else if (MISSPELLED[c]) {
        throw new ExpressionError(`${quote(c)} is not an operator at ${i}; use ${quote(MISSPELLED[c])}`, i, i + 1);
      } else {
        const ch = String.fromCodePoint(text.codePointAt(i)!);
        throw new ExpressionError(`unexpected character ${quote(ch)} at ${i}`, i, i + ch.length);
      }
    }
  }
  tokens.push({ kind: 'end', pos: text.length, end: text.length });
  return tokens;
}

function readNumber(text: string, start: number): Token {
  NUMBER.lastIndex = start;
  const body = NUMBER.exec(text)![0];
  // "1e", "1.2.3" or "3W1" would otherwise split into confusing token pairs.
  NUMBER_TAIL.lastIndex = start + body.length;
  const tail = NUMBER_TAIL.exec(text)![0];
  if (tail) {
    const whole = body + tail;
    throw new ExpressionError(`malformed number ${quote(whole)} at ${start}`, start, start + whole.length);
  }
  return { kind: 'number', value: Number(body), text: body, pos: start, end: start + body.length };
}

/** A backslash takes the next character literally, so "don\'t" and "a\\b" can be written. */
function readString(text: string, start: number): Token {
  const q = text[start];
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === q) return { kind: 'string', value, text: text.slice(start, i + 1), pos: start, end: i + 1 };
    if (c === '\\' && i + 1 < text.length) {
      i++;
      value += text[i];
    } else {
      value += c;
    }
  }
  throw new ExpressionError(`unterminated string starting at ${start}`, start, text.length);
}
