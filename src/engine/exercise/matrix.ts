// The tensor language's values: float64 matrices. Every value is 2-D (a bias is one row, the ids
// of a batch one column, a number 1×1), so "axis 0 gives one row" holds for every sum.
// Element-wise operations broadcast as NumPy does: an axis of size 1 stretches to the other's.
import { errorAt, Position } from './exerciseError';

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** The most elements any value may have (8 bytes each): a bound on memory for any input. */
export const MAX_ELEMENTS = 1 << 23;
/** The most multiply-adds one matrix product may cost. */
export const MAX_PRODUCT_WORK = 1e9;

export function shapeText(m: { rows: number; cols: number }): string {
  return `${m.rows}×${m.cols}`;
}

export function matrix(rows: number, cols: number, pos: Position, data?: Float64Array): Matrix {
  if (rows * cols > MAX_ELEMENTS) throw errorAt(pos, `the result would be ${rows}×${cols}, more than the ${MAX_ELEMENTS} elements a value may have`);
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

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

export function elementwise(a: Matrix, b: Matrix, op: string, pos: Position, f: (x: number, y: number) => number): Matrix {
  const [rows, cols] = broadcastShape(a, b, op, pos);
  const out = matrix(rows, cols, pos);
  const [ar, ac, br, bc] = [a.rows === 1 ? 0 : a.cols, a.cols === 1 ? 0 : 1, b.rows === 1 ? 0 : b.cols, b.cols === 1 ? 0 : 1];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out.data[i * cols + j] = f(a.data[i * ar + j * ac], b.data[i * br + j * bc]);
  }
  return out;
}

export function map(a: Matrix, f: (x: number) => number): Matrix {
  return { rows: a.rows, cols: a.cols, data: a.data.map(f) };
}

export function transpose(a: Matrix): Matrix {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j];
  return { rows: a.cols, cols: a.rows, data: out };
}

export function matmul(a: Matrix, b: Matrix, pos: Position): Matrix {
  if (a.cols !== b.rows) {
    const hint = a.rows === b.rows ? ` (the left one transposed, ${a.cols}×${a.rows}, would fit)` : a.cols === b.cols ? ` (the right one transposed, ${b.cols}×${b.rows}, would fit)` : '';
    throw errorAt(pos, `cannot multiply ${shapeText(a)} @ ${shapeText(b)}: the left's ${a.cols} columns must equal the right's ${b.rows} rows${hint}`);
  }
  if (a.rows * a.cols * b.cols > MAX_PRODUCT_WORK) throw errorAt(pos, `the product ${shapeText(a)} @ ${shapeText(b)} is too large to compute`);
  const out = matrix(a.rows, b.cols, pos);
  const [n, k, m] = [a.rows, a.cols, b.cols];
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const x = a.data[i * k + p];
      for (let j = 0; j < m; j++) out.data[i * m + j] += x * b.data[p * m + j];
    }
  }
  return out;
}
