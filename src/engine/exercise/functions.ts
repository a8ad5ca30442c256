// The tensor language's functions. Each checks its arguments' shapes and says what it expected.
import { errorAt, Position } from './exerciseError';
import { allocate, map, matrix, Matrix, shapeText } from './matrix';

export interface FunctionDef {
  /** How it is called, for errors and the reference: "sum(X, axis)". */
  readonly signature: string;
  readonly arity: readonly [number, number];
  apply(args: readonly Matrix[], pos: Position, argPos: readonly Position[]): Matrix;
}

const elementwise = (signature: string, f: (x: number) => number): FunctionDef => ({ signature, arity: [1, 1], apply: ([x]) => map(x, f) });

/** A 1×1 argument that must be a whole number (an axis, a size, a column). */
function whole(m: Matrix, what: string, pos: Position): number {
  const v = m.data[0];
  if (m.rows !== 1 || m.cols !== 1 || !Number.isInteger(v)) throw errorAt(pos, `expected ${what} (a whole number), got ${m.rows === 1 && m.cols === 1 ? v : shapeText(m)}`);
  return v;
}

/** Ids of a batch: one column or one row of whole numbers in [0, limit). */
function ids(m: Matrix, limit: number, what: string, pos: Position): Float64Array {
  if (m.rows !== 1 && m.cols !== 1) throw errorAt(pos, `expected ${what} as one column of ids, got ${shapeText(m)}`);
  for (const v of m.data) {
    if (!Number.isInteger(v) || v < 0 || v >= limit) throw errorAt(pos, `expected ${what} to hold whole numbers from 0 to ${limit - 1}, found ${v}`);
  }
  return m.data;
}

function reduce(signature: string, scale: (count: number) => number): FunctionDef {
  return {
    signature,
    arity: [1, 2],
    apply([x, axisArg], _pos, argPos) {
      if (!axisArg) {
        let s = 0;
        for (const v of x.data) s += v;
        return matrix(1, 1, argPos[0], Float64Array.of(s * scale(x.data.length)));
      }
      const axis = whole(axisArg, 'the axis 0 or 1', argPos[1]);
      if (axis !== 0 && axis !== 1) throw errorAt(argPos[1], `expected the axis 0 (over rows, gives one row) or 1 (over columns, gives one column), got ${axis}`);
      const out = axis === 0 ? matrix(1, x.cols, argPos[0]) : matrix(x.rows, 1, argPos[0]);
      const [o, data, cols] = [out.data, x.data, x.cols];
      for (let i = 0; i < x.rows; i++) {
        const row = i * cols;
        if (axis === 0) for (let j = 0; j < cols; j++) o[j] += data[row + j];
        else for (let j = 0; j < cols; j++) o[i] += data[row + j];
      }
      const k = scale(axis === 0 ? x.rows : x.cols);
      if (k !== 1) for (let i = 0; i < o.length; i++) o[i] *= k;
      return out;
    },
  };
}

export const FUNCTIONS: Readonly<Record<string, FunctionDef>> = {
  sigmoid: elementwise('sigmoid(X)', (x) => 1 / (1 + Math.exp(-x))),
  tanh: elementwise('tanh(X)', Math.tanh),
  relu: elementwise('relu(X)', (x) => (x > 0 ? x : 0)),
  step: elementwise('step(X)', (x) => (x > 0 ? 1 : 0)),
  exp: elementwise('exp(X)', Math.exp),
  log: elementwise('log(X)', Math.log),
  softmax: {
    signature: 'softmax(X)',
    arity: [1, 1],
    apply([x]) {
      const out = allocate(x.data.length);
      for (let i = 0; i < x.rows; i++) {
        const row = x.data.subarray(i * x.cols, (i + 1) * x.cols);
        let max = -Infinity;
        for (const v of row) max = Math.max(max, v);
        let s = 0;
        for (let j = 0; j < x.cols; j++) s += out[i * x.cols + j] = Math.exp(row[j] - max);
        for (let j = 0; j < x.cols; j++) out[i * x.cols + j] /= s;
      }
      return { rows: x.rows, cols: x.cols, data: out };
    },
  },
  onehot: {
    signature: 'onehot(ids, V)',
    arity: [2, 2],
    apply([y, size], _pos, argPos) {
      const v = whole(size, 'the number of columns', argPos[1]);
      if (v < 1) throw errorAt(argPos[1], `expected at least one column, got ${v}`);
      const rows = ids(y, v, 'the ids', argPos[0]);
      const out = matrix(rows.length, v, argPos[1]);
      rows.forEach((id, i) => (out.data[i * v + id] = 1));
      return out;
    },
  },
  sum: reduce('sum(X, axis)', () => 1),
  mean: reduce('mean(X, axis)', (count) => 1 / count),
  rows: {
    signature: 'rows(W, ids)',
    arity: [2, 2],
    apply([w, idArg], _pos, argPos) {
      const which = ids(idArg, w.rows, `row ids of a ${shapeText(w)} tensor`, argPos[1]);
      const out = matrix(which.length, w.cols, argPos[1]);
      which.forEach((id, i) => out.data.set(w.data.subarray(id * w.cols, (id + 1) * w.cols), i * w.cols));
      return out;
    },
  },
  scatter_add: {
    signature: 'scatter_add(W, ids, X)',
    arity: [3, 3],
    apply([w, idArg, x], _pos, argPos) {
      const which = ids(idArg, w.rows, `row ids of a ${shapeText(w)} tensor`, argPos[1]);
      if (x.rows !== which.length || x.cols !== w.cols) {
        throw errorAt(argPos[2], `expected ${which.length}×${w.cols} (a row of W's width per id), got ${shapeText(x)}`);
      }
      const out = matrix(w.rows, w.cols, argPos[0]);
      which.forEach((id, i) => {
        for (let j = 0; j < w.cols; j++) out.data[id * w.cols + j] += x.data[i * w.cols + j];
      });
      return out;
    },
  },
  concat: {
    signature: 'concat(A, B, …)',
    arity: [1, Infinity],
    apply(parts, _pos, argPos) {
      const rows = parts[0].rows;
      parts.forEach((p, i) => {
        if (p.rows !== rows) throw errorAt(argPos[i], `expected ${rows} rows like the first argument, got ${shapeText(p)}`);
      });
      const cols = parts.reduce((s, p) => s + p.cols, 0);
      const out = matrix(rows, cols, argPos[0]);
      for (let i = 0; i < rows; i++) {
        let at = i * cols;
        for (const p of parts) {
          out.data.set(p.data.subarray(i * p.cols, (i + 1) * p.cols), at);
          at += p.cols;
        }
      }
      return out;
    },
  },
  slice: {
    signature: 'slice(X, start, end)',
    arity: [3, 3],
    apply([x, s, e], _pos, argPos) {
      const start = whole(s, 'the first column', argPos[1]);
      const end = whole(e, 'the column after the last', argPos[2]);
      if (start < 0 || start >= x.cols) throw errorAt(argPos[1], `expected a first column from 0 to ${x.cols - 1} of a ${shapeText(x)} tensor, got ${start}`);
      if (end <= start || end > x.cols) throw errorAt(argPos[2], `expected an end from ${start + 1} to ${x.cols}, got ${end}`);
      const cols = end - start;
      const out = matrix(x.rows, cols, argPos[0]);
      for (let i = 0; i < x.rows; i++) out.data.set(x.data.subarray(i * x.cols + start, i * x.cols + end), i * cols);
      return out;
    },
  },
};
