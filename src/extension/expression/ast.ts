// The parsed form of an expression. Every node keeps its character span for error messages.
export interface Span {
  readonly pos: number;
  readonly end: number;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '<' | '<=' | '>' | '>=' | '==' | '!=' | '&&' | '||';
export type UnaryOp = '-' | '!';

export type Expr =
  | (Span & { readonly kind: 'number'; readonly value: number })
  | (Span & { readonly kind: 'string'; readonly value: string })
  | (Span & { readonly kind: 'boolean'; readonly value: boolean })
  | (Span & { readonly kind: 'name'; readonly name: string })
  | (Span & { readonly kind: 'unary'; readonly op: UnaryOp; readonly operand: Expr })
  | (Span & { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr })
  | (Span & { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[] })
  | (Span & { readonly kind: 'index'; readonly target: Expr; readonly indices: readonly IndexArg[] });

/** `a:b`, `:b`, `a:` or `:` inside brackets. */
export interface Slice extends Span {
  readonly kind: 'slice';
  readonly from?: Expr;
  readonly to?: Expr;
}

export type IndexArg = Expr | Slice;
