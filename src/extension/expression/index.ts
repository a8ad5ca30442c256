// The safe expression language of the NLM Lab debugger: conditional breakpoints, watch
// expressions, hovers and Debug Console input. Parsed and evaluated here; never run as code.
export type { BinaryOp, Expr, IndexArg, Slice, Span, UnaryOp } from './ast';
export { completionsAt } from './completions';
export type { Completion } from './completions';
export type { ExpressionEnv } from './env';
export { ExpressionError } from './errors';
export { evaluate, evaluateText, isTruthy } from './evaluate';
export { formatScalar, formatValue } from './format';
export type { FormatOptions } from './format';
export { BUILTIN_NAMES } from './functions';
export { identifierAt } from './hover';
export type { IdentifierSpan } from './hover';
export { MAX_LENGTH } from './lexer';
export { checkSyntax, MAX_DEPTH, parseExpression } from './parser';
export { moments, tensorSummary } from './stats';
export type { Moments } from './stats';
export { lookupWord } from './suggest';
export { TensorView } from './values';
export type { AxisPick, DisplayValue, Value } from './values';
