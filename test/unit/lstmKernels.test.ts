// The LSTM cell's kernels (lstmGates, lstmCell, lstmHidden, lstmCellGrad, lstmGateGrads,
// multiply) and clipping's (sumSquares, scale): WASM against the JS reference on seeded random
// data and edge values, sizes that are not multiples of 4, arrays in the wasm memory and plain
// arrays (the copy path); row and element splits giving one call's numbers to the bit; Float64
// arguments running the reference; clipping with either backend giving the same numbers.
//
// Error measure: |wasm − js| / s per element with s the size of the terms: |reference| for the
// products of σ and tanh values (each ≈1 ulp in f32 against f64 in the reference), and for
// dH ⊙ O ⊙ (1 − tanh²C) the size of dH ⊙ O: 1 − t² comes from an f32 tanh, whose error near
// |t| = 1 is a few units of 2⁻²⁴ absolute (tanh 9 rounds to 1 in f32), not relative.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allowRelaxedSimd } from '../../src/engine/backend';
import { clipGradNorm } from '../../src/engine/clipping';
import { jsKernels, Kernels } from '../../src/engine/kernels';
import { Rng } from '../../src/engine/rng';
import { FloatArray } from '../../src/engine/tensor';
import { createWasmKernels, WasmInstructions } from '../../src/engine/wasmKernels';
import { Placement, PLACEMENTS, placeIn } from './fixtures';

const TOL = 1e-5;
/** rows × P: a single element, partial vectors, the stream task's 20 × 128. */
const SHAPES: [rows: number, P: number][] = [[1, 1], [1, 3], [3, 5], [2, 7], [5, 17], [20, 128], [3, 130]];
const EDGES = [0, -0, 1e-30, -1e-30, 0.3, -0.3, 0.7, 9, -9, 20, -20, 100, -100, 1e6, -1e6, Infinity, -Infinity, NaN];

allowRelaxedSimd();
const MODULES: readonly Exclude<WasmInstructions, 'auto'>[] = ['simd', 'relaxed'];

/** Normal values times `spread`, with the edge values at the front when there is room. */
function values(rng: Rng, n: number, spread: number, edges = false): Float32Array {
  const x = Float32Array.from({ length: n }, () => spread * rng.normal());
  if (edges) x.set(EDGES.slice(0, n));
  return x;
}

/** Gate-like values in (0, 1), with 0 and 1 among them. */
function unit(rng: Rng, n: number): Float32Array {
  const x = Float32Array.from({ length: n }, () => rng.uniform());
  x.set([0, 1].slice(0, n));
  return x;
}

/** max |actual − expected| / scale, NaN only matching NaN, equal infinities matching. */
function relError(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const [a, e] = [actual[i], expected[i]];
    if (Number.isNaN(a) || Number.isNaN(e)) {
      if (!(Number.isNaN(a) && Number.isNaN(e))) return Infinity;
      continue;
    }
    if (a === e) continue;
    worst = Math.max(worst, Math.abs(a - e) / Math.max(Math.abs(scale[i]), 1e-30));
  }
  return worst;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: ArrayLike<number>, what: string): void {
  const e = relError(actual, expected, scale);
  assert.ok(e < TOL, `${what}: relative error ${e}`);
}

for (const instructions of MODULES) describe(`the LSTM and clipping kernels of the ${instructions} module`, () => {
  let shared: Kernels | undefined;
  const wasm = (): Kernels => (shared ??= createWasmKernels(undefined, { instructions }));
  const place = (where: Placement, data: Float32Array) => placeIn(wasm(), where, data);

  /** The forward pass's inputs and the reference's outputs for rows × P. */
  function forwardCase(rng: Rng, rows: number, P: number) {
    const n = rows * P;
    const a = values(rng, 4 * n, 3, true);
    const [i, f, g, o] = [0, 1, 2, 3].map(() => new Float32Array(n));
    jsKernels.lstmGates(a, i, f, g, o, rows, P);
    const cPrev = values(rng, n, 2, true);
    return { n, a, i, f, g, o, cPrev };
  }

  test('lstmGates matches the JS kernels, and each gate is activationForward of its block to the bit', () => {
    const rng = new Rng(31);
    for (const [rows, P] of SHAPES) {
      const { n, a, i, f, g, o } = forwardCase(rng, rows, P);
      for (const where of PLACEMENTS) {
        const what = `${rows}×${P}, ${where}`;
        const out = [0, 1, 2, 3].map(() => place(where, new Float32Array(n)));
        wasm().lstmGates(place(where, a), out[0], out[1], out[2], out[3], rows, P);
        [i, f, g, o].forEach((expected, q) => assertClose(out[q], expected, expected, `gate ${'ifgo'[q]} ${what}`));
        for (let r = 0; r < rows; r++) {
          for (let q = 0; q < 4; q++) {
            const block = a.slice((4 * r + q) * P, (4 * r + q + 1) * P);
            const h = new Float32Array(P);
            wasm().activationForward(block, h, P, q === 2 ? 'tanh' : 'sigmoid');
            assert.deepEqual(out[q].slice(r * P, (r + 1) * P), h, `gate ${'ifgo'[q]} row ${r} ${what}`);
          }
        }
      }
    }
  });

  test('lstmCell, lstmHidden and multiply match the JS kernels, with and without a previous state', () => {
    const rng = new Rng(32);
    for (const [rows, P] of SHAPES) {
      const { n, i, f, g, o, cPrev } = forwardCase(rng, rows, P);
      for (const previous of [cPrev, null]) {
        const c = new Float32Array(n);
        jsKernels.lstmCell(f, previous, i, g, c, n);
        const terms = c.map((_, j) => Math.abs(f[j] * (previous ? previous[j] : 0)) + Math.abs(i[j] * g[j]));
        const h = new Float32Array(n);
        jsKernels.lstmHidden(o, c, h, n);
        for (const where of PLACEMENTS) {
          const what = `${rows}×${P}, ${previous ? 'C₋' : 'no C₋'}, ${where}`;
          const cw = place(where, values(rng, n, 1)); // overwritten, not added to
          wasm().lstmCell(place(where, f), previous && place(where, previous), place(where, i), place(where, g), cw, n);
          assertClose(cw, c, terms, `C ${what}`);
          const hw = place(where, new Float32Array(n));
          wasm().lstmHidden(place(where, o), place(where, c), hw, n);
          assertClose(hw, h, h, `H ${what}`);
        }
      }
      // A product of two floats rounds once either way: equal to the bit.
      const dc = values(rng, n, 1, true);
      const expected = new Float32Array(n);
      jsKernels.multiply(dc, f, expected, n);
      for (const where of PLACEMENTS) {
        const z = place(where, new Float32Array(n));
        wasm().multiply(place(where, dc), place(where, f), z, n);
        assert.deepEqual(z, expected, `multiply ${rows}×${P}, ${where}`);
      }
    }
  });

  test('lstmCellGrad (= and +=) and lstmGateGrads match the JS kernels, with and without a previous state', () => {
    const rng = new Rng(33);
    for (const [rows, P] of SHAPES) {
      const n = rows * P;
      // Saturated gates (0 and 1, and ±1 for G) among them.
      const [i, f, o] = [unit(rng, n), unit(rng, n), unit(rng, n)];
      const g = unit(rng, n).map((v) => 2 * v - 1);
      const cPrev = values(rng, n, 2, true);
      const c = values(rng, n, 3, true);
      const dh = values(rng, n, 1);
      const dc0 = values(rng, n, 1);
      for (const accumulate of [false, true]) {
        const dc = dc0.slice();
        jsKernels.lstmCellGrad(dh, o, c, dc, n, accumulate);
        const terms = dc.map((_, j) => Math.abs(dh[j] * o[j]) + (accumulate ? Math.abs(dc0[j]) : 0));
        for (const where of PLACEMENTS) {
          const dcw = place(where, dc0);
          wasm().lstmCellGrad(place(where, dh), place(where, o), place(where, c), dcw, n, accumulate);
          assertClose(dcw, dc, terms, `dC ${rows}×${P} accumulate=${accumulate}, ${where}`);
        }
      }
      const dc = values(rng, n, 1, true);
      for (const previous of [cPrev, null]) {
        const da = new Float32Array(4 * n);
        jsKernels.lstmGateGrads(i, f, g, o, c, previous, dc, dh, da, rows, P);
        for (const where of PLACEMENTS) {
          const what = `${rows}×${P}, ${previous ? 'C₋' : 'no C₋'}, ${where}`;
          const daw = place(where, values(rng, 4 * n, 1)); // overwritten, the forget block too
          const args = [i, f, g, o, c].map((x) => place(where, x));
          wasm().lstmGateGrads(args[0], args[1], args[2], args[3], args[4], previous && place(where, previous), place(where, dc), place(where, dh), daw, rows, P);
          assertClose(daw, da, da, `dA ${what}`);
          if (!previous) for (let r = 0; r < rows; r++) assert.ok(daw.slice((4 * r + 1) * P, (4 * r + 2) * P).every((v) => v === 0), `dA_f = 0 ${what}`);
        }
      }
    }
  });

  test('calls over a split of the rows or of the elements give one call\'s numbers, to the bit', () => {
    const rng = new Rng(34);
    const [rows, P, cut] = [7, 13, 3]; // the element split at 3·13 = 39, not a multiple of 4
    const { n, a, i, f, g, o, cPrev } = forwardCase(rng, rows, P);
    const [c, dh, dc] = [values(rng, n, 3, true), values(rng, n, 1), values(rng, n, 1)];
    const k = wasm();
    const whole = { gates: [0, 1, 2, 3].map(() => new Float32Array(n)), c: new Float32Array(n), h: new Float32Array(n), dc: dc.slice(), da: new Float32Array(4 * n), z: new Float32Array(n) };
    const split = { gates: [0, 1, 2, 3].map(() => new Float32Array(n)), c: new Float32Array(n), h: new Float32Array(n), dc: dc.slice(), da: new Float32Array(4 * n), z: new Float32Array(n) };
    const run = (out: typeof whole, r0: number, r1: number) => {
      const [e0, e1] = [r0 * P, r1 * P];
      const s = (x: FloatArray, width = 1) => x.subarray(e0 * width, e1 * width);
      const [m, e] = [r1 - r0, e1 - e0];
      k.lstmGates(s(a, 4), s(out.gates[0]), s(out.gates[1]), s(out.gates[2]), s(out.gates[3]), m, P);
      k.lstmCell(s(f), s(cPrev), s(i), s(g), s(out.c), e);
      k.lstmHidden(s(o), s(out.c), s(out.h), e);
      k.lstmCellGrad(s(dh), s(o), s(c), s(out.dc), e, true);
      k.lstmGateGrads(s(i), s(f), s(g), s(o), s(c), s(cPrev), s(out.dc), s(dh), s(out.da, 4), m, P);
      k.multiply(s(out.dc), s(f), s(out.z), e);
    };
    run(whole, 0, rows);
    run(split, 0, cut);
    run(split, cut, rows);
    assert.deepEqual(split, whole);
  });

  test('sumSquares gives the JS kernel\'s number exactly, on any size and on edge values', () => {
    const rng = new Rng(35);
    for (const n of [0, 1, 2, 3, 4, 5, 7, 17, 1000, 65537]) {
      for (const edges of [false, true]) {
        const x = values(rng, n, edges ? 1 : 1e-3, edges && n > 3);
        if (edges && n > 3) x[0] = 3e38; // squares overflow f32 but not f64
        const expected = jsKernels.sumSquares(x, n);
        for (const where of PLACEMENTS) assert.equal(wasm().sumSquares(place(where, x), n), expected, `n = ${n}${edges ? ' with edge values' : ''}, ${where}`);
      }
    }
    // Only the first n values count, in the documented order.
    const x = Float32Array.from([1, 2, 3, 4, 5, 100]);
    assert.equal(wasm().sumSquares(place('wasm memory', x), 5), 1 + 25 + 9 + (4 + 16));
  });

  test('scale gives the JS kernel\'s numbers exactly, and leaves what follows the first n values', () => {
    const rng = new Rng(36);
    for (const n of [1, 3, 5, 17, 1001]) {
      for (const s of [0.123456789, 1e-7, 3, -0.5]) {
        const x = values(rng, n + 2, 1, n > 3);
        const expected = x.slice();
        jsKernels.scale(expected, n, s);
        for (const where of PLACEMENTS) {
          const xw = place(where, x);
          wasm().scale(xw, n, s);
          assert.deepEqual(xw, expected, `n = ${n}, s = ${s}, ${where}`);
          assert.deepEqual(xw.subarray(n), x.subarray(n), 'untouched past n');
        }
      }
    }
  });

  test('clipGradNorm with the WASM kernels gives the norm and the gradients of the JS kernels, to the bit', () => {
    const rng = new Rng(37);
    const grads = [values(rng, 8003, 0.01), values(rng, 5, 2), values(rng, 130, 0.1)];
    for (const limit of [0.25, 1e6]) {
      const js = grads.map((g) => g.slice());
      const wa = grads.map((g) => place('wasm memory', g));
      assert.equal(clipGradNorm(wasm(), wa, limit), clipGradNorm(jsKernels, js, limit));
      assert.deepEqual(wa.map((g) => Float32Array.from(g)), js);
    }
  });

  test('Float64Array arguments run the JS kernels, exactly', () => {
    const rng = new Rng(38);
    const [rows, P] = [3, 5];
    const n = rows * P;
    const f64 = (x: Float32Array) => Float64Array.from(x);
    const { a, i, f, g, o, cPrev } = forwardCase(rng, rows, P);
    const [c, dh, dc] = [f64(values(rng, n, 2)), f64(values(rng, n, 1)), f64(values(rng, n, 1))];
    const run = (k: Kernels) => {
      const out = { gates: [0, 1, 2, 3].map(() => new Float64Array(n)), c: new Float64Array(n), h: new Float64Array(n), dc: dc.slice(), da: new Float64Array(4 * n), z: new Float64Array(n) };
      k.lstmGates(f64(a), out.gates[0], out.gates[1], out.gates[2], out.gates[3], rows, P);
      k.lstmCell(f64(f), f64(cPrev), f64(i), f64(g), out.c, n);
      k.lstmHidden(f64(o), out.c, out.h, n);
      k.lstmCellGrad(dh, f64(o), c, out.dc, n, true);
      k.lstmGateGrads(f64(i), f64(f), f64(g), f64(o), c, null, out.dc, dh, out.da, rows, P);
      k.multiply(out.dc, f64(f), out.z, n);
      k.scale(out.z, n, 0.1);
      return { ...out, sum: k.sumSquares(out.da, 4 * n) };
    };
    assert.deepEqual(run(wasm()), run(jsKernels));
  });

  test('the kernels touch nothing past their arrays, even at the very end of the wasm memory', () => {
    // A read or write past the end traps. Rows of 7 leave a partial vector at every row's end;
    // first a [rows × 4P] array lies last in the memory, then a [rows × P] one.
    const k = createWasmKernels(undefined, { memoryMiB: 1, instructions });
    const buffer = k.alloc(0).buffer;
    const [rows, P] = [3, 7];
    const n = rows * P;
    const rng = new Rng(39);
    for (const wideLast of [true, false]) {
      let end = buffer.byteLength;
      /** The next `size` floats below the ones taken so far, holding random values. */
      const take = (size: number) => {
        end -= size * 4;
        const view = new Float32Array(buffer, end, size);
        view.set(values(rng, size, 2));
        return view;
      };
      const [wide, u] = wideLast ? [take(4 * n), take(n)] : [take(n), take(4 * n)].reverse();
      const [x, y, z] = [take(n), take(n), take(n)];
      k.lstmGates(wide, u, x, y, z, rows, P);
      k.lstmCell(x, u, y, z, u, n);
      k.lstmHidden(x, u, u, n);
      k.lstmCellGrad(x, y, u, u, n, true);
      k.lstmGateGrads(u, x, y, z, u, u, x, u, wide, rows, P);
      k.multiply(x, u, u, n);
      k.scale(wide, 4 * n, 0.5);
      k.scale(u, n, 0.5);
      assert.ok(Number.isFinite(k.sumSquares(wide, 4 * n) + k.sumSquares(u, n)), `${wideLast ? 'dA' : 'a gate'} last`);
    }
  });
});
