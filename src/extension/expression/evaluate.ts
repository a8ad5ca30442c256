// Evaluates a parsed expression against an environment. Scalar arithmetic and logic only: tensors
// can be named, indexed and reduced by functions, never combined with operators.
import { BinaryOp, Expr, Span, UnaryOp } from './ast';
import { ExpressionEnv } from './env';
import { ExpressionError, quote } from './errors';
import { BUILTIN_NAMES, builtin } from './functions';
import { IndexValue, indexView } from './indexing';
import { timeStepTarget } from './timeSteps';
import { parseExpression } from './parser';
import { didYouMean } from './suggest';
import { describe, Located, reduceHint, TensorView, Value } from './values';

/** At most this many names are listed in an "unknown name" message. */
const LISTED_NAMES = 30;

const VERBS: Partial<Record<BinaryOp, string>> = {
  '+': 'add',
  '-': 'subtract',
  '*': 'multiply',
  '/': 'divide',
  '%': 'take the remainder of',
};

export function evaluateText(text: string, env: ExpressionEnv): Value {
  return evaluate(parseExpression(text), env);
}

/** Throws only ExpressionError. */
export function evaluate(expr: Expr, env: ExpressionEnv): Value {
  switch (expr.kind) {
    case 'number':
    case 'string':
    case 'boolean':
      return expr.value;
    case 'name':
      return lookup(expr.name, expr, env);
    case 'unary':
      return unary(expr.op, evaluate(expr.operand, env), expr.operand);
    case 'binary':
      return binary(expr.op, expr.left, expr.right, env);
    case 'call':
      return call(expr.name, expr.args, expr, env);
    case 'index': {
      const step = timeStepTarget(expr, env, (e) => evaluate(e, env));
      if (step) return step.rest.length > 0 ? evaluate({ ...expr, target: step.tensor, indices: step.rest }, env) : evaluate(step.tensor, env);
      const target = evaluate(expr.target, env);
      if (!(target instanceof TensorView)) throw new ExpressionError(`cannot index ${describe(target)}`, expr.target.pos, expr.target.end);
      const indices = expr.indices.map((ix): IndexValue =>
        ix.kind === 'slice'
          ? { kind: 'slice', from: ix.from && located(ix.from, env), to: ix.to && located(ix.to, env), pos: ix.pos, end: ix.end }
          : { kind: 'at', ...located(ix, env) },
      );
      return indexView(target, indices, env, expr);
    }
  }
}

/** For breakpoint conditions: true/false, or a number (nonzero is true, NaN is false). */
export function isTruthy(v: Value): boolean {
  const b = asBoolean(v);
  if (b === undefined) throw new ExpressionError(`condition must be true/false, got ${describe(v)}`, 0);
  return b;
}

function located(e: Expr, env: ExpressionEnv): Located {
  return { value: evaluate(e, env), pos: e.pos, end: e.end };
}

function lookup(name: string, span: Span, env: ExpressionEnv): Value {
  const t = env.tensor(name);
  if (t) return TensorView.whole(t, env.wordLabelledAxes(name));
  const s = env.scalar(name);
  if (s !== undefined) return s;
  if (builtin(name) || envFunctions(env).includes(name)) {
    throw new ExpressionError(`${quote(name)} is a function; call it like ${name}(…)`, span.pos, span.end);
  }
  const known = [...env.tensorNames(), ...env.scalarNames()];
  const listed = known.slice(0, LISTED_NAMES).join(', ') + (known.length > LISTED_NAMES ? ', …' : '');
  throw new ExpressionError(`unknown name ${quote(name)}${didYouMean(name, known)} (known: ${listed})`, span.pos, span.end);
}

function call(name: string, argExprs: readonly Expr[], span: Span, env: ExpressionEnv): Value {
  const fn = builtin(name);
  if (fn) return fn(argExprs.map((a) => located(a, env)), span, env);
  const extra = envFunctions(env);
  if (env.call && extra.includes(name)) {
    const args = argExprs.map((a) => evaluate(a, env));
    try {
      return env.call(name, args);
    } catch (err) {
      // The environment's own failure (unknown word, wrong context length…) is the user's message.
      throw new ExpressionError(err instanceof Error ? err.message : String(err), span.pos, span.end);
    }
  }
  const known = [...BUILTIN_NAMES, ...extra];
  const why =
    env.tensor(name) || env.scalar(name) !== undefined
      ? `${quote(name)} is not a function`
      : `unknown function ${quote(name)}${didYouMean(name, known)}`;
  throw new ExpressionError(`${why} (functions: ${known.join(', ')})`, span.pos, span.end);
}

function unary(op: UnaryOp, v: Value, span: Span): Value {
  if (op === '!') return !truth('!', v, span);
  if (typeof v === 'number') return -v;
  const hint = v instanceof TensorView ? `; ${reduceHint(v)}` : '';
  throw new ExpressionError(`cannot negate ${describe(v)}${hint}`, span.pos, span.end);
}

function binary(op: BinaryOp, leftExpr: Expr, rightExpr: Expr, env: ExpressionEnv): Value {
  const left = evaluate(leftExpr, env);
  // Short-circuit: the right side may name something that only exists when the left holds.
  if (op === '&&') return truth(op, left, leftExpr) && truth(op, evaluate(rightExpr, env), rightExpr);
  if (op === '||') return truth(op, left, leftExpr) || truth(op, evaluate(rightExpr, env), rightExpr);
  const right = evaluate(rightExpr, env);
  const span: Span = { pos: leftExpr.pos, end: rightExpr.end };
  if (typeof left === 'number' && typeof right === 'number') {
    switch (op) {
      case '+':
        return left + right;
      case '-':
        return left - right;
      case '*':
        return left * right;
      case '/':
        return left / right;
      case '%':
        return left % right;
      case '<':
        return left < right;
      case '<=':
        return left <= right;
      case '>':
        return left > right;
      case '>=':
        return left >= right;
    }
  }
  const sameKind = typeof left === typeof right && typeof left !== 'object';
  if (sameKind && op === '==') return left === right;
  if (sameKind && op === '!=') return left !== right;
  const tensor = [left, right].find((v): v is TensorView => v instanceof TensorView);
  const hint = tensor ? `; ${reduceHint(tensor)}` : '';
  const verb = VERBS[op];
  const problem = verb
    ? `cannot ${verb} ${describe(left)} and ${describe(right)}`
    : `cannot compare ${describe(left)} with ${describe(right)} using ${quote(op)}`;
  throw new ExpressionError(problem + hint, span.pos, span.end);
}

/** Operands of && || ! must be true/false or numbers. */
function truth(op: string, v: Value, span: Span): boolean {
  const b = asBoolean(v);
  if (b === undefined) throw new ExpressionError(`${quote(op)} expects true/false, got ${describe(v)}`, span.pos, span.end);
  return b;
}

/** Booleans as they are, numbers as nonzero (NaN is false); anything else undefined. */
function asBoolean(v: Value): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  return undefined;
}

function envFunctions(env: ExpressionEnv): readonly string[] {
  return env.functionNames?.() ?? [];
}
