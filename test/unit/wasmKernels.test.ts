// The WASM SIMD kernels against the JS reference: every kernel, seeded random inputs, awkward
// sizes, with arrays in the wasm memory (from alloc) and plain arrays (the copy path).
//
// Error measure: max over elements of |wasm − js| / s, where s is the size of what was summed —
// (|A|·|B|)ᵢⱼ (+ |C₀|ᵢⱼ when accumulating) for the matrix products, the sum of absolute terms for
// the other sums, |reference| for elementwise results — so it stays meaningful where cancellation
// makes a result small; normwise (over the largest entry) for the optimizer updates. Both backends
// round to f32, so the bound is a few units of 2⁻²⁴ times the terms. Both modules run every test:
// plain 128-bit SIMD and relaxed SIMD (fused multiply-add, enabled here on Node 20).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACTIVATIONS } from '../../src/engine/activations';
import { DEFAULT_CONFIG, OPTIMIZERS, TrainConfig } from '../../src/engine/config';
import { jsKernels, Kernels } from '../../src/engine/kernels';
import { Optimizer } from '../../src/engine/optimizers';
import { Rng } from '../../src/engine/rng';
import { FloatArray } from '../../src/engine/tensor';
import { Trainer } from '../../src/engine/trainer';
import { allowRelaxedSimd } from '../../src/engine/backend';
import { createWasmKernels, WasmInstructions } from '../../src/engine/wasmKernels';
import { Placement, PLACEMENTS, placeIn, toyDataset } from './fixtures';

const TOL = 1e-5;
const SIZES = [1, 3, 5, 17, 48, 100, 128, 250];

allowRelaxedSimd();
const MODULES: readonly Exclude<WasmInstructions, 'auto'>[] = ['simd', 'relaxed'];

interface ProductCase {
  kernel: 'matmul' | 'matmulTN' | 'matmulNT';
  m: number;
  k: number;
  n: number;
  lda: number;
  a: Float32Array;
  b: Float32Array;
  expected: Float32Array;
  /** (|A|·|B|)ᵢⱼ in f64 */
  scale: Float64Array;
}
let largeCases: ProductCase[] | undefined;
/** A's row stride, an argument of matmulTN only (matmul's next argument is B's and C's). */
const aStride = (kernel: ProductCase['kernel'], lda: number): [] | [number] => (kernel === 'matmulTN' ? [lda] : []);

/** The output layer's products at V = 8000 with the JS kernels' results, computed once for both
 *  modules (each JS product takes a while at this size). */
function largeOutputLayerCases(): ProductCase[] {
  if (largeCases) return largeCases;
  const rng = new Rng(23);
  const [N, P, V] = [100, 128, 8000];
  const shapes: [kernel: ProductCase['kernel'], m: number, k: number, n: number, lda?: number, first?: number][] = [
    ['matmul', N, P, V],
    ['matmul', 25, P, V], // one row block of the fused iteration
    ['matmulTN', P, N, V],
    ['matmulTN', 32, N, V, P, 64], // one of the fused iteration's blocks of dW3's rows
    ['matmulNT', N, V, P],
    ['matmulTN', 16, 700, 600], // a stream window's dWhy: k = K·B rows, summed in slices that fit the pack buffer
  ];
  largeCases = shapes.map(([kernel, m, k, n, lda = m, first = 0]) => {
    const whole = kernel === 'matmulTN' ? k * lda : m * k;
    const a = Float32Array.from({ length: whole }, () => rng.normal()).subarray(first);
    const b = Float32Array.from({ length: k * n }, () => rng.normal());
    const expected = new Float32Array(m * n);
    jsKernels[kernel](a, b, expected, m, k, n, false, ...aStride(kernel, lda));
    const scale = new Float64Array(m * n);
    jsKernels[kernel](Float64Array.from(a, Math.abs), Float64Array.from(b, Math.abs), scale, m, k, n, false, ...aStride(kernel, lda));
    return { kernel, m, k, n, lda, a, b, expected, scale };
  });
  return largeCases;
}

for (const instructions of MODULES) describe(`the ${instructions} module`, () => {
  let shared: Kernels | undefined;
  /** Loaded on first use, so a missing module fails each test with the loader's message. */
  const wasm = (): Kernels => (shared ??= createWasmKernels(undefined, { instructions }));

  test('is the module asked for', () => {
    assert.equal(wasm().name, instructions === 'relaxed' ? 'wasm relaxed-simd' : 'wasm');
  });


  function randn(rng: Rng, n: number): Float32Array {
    return Float32Array.from({ length: n }, () => rng.normal());
  }

  function randIds(rng: Rng, n: number, below: number): Int32Array {
    return Int32Array.from({ length: n }, () => rng.int(below));
  }

  const place = (where: Placement, data: Float32Array) => placeIn(wasm(), where, data);

  function placeIds(where: Placement, ids: Int32Array): Int32Array {
    if (where === 'plain arrays') return ids.slice();
    const f = place(where, new Float32Array(ids.length));
    const a = new Int32Array(f.buffer, f.byteOffset, ids.length);
    a.set(ids);
    return a;
  }

  const abs64 = (x: ArrayLike<number>) => Float64Array.from(x, Math.abs);

  test('matmul and matmulTN on column windows (rows ld apart) compute the window, as the JS kernels do, and leave the columns around it', () => {
    const rng = new Rng(31);
    for (const where of PLACEMENTS) {
      for (const [m, k, n, ld, j0] of [[9, 7, 13, 20, 4], [12, 300, 517, 800, 256], [5, 3, 1, 6, 5]]) {
        const a = place(where, randn(rng, m * k));
        const at = place(where, randn(rng, k * m));
        const b = place(where, randn(rng, k * ld));
        for (const accumulate of [false, true]) {
          const before = randn(rng, m * ld);
          const [c, cTN, expected, expectedTN] = [place(where, before), place(where, before), before.slice(), before.slice()];
          wasm().matmul(a, b.subarray(j0), c.subarray(j0), m, k, n, accumulate, ld);
          jsKernels.matmul(a, b.subarray(j0), expected.subarray(j0), m, k, n, accumulate, ld);
          wasm().matmulTN(at, b.subarray(j0), cTN.subarray(j0), m, k, n, accumulate, m, ld);
          jsKernels.matmulTN(at, b.subarray(j0), expectedTN.subarray(j0), m, k, n, accumulate, m, ld);
          for (const [actual, wanted, name] of [[c, expected, 'matmul'], [cTN, expectedTN, 'matmulTN']] as const) {
            assert.ok(relError(actual, wanted, k) < TOL, `${where}, ${name} ${m}×${k}×${n} in ${ld}, accumulate ${accumulate}`);
            for (let i = 0; i < m * ld; i++) {
              const inside = i % ld >= j0 && i % ld < j0 + n;
              if (!inside) assert.equal(actual[i], before[i], `${where}, ${name}: element ${i} outside the window`);
            }
          }
        }
      }
    }
  });

  /** max |actual − expected| / scale, NaN only matching NaN. */
  function relError(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: ArrayLike<number> | number): number {
    assert.equal(actual.length, expected.length);
    let worst = 0;
    for (let i = 0; i < actual.length; i++) {
      const a = actual[i];
      const e = expected[i];
      if (Number.isNaN(a) || Number.isNaN(e)) {
        if (!(Number.isNaN(a) && Number.isNaN(e))) return Infinity;
        continue;
      }
      const diff = Math.abs(a - e);
      if (diff === 0) continue;
      const s = typeof scale === 'number' ? scale : scale[i];
      worst = Math.max(worst, diff / Math.max(s, 1e-30));
    }
    return worst;
  }

  function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: ArrayLike<number> | number, what: string): void {
    const e = relError(actual, expected, scale);
    assert.ok(e < TOL, `${what}: relative error ${e}`);
  }

  const MATMUL_SHAPES: [number, number, number][] = [
    ...[1, 3, 5, 17].flatMap((m) => [1, 3, 5, 17].flatMap((k) => [1, 3, 5, 17].map((n): [number, number, number] => [m, k, n]))),
    // One training step: forward, then the weight gradients and back-propagated errors.
    [100, 48, 128],
    [100, 128, 250],
    [128, 100, 250],
    [48, 100, 128],
    [100, 250, 128],
    [100, 128, 48],
    [1, 128, 250],
    [17, 250, 3],
    [3, 5, 250],
    [250, 17, 5],
    // Across the panels of 256 columns (with a tail of whole and partial 8-column strips) and the
    // slices of 512 of matmulNT's k.
    [20, 100, 601],
    [9, 1100, 7],
    [13, 37, 530],
  ];

  for (const kernel of ['matmul', 'matmulTN', 'matmulNT'] as const) {
    test(`${kernel} matches the JS kernels on ${MATMUL_SHAPES.length} shapes, = and +=`, () => {
      const rng = new Rng(11);
      for (const [m, k, n] of MATMUL_SHAPES) {
        // A and B hold m·k and k·n values whichever of them is transposed.
        const a = randn(rng, m * k);
        const b = randn(rng, k * n);
        const c0 = randn(rng, m * n);
        // |A|·|B| in f64 through the same index pattern.
        const scale = new Float64Array(m * n);
        jsKernels[kernel](abs64(a), abs64(b), scale, m, k, n, false);
        for (const accumulate of [false, true]) {
          const expected = c0.slice();
          jsKernels[kernel](a, b, expected, m, k, n, accumulate);
          const s = accumulate ? scale.map((v, i) => v + Math.abs(c0[i])) : scale;
          for (const where of PLACEMENTS) {
            const c = place(where, c0);
            wasm()[kernel](place(where, a), place(where, b), c, m, k, n, accumulate);
            assertClose(c, expected, s, `${kernel} ${m}×${k}×${n} accumulate=${accumulate}, ${where}`);
          }
        }
      }
    });
  }

  test('the matrix products of an 8,000-word output layer match the JS kernels: Z2 = H·W3, dW3 = Hᵀ·dZ2 (whole and a window of rows), dH = dZ2·W3ᵀ', () => {
    for (const { kernel, m, k, n, lda, a, b, expected, scale } of largeOutputLayerCases()) {
      const c = place('wasm memory', new Float32Array(m * n));
      wasm()[kernel](place('wasm memory', a), place('wasm memory', b), c, m, k, n, false, ...aStride(kernel, lda));
      assertClose(c, expected, scale, `${kernel} ${m}×${k}×${n}`);
    }
  });

  test('matmulTN on a column window of A (lda > m) matches the JS kernels and the rows of the whole product, to the bit', () => {
    const rng = new Rng(21);
    for (const [width, k, n] of [[128, 100, 250], [48, 100, 128], [17, 5, 3], [9, 1, 6]]) {
      const a = randn(rng, k * width);
      const b = randn(rng, k * n);
      const whole = new Float32Array(width * n);
      wasm().matmulTN(a, b, whole, width, k, n, false);
      for (const [i0, i1] of [[0, Math.min(width, 56)], [Math.min(width, 56), width], [1, width - 1], [3, 4]]) {
        if (i1 <= i0) continue;
        const m = i1 - i0;
        const expected = new Float32Array(m * n);
        jsKernels.matmulTN(a.subarray(i0), b, expected, m, k, n, false, width);
        const scale = new Float64Array(m * n);
        jsKernels.matmulTN(abs64(a).subarray(i0), abs64(b), scale, m, k, n, false, width);
        for (const where of PLACEMENTS) {
          const c = place(where, new Float32Array(m * n));
          wasm().matmulTN(place(where, a).subarray(i0), place(where, b), c, m, k, n, false, width);
          const what = `rows [${i0}, ${i1}) of ${width}×${k}×${n}, ${where}`;
          assertClose(c, expected, scale, what);
          assert.deepEqual(c, whole.subarray(i0 * n, i1 * n), `${what}: the whole product's rows`);
        }
      }
    }
  });

  test('row ranges of matmul and matmulNT give the rows of the whole product, to the bit', () => {
    const rng = new Rng(22);
    for (const kernel of ['matmul', 'matmulNT'] as const) {
      // 601 columns: packed panels (whole product, enough rows) against unpacked ones (1 row).
      for (const [m, k, n] of [[100, 48, 128], [100, 128, 250], [100, 250, 128], [100, 128, 48], [17, 5, 3], [100, 128, 601], [60, 1100, 20]]) {
        const a = place('wasm memory', randn(rng, m * k));
        const b = place('wasm memory', randn(rng, k * n));
        const whole = place('wasm memory', new Float32Array(m * n));
        wasm()[kernel](a, b, whole, m, k, n, false);
        for (const [r0, r1] of [[0, 52], [52, m], [1, 2], [5, m - 3]]) {
          if (r1 <= r0 || r1 > m) continue;
          const c = place('wasm memory', new Float32Array((r1 - r0) * n));
          wasm()[kernel](a.subarray(r0 * k), b, c, r1 - r0, k, n, false);
          assert.deepEqual(c, whole.subarray(r0 * n, r1 * n), `${kernel} ${m}×${k}×${n} rows [${r0}, ${r1})`);
        }
      }
    }
  });

  const ROW_SHAPES: [number, number][] = [1, 3, 5, 17, 100].flatMap((rows) => SIZES.map((cols): [number, number] => [rows, cols]));

  test('addBias and sumRows match the JS kernels', () => {
    const rng = new Rng(12);
    for (const [rows, cols] of ROW_SHAPES) {
      const z = randn(rng, rows * cols);
      const bias = randn(rng, cols);
      for (const where of PLACEMENTS) {
        const expected = z.slice();
        jsKernels.addBias(expected, bias, rows, cols);
        const actual = place(where, z);
        wasm().addBias(actual, place(where, bias), rows, cols);
        assert.deepEqual(actual, expected, `addBias ${rows}×${cols}, ${where}`);

        const sums = new Float32Array(cols);
        jsKernels.sumRows(z, sums, rows, cols);
        const out = place(where, randn(rng, cols));
        wasm().sumRows(place(where, z), out, rows, cols);
        const scale = new Float64Array(cols);
        jsKernels.sumRows(abs64(z), scale, rows, cols);
        assertClose(out, sums, scale, `sumRows ${rows}×${cols}, ${where}`);
      }
    }
  });

  test('sumRows over a column window (ld > cols) matches the JS kernels and the whole sums, to the bit', () => {
    const rng = new Rng(23);
    for (const [rows, width] of [[100, 250], [100, 128], [5, 17], [1, 3]]) {
      const x = place('wasm memory', randn(rng, rows * width));
      const whole = place('wasm memory', new Float32Array(width));
      wasm().sumRows(x, whole, rows, width);
      for (const [j0, j1] of [[0, Math.min(width, 124)], [Math.min(width, 124), width], [1, width - 1]]) {
        if (j1 <= j0) continue;
        const expected = new Float32Array(j1 - j0);
        jsKernels.sumRows(x.subarray(j0), expected, rows, j1 - j0, width);
        const scale = new Float64Array(j1 - j0);
        jsKernels.sumRows(abs64(x).subarray(j0), scale, rows, j1 - j0, width);
        for (const where of PLACEMENTS) {
          const out = place(where, new Float32Array(j1 - j0));
          wasm().sumRows(place(where, x).subarray(j0), out, rows, j1 - j0, width);
          const what = `columns [${j0}, ${j1}) of ${rows}×${width}, ${where}`;
          assertClose(out, expected, scale, what);
          assert.deepEqual(out, whole.subarray(j0, j1), `${what}: the whole sums`);
        }
      }
    }
  });

  test('countCorrect counts like the JS kernel: ties, NaN and targets out of range count against the target', () => {
    const rng = new Rng(24);
    for (const [rows, cols] of ROW_SHAPES) {
      // Few distinct values, so ties are common.
      const p = Float32Array.from({ length: rows * cols }, () => rng.int(4) / 4);
      const targets = randIds(rng, rows, cols);
      for (let r = 0; r < rows; r += 3) targets[r] = cols === 1 ? 0 : jsArgmax(p, r, cols);
      for (const where of PLACEMENTS) {
        const got = wasm().countCorrect(place(where, p), placeIds(where, targets), rows, cols);
        assert.equal(got, jsKernels.countCorrect(p, targets, rows, cols), `${rows}×${cols}, ${where}`);
      }
    }
    const cols = 6;
    const special = new Float32Array([
      ...[NaN, 1, 2, 3, 4, 5], // a NaN: no target is right
      ...[1, NaN, 9, 9, NaN, 2], // a tie and NaNs
      ...[-0, 0, -1, -2, -3, -4], // −0 and 0 are equal: a tie
      ...[-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
      ...[0.5, 0.25, 0.75, 0.75, 1, 1], // a tie at the end, after whole vectors
      ...[1, 2, 3, 4, 5, 6],
      ...[7, 2, 3, 4, 5, 6], // the first column alone on top
      ...[1, 2, 3, 4, 9, 6], // a column of the scalar tail alone on top
    ]);
    for (const target of [0, 1, 2, 3, 4, 5, -1, 6]) {
      const targets = new Int32Array(special.length / cols).fill(target);
      for (const where of PLACEMENTS) {
        const got = wasm().countCorrect(place(where, special), placeIds(where, targets), targets.length, cols);
        assert.equal(got, jsKernels.countCorrect(special, targets, targets.length, cols), `target ${target}, ${where}`);
      }
    }
  });

  test('countCorrect: a row is right only when the target alone is the most probable (JS and WASM)', () => {
    const cols = 6;
    const rows: [number[], number, number][] = [
      // [probabilities, target, right?]
      [[0.1, 0.5, 0.1, 0.1, 0.1, 0.1], 1, 1],
      [[0.1, 0.5, 0.1, 0.1, 0.1, 0.1], 0, 0],
      [[0.4, 0.4, 0.05, 0.05, 0.05, 0.05], 0, 0], // tied for the top: not right for either word
      [[0.4, 0.4, 0.05, 0.05, 0.05, 0.05], 1, 0],
      [[1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6], 0, 0], // all equal: right for no word
      [[0, 0, 0, 0, 0, 0], 3, 0], // all underflowed
      [[0.1, NaN, 0.1, 0.1, 0.1, 0.1], 1, 0], // NaN at the target
      [[0.5, NaN, 0.1, 0.1, 0.1, 0.1], 0, 0], // NaN elsewhere
      [[NaN, NaN, NaN, NaN, NaN, NaN], 0, 0],
      [[0.1, 0.1, 0.1, 0.1, 0.1, 0.5], 5, 1], // in the scalar tail
      [[0.1, 0.1, 0.1, 0.1, 0.5, 0.5], 5, 0],
      [[0.5, 0.1, 0.1, 0.1, 0.1, 0.1], 6, 0], // target out of range
    ];
    for (const [values, target, right] of rows) {
      const p = Float32Array.from(values);
      const t = Int32Array.of(target);
      assert.equal(jsKernels.countCorrect(p, t, 1, cols), right, `JS: ${values} target ${target}`);
      for (const where of PLACEMENTS) assert.equal(wasm().countCorrect(place(where, p), placeIds(where, t), 1, cols), right, `${values} target ${target}, ${where}`);
    }
  });

  function jsArgmax(p: Float32Array, row: number, cols: number): number {
    let best = 0;
    for (let j = 1; j < cols; j++) if (p[row * cols + j] > p[row * cols + best]) best = j;
    return best;
  }

  test('softmaxRows, crossEntropySum and softmaxCrossEntropyGrad match the JS kernels', () => {
    const rng = new Rng(13);
    for (const [rows, cols] of ROW_SHAPES) {
      const z = randn(rng, rows * cols).map((v) => 4 * v);
      const targets = randIds(rng, rows, cols);
      const scale = 1 / rows;
      const p = new Float32Array(rows * cols);
      jsKernels.softmaxRows(z, p, rows, cols);
      const loss = jsKernels.crossEntropySum(p, targets, rows, cols);
      const dz = new Float32Array(rows * cols);
      jsKernels.softmaxCrossEntropyGrad(p, targets, dz, rows, cols, scale);
      // dZ = P·s − s·onehot: the terms' sizes.
      const dzScale = p.map((v, i) => scale * (v + (targets[Math.floor(i / cols)] === i % cols ? 1 : 0)));
      for (const where of PLACEMENTS) {
        const what = `${rows}×${cols}, ${where}`;
        const pw = place(where, new Float32Array(rows * cols));
        wasm().softmaxRows(place(where, z), pw, rows, cols);
        assertClose(pw, p, p, `softmaxRows ${what}`);
        const t = placeIds(where, targets);
        assertClose([wasm().crossEntropySum(place(where, p), t, rows, cols)], [loss], loss, `crossEntropySum ${what}`);
        const dzw = place(where, new Float32Array(rows * cols));
        wasm().softmaxCrossEntropyGrad(place(where, p), t, dzw, rows, cols, scale);
        assertClose(dzw, dz, dzScale, `softmaxCrossEntropyGrad ${what}`);
      }
    }
  });

  test('crossEntropySum floors probabilities at the smallest normal float like the JS kernel', () => {
    const p = new Float32Array([0, 1, 1e-40, 1]);
    const targets = new Int32Array([0, 0]);
    assert.equal(wasm().crossEntropySum(p, targets, 2, 2), jsKernels.crossEntropySum(p, targets, 2, 2));
  });

  test('gatherRows and scatterAddRows match the JS kernels, per position and for all positions', () => {
    const rng = new Rng(14);
    for (const vocab of [17, 250]) {
      for (const context of [1, 3, 5]) {
        for (const dim of [1, 3, 5, 16, 17, 48]) {
          for (const rows of [1, 5, 100]) {
            const w = randn(rng, vocab * dim);
            const ids = randIds(rng, rows * context, vocab);
            const de = randn(rng, rows * context * dim);
            for (const [k0, k1] of [[0, context], [context - 1, context]]) {
              for (const where of PLACEMENTS) {
                const what = `V=${vocab} C=${context} D=${dim} rows=${rows} k=[${k0},${k1}), ${where}`;
                const e0 = randn(rng, rows * context * dim);
                const e = e0.slice();
                jsKernels.gatherRows(w, ids, e, rows, context, dim, k0, k1);
                const ew = place(where, e0);
                wasm().gatherRows(place(where, w), placeIds(where, ids), ew, rows, context, dim, k0, k1);
                assert.deepEqual(ew, e, `gatherRows ${what}`);

                const dw = w.slice();
                jsKernels.scatterAddRows(de, ids, dw, rows, context, dim, k0, k1);
                const dww = place(where, w);
                wasm().scatterAddRows(place(where, de), placeIds(where, ids), dww, rows, context, dim, k0, k1);
                assert.deepEqual(dww, dw, `scatterAddRows ${what}`);
              }
            }
          }
        }
      }
    }
  });

  test('ids outside the embedding table gather NaN and scatter nothing, as in the JS kernels', () => {
    const dim = 5;
    const w = Float32Array.from({ length: 4 * dim }, (_, i) => i);
    const ids = new Int32Array([1, -1, 4, 3]);
    for (const where of PLACEMENTS) {
      const e = new Float32Array(ids.length * dim);
      jsKernels.gatherRows(w, ids, e, 4, 1, dim, 0, 1);
      const ew = place(where, new Float32Array(ids.length * dim));
      wasm().gatherRows(place(where, w), placeIds(where, ids), ew, 4, 1, dim, 0, 1);
      assert.deepEqual(ew, e, where);

      const de = Float32Array.from({ length: ids.length * dim }, () => 1);
      const dw = w.slice();
      jsKernels.scatterAddRows(de, ids, dw, 4, 1, dim, 0, 1);
      const dww = place(where, w);
      wasm().scatterAddRows(place(where, de), placeIds(where, ids), dww, 4, 1, dim, 0, 1);
      assert.deepEqual(dww, dw, where);
    }
  });

  test('targets outside the vocabulary give a NaN loss and leave dZ = P·scale', () => {
    const p = new Float32Array([0.25, 0.75, 0.5, 0.5]);
    const targets = new Int32Array([2, -1]);
    assert.ok(Number.isNaN(wasm().crossEntropySum(p, targets, 2, 2)));
    const dz = new Float32Array(4);
    wasm().softmaxCrossEntropyGrad(p, targets, dz, 2, 2, 2);
    assert.deepEqual(dz, p.map((v) => 2 * v));
  });

  test('activationForward, biasActivation and activationBackward match the JS kernels, for each activation', () => {
    const rng = new Rng(15);
    for (const activation of ACTIVATIONS) {
      for (const [rows, cols] of ROW_SHAPES) {
        const n = rows * cols;
        // Spread over the saturated and the small-argument ranges of σ and tanh.
        const z = randn(rng, n).map((v) => 3 * v);
        const bias = randn(rng, cols);
        const ze = z.slice();
        const he = new Float32Array(n);
        jsKernels.biasActivation(ze, bias, he, rows, cols, activation);
        const dh = randn(rng, n);
        const dze = new Float32Array(n);
        jsKernels.activationBackward(ze, he, dh, dze, n, activation);
        for (const where of PLACEMENTS) {
          const what = `${activation} ${rows}×${cols}, ${where}`;
          const zw = place(where, z);
          const hw = place(where, new Float32Array(n));
          wasm().biasActivation(zw, place(where, bias), hw, rows, cols, activation);
          assert.deepEqual(zw, ze, `biasActivation Z ${what}`);
          assertClose(hw, he, abs64(he), `biasActivation H ${what}`);
          const hf = place(where, new Float32Array(n));
          wasm().activationForward(zw, hf, n, activation);
          assert.deepEqual(hf, hw, `activationForward ${what}: biasActivation's H, to the bit`);
          const hj = new Float32Array(n);
          jsKernels.activationForward(ze, hj, n, activation);
          assert.deepEqual(hj, he, `JS activationForward ${what}`);
          const dzw = place(where, new Float32Array(n));
          wasm().activationBackward(place(where, ze), place(where, he), place(where, dh), dzw, n, activation);
          assertClose(dzw, dze, abs64(dze), `activationBackward ${what}`);
        }
      }
    }
  });

  test('softmaxCrossEntropy equals softmaxRows + crossEntropySum + softmaxCrossEntropyGrad', () => {
    const rng = new Rng(16);
    for (const [rows, cols] of ROW_SHAPES) {
      const z = randn(rng, rows * cols).map((v) => 4 * v);
      const targets = randIds(rng, rows, cols);
      const scale = 1 / rows;
      const p = new Float32Array(rows * cols);
      const dz = new Float32Array(rows * cols);
      const loss = jsKernels.softmaxCrossEntropy(z, targets, p, dz, rows, cols, scale);
      const dzScale = p.map((v, i) => scale * (v + (targets[Math.floor(i / cols)] === i % cols ? 1 : 0)));
      for (const where of PLACEMENTS) {
        const what = `${rows}×${cols}, ${where}`;
        const pw = place(where, new Float32Array(rows * cols));
        const dzw = place(where, new Float32Array(rows * cols));
        const lw = wasm().softmaxCrossEntropy(place(where, z), placeIds(where, targets), pw, dzw, rows, cols, scale);
        assertClose([lw], [loss], loss, `loss ${what}`);
        assertClose(pw, p, p, `P ${what}`);
        assertClose(dzw, dz, dzScale, `dZ ${what}`);
      }
    }
  });

  test('optimizer updates follow Optimizer (optimizers.ts) over several steps', () => {
    const rng = new Rng(17);
    for (const optimizer of OPTIMIZERS) {
      for (const n of [1, 3, 5, 17, 250]) {
        const settings: TrainConfig = { ...DEFAULT_CONFIG, optimizer, lr: 0.05, weightDecay: 0.01 };
        const w0 = randn(rng, n);
        const reference = { name: 'W', shape: [n], data: w0.slice() };
        const grad = { name: 'dW', shape: [n], data: new Float32Array(n) };
        const opt = new Optimizer(settings, [{ param: reference, grad, decay: true }], jsKernels);
        const update = opt.subSteps()[0];
        const backends: [string, Kernels, Placement][] = [
          ['js', jsKernels, 'plain arrays'],
          ...PLACEMENTS.map((where): [string, Kernels, Placement] => ['wasm', wasm(), where]),
        ];
        const states = backends.map(([, , where]) => ({
          w: place(where, w0),
          m: place(where, new Float32Array(n)),
          v: place(where, new Float32Array(n)),
        }));
        for (let step = 1; step <= 4; step++) {
          grad.data.set(randn(rng, n));
          update.run();
          backends.forEach(([name, k, where], i) => {
            const { w, m, v } = states[i];
            const g = place(where, grad.data);
            const { lr, momentum, beta1, beta2, weightDecay } = settings;
            if (optimizer === 'sgd') k.sgdUpdate(w, g, n, lr, weightDecay);
            else if (optimizer === 'momentum') k.momentumUpdate(w, g, v, n, lr, weightDecay, momentum);
            else k.adamUpdate(w, g, m, v, n, lr, weightDecay, beta1, beta2, step);
            const what = `${optimizer} n=${n} step ${step}, ${name} on ${where}`;
            if (name === 'js') {
              assert.deepEqual(w, reference.data, what);
              return;
            }
            // Normwise: an entry's update can cancel most of its value.
            const normwise = (x: FloatArray) => Math.max(...abs64(x));
            assertClose(w, reference.data, normwise(reference.data), `${what}, θ`);
            assertClose(m, states[0].m, normwise(states[0].m), `${what}, first moment`);
            assertClose(v, states[0].v, normwise(states[0].v), `${what}, velocity / second moment`);
          });
        }
      }
    }
  });

  test('Float64Array arguments run the JS kernels, exactly', () => {
    const rng = new Rng(18);
    const [m, k, n] = [5, 17, 3];
    const a = Float64Array.from(randn(rng, m * k));
    const b = Float64Array.from(randn(rng, k * n));
    const expected = new Float64Array(m * n);
    jsKernels.matmul(a, b, expected, m, k, n, false);
    const c = new Float64Array(m * n);
    wasm().matmul(a, b, c, m, k, n, false);
    assert.deepEqual(c, expected);

    const z = Float64Array.from(randn(rng, 3 * 250));
    const p = new Float64Array(z.length);
    const pe = new Float64Array(z.length);
    jsKernels.softmaxRows(z, pe, 3, 250);
    wasm().softmaxRows(z, p, 3, 250);
    assert.deepEqual(p, pe);
  });

  test('alloc and allocInt32 return zeroed views in the wasm memory that stay valid across copying calls', () => {
    const k = createWasmKernels(undefined, { instructions });
    const kept = k.alloc(1000);
    kept.fill(7);
    // Plain arrays go through scratch space above the allocations.
    const big = new Float32Array(250 * 250).fill(1);
    k.matmul(big, big, new Float32Array(250 * 250), 250, 250, 250, false);
    const fresh = k.alloc(250 * 250);
    assert.equal(fresh.buffer, kept.buffer);
    assert.ok(fresh.every((v) => v === 0), 'alloc() over used scratch space must be zeroed');
    k.matmul(big, big, new Float32Array(250 * 250), 250, 250, 250, false);
    const ids = k.allocInt32(250 * 250);
    assert.ok(ids instanceof Int32Array && ids.buffer === kept.buffer);
    assert.ok(ids.every((v) => v === 0), 'allocInt32() over used scratch space must be zeroed');
    assert.equal(kept.length, 1000);
    assert.ok(kept.every((v) => v === 7));
  });

  test('a full wasm memory degrades to plain arrays and JS kernels, still correct', () => {
    const k = createWasmKernels(undefined, { memoryMiB: 1, instructions });
    const big = k.alloc(1 << 19); // 2 MiB: more than the whole memory
    assert.equal(big.buffer.byteLength, big.byteLength, 'expected an ordinary Float32Array');
    const rng = new Rng(19);
    const [m, kk, n] = [600, 500, 3]; // operands that no longer fit as scratch copies
    const a = randn(rng, m * kk);
    const b = randn(rng, kk * n);
    const expected = new Float32Array(m * n);
    jsKernels.matmul(a, b, expected, m, kk, n, false);
    const c = new Float32Array(m * n);
    k.matmul(a, b, c, m, kk, n, false);
    assert.deepEqual(c, expected);
  });

  /** Float32 views over `buffer`, back to back, the last one ending at the end of the buffer. */
  function packAtEnd(buffer: ArrayBufferLike, sizes: readonly number[]): Float32Array[] {
    let end = buffer.byteLength;
    const views: Float32Array[] = [];
    for (let i = sizes.length - 1; i >= 0; i--) {
      end -= sizes[i] * 4;
      views[i] = new Float32Array(buffer, end, sizes[i]);
    }
    return views;
  }

  test('kernels touch nothing past their arrays, even at the very end of the wasm memory', () => {
    // A read past the end traps ("memory access out of bounds"); each operand in turn goes last.
    const k = createWasmKernels(undefined, { memoryMiB: 1, instructions });
    const buffer = k.alloc(0).buffer;
    const rng = new Rng(20);
    const rotations = <T>(xs: T[]): T[][] => xs.map((_, r) => [...xs.slice(r + 1), ...xs.slice(0, r + 1)]);
    for (const kernel of ['matmul', 'matmulTN', 'matmulNT'] as const) {
      for (const [m, kk, n] of [[5, 7, 9], [1, 3, 2], [3, 1, 1]]) {
        const inputs = { a: randn(rng, m * kk), b: randn(rng, kk * n), c: randn(rng, m * n) };
        const expected = inputs.c.slice();
        jsKernels[kernel](inputs.a, inputs.b, expected, m, kk, n, true);
        for (const order of rotations(['a', 'b', 'c'] as const)) {
          const views = packAtEnd(buffer, order.map((name) => inputs[name].length));
          order.forEach((name, i) => views[i].set(inputs[name]));
          const at = (name: 'a' | 'b' | 'c') => views[order.indexOf(name)];
          k[kernel](at('a'), at('b'), at('c'), m, kk, n, true);
          assertClose(at('c'), expected, abs64(expected).map((v) => v + 1), `${kernel} ${m}×${kk}×${n}, ${order.at(-1)} last`);
        }
      }
    }
    const [rows, cols] = [3, 7];
    const targets = new Int32Array([6, 0, 3]);
    for (const order of rotations([0, 1, 2])) {
      const [x, y, z] = order.map((i) => packAtEnd(buffer, [rows * cols, rows * cols, rows * cols])[i]);
      x.set(randn(rng, rows * cols));
      k.softmaxCrossEntropy(x, targets, y, z, rows, cols, 1 / rows);
      k.biasActivation(x, y.subarray(0, cols), z, rows, cols, 'tanh');
      k.activationBackward(x, y, z, x, rows * cols, 'sigmoid');
      k.sumRows(x, y.subarray(0, cols), rows, cols);
      k.gatherRows(x, new Int32Array([2, 0, 1]), y, rows, 1, cols, 0, 1);
      k.scatterAddRows(y, new Int32Array([2, 0, 1]), x, rows, 1, cols, 0, 1);
      k.adamUpdate(x, y, z, x, rows * cols, 0.01, 0, 0.9, 0.999, 1);
    }
  });

  test('a short array is rejected instead of overrunning wasm memory', () => {
    const k = wasm();
    assert.throws(() => k.addBias(k.alloc(10), k.alloc(5), 3, 5), RangeError);
  });

  test('training with the wasm kernels follows training with the JS kernels', () => {
    const config: TrainConfig = { ...DEFAULT_CONFIG, embeddingDim: 5, hiddenUnits: 12, batchSize: 32, epochs: 1 };
    const run = (kernels: Kernels) => new Trainer(toyDataset(), config, kernels).runEpoch();
    const js = run(jsKernels);
    const wa = run(wasm());
    // Rounding differences compound over the epoch's 19 steps, hence 1e-4 rather than 1e-5.
    for (const [w, j] of [[wa.trainCe, js.trainCe], [wa.valid.ce, js.valid.ce]]) {
      assert.ok(Math.abs(w - j) < 1e-4 * j, `wasm ${w} vs js ${j}`);
    }
  });
});
