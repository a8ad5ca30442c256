// Evaluates a parsed expression on named matrices, in float64. Unknown names and functions, wrong
// argument counts and shapes are ExerciseErrors at the offending token.
import { errorAt } from './exerciseError';
import { FUNCTIONS } from './functions';
import { elementwise, map, matmul, Matrix, scalar, transpose } from './matrix';
import { Expr } from './parser';

export type Env = ReadonlyMap<string, Matrix>;

const OPS: Readonly<Record<'+' | '-' | '*' | '/', (x: number, y: number) => number>> = {
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '*': (x, y) => x * y,
  '/': (x, y) => x / y,
};

export function evaluate(e: Expr, env: Env): Matrix {
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
      return map(evaluate(e.operand, env), (x) => -x);
    case 'transpose':
      return transpose(evaluate(e.operand, env));
    case 'binary': {
      const [a, b] = [evaluate(e.left, env), evaluate(e.right, env)];
      return e.op === '@' ? matmul(a, b, e.pos) : elementwise(a, b, e.op, e.pos, OPS[e.op]);
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
      return f.apply(e.args.map((a) => evaluate(a, env)), e.pos, e.args.map((a) => a.pos));
    }
  }
}
