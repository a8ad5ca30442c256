// dH[2], dH[t], H[3, 0]: a recurrent model's tensor at one time step, named without the step.
// The first index is the time step as the tensors' names count it (dH[2] is dH2, 1-based), any
// further indices index that tensor. Only names the environment calls a time series qualify, so
// an MLP's tensors (or a name that is a tensor itself) index as they always have.
import { Expr, IndexArg, Span } from './ast';
import { ExpressionEnv } from './env';
import { ExpressionError, quote } from './errors';
import { describe, Value } from './values';

type IndexExpr = Extract<Expr, { kind: 'index' }>;

/** The tensor at the chosen time step, as a name to evaluate, and the indices left for it;
 *  `evaluate` gives the time step's value (the evaluator's, passed in to keep the imports one-way). */
export function timeStepTarget(expr: IndexExpr, env: ExpressionEnv, evaluate: (e: Expr) => Value): { tensor: Expr; rest: readonly IndexArg[] } | undefined {
  const target = expr.target;
  if (target.kind !== 'name' || env.tensor(target.name) || env.scalar(target.name) !== undefined) return undefined;
  const series = env.timeSeries?.(target.name);
  if (!series) return undefined;
  const [first, ...rest] = expr.indices;
  const steps = [...series.keys()];
  const known = `${quote(target.name)} has time steps ${steps.join(', ')}`;
  if (first.kind === 'slice') throw new ExpressionError(`pick one time step: ${known}`, first.pos, first.end);
  const t = evaluate(first);
  const name = typeof t === 'number' ? series.get(t) : undefined;
  if (name === undefined) throw new ExpressionError(`${typeof t === 'number' ? `no time step ${t}` : `${describe(t)} is not a time step`}: ${known}`, first.pos, first.end);
  const span: Span = { pos: target.pos, end: first.end };
  return { tensor: { kind: 'name', name, ...span }, rest };
}
