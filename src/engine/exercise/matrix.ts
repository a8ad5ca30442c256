// The tensor language's values: float64 matrices. Every value is 2-D (a bias is one row, the ids
// of a batch one column, a number 1×1), so "axis 0 gives one row" holds for every sum.
// Element-wise operations broadcast as NumPy does: an axis of size 1 stretches to the other's.
import { jsKernels, Kernels } from '../kernels';
import type { Arena } from './arena';
import { errorAt, Position } from './exerciseError';

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
  /** The same values in float32 where the value is a model's tensor as it stands (engineTensors):
   *  a product on the kernels reads it there instead of rounding a copy. */
  readonly float32?: Float32Array;
}

/** The most elements any value may have (8 bytes each): a bound on memory for any input. */
export const MAX_ELEMENTS = 1 << 23;
/** The most multiply-adds one matrix product may cost. */
export const MAX_PRODUCT_WORK = 1e9;

export function shapeText(m: { rows: number; cols: number }): string {
  return `${m.rows}×${m.cols}`;
}

/** Where values are allocated while lines run in an arena (withArena); else each is new. */
let arena: Arena | undefined;

/** Runs `evaluation` with every value it allocates taken from `scratch` (see arena.ts). */
export function withArena<T>(scratch: Arena, evaluation: () => T): T {
  const outer = arena;
  arena = scratch;
  try {
    return evaluation();
  } finally {
    arena = outer;
  }
}

/** n elements for a value (zeros unless `zeroed` is false: for one that is then overwritten
 *  whole), from the arena when one is in use. */
export function allocate(n: number, zeroed = true): Float64Array {
  return arena ? arena.float64(n, zeroed) : new Float64Array(n);
}

export function matrix(rows: number, cols: number, pos: Position, data?: Float64Array): Matrix {
  if (rows * cols > MAX_ELEMENTS) throw errorAt(pos, `the result would be ${rows}×${cols}, more than the ${MAX_ELEMENTS} elements a value may have`);
  return { rows, cols, data: data ?? allocate(rows * cols) };
}

/** A value of rows × cols whose every element the caller then sets (not zeroed in an arena). */
function blank(rows: number, cols: number, pos: Position): Matrix {
  const checked = matrix(rows, cols, pos, EMPTY);
  return { ...checked, data: allocate(rows * cols, false) };
}
const EMPTY = new Float64Array(0);

export function scalar(value: number): Matrix {
  return { rows: 1, cols: 1, data: Float64Array.of(value) };
}

/** The broadcast of two shapes, or an error naming both. */
export function broadcastShape(a: Matrix, b: Matrix, op: string, pos: Position): [number, number] {
  const dim = (x: number, y: number) => (x === y || y === 1 ? x : x === 1 ? y : -1);
  const rows = dim(a.rows, b.rows);
  const cols = dim(a.cols, b.cols);
  if (rows < 0 || cols < 0) {
    throw errorAt(pos, `cannot broadcast ${shapeText(a)} ${op} ${shapeText(b)}: each axis must match or be 1`);
  }
  return [rows, cols];
}

export type ElementOp = '+' | '-' | '*' | '/';

export function elementwise(a: Matrix, b: Matrix, op: ElementOp, pos: Position): Matrix {
  const [rows, cols] = broadcastShape(a, b, op, pos);
  const out = blank(rows, cols, pos);
  combine(op, out.data, stretched(a, rows, cols), stretched(b, rows, cols));
  return out;
}

/** A value's elements broadcast to rows × cols (an axis of 1 stretches), as one array. */
function stretched(m: Matrix, rows: number, cols: number): Float64Array {
  if (m.rows === rows && m.cols === cols) return m.data;
  const out = allocate(rows * cols, false);
  for (let i = 0; i < rows; i++) {
    const row = out.subarray(i * cols, (i + 1) * cols);
    if (m.cols === 1) row.fill(m.data[m.rows === 1 ? 0 : i]);
    else row.set(m.rows === 1 ? m.data : m.data.subarray(i * cols, (i + 1) * cols));
  }
  return out;
}

/** o = x op y element by element: one loop per operator, which V8 compiles to a tight loop (an
 *  operator chosen inside the loop, or a closure per element, is several times slower). */
function combine(op: ElementOp, o: Float64Array, x: Float64Array, y: Float64Array): void {
  const n = o.length;
  switch (op) {
    case '+':
      for (let i = 0; i < n; i++) o[i] = x[i] + y[i];
      return;
    case '-':
      for (let i = 0; i < n; i++) o[i] = x[i] - y[i];
      return;
    case '*':
      for (let i = 0; i < n; i++) o[i] = x[i] * y[i];
      return;
    case '/':
      for (let i = 0; i < n; i++) o[i] = x[i] / y[i];
      return;
  }
}

export function map(a: Matrix, f: (x: number) => number): Matrix {
  const [x, out] = [a.data, allocate(a.data.length, false)];
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  return { rows: a.rows, cols: a.cols, data: out };
}

export function transpose(a: Matrix): Matrix {
  const [x, out, rows, cols] = [a.data, allocate(a.data.length, false), a.rows, a.cols];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = x[i * cols + j];
  return { rows: cols, cols: rows, data: out };
}

/** One operand of a product: a value, possibly to be read transposed (`A.T @ B` multiplies A's
 *  columns without making Aᵀ). */
export interface Operand {
  readonly value: Matrix;
  readonly transposed: boolean;
}

/** The rows and columns an operand has as the product reads it. */
function logical({ value, transposed }: Operand): { rows: number; cols: number } {
  return transposed ? { rows: value.cols, cols: value.rows } : value;
}

/**
 * The matrix product of two operands. Without `kernels` it runs in float64 on the reference loops
 * (jsKernels, which take float64 arrays): what checking uses. With a run's kernels (the WASM SIMD
 * backend) the operands are rounded to float32 and multiplied there, as the engine's own products
 * are: what training with a student's lines uses, since it runs every iteration.
 */
export function matmul(left: Operand, right: Operand, pos: Position, kernels?: Kernels): Matrix {
  const [a, b] = [logical(left), logical(right)];
  if (a.cols !== b.rows) {
    const hint = a.rows === b.rows ? ` (the left one transposed, ${a.cols}×${a.rows}, would fit)` : a.cols === b.cols ? ` (the right one transposed, ${b.cols}×${b.rows}, would fit)` : '';
    throw errorAt(pos, `cannot multiply ${shapeText(a)} @ ${shapeText(b)}: the left's ${a.cols} columns must equal the right's ${b.rows} rows${hint}`);
  }
  if (a.rows * a.cols * b.cols > MAX_PRODUCT_WORK) throw errorAt(pos, `the product ${shapeText(a)} @ ${shapeText(b)} is too large to compute`);
  const out = matrix(a.rows, b.cols, pos);
  // Both transposed: Aᵀ·Bᵀ reads B's transpose made once (no kernel reads both sides transposed).
  const r = left.transposed && right.transposed ? transpose(right.value) : right.value;
  const [m, k, n] = [a.rows, a.cols, b.cols];
  const backend = kernels ?? jsKernels;
  const [x, y, z] = kernels ? [left.value.float32 ?? float32(left.value.data), r.float32 ?? float32(r.data), float32(m * n)] : [left.value.data, r.data, out.data];
  if (left.transposed) backend.matmulTN(x, y, z, m, k, n, false);
  else if (right.transposed) backend.matmulNT(x, y, z, m, k, n, false);
  else backend.matmul(x, y, z, m, k, n, false);
  if (z !== out.data) out.data.set(z);
  return out;
}

/** A float32 copy of `values` (or n zeros) for the kernels: in the arena's memory when one is in use. */
function float32(values: Float64Array | number): Float32Array {
  const n = typeof values === 'number' ? values : values.length;
  // The kernels overwrite a product (accumulate = false) and set() overwrites a copy.
  const out = arena ? arena.float32(n, false) : new Float32Array(n);
  if (typeof values !== 'number') out.set(values);
  return out;
}
