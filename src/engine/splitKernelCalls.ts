// How one large kernel call is cut into parts that two threads share (splitKernels.ts, the
// kernel helper thread): every part is the same kernel on a slice of the output — rows of a
// product, columns of a column sum, a range of an element-wise update — so each output element
// is computed by the same arithmetic as in the whole call, and the result does not depend on how
// many threads ran it or who ran which part. Both threads read the cuts from this one table.
import { ActivationName } from './activations';
import { blockStart } from './fusedIteration';
import { Kernels } from './kernels';

/** Most parts a call is cut into: more than threads, so a thread the machine stops for a while
 *  leaves its unclaimed parts to the other. */
export const MAX_PARTS = 4;
/** Rows of a product below which a part is not cut: the kernels choose how to sum a long k from
 *  a block of at least 8 rows (wasm/assembly/kernels.ts, gemm), so every part must have as many
 *  for its elements to get the whole call's arithmetic. */
const MIN_PART_ROWS = 8;
/** Multiply-adds (or elements) of work below which a call is not worth a hand-over (a few µs). */
const MIN_PRODUCT_WORK = 1 << 18;
const MIN_ELEMENT_WORK = 1 << 16;

export type SplitArray = Float32Array | Int32Array;

/** One kernel that can be cut: its array arguments (i32 or f32), and, given its numbers, the
 *  parts it is cut into and how part `part` of `parts` runs. A kernel with a result returns each
 *  part's, an integer count, and the call's is their sum (exact in any order). */
export interface SplitOp {
  readonly arrays: readonly ('f32' | 'i32')[];
  parts(nums: readonly number[]): number;
  run(k: Kernels, arrays: readonly SplitArray[], nums: readonly number[], part: number, parts: number): number | void;
}

const ACTIVATIONS: readonly ActivationName[] = ['sigmoid', 'tanh', 'relu', 'linear'];
/** An activation as a number for the argument block, and back. */
export const activationCode = (a: ActivationName): number => ACTIVATIONS.indexOf(a);
const activationOf = (code: number): ActivationName => ACTIVATIONS[code];

/** [start, end) of part `part` of [0, size), cut at multiples of `multiple`. */
const range = (size: number, parts: number, part: number, multiple = 4): [number, number] => [
  blockStart(size, parts, part, multiple),
  blockStart(size, parts, part + 1, multiple),
];

/** The most parts (up to MAX_PARTS) that [0, size) cut at multiples of `multiple` makes with
 *  none smaller than `smallest`; 1 when no cut does. */
function mostParts(size: number, multiple: number, smallest: number): number {
  for (let parts = MAX_PARTS; parts > 1; parts--) {
    let narrowest = size;
    for (let part = 0; part < parts; part++) {
      const [start, end] = range(size, parts, part, multiple);
      narrowest = Math.min(narrowest, end - start);
    }
    if (narrowest >= smallest) return parts;
  }
  return 1;
}

/** Parts for `rows` rows of `work` multiply-adds: none (1) when too small, at least 8 rows each. */
function rowParts(rows: number, work: number, minWork = MIN_PRODUCT_WORK): number {
  return work < minWork ? 1 : mostParts(rows, 4, MIN_PART_ROWS);
}

/** Columns of the products' panels (PANEL_COLUMNS in wasm/assembly/kernels.ts): a product cut
 *  by columns is cut at multiples of it, so every column keeps its panel and its tile. The kernel
 *  sums a k longer than SLICED_K in slices only when B has more than one panel: parts of one
 *  panel are for a k that is never sliced. */
const PANEL = 256;
const SLICED_K = 256;

/** [start, end) of part `part` of n columns, cut at multiples of PANEL. */
const panelRange = (n: number, parts: number, part: number) => range(n, parts, part, PANEL);

/** Parts for a product of `n` columns cut by columns, or 0 when they are too few to cut. */
function columnParts(n: number, k: number, work: number, onePanel: boolean): number {
  if (work < MIN_PRODUCT_WORK) return 0;
  const parts = mostParts(n, PANEL, onePanel && k <= SLICED_K ? PANEL : 2 * PANEL);
  return parts > 1 ? parts : 0;
}

/** Parts for `count` independent elements (cut at multiples of 4, the kernels' vector width). */
function elementParts(count: number): number {
  return count < MIN_ELEMENT_WORK ? 1 : MAX_PARTS;
}

const f32 = (a: SplitArray) => a as Float32Array;
const i32 = (a: SplitArray) => a as Int32Array;

/** The kernels that can be cut, by name. Their numbers are the kernel's own, in its order. */
export const SPLIT_OPS = {
  // C = A·B, by columns of B and C when they are wide (each thread packs only its panels of B;
  // a time step's 4P = 512 columns too), else by rows of A and C. nums: m, k, n, accumulate, ld
  matmul: {
    arrays: ['f32', 'f32', 'f32'],
    parts: ([m, k, n]) => columnParts(n, k, m * k * n, true) || rowParts(m, m * k * n),
    run(kr, [a, b, c], [m, k, n, acc, ld], part, parts) {
      if (columnParts(n, k, m * k * n, true)) {
        const [j0, j1] = panelRange(n, parts, part);
        kr.matmul(f32(a), f32(b).subarray(j0), f32(c).subarray(j0), m, k, j1 - j0, acc === 1, ld);
        return;
      }
      const [i0, i1] = range(m, parts, part);
      kr.matmul(f32(a).subarray(i0 * k), f32(b), f32(c).subarray(i0 * ld), i1 - i0, k, n, acc === 1, ld);
    },
  },
  // C = Aᵀ·B, by columns of B and C when they are wide (each thread reads only its columns of B;
  // measured: a time step's 512 columns go faster by rows), else by rows of C (columns of A: a column window, rows lda apart). nums: m, k, n, accumulate, lda, ld
  matmulTN: {
    arrays: ['f32', 'f32', 'f32'],
    parts: ([m, k, n]) => columnParts(n, k, m * k * n, false) || rowParts(m, m * k * n),
    run(kr, [a, b, c], [m, k, n, acc, lda, ld], part, parts) {
      if (columnParts(n, k, m * k * n, false)) {
        const [j0, j1] = panelRange(n, parts, part);
        kr.matmulTN(f32(a), f32(b).subarray(j0), f32(c).subarray(j0), m, k, j1 - j0, acc === 1, lda, ld);
        return;
      }
      const [i0, i1] = range(m, parts, part);
      kr.matmulTN(f32(a).subarray(i0), f32(b), f32(c).subarray(i0 * ld), i1 - i0, k, n, acc === 1, lda, ld);
    },
  },
  // C = A·Bᵀ, by rows of A and C. nums: m, k, n, accumulate
  matmulNT: {
    arrays: ['f32', 'f32', 'f32'],
    parts: ([m, k, n]) => rowParts(m, m * k * n),
    run(kr, [a, b, c], [m, k, n, acc], part, parts) {
      const [i0, i1] = range(m, parts, part);
      kr.matmulNT(f32(a).subarray(i0 * k), f32(b), f32(c).subarray(i0 * n), i1 - i0, k, n, acc === 1);
    },
  },
  // Z[r, :] += bias, by rows. nums: rows, cols
  addBias: {
    arrays: ['f32', 'f32'],
    parts: ([rows, cols]) => rowParts(rows, rows * cols, MIN_ELEMENT_WORK),
    run(kr, [z, bias], [rows, cols], part, parts) {
      const [r0, r1] = range(rows, parts, part);
      kr.addBias(f32(z).subarray(r0 * cols), f32(bias), r1 - r0, cols);
    },
  },
  // out[j] = Σ_r X[r, j], by columns (each column still sums its rows in order). nums: rows, cols, ld
  sumRows: {
    arrays: ['f32', 'f32'],
    parts: ([rows, cols]) => (rows * cols < MIN_ELEMENT_WORK || cols < 4 * MAX_PARTS ? 1 : MAX_PARTS),
    run(kr, [x, out], [rows, cols, ld], part, parts) {
      const [j0, j1] = range(cols, parts, part);
      kr.sumRows(f32(x).subarray(j0), f32(out).subarray(j0), rows, j1 - j0, ld);
    },
  },
  // Element-wise activations. nums: count, activation
  activationForward: {
    arrays: ['f32', 'f32'],
    parts: ([count]) => elementParts(count),
    run(kr, [z, h], [count, activation], part, parts) {
      const [e0, e1] = range(count, parts, part);
      kr.activationForward(f32(z).subarray(e0), f32(h).subarray(e0), e1 - e0, activationOf(activation));
    },
  },
  activationBackward: {
    arrays: ['f32', 'f32', 'f32', 'f32'],
    parts: ([count]) => elementParts(count),
    run(kr, [z, h, dh, dz], [count, activation], part, parts) {
      const [e0, e1] = range(count, parts, part);
      kr.activationBackward(f32(z).subarray(e0), f32(h).subarray(e0), f32(dh).subarray(e0), f32(dz).subarray(e0), e1 - e0, activationOf(activation));
    },
  },
  // Row-wise softmax and its gradient, by rows. nums: rows, cols (and scale)
  softmaxRows: {
    arrays: ['f32', 'f32'],
    parts: ([rows, cols]) => rowParts(rows, rows * cols, MIN_ELEMENT_WORK),
    run(kr, [z, p], [rows, cols], part, parts) {
      const [r0, r1] = range(rows, parts, part);
      kr.softmaxRows(f32(z).subarray(r0 * cols), f32(p).subarray(r0 * cols), r1 - r0, cols);
    },
  },
  softmaxCrossEntropyGrad: {
    arrays: ['f32', 'i32', 'f32'],
    parts: ([rows, cols]) => rowParts(rows, rows * cols, MIN_ELEMENT_WORK),
    run(kr, [p, targets, dz], [rows, cols, scale], part, parts) {
      const [r0, r1] = range(rows, parts, part);
      kr.softmaxCrossEntropyGrad(f32(p).subarray(r0 * cols), i32(targets).subarray(r0), f32(dz).subarray(r0 * cols), r1 - r0, cols, scale);
    },
  },
  // Rows whose target is the most probable, by rows. nums: rows, cols
  countCorrect: {
    arrays: ['f32', 'i32'],
    parts: ([rows, cols]) => rowParts(rows, rows * cols, MIN_ELEMENT_WORK),
    run(kr, [p, targets], [rows, cols], part, parts) {
      const [r0, r1] = range(rows, parts, part);
      return kr.countCorrect(f32(p).subarray(r0 * cols), i32(targets).subarray(r0), r1 - r0, cols);
    },
  },
  // Element-wise optimizer updates, by ranges. nums: the kernel's after n
  sgdUpdate: {
    arrays: ['f32', 'f32'],
    parts: ([n]) => elementParts(n),
    run(kr, [w, g], [n, lr, decay], part, parts) {
      const [e0, e1] = range(n, parts, part);
      kr.sgdUpdate(f32(w).subarray(e0), f32(g).subarray(e0), e1 - e0, lr, decay);
    },
  },
  momentumUpdate: {
    arrays: ['f32', 'f32', 'f32'],
    parts: ([n]) => elementParts(n),
    run(kr, [w, g, v], [n, lr, decay, momentum], part, parts) {
      const [e0, e1] = range(n, parts, part);
      kr.momentumUpdate(f32(w).subarray(e0), f32(g).subarray(e0), f32(v).subarray(e0), e1 - e0, lr, decay, momentum);
    },
  },
  adamUpdate: {
    arrays: ['f32', 'f32', 'f32', 'f32'],
    parts: ([n]) => elementParts(n),
    run(kr, [w, g, m, v], [n, lr, decay, beta1, beta2, t], part, parts) {
      const [e0, e1] = range(n, parts, part);
      kr.adamUpdate(f32(w).subarray(e0), f32(g).subarray(e0), f32(m).subarray(e0), f32(v).subarray(e0), e1 - e0, lr, decay, beta1, beta2, t);
    },
  },
  // x ← s·x (clipping's scale), by ranges. nums: n, s
  scale: {
    arrays: ['f32'],
    parts: ([n]) => elementParts(n),
    run(kr, [x], [n, s], part, parts) {
      const [e0, e1] = range(n, parts, part);
      kr.scale(f32(x).subarray(e0), e1 - e0, s);
    },
  },
} satisfies Record<string, SplitOp>;

export type SplitOpName = keyof typeof SPLIT_OPS;
/** The ops by number, for the argument block. */
export const SPLIT_OP_NAMES = Object.keys(SPLIT_OPS) as SplitOpName[];
