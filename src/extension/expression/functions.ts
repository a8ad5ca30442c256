// The built-in functions. Tensor reductions take a tensor or slice; abs takes a number; min and
// max also take two or more numbers. The environment may add console functions beside these.
import { shapeText } from '../../engine/tensor';
import { Span } from './ast';
import { ExpressionEnv } from './env';
import { ExpressionError } from './errors';
import { defaultSaturated, Moments, moments, saturation } from './stats';
import { describe, Located, reduceHint, TensorView, Value } from './values';

type Builtin = (args: readonly Located[], call: Span, env: ExpressionEnv) => Value;

const reduction =
  (name: string, pick: (m: Moments) => number): Builtin =>
  (args, call) =>
    pick(moments(tensorArg(name, args, call).values()));

/** min(t) / max(t) over a tensor, or min(a, b, …) over numbers. */
const extreme =
  (name: string, pick: (m: Moments) => number, fold: (...xs: number[]) => number): Builtin =>
  (args, call) => {
    if (args.length >= 2) return fold(...args.map((a) => numberValue(name, a)));
    const v = args[0]?.value;
    if (v instanceof TensorView) return pick(moments(v.values()));
    const got = v === undefined ? 'nothing' : describe(v);
    throw new ExpressionError(`${name} expects a tensor, or two or more numbers, got ${got}`, call.pos, call.end);
  };

// A Map, not an object literal, so names like "constructor" are not found on a prototype.
const BUILTINS = new Map<string, Builtin>([
  ['norm', reduction('norm', (m) => m.norm)],
  ['mean', reduction('mean', (m) => m.mean)],
  ['std', reduction('std', (m) => m.std)],
  ['sum', reduction('sum', (m) => m.sum)],
  ['min', extreme('min', (m) => m.min, Math.min)],
  ['max', extreme('max', (m) => m.max, Math.max)],
  [
    'nan',
    // Also for numbers, so `nan(loss) > 0` reads naturally as "loss is NaN or Inf".
    (args, call) => {
      arity('nan', args, call);
      const v = args[0].value;
      if (typeof v === 'number') return Number.isFinite(v) ? 0 : 1;
      return moments(tensorArg('nan', args, call).values()).nonFinite;
    },
  ],
  [
    'saturation',
    (args, call, env) => {
      const t = tensorArg('saturation', args, call);
      return saturation(t.values(), env.saturated?.(t.tensor.name) ?? defaultSaturated);
    },
  ],
  [
    'abs',
    (args, call) => {
      arity('abs', args, call);
      return Math.abs(numberValue('abs', args[0]));
    },
  ],
  ['shape', (args, call) => shapeText(tensorArg('shape', args, call).shape)],
]);

export const BUILTIN_NAMES: readonly string[] = [...BUILTINS.keys()];

export function builtin(name: string): Builtin | undefined {
  return BUILTINS.get(name);
}

function arity(name: string, args: readonly Located[], call: Span): void {
  if (args.length !== 1) throw new ExpressionError(`${name} expects 1 argument, got ${args.length}`, call.pos, call.end);
}

function tensorArg(name: string, args: readonly Located[], call: Span): TensorView {
  arity(name, args, call);
  const a = args[0];
  if (!(a.value instanceof TensorView)) throw new ExpressionError(`${name} expects a tensor, got ${describe(a.value)}`, a.pos, a.end);
  return a.value;
}

function numberValue(name: string, a: Located): number {
  if (typeof a.value === 'number') return a.value;
  const hint = a.value instanceof TensorView ? `; ${reduceHint(a.value)}` : '';
  throw new ExpressionError(`${name} expects a number, got ${describe(a.value)}${hint}`, a.pos, a.end);
}
