// Evaluates a parsed expression on named matrices, in float64 (products on a run's kernels in
// float32 when given: see matmul). Unknown names and functions, wrong argument counts and shapes are
// ExerciseErrors at the offending token.
import { errorAt } from './exerciseError';
import { FUNCTIONS } from './functions';
import type { Kernels } from '../kernels';
import { elementwise, map, matmul, Matrix, Operand, scalar, transpose } from './matrix';
import { Expr } from './parser';

export type Env = ReadonlyMap<string, Matrix>;

/** `kernels`: where `@` multiplies (see matmul); the float64 reference loops without. */
export function evaluate(e: Expr, env: Env, kernels?: Kernels): Matrix {
  const recur = (x: Expr) => evaluate(x, env, kernels);
  switch (e.kind) {
    case 'number':
      return scalar(e.value);
    case 'name': {
      const v = env.get(e.name);
      if (v) return v;
      if (Object.hasOwn(FUNCTIONS, e.name)) throw errorAt(e.pos, `${e.name} is a function: write ${FUNCTIONS[e.name].signature}`);
      throw errorAt(e.pos, `unknown name ${e.name}; the names here are ${[...env.keys()].join(', ')}`);
    }
    case 'negate':
      return map(recur(e.operand), (x) => -x);
    case 'transpose':
      return transpose(recur(e.operand));
    case 'binary': {
      if (e.op === '@') return matmul(operand(e.left, recur), operand(e.right, recur), e.pos, kernels);
      return elementwise(recur(e.left), recur(e.right), e.op, e.pos);
    }
    case 'call': {
      if (!Object.hasOwn(FUNCTIONS, e.name)) {
        throw errorAt(e.pos, `unknown function ${e.name}; the functions are ${Object.keys(FUNCTIONS).join(', ')}`);
      }
      const f = FUNCTIONS[e.name];
      const [min, max] = f.arity;
      if (e.args.length < min || e.args.length > max) {
        const wanted = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} or ${max}`;
        throw errorAt(e.pos, `${e.name} takes ${wanted} argument${wanted === '1' ? '' : 's'}: ${f.signature}`);
      }
      return f.apply(e.args.map(recur), e.pos, e.args.map((a) => a.pos));
    }
  }
}

/** A factor of a product: `X.T` is read transposed, not transposed first. */
function operand(e: Expr, recur: (x: Expr) => Matrix): Operand {
  return e.kind === 'transpose' ? { value: recur(e.operand), transposed: true } : { value: recur(e), transposed: false };
}
