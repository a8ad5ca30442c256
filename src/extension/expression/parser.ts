// Recursive-descent parser. Precedence, loosest first:
//   ||   &&   comparisons (not chained)   + -   * / %   unary - !   postfix [ ]
import { BinaryOp, Expr, IndexArg, Slice } from './ast';
import { ExpressionError, quote } from './errors';
import { Op, Token, tokenize } from './lexer';

/** Deeper nesting is refused, so evaluation can never overflow the stack. */
export const MAX_DEPTH = 64;

const COMPARISONS = ['<', '<=', '>', '>=', '==', '!='] as const;

/** Throws ExpressionError for any text that is not a complete expression. */
export function parseExpression(text: string): Expr {
  return new Parser(tokenize(text)).parseAll();
}

/** The syntax error of `text`, or undefined when it parses; for verifying breakpoint conditions. */
export function checkSyntax(text: string): string | undefined {
  try {
    parseExpression(text);
    return undefined;
  } catch (err) {
    if (err instanceof ExpressionError) return err.message;
    throw err;
  }
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parseAll(): Expr {
    if (this.peek().kind === 'end') throw new ExpressionError('empty expression', 0);
    const e = this.or();
    const t = this.peek();
    if (t.kind !== 'end') throw this.unexpected(t);
    return e;
  }

  private or(): Expr {
    let left = this.and();
    while (this.accept(['||'])) left = this.binary('||', left, this.and());
    return left;
  }

  private and(): Expr {
    let left = this.comparison();
    while (this.accept(['&&'])) left = this.binary('&&', left, this.comparison());
    return left;
  }

  private comparison(): Expr {
    const left = this.additive();
    const op = this.accept(COMPARISONS);
    if (!op) return left;
    const e = this.binary(op, left, this.additive());
    const again = this.peek();
    // `a < b < c` would compare a boolean with a number; say what was probably meant.
    if (this.accept(COMPARISONS)) {
      throw new ExpressionError(`comparisons cannot be chained (at ${again.pos}); write a < b && b < c`, again.pos, again.end);
    }
    return e;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (let op = this.accept(['+', '-']); op; op = this.accept(['+', '-'])) left = this.binary(op, left, this.multiplicative());
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (let op = this.accept(['*', '/', '%']); op; op = this.accept(['*', '/', '%'])) left = this.binary(op, left, this.unary());
    return left;
  }

  /** Every nested construct passes through here, so this is where depth is counted. */
  private unary(): Expr {
    const t = this.peek();
    if (++this.depth > MAX_DEPTH) {
      throw new ExpressionError(`expression is nested too deeply (more than ${MAX_DEPTH} levels) at ${t.pos}`, t.pos, t.end);
    }
    let e: Expr;
    const op = this.accept(['-', '!']);
    if (op) {
      const operand = this.unary();
      e = { kind: 'unary', op, operand, pos: t.pos, end: operand.end };
    } else {
      e = this.postfix();
    }
    this.depth--;
    return e;
  }

  private postfix(): Expr {
    let e = this.primary();
    while (this.isOp('[')) {
      const open = this.next();
      const indices: IndexArg[] = [this.indexArg()];
      while (this.accept([','])) indices.push(this.indexArg());
      const close = this.expect(']', open);
      e = { kind: 'index', target: e, indices, pos: e.pos, end: close.end };
    }
    return e;
  }

  private indexArg(): IndexArg {
    if (this.isOp(':')) return this.slice(undefined, this.peek().pos);
    const e = this.or();
    return this.isOp(':') ? this.slice(e, e.pos) : e;
  }

  /** Called on the ":" of a slice. */
  private slice(from: Expr | undefined, pos: number): Slice {
    const colon = this.next();
    const to = this.isOp(',') || this.isOp(']') ? undefined : this.or();
    return { kind: 'slice', from, to, pos, end: to?.end ?? colon.end };
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return { kind: 'number', value: t.value, pos: t.pos, end: t.end };
      case 'string':
        return { kind: 'string', value: t.value, pos: t.pos, end: t.end };
      case 'name':
        if (t.value === 'true' || t.value === 'false') return { kind: 'boolean', value: t.value === 'true', pos: t.pos, end: t.end };
        return this.isOp('(') ? this.call(t.value, t.pos) : { kind: 'name', name: t.value, pos: t.pos, end: t.end };
      case 'op':
        if (t.value === '(') {
          const e = this.or();
          this.expect(')', t);
          return e;
        }
        throw this.unexpected(t);
      case 'end':
        throw this.unexpected(t);
    }
  }

  private call(name: string, pos: number): Expr {
    const open = this.next();
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      args.push(this.or());
      while (this.accept([','])) args.push(this.or());
    }
    const close = this.expect(')', open);
    return { kind: 'call', name, args, pos, end: close.end };
  }

  private binary(op: BinaryOp, left: Expr, right: Expr): Expr {
    return { kind: 'binary', op, left, right, pos: left.pos, end: right.end };
  }

  private expect(op: ')' | ']', open: Token): Token {
    const t = this.peek();
    if (t.kind === 'op' && t.value === op) return this.next();
    if (t.kind === 'end') throw new ExpressionError(`missing ${quote(op)} for the ${quote(op === ')' ? '(' : '[')} at ${open.pos}`, t.pos);
    throw new ExpressionError(`unexpected ${describe(t)} at ${t.pos}; expected ${quote(op)}`, t.pos, t.end);
  }

  private unexpected(t: Token): ExpressionError {
    return new ExpressionError(`unexpected ${describe(t)} at ${t.pos}`, t.pos, t.end);
  }

  private peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    const t = this.tokens[this.i];
    if (t.kind !== 'end') this.i++;
    return t;
  }

  private isOp(op: Op): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.value === op;
  }

  /** Consumes the next token and returns its operator when it is one of `ops`. */
  private accept<T extends Op>(ops: readonly T[]): T | undefined {
    const t = this.peek();
    if (t.kind !== 'op' || !(ops as readonly Op[]).includes(t.value)) return undefined;
    this.i++;
    return t.value as T;
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'number':
      return `number ${t.text}`;
    case 'string':
      return `string ${t.text}`;
    case 'name':
      return `name ${quote(t.value)}`;
    case 'op':
      return quote(t.value);
    case 'end':
      return 'end of expression';
  }
}
