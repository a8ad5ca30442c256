// The hot loops of training, behind one small interface so that a faster backend (WASM SIMD,
// threads) can replace them without touching the phases. All matrices are row-major; `n` is the
// number of rows actually used in a batch-major buffer (the last batch of an epoch is shorter).
import { FloatArray } from './tensor';

export interface Kernels {
  readonly name: string;
  /** Float32 storage for tensors the kernels will touch: a backend may place it in its own
   *  memory (a WASM heap) so the hot loops run without copies. */
  alloc(n: number): Float32Array;
  /** C[m×n] (=|+=) A[m×k] · B[k×n] */
  matmul(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number, accumulate: boolean): void;
  /** C[m×n] (=|+=) Aᵀ · B where A is [k×m], B is [k×n] (weight gradients: Hᵀ·dZ). */
  matmulTN(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number, accumulate: boolean): void;
  /** C[m×n] (=|+=) A · Bᵀ where A is [m×k], B is [n×k] (back-propagated errors: dZ·Wᵀ). */
  matmulNT(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number, accumulate: boolean): void;
  /** Z[r, :] += bias for each of the `rows` rows. */
  addBias(z: FloatArray, bias: FloatArray, rows: number, cols: number): void;
  /** out[j] = Σ_r X[r, j] (bias gradients). */
  sumRows(x: FloatArray, out: FloatArray, rows: number, cols: number): void;
  /** P[r, :] = softmax(Z[r, :]), numerically stable. */
  softmaxRows(z: FloatArray, p: FloatArray, rows: number, cols: number): void;
  /** Σ_r −log P[r, target_r]; probabilities are floored at the smallest normal float32 so a
   *  confident wrong guess gives a large finite loss, not Infinity. */
  crossEntropySum(p: FloatArray, targets: Int32Array, rows: number, cols: number): number;
  /** dZ = (P − onehot(targets)) · scale */
  softmaxCrossEntropyGrad(p: FloatArray, targets: Int32Array, dz: FloatArray, rows: number, cols: number, scale: number): void;
  /** E[r, k·D + d] = W[ids[r·context + k], d] for positions k in [k0, k1): the embedding lookup,
   *  no one-hot product. The position range lets the debugger step into one context word. */
  gatherRows(w: FloatArray, ids: Int32Array, e: FloatArray, rows: number, context: number, dim: number, k0: number, k1: number): void;
  /** dW[ids[r·context + k], :] += dE[r, k·D : (k+1)·D] for k in [k0, k1): the embedding
   *  gradient, touching only the rows used. */
  scatterAddRows(de: FloatArray, ids: Int32Array, dw: FloatArray, rows: number, context: number, dim: number, k0: number, k1: number): void;
}

const TINY = 1.1754943508222875e-38;

export const jsKernels: Kernels = {
  name: 'js',

  alloc: (n) => new Float32Array(n),

  matmul(a, b, c, m, k, n, accumulate) {
    if (!accumulate) c.fill(0, 0, m * n);
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      const ai = i * k;
      for (let p = 0; p < k; p++) {
        const av = a[ai + p];
        if (av === 0) continue;
        const bp = p * n;
        for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
      }
    }
  },

  matmulTN(a, b, c, m, k, n, accumulate) {
    if (!accumulate) c.fill(0, 0, m * n);
    for (let p = 0; p < k; p++) {
      const ap = p * m;
      const bp = p * n;
      for (let i = 0; i < m; i++) {
        const av = a[ap + i];
        if (av === 0) continue;
        const ci = i * n;
        for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
      }
    }
  },

  matmulNT(a, b, c, m, k, n, accumulate) {
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      const ci = i * n;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
        c[ci + j] = accumulate ? c[ci + j] + s : s;
      }
    }
  },

  addBias(z, bias, rows, cols) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      for (let j = 0; j < cols; j++) z[o + j] += bias[j];
    }
  },

  sumRows(x, out, rows, cols) {
    out.fill(0, 0, cols);
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      for (let j = 0; j < cols; j++) out[j] += x[o + j];
    }
  },

  softmaxRows(z, p, rows, cols) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let max = -Infinity;
      for (let j = 0; j < cols; j++) if (z[o + j] > max) max = z[o + j];
      let sum = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(z[o + j] - max);
        p[o + j] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let j = 0; j < cols; j++) p[o + j] *= inv;
    }
  },

  crossEntropySum(p, targets, rows, cols) {
    let loss = 0;
    for (let r = 0; r < rows; r++) loss -= Math.log(Math.max(p[r * cols + targets[r]], TINY));
    return loss;
  },

  softmaxCrossEntropyGrad(p, targets, dz, rows, cols, scale) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      for (let j = 0; j < cols; j++) dz[o + j] = p[o + j] * scale;
      dz[o + targets[r]] -= scale;
    }
  },

  gatherRows(w, ids, e, rows, context, dim, k0, k1) {
    const width = context * dim;
    for (let r = 0; r < rows; r++) {
      for (let k = k0; k < k1; k++) {
        const src = ids[r * context + k] * dim;
        const dst = r * width + k * dim;
        for (let d = 0; d < dim; d++) e[dst + d] = w[src + d];
      }
    }
  },

  scatterAddRows(de, ids, dw, rows, context, dim, k0, k1) {
    const width = context * dim;
    for (let r = 0; r < rows; r++) {
      for (let k = k0; k < k1; k++) {
        const dst = ids[r * context + k] * dim;
        const src = r * width + k * dim;
        for (let d = 0; d < dim; d++) dw[dst + d] += de[src + d];
      }
    }
  },
};
