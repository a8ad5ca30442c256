// The hot loops of training, behind one interface so that a faster backend (WASM SIMD, a helper
// thread) can replace them without touching the phases. All matrices are row-major; `n` is the
// number of rows actually used in a batch-major buffer (the last batch of an epoch is shorter).
// jsKernels is the reference: every backend implements every kernel with its semantics.
import { ActivationName, activationByName } from './activations';
import { targetRank } from './scoring';
import { FloatArray } from './tensor';

/** What a helper thread needs to run the same kernels on the same memory (see wasmKernels.ts). */
export interface SharedKernelMemory {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** Byte address of the space reserved in `memory` for the one attached instance's packed
   *  matrix panels (each instance needs its own: see setPackBuffer in wasm/assembly/kernels.ts). */
  readonly helperPackBuffer?: number;
}

export interface Kernels {
  readonly name: string;
  /** Float32 storage for tensors the kernels will touch: a backend may place it in its own
   *  memory (a WASM heap) so the hot loops run without copies. */
  alloc(n: number): Float32Array;
  /** Int32 storage (a batch's word ids and targets), placed like alloc's. */
  allocInt32(n: number): Int32Array;
  /** Set when arrays from alloc live in memory another thread can run these kernels on. */
  readonly shared?: SharedKernelMemory;
  /** C[m×n] (=|+=) A[m×k] · B[k×n]. B's and C's rows are `ld` (default n) apart, so B and C can
   *  be column windows of wider matrices: columns of the result. */
  matmul(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number, accumulate: boolean, ld?: number): void;
  /** C[m×n] (=|+=) Aᵀ · B where A is [k×m], B is [k×n] (weight gradients: Hᵀ·dZ). A's rows are
   *  `lda` (default m) apart, so A can be a column window of a wider matrix: rows of the result;
   *  B's and C's are `ld` (default n) apart: columns of the result. */
  matmulTN(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number, accumulate: boolean, lda?: number, ld?: number): void;
  /** C[m×n] (=|+=) A · Bᵀ where A is [m×k], B is [n×k] (back-propagated errors: dZ·Wᵀ). */
  matmulNT(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number, accumulate: boolean): void;
  /** Z[r, :] += bias for each of the `rows` rows. */
  addBias(z: FloatArray, bias: FloatArray, rows: number, cols: number): void;
  /** out[j] = Σ_r X[r, j] for j < cols (bias gradients), rows in order. X's rows are `ld`
   *  (default cols) apart, so X can be a column window. */
  sumRows(x: FloatArray, out: FloatArray, rows: number, cols: number, ld?: number): void;
  /** H = f(Z) over `count` elements. */
  activationForward(z: FloatArray, h: FloatArray, count: number, activation: ActivationName): void;
  /** Z[r, :] += bias, then H = f(Z): addBias followed by activationForward, in one pass. */
  biasActivation(z: FloatArray, bias: FloatArray, h: FloatArray, rows: number, cols: number, activation: ActivationName): void;
  /** dZ = dH ⊙ f'(Z) over `count` elements, given Z and H = f(Z). */
  activationBackward(z: FloatArray, h: FloatArray, dh: FloatArray, dz: FloatArray, count: number, activation: ActivationName): void;
  /** P[r, :] = softmax(Z[r, :]), numerically stable. */
  softmaxRows(z: FloatArray, p: FloatArray, rows: number, cols: number): void;
  /** Σ_r −log P[r, target_r], rows in order; probabilities are floored at the smallest normal
   *  float32 so a confident wrong guess gives a large finite loss, not Infinity. */
  crossEntropySum(p: FloatArray, targets: Int32Array, rows: number, cols: number): number;
  /** dZ = (P − onehot(targets)) · scale */
  softmaxCrossEntropyGrad(p: FloatArray, targets: Int32Array, dz: FloatArray, rows: number, cols: number, scale: number): void;
  /** softmaxRows into P, softmaxCrossEntropyGrad into dZ, returns crossEntropySum: one pass per row. */
  softmaxCrossEntropy(z: FloatArray, targets: Int32Array, p: FloatArray, dz: FloatArray, rows: number, cols: number, scale: number): number;
  /** Number of rows whose target is more probable than every other column: a tie or a NaN
   *  counts against the target (targetRank in scoring.ts). */
  countCorrect(p: FloatArray, targets: Int32Array, rows: number, cols: number): number;
  /** E[r, k·D + d] = W[ids[r·context + k], d] for positions k in [k0, k1): the embedding lookup,
   *  no one-hot product. The position range lets the debugger step into one context word. */
  gatherRows(w: FloatArray, ids: Int32Array, e: FloatArray, rows: number, context: number, dim: number, k0: number, k1: number): void;
  /** dW[ids[r·context + k], :] += dE[r, k·D : (k+1)·D] for k in [k0, k1): the embedding
   *  gradient, touching only the rows used. */
  scatterAddRows(de: FloatArray, ids: Int32Array, dw: FloatArray, rows: number, context: number, dim: number, k0: number, k1: number): void;
  /** The updates of the optimizers on the first n values; `decay` is the L2 λ.
   *  SGD: θ ← θ − lr·(g + λθ) */
  sgdUpdate(w: FloatArray, g: FloatArray, n: number, lr: number, decay: number): void;
  /** v ← μ·v − lr·(g + λθ) ; θ ← θ + v */
  momentumUpdate(w: FloatArray, g: FloatArray, v: FloatArray, n: number, lr: number, decay: number, momentum: number): void;
  /** Adam with bias corrections for update number `t` (from 1), ε = ADAM_EPSILON. */
  adamUpdate(
    w: FloatArray,
    g: FloatArray,
    m: FloatArray,
    v: FloatArray,
    n: number,
    lr: number,
    decay: number,
    beta1: number,
    beta2: number,
    t: number,
  ): void;
  // The LSTM cell (models/lstm), element-wise or row by row, so any split of the rows or of the
  // elements gives the same numbers as one call. The gates are [rows × P] each; the
  // pre-activations A and their gradient dA are [rows × 4P], each row the blocks i | f | g | o.
  /** I = σ(A_i), F = σ(A_f), G = tanh(A_g), O = σ(A_o) for each of the `rows` rows. */
  lstmGates(a: FloatArray, i: FloatArray, f: FloatArray, g: FloatArray, o: FloatArray, rows: number, P: number): void;
  /** C = F ⊙ C₋ + I ⊙ G over `count` elements; C = I ⊙ G when C₋ is null (a zero state). */
  lstmCell(f: FloatArray, cPrev: FloatArray | null, i: FloatArray, g: FloatArray, c: FloatArray, count: number): void;
  /** H = O ⊙ tanh(C) over `count` elements. */
  lstmHidden(o: FloatArray, c: FloatArray, h: FloatArray, count: number): void;
  /** dC (=|+=) dH ⊙ O ⊙ (1 − tanh²C) over `count` elements: what reaches C through H. */
  lstmCellGrad(dh: FloatArray, o: FloatArray, c: FloatArray, dc: FloatArray, count: number, accumulate: boolean): void;
  /** dA from the gates, for each of the `rows` rows: dA_i = dC⊙G⊙I(1−I), dA_f = dC⊙C₋⊙F(1−F)
   *  (0 when C₋ is null), dA_g = dC⊙I⊙(1−G²), dA_o = dH⊙tanh(C)⊙O(1−O). */
  lstmGateGrads(
    i: FloatArray,
    f: FloatArray,
    g: FloatArray,
    o: FloatArray,
    c: FloatArray,
    cPrev: FloatArray | null,
    dc: FloatArray,
    dh: FloatArray,
    da: FloatArray,
    rows: number,
    P: number,
  ): void;
  /** Z = X ⊙ Y over `count` elements (the LSTM's dC₋ = dC ⊙ F). */
  multiply(x: FloatArray, y: FloatArray, z: FloatArray, count: number): void;
  /** Σ x[j]² over the first n values in f64 (exact squares of f32 values), in a fixed order that
   *  every backend follows, so they return the same number: four partial sums s_k over the j with
   *  j mod 4 = k, each in index order, then (s₀ + s₂) + (s₁ + s₃). */
  sumSquares(x: FloatArray, n: number): number;
  /** x[j] ← x[j]·s for the first n values, the product rounded once from f64 (clipping). */
  scale(x: FloatArray, n: number, s: number): void;
}

export const ADAM_EPSILON = 1e-8;
const TINY = 1.1754943508222875e-38;

export const jsKernels: Kernels = {
  name: 'js',

  alloc: (n) => new Float32Array(n),
  allocInt32: (n) => new Int32Array(n),

  matmul(a, b, c, m, k, n, accumulate, ld = n) {
    if (!accumulate) for (let i = 0; i < m; i++) c.fill(0, i * ld, i * ld + n);
    for (let i = 0; i < m; i++) {
      const ci = i * ld;
      const ai = i * k;
      for (let p = 0; p < k; p++) {
        const av = a[ai + p];
        if (av === 0) continue;
        const bp = p * ld;
        for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
      }
    }
  },

  matmulTN(a, b, c, m, k, n, accumulate, lda = m, ld = n) {
    if (!accumulate) for (let i = 0; i < m; i++) c.fill(0, i * ld, i * ld + n);
    for (let p = 0; p < k; p++) {
      const ap = p * lda;
      const bp = p * ld;
      for (let i = 0; i < m; i++) {
        const av = a[ap + i];
        if (av === 0) continue;
        const ci = i * ld;
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

  sumRows(x, out, rows, cols, ld = cols) {
    out.fill(0, 0, cols);
    for (let r = 0; r < rows; r++) {
      const o = r * ld;
      for (let j = 0; j < cols; j++) out[j] += x[o + j];
    }
  },

  activationForward(z, h, count, activation) {
    activationByName(activation).forward(z, h, count);
  },

  biasActivation(z, bias, h, rows, cols, activation) {
    jsKernels.addBias(z, bias, rows, cols);
    jsKernels.activationForward(z, h, rows * cols, activation);
  },

  activationBackward(z, h, dh, dz, count, activation) {
    activationByName(activation).backward(z, h, dh, dz, count);
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

  softmaxCrossEntropy(z, targets, p, dz, rows, cols, scale) {
    jsKernels.softmaxRows(z, p, rows, cols);
    jsKernels.softmaxCrossEntropyGrad(p, targets, dz, rows, cols, scale);
    return jsKernels.crossEntropySum(p, targets, rows, cols);
  },

  countCorrect(p, targets, rows, cols) {
    let correct = 0;
    for (let r = 0; r < rows; r++) if (targetRank(p, r * cols, cols, targets[r], 1) === 0) correct++;
    return correct;
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

  sgdUpdate(w, g, n, lr, decay) {
    for (let j = 0; j < n; j++) w[j] -= lr * (g[j] + decay * w[j]);
  },

  momentumUpdate(w, g, v, n, lr, decay, momentum) {
    for (let j = 0; j < n; j++) {
      v[j] = momentum * v[j] - lr * (g[j] + decay * w[j]);
      w[j] += v[j];
    }
  },

  adamUpdate(w, g, m, v, n, lr, decay, beta1, beta2, t) {
    const c1 = 1 / (1 - Math.pow(beta1, t));
    const c2 = 1 / (1 - Math.pow(beta2, t));
    for (let j = 0; j < n; j++) {
      const gj = g[j] + decay * w[j];
      m[j] = beta1 * m[j] + (1 - beta1) * gj;
      v[j] = beta2 * v[j] + (1 - beta2) * gj * gj;
      w[j] -= (lr * (m[j] * c1)) / (Math.sqrt(v[j] * c2) + ADAM_EPSILON);
    }
  },

  lstmGates(a, i, f, g, o, rows, P) {
    for (let r = 0; r < rows; r++) {
      const [ar, or] = [r * 4 * P, r * P];
      for (let j = 0; j < P; j++) {
        i[or + j] = sigmoid(a[ar + j]);
        f[or + j] = sigmoid(a[ar + P + j]);
        g[or + j] = Math.tanh(a[ar + 2 * P + j]);
        o[or + j] = sigmoid(a[ar + 3 * P + j]);
      }
    }
  },

  lstmCell(f, cPrev, i, g, c, count) {
    for (let j = 0; j < count; j++) c[j] = (cPrev ? f[j] * cPrev[j] : 0) + i[j] * g[j];
  },

  lstmHidden(o, c, h, count) {
    for (let j = 0; j < count; j++) h[j] = o[j] * Math.tanh(c[j]);
  },

  lstmCellGrad(dh, o, c, dc, count, accumulate) {
    for (let j = 0; j < count; j++) {
      const tc = Math.tanh(c[j]);
      const fromH = dh[j] * o[j] * (1 - tc * tc);
      dc[j] = accumulate ? dc[j] + fromH : fromH;
    }
  },

  lstmGateGrads(i, f, g, o, c, cPrev, dc, dh, da, rows, P) {
    for (let r = 0; r < rows; r++) {
      const [ar, or] = [r * 4 * P, r * P];
      for (let j = 0; j < P; j++) {
        const [ij, fj, gj, oj, dcj] = [i[or + j], f[or + j], g[or + j], o[or + j], dc[or + j]];
        const tc = Math.tanh(c[or + j]);
        da[ar + j] = dcj * gj * ij * (1 - ij);
        da[ar + P + j] = cPrev ? dcj * cPrev[or + j] * fj * (1 - fj) : 0;
        da[ar + 2 * P + j] = dcj * ij * (1 - gj * gj);
        da[ar + 3 * P + j] = dh[or + j] * tc * oj * (1 - oj);
      }
    }
  },

  multiply(x, y, z, count) {
    for (let j = 0; j < count; j++) z[j] = x[j] * y[j];
  },

  sumSquares(x, n) {
    const s = [0, 0, 0, 0];
    for (let j = 0; j < n; j++) s[j & 3] += x[j] * x[j];
    return s[0] + s[2] + (s[1] + s[3]);
  },

  scale(x, n, s) {
    for (let j = 0; j < n; j++) x[j] *= s;
  },
};

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
