// The tensor language's grammar, as in NumPy: `@`, `*` and `/` bind tighter than `+` and `-`
// (all left-associative), unary minus binds looser than `.T` (so -W.T is -(W.T)).
//   line    := NAME '=' expr? | (empty)
//   expr    := term (('+' | '-') term)*
//   term    := unary (('*' | '/' | '@') unary)*
//   unary   := '-' unary | postfix
//   postfix := primary '.T'*
//   primary := NUMBER | NAME | NAME '(' expr (',' expr)* ')' | '(' expr ')'
import { errorAt, Position } from './exerciseError';
import { Token, tokenize } from './lexer';

export type Expr =
  | { readonly kind: 'number'; readonly value: number; readonly pos: Position }
  | { readonly kind: 'name'; readonly name: string; readonly pos: Position }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly pos: Position }
  | { readonly kind: 'negate'; readonly operand: Expr; readonly pos: Position }
  | { readonly kind: 'transpose'; readonly operand: Expr; readonly pos: Position }
  | { readonly kind: 'binary'; readonly op: '+' | '-' | '*' | '/' | '@'; readonly left: Expr; readonly right: Expr; readonly pos: Position };

/** One `NAME = EXPRESSION` line; `expr` is undefined when the right side is left blank. */
export interface Assignment {
  readonly name: string;
  readonly namePos: Position;
  /** Where the right side starts (the end of the line when it is blank). */
  readonly rightPos: Position;
  readonly expr: Expr | undefined;
}

/** Deeper nesting than this is refused (it bounds the recursion of the parser and evaluator). */
export const MAX_DEPTH = 64;

/** The assignment on a line, or undefined for a blank or comment-only line. */
export function parseLine(text: string, line: number): Assignment | undefined {
  const tokens = tokenize(text, line);
  if (tokens[0].kind === 'end') return undefined;
  const name = tokens[0];
  if (name.kind !== 'name') throw errorAt(name.pos, `expected a tensor name at the start of the line, got ${describe(name)}`);
  if (tokens[1].kind !== '=') throw errorAt(tokens[1].pos, `expected "=" after ${name.text}, got ${describe(tokens[1])}`);
  const rightPos = tokens[2].pos;
  if (tokens[2].kind === 'end') return { name: name.text, namePos: name.pos, rightPos, expr: undefined };
  const parser = new Parser(tokens, 2);
  const expr = parser.expression(0);
  parser.expectEnd();
  return { name: name.text, namePos: name.pos, rightPos, expr };
}

/** An expression alone (no `NAME =`), e.g. a model's reference answer. */
export function parseExpression(text: string, line = 1): Expr {
  const parser = new Parser(tokenize(text, line), 0);
  const expr = parser.expression(0);
  parser.expectEnd();
  return expr;
}

/** The names an expression reads (not the functions it calls). */
export function namesIn(e: Expr, into = new Set<string>()): Set<string> {
  switch (e.kind) {
    case 'name':
      into.add(e.name);
      break;
    case 'call':
      e.args.forEach((a) => namesIn(a, into));
      break;
    case 'negate':
    case 'transpose':
      namesIn(e.operand, into);
      break;
    case 'binary':
      namesIn(e.left, into);
      namesIn(e.right, into);
      break;
  }
  return into;
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'the end of the line' : `"${t.text}"`;
}

class Parser {
  constructor(
    private readonly tokens: readonly Token[],
    private at: number,
  ) {}

  private peek(): Token {
    return this.tokens[this.at];
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.kind === ')') throw errorAt(t.pos, 'unmatched ")"');
    if (t.kind !== 'end') throw errorAt(t.pos, `expected an operator (+ - * / @) or the end of the line, got ${describe(t)}`);
  }

  expression(depth: number): Expr {
    if (depth > MAX_DEPTH) throw errorAt(this.peek().pos, `the expression is nested more than ${MAX_DEPTH} deep`);
    let left = this.term(depth);
    while (this.peek().kind === 'op' && (this.peek().text === '+' || this.peek().text === '-')) {
      const op = this.tokens[this.at++];
      left = { kind: 'binary', op: op.text as '+' | '-', left, right: this.term(depth), pos: op.pos };
    }
    return left;
  }

  private term(depth: number): Expr {
    let left = this.unary(depth);
    while (this.peek().kind === 'op' && (this.peek().text === '*' || this.peek().text === '/' || this.peek().text === '@')) {
      const op = this.tokens[this.at++];
      left = { kind: 'binary', op: op.text as '*' | '/' | '@', left, right: this.unary(depth), pos: op.pos };
    }
    return left;
  }

  private unary(depth: number): Expr {
    const t = this.peek();
    if (t.kind === 'op' && t.text === '-') {
      if (depth > MAX_DEPTH) throw errorAt(t.pos, `the expression is nested more than ${MAX_DEPTH} deep`);
      this.at++;
      return { kind: 'negate', operand: this.unary(depth + 1), pos: t.pos };
    }
    let e = this.primary(depth);
    while (this.peek().kind === '.T') e = { kind: 'transpose', operand: e, pos: this.tokens[this.at++].pos };
    return e;
  }

  private primary(depth: number): Expr {
    const t = this.tokens[this.at];
    switch (t.kind) {
      case 'number': {
        this.at++;
        const value = Number(t.text);
        if (!Number.isFinite(value)) throw errorAt(t.pos, `the number ${t.text} is too large`);
        return { kind: 'number', value, pos: t.pos };
      }
      case 'name': {
        this.at++;
        if (this.peek().kind !== '(') return { kind: 'name', name: t.text, pos: t.pos };
        this.at++;
        const args = [this.expression(depth + 1)];
        while (this.peek().kind === ',') {
          this.at++;
          args.push(this.expression(depth + 1));
        }
        this.expect(')', `expected "," or ")" in the arguments of ${t.text}`);
        return { kind: 'call', name: t.text, args, pos: t.pos };
      }
      case '(': {
        this.at++;
        const e = this.expression(depth + 1);
        this.expect(')', 'expected ")" to close the "(" ');
        return e;
      }
      default:
        throw errorAt(t.pos, `expected a number, a tensor name, a function call or "(", got ${describe(t)}`);
    }
  }

  private expect(kind: Token['kind'], message: string): void {
    const t = this.peek();
    if (t.kind !== kind) throw errorAt(t.pos, `${message.trimEnd()}, got ${describe(t)}`);
    this.at++;
  }
}
