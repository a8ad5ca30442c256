// WebAssembly SIMD kernels for the training loop; src/engine/kernels.ts holds the reference
// semantics and src/engine/wasmKernels.ts the host side. Built twice (scripts/build-wasm.mjs): with
// 128-bit SIMD only, and with relaxed SIMD too, whose fused multiply-add `mac` uses. Pointers are byte addresses in the
// imported memory, matrices are row-major f32, ids are i32. The host owns the memory (it allocates
// above heapBase() and never grows it), so nothing here allocates. The memory is shared: a helper
// thread runs its own instance on it, each kernel call touching only the rows it was given.
//
// No kernel reads or writes past the end of a row: the last 1–3 elements of a row go through
// loadN/storeN, so arrays can sit anywhere in memory, including at its very end.

const TINY: f64 = 1.1754943508222875e-38; // smallest normal f32: the loss floor of jsKernels

export const SIGMOID = 0;
export const TANH = 1;
export const RELU = 2;
export const LINEAR = 3;

/** First byte free for the host's allocations (after any static data). */
export function heapBase(): usize {
  return __heap_base;
}

// ---- partial vectors ----------------------------------------------------------------------

/** Loads min(w, 4) floats at p; missing lanes are zero. */
@inline function loadN(p: usize, w: i32): v128 {
  if (w >= 4) return v128.load(p);
  if (w == 2) return v128.load64_zero(p);
  if (w == 1) return v128.load32_zero(p);
  return v128.load32_lane(p, v128.load64_zero(p), 2, 8);
}

/** Stores the first min(w, 4) lanes of v at p. */
@inline function storeN(p: usize, v: v128, w: i32): void {
  if (w >= 4) {
    v128.store(p, v);
  } else if (w == 1) {
    v128.store32_lane(p, v, 0);
  } else {
    v128.store64_lane(p, v, 0);
    if (w == 3) v128.store32_lane(p, v, 2, 8);
  }
}

/** acc + a·b: one fused multiply-add where the module is built with relaxed SIMD (and the CPU has
 *  FMA; V8 emits a multiply and an add otherwise), which lifts the matrix products by ~30 %. */
@inline function mac(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

@inline function putN(c: usize, v: v128, w: i32, accumulate: bool): void {
  storeN(c, accumulate ? f32x4.add(loadN(c, w), v) : v, w);
}

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** [Σa, Σb, Σc, Σd]: four dot-product accumulators reduced into one vector. */
@inline function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 1, 4, 5), v128.shuffle<f32>(ab, cd, 2, 3, 6, 7));
}

// ---- matrix products ----------------------------------------------------------------------
// A·B and Aᵀ·B share their micro-kernels: element (i, p) of A is at a + i·ars + p·aps, so only
// the two strides differ. The 4×8 block holds 8 accumulators + 2 B vectors + 1 broadcast, within
// the 16 xmm registers V8 has on x64. Measured on the training shapes: 4×8 and 2×16 ≈ 50 GFLOPS,
// 5×8, 6×8, 3×12 and 4×12 (more registers than there are) 20–27, a k-loop unrolled twice 30.

function tile4x8(a: usize, ars: usize, aps: usize, b: usize, bld: usize, c: usize, ld: usize, k: i32, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const o2 = ars * 2, o3 = ars * 3;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let s = v128.load32_splat(a);
    c00 = mac(c00, s, b0);
    c01 = mac(c01, s, b1);
    s = v128.load32_splat(a + ars);
    c10 = mac(c10, s, b0);
    c11 = mac(c11, s, b1);
    s = v128.load32_splat(a + o2);
    c20 = mac(c20, s, b0);
    c21 = mac(c21, s, b1);
    s = v128.load32_splat(a + o3);
    c30 = mac(c30, s, b0);
    c31 = mac(c31, s, b1);
    a += aps;
    b += bld;
  }
  putN(c, c00, 4, accumulate);
  putN(c + 16, c01, 4, accumulate);
  c += ld;
  putN(c, c10, 4, accumulate);
  putN(c + 16, c11, 4, accumulate);
  c += ld;
  putN(c, c20, 4, accumulate);
  putN(c + 16, c21, 4, accumulate);
  c += ld;
  putN(c, c30, 4, accumulate);
  putN(c + 16, c31, 4, accumulate);
}

/** The edges: `rows` (1–4) rows × `w` (1–4) columns. Missing rows repeat the last one (so reads
 *  stay inside A) and are not stored, which keeps a single loop body. */
function tileEdge(a: usize, ars: usize, aps: usize, rows: i32, b: usize, w: i32, c: usize, ld: usize, k: i32, accumulate: bool): void {
  let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0;
  const o1 = ars * <usize>min(1, rows - 1), o2 = ars * <usize>min(2, rows - 1), o3 = ars * <usize>(rows - 1);
  for (let p = 0; p < k; p++) {
    const y = loadN(b, w);
    c0 = mac(c0, v128.load32_splat(a), y);
    c1 = mac(c1, v128.load32_splat(a + o1), y);
    c2 = mac(c2, v128.load32_splat(a + o2), y);
    c3 = mac(c3, v128.load32_splat(a + o3), y);
    a += aps;
    b += ld;
  }
  putN(c, c0, w, accumulate);
  if (rows > 1) putN(c + ld, c1, w, accumulate);
  if (rows > 2) putN(c + ld * 2, c2, w, accumulate);
  if (rows > 3) putN(c + ld * 3, c3, w, accumulate);
}

/** Columns of B per panel: a wide B (the output layer's P×V) is swept one panel at a time, so
 *  the panel (k × 256 floats, 128 KB at k = 128) stays in the L2 cache while every row block of A
 *  passes over it, instead of all of B streaming from memory once per 4 rows of A. A multiple of
 *  8, so each element still gets the tile, and the arithmetic, it got without panels. */
const PANEL_COLUMNS = 256;

// This instance's buffer for packed panels (setPackBuffer): each instance, one per thread, has its
// own, since instances share the memory but not their globals.
let packBuffer: usize = 0;
let packBytes: usize = 0;

/** Gives this instance `bytes` bytes at `p` to pack panels of B into (0 bytes: never pack). */
export function setPackBuffer(p: usize, bytes: usize): void {
  packBuffer = p;
  packBytes = bytes;
}

/** Copies the panel's whole 8-column strips, B[0..k, j0 + 8s ..+8], to `pack`, strip after strip,
 *  each k rows of 32 bytes: the tiles then read B sequentially. A wide B read in place costs a new
 *  memory page per row of the tile's walk down k, which missed the TLB at every step. */
function packPanel(b: usize, ldb: usize, j0: i32, strips: i32, k: i32, pack: usize): void {
  const stripBytes = <usize>k << 5;
  for (let p = 0; p < k; p++) {
    const row = b + <usize>p * ldb + (<usize>j0 << 2);
    let dst = pack + (<usize>p << 5);
    for (let s = 0; s < strips; s++, dst += stripBytes) {
      v128.store(dst, v128.load(row + (<usize>s << 5)));
      v128.store(dst, v128.load(row + (<usize>s << 5), 16), 16);
    }
  }
}

// `ld`: the row stride of both B and C in bytes (4n, or more for column windows of wider ones).
function gemm(a: usize, ars: usize, aps: usize, b: usize, c: usize, m: i32, k: i32, n: i32, accumulate: bool, ld: usize): void {
  // A long k whose panels would not fit the pack buffer (Hᵀ·dZ over the K·B rows of a stream
  // window: k = 700) is summed in slices that do, each added to C: unpacked, the tiles' walk down
  // a wide B misses the TLB at every step and runs at half speed.
  const sliceK = <i32>(packBytes / (<usize>PANEL_COLUMNS << 2));
  if (n > PANEL_COLUMNS && (m & ~3) >= 8 && sliceK > 0 && k > sliceK) {
    for (let k0 = 0; k0 < k; k0 += sliceK) {
      panels(a + <usize>k0 * aps, ars, aps, b + <usize>k0 * ld, c, m, min(sliceK, k - k0), n, accumulate || k0 > 0, ld);
    }
    return;
  }
  panels(a, ars, aps, b, c, m, k, n, accumulate, ld);
}

/** gemm for a k whose panels fit the pack buffer (or that is not packed). */
function panels(a: usize, ars: usize, aps: usize, b: usize, c: usize, m: i32, k: i32, n: i32, accumulate: bool, ld: usize): void {
  if (n <= PANEL_COLUMNS) {
    // One panel: the loop the panels reduce to, without their bookkeeping (V = 250's products).
    for (let i = 0; i < m; i += 4) {
      const rows = min(4, m - i);
      const ai = a + <usize>i * ars;
      const ci = c + <usize>i * ld;
      let j = 0;
      if (rows == 4) {
        for (; j + 8 <= n; j += 8) tile4x8(ai, ars, aps, b + (<usize>j << 2), ld, ci + (<usize>j << 2), ld, k, accumulate);
      }
      for (; j < n; j += 4) tileEdge(ai, ars, aps, rows, b + (<usize>j << 2), min(4, n - j), ci + (<usize>j << 2), ld, k, accumulate);
    }
    return;
  }
  const m4 = m & ~3;
  // Packing pays when several row blocks share the panel.
  const pack = m4 >= 8 && <usize>k * (PANEL_COLUMNS << 2) <= packBytes;
  for (let j0 = 0; j0 < n; j0 += PANEL_COLUMNS) {
    const j1 = min(n, j0 + PANEL_COLUMNS);
    const strips = m4 > 0 ? (j1 - j0) >> 3 : 0;
    if (strips > 0) {
      if (pack) packPanel(b, ld, j0, strips, k, packBuffer);
      for (let i = 0; i < m4; i += 4) {
        const ai = a + <usize>i * ars;
        const ci = c + <usize>i * ld + (<usize>j0 << 2);
        for (let s = 0; s < strips; s++) {
          const bs = pack ? packBuffer + ((<usize>s * <usize>k) << 5) : b + (<usize>(j0 + (s << 3)) << 2);
          tile4x8(ai, ars, aps, bs, pack ? 32 : ld, ci + (<usize>s << 5), ld, k, accumulate);
        }
      }
    }
    // What the whole tiles leave: the panel's last n % 8 columns, and every column of the last
    // m % 4 rows.
    for (let i = 0; i < m; i += 4) {
      const rows = min(4, m - i);
      const ai = a + <usize>i * ars;
      const ci = c + <usize>i * ld;
      for (let j = rows == 4 ? j0 + (strips << 3) : j0; j < j1; j += 4) {
        tileEdge(ai, ars, aps, rows, b + (<usize>j << 2), min(4, j1 - j), ci + (<usize>j << 2), ld, k, accumulate);
      }
    }
  }
}

/** C[m×n] (=|+=) A[m×k] · B[k×n], B's and C's rows ld ≥ n apart (column windows when ld > n) */
export function matmul(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, accumulate: bool, ld: i32): void {
  gemm(a, <usize>k << 2, 4, b, c, m, k, n, accumulate, <usize>ld << 2);
}

/** C[m×n] (=|+=) Aᵀ · B, A is [k×m] with rows lda ≥ m apart (a column window of a wider matrix
 *  when lda > m), B is [k×n]; B's and C's rows ld ≥ n apart */
export function matmulTN(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, accumulate: bool, lda: i32, ld: i32): void {
  gemm(a, 4, <usize>lda << 2, b, c, m, k, n, accumulate, <usize>ld << 2);
}

/** Length of the slices of k that matmulNT sums one after the other: a long k (dZ2·W3ᵀ sums over
 *  the V words) then works on slices of A and B that stay in the L2 cache (512 floats of each of
 *  their rows: 456 KB for 100 rows of dZ2 and 128 of W3) instead of streaming all of B from memory
 *  once per 2 rows of A. Each slice's sum is added to C, so C holds the partial sums in between. */
const SLICE_K = 512;

/** C[m×n] (=|+=) A · Bᵀ, A is [m×k], B is [n×k]: dot products along contiguous rows, 2 rows of A
 *  × 4 rows of B per block (8 accumulators), one slice of k after the other. */
export function matmulNT(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, accumulate: bool): void {
  const ld = <usize>k << 2;
  for (let k0 = 0; k0 < k; k0 += SLICE_K) {
    const offset = <usize>k0 << 2;
    dotBlocks(a + offset, b + offset, ld, c, m, min(SLICE_K, k - k0), n, accumulate || k0 > 0);
  }
  if (k <= 0) dotBlocks(a, b, ld, c, m, 0, n, accumulate); // an empty sum: C = 0 (or C + 0)
}

/** matmulNT over k columns of A and B, whose rows are ld bytes apart. Edge blocks repeat the last
 *  row and store less. */
function dotBlocks(a: usize, b: usize, ld: usize, c: usize, m: i32, k: i32, n: i32, accumulate: bool): void {
  const ldc = <usize>n << 2;
  for (let i = 0; i < m; i += 2) {
    const rows = min(2, m - i);
    const a0 = a + <usize>i * ld;
    const a1 = a0 + ld * <usize>(rows - 1);
    for (let j = 0; j < n; j += 4) {
      const w = min(4, n - j);
      const b0 = b + <usize>j * ld;
      const b1 = b0 + ld * <usize>min(1, w - 1), b2 = b0 + ld * <usize>min(2, w - 1), b3 = b0 + ld * <usize>(w - 1);
      let c00 = f32x4.splat(0), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
      // Whole vectors, then the k % 4 rest once with partial loads: a loadN inside the main loop
      // halves its speed, hence the repeated body.
      const k4 = <usize>(k & ~3) << 2;
      for (let q: usize = 0; q < k4; q += 16) {
        const x0 = v128.load(a0 + q), x1 = v128.load(a1 + q);
        let y = v128.load(b0 + q);
        c00 = mac(c00, x0, y);
        c10 = mac(c10, x1, y);
        y = v128.load(b1 + q);
        c01 = mac(c01, x0, y);
        c11 = mac(c11, x1, y);
        y = v128.load(b2 + q);
        c02 = mac(c02, x0, y);
        c12 = mac(c12, x1, y);
        y = v128.load(b3 + q);
        c03 = mac(c03, x0, y);
        c13 = mac(c13, x1, y);
      }
      const kw = k & 3;
      if (kw) {
        const x0 = loadN(a0 + k4, kw), x1 = loadN(a1 + k4, kw);
        let y = loadN(b0 + k4, kw);
        c00 = mac(c00, x0, y);
        c10 = mac(c10, x1, y);
        y = loadN(b1 + k4, kw);
        c01 = mac(c01, x0, y);
        c11 = mac(c11, x1, y);
        y = loadN(b2 + k4, kw);
        c02 = mac(c02, x0, y);
        c12 = mac(c12, x1, y);
        y = loadN(b3 + k4, kw);
        c03 = mac(c03, x0, y);
        c13 = mac(c13, x1, y);
      }
      const ci = c + <usize>i * ldc + (<usize>j << 2);
      putN(ci, hsum4(c00, c01, c02, c03), w, accumulate);
      if (rows > 1) putN(ci + ldc, hsum4(c10, c11, c12, c13), w, accumulate);
    }
  }
}

// ---- rows and columns ---------------------------------------------------------------------
// Elementwise loops run whole vectors with a step function called with w = 4, which inlines to
// plain loads and stores, then the step once more for the last cols % 4 values: loadN's branches
// inside a hot loop cost V8 up to 2× (measured on addBias and softmax).

@inline function biasStep(z: usize, bias: usize, q: usize, w: i32): void {
  storeN(z + q, f32x4.add(loadN(z + q, w), loadN(bias + q, w)), w);
}

/** Z[r, :] += bias */
export function addBias(z: usize, bias: usize, rows: i32, cols: i32): void {
  const full = <usize>(cols & ~3) << 2;
  for (let r = 0; r < rows; r++, z += <usize>cols << 2) {
    for (let q: usize = 0; q < full; q += 16) biasStep(z, bias, q, 4);
    if (cols & 3) biasStep(z, bias, full, cols & 3);
  }
}

@inline function columnSums(x: usize, ld: usize, rows: i32, w: i32): v128 {
  let acc = f32x4.splat(0);
  for (let r = 0; r < rows; r++, x += ld) acc = f32x4.add(acc, loadN(x, w));
  return acc;
}

/** out[j] = Σ_r X[r, j] for j < cols, rows rowStride ≥ cols floats apart (a column window when
 *  larger), summing rows in order like the reference. */
export function sumRows(x: usize, out: usize, rows: i32, cols: i32, rowStride: i32): void {
  const ld = <usize>rowStride << 2;
  const full = <usize>(cols & ~3) << 2;
  for (let q: usize = 0; q < full; q += 16) v128.store(out + q, columnSums(x + q, ld, rows, 4));
  if (cols & 3) storeN(out + full, columnSums(x + full, ld, rows, cols & 3), cols & 3);
}

// ---- exp and the activations --------------------------------------------------------------

// Constants inside loops are broadcast from memory: V8 rebuilds a v128.const on every iteration
// (several instructions each), while a broadcast load is a single one. This made exp 2× faster.
@inline function constant(p: usize): v128 {
  return v128.load32_splat(p);
}
const ONE = memory.data<f32>([1]);
const TWO = memory.data<f32>([2]);
const SIGN = memory.data<f32>([-0.0]);
const EXP_MIN = memory.data<f32>([-104]); // e^-104 rounds to 0 in f32
const EXP_MAX = memory.data<f32>([89]); // e^89 overflows to +Inf
const LOG2E = memory.data<f32>([1.44269504088896341]);
const ROUNDER = memory.data<f32>([12582912]); // 1.5·2^23: adding it rounds to an integer
const LN2_HI = memory.data<f32>([0.693359375]);
const LN2_LO = memory.data<f32>([-2.12194440e-4]);
const EXP_POLY = memory.data<f32>([1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]);
const EXPONENT_BIAS = memory.data<i32>([127]);
const TANH_SMALL = memory.data<f32>([0.625]);
const TANH_POLY = memory.data<f32>([-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1]);
const LANES = memory.data<i32>([0, 1, 2, 3]);

/** y·x + the constant at p: one Horner step. */
@inline function horner(y: v128, x: v128, p: usize): v128 {
  return mac(constant(p), y, x);
}

/** All-ones in lanes below w, zero above: keeps the padding lanes of a partial vector out of sums. */
@inline function laneMask(w: i32): v128 {
  return i32x4.lt_s(v128.load(LANES), i32x4.splat(w));
}

/** e^x per lane, ≈1 ulp (Cephes expf): e^x = 2^n·e^r, |r| ≤ ln2/2, e^r by a degree-6 polynomial.
 *  2^n is applied in two halves so that results run into the subnormals and overflow to +Inf
 *  like Math.exp; the clamps use pmin/pmax, which keep NaN. */
@inline function expv(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, constant(EXP_MIN)), constant(EXP_MAX));
  const rounder = constant(ROUNDER);
  const t = f32x4.add(f32x4.mul(x, constant(LOG2E)), rounder);
  const n = f32x4.sub(t, rounder); // round(x·log2 e)
  const ni = i32x4.sub(t, rounder); // the same as an integer: both lie in [2^23, 2^24)
  let r = f32x4.sub(x, f32x4.mul(n, constant(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, constant(LN2_LO)));
  let y = horner(constant(EXP_POLY), r, EXP_POLY + 4);
  y = horner(y, r, EXP_POLY + 8);
  y = horner(y, r, EXP_POLY + 12);
  y = horner(y, r, EXP_POLY + 16);
  y = horner(y, r, EXP_POLY + 20);
  y = f32x4.add(f32x4.add(f32x4.mul(y, f32x4.mul(r, r)), r), constant(ONE));
  const half = i32x4.shr_s(ni, 1);
  const bias = constant(EXPONENT_BIAS);
  const s1 = i32x4.shl(i32x4.add(half, bias), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, half), bias), 23);
  return f32x4.mul(f32x4.mul(y, s1), s2);
}

@inline function sigmoidv(z: v128): v128 {
  const one = constant(ONE);
  return f32x4.div(one, f32x4.add(one, expv(f32x4.neg(z))));
}

/** Cephes tanhf: an odd polynomial below |z| = 0.625 (where 1 − 2/(e^2z + 1) would cancel),
 *  that formula above. */
@inline function tanhv(z: v128): v128 {
  const one = constant(ONE);
  const az = f32x4.abs(z);
  const big = f32x4.sub(one, f32x4.div(constant(TWO), f32x4.add(expv(f32x4.add(az, az)), one)));
  const signed = v128.or(big, v128.and(z, constant(SIGN)));
  const z2 = f32x4.mul(z, z);
  let p = horner(constant(TANH_POLY), z2, TANH_POLY + 4);
  p = horner(p, z2, TANH_POLY + 8);
  p = horner(p, z2, TANH_POLY + 12);
  p = horner(p, z2, TANH_POLY + 16);
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z2), z), z);
  return v128.bitselect(signed, small, f32x4.ge(az, constant(TANH_SMALL)));
}

@inline function activate(z: v128, activation: i32): v128 {
  switch (activation) {
    case SIGMOID:
      return sigmoidv(z);
    case TANH:
      return tanhv(z);
    case RELU:
      return f32x4.pmax(f32x4.splat(0), z); // 0 < z ? z : 0, so NaN → 0 as in the reference
    default:
      return z;
  }
}

/** dH ⊙ f'(Z) for one vector. */
@inline function derivative(z: v128, h: v128, dh: v128, activation: i32): v128 {
  const one = constant(ONE);
  switch (activation) {
    case SIGMOID:
      return f32x4.mul(f32x4.mul(dh, h), f32x4.sub(one, h));
    case TANH:
      // (1 − h)(1 + h) rather than 1 − h²: no cancellation as |h| → 1
      return f32x4.mul(dh, f32x4.mul(f32x4.sub(one, h), f32x4.add(one, h)));
    case RELU:
      return v128.and(dh, f32x4.gt(z, f32x4.splat(0)));
    default:
      return dh;
  }
}

@inline function biasActivationStep(z: usize, bias: usize, h: usize, q: usize, w: i32, activation: i32): void {
  const v = f32x4.add(loadN(z + q, w), loadN(bias + q, w));
  storeN(z + q, v, w);
  storeN(h + q, activate(v, activation), w);
}

/** The loops for one activation, a constant once inlined: no switch inside them. */
@inline function biasActivationOf(z: usize, bias: usize, h: usize, rows: i32, cols: i32, activation: i32): void {
  const full = <usize>(cols & ~3) << 2;
  for (let r = 0; r < rows; r++, z += <usize>cols << 2, h += <usize>cols << 2) {
    for (let q: usize = 0; q < full; q += 16) biasActivationStep(z, bias, h, q, 4, activation);
    if (cols & 3) biasActivationStep(z, bias, h, full, cols & 3, activation);
  }
}

/** Z[r, :] += bias; H = f(Z) — the hidden layer after Z1 = E·W2, in one pass over Z. */
export function biasActivation(z: usize, bias: usize, h: usize, rows: i32, cols: i32, activation: i32): void {
  switch (activation) {
    case SIGMOID:
      biasActivationOf(z, bias, h, rows, cols, SIGMOID);
      break;
    case TANH:
      biasActivationOf(z, bias, h, rows, cols, TANH);
      break;
    case RELU:
      biasActivationOf(z, bias, h, rows, cols, RELU);
      break;
    default:
      biasActivationOf(z, bias, h, rows, cols, LINEAR);
  }
}

@inline function forwardStep(z: usize, h: usize, q: usize, w: i32, activation: i32): void {
  storeN(h + q, activate(loadN(z + q, w), activation), w);
}

@inline function activationForwardOf(z: usize, h: usize, count: i32, activation: i32): void {
  const full = <usize>(count & ~3) << 2;
  for (let q: usize = 0; q < full; q += 16) forwardStep(z, h, q, 4, activation);
  if (count & 3) forwardStep(z, h, full, count & 3, activation);
}

/** H = f(Z) over `count` elements: the same values as biasActivation's H. */
export function activationForward(z: usize, h: usize, count: i32, activation: i32): void {
  switch (activation) {
    case SIGMOID:
      activationForwardOf(z, h, count, SIGMOID);
      break;
    case TANH:
      activationForwardOf(z, h, count, TANH);
      break;
    case RELU:
      activationForwardOf(z, h, count, RELU);
      break;
    default:
      activationForwardOf(z, h, count, LINEAR);
  }
}

@inline function backwardStep(z: usize, h: usize, dh: usize, dz: usize, q: usize, w: i32, activation: i32): void {
  storeN(dz + q, derivative(loadN(z + q, w), loadN(h + q, w), loadN(dh + q, w), activation), w);
}

@inline function activationBackwardOf(z: usize, h: usize, dh: usize, dz: usize, count: i32, activation: i32): void {
  const full = <usize>(count & ~3) << 2;
  for (let q: usize = 0; q < full; q += 16) backwardStep(z, h, dh, dz, q, 4, activation);
  if (count & 3) backwardStep(z, h, dh, dz, full, count & 3, activation);
}

/** dZ = dH ⊙ f'(Z) over `count` elements, f' written with H = f(Z) where that is cheaper. */
export function activationBackward(z: usize, h: usize, dh: usize, dz: usize, count: i32, activation: i32): void {
  switch (activation) {
    case SIGMOID:
      activationBackwardOf(z, h, dh, dz, count, SIGMOID);
      break;
    case TANH:
      activationBackwardOf(z, h, dh, dz, count, TANH);
      break;
    case RELU:
      activationBackwardOf(z, h, dh, dz, count, RELU);
      break;
    default:
      activationBackwardOf(z, h, dh, dz, count, LINEAR);
  }
}

// ---- softmax and cross-entropy ------------------------------------------------------------

@inline function expStep(z: usize, p: usize, q: usize, w: i32, shift: v128): v128 {
  const e = expv(f32x4.sub(loadN(z + q, w), shift));
  storeN(p + q, e, w);
  return w < 4 ? v128.and(e, laneMask(w)) : e; // the padding lanes stay out of the sum
}

/** P[row] = e^(Z − max) (unnormalised) for one row; returns Σ e^(Z − max). */
@inline function expRow(z: usize, p: usize, cols: i32): f32 {
  const full = <usize>(cols & ~3) << 2;
  // pmax is one instruction where V8 needs several for max; a NaN in Z still makes the whole row
  // NaN through exp and the sum, as in the reference.
  let mx = f32x4.splat(-Infinity);
  for (let q: usize = 0; q < full; q += 16) mx = f32x4.pmax(mx, v128.load(z + q));
  let top = max(max(f32x4.extract_lane(mx, 0), f32x4.extract_lane(mx, 1)), max(f32x4.extract_lane(mx, 2), f32x4.extract_lane(mx, 3)));
  for (let j = cols & ~3; j < cols; j++) top = max(top, load<f32>(z + (<usize>j << 2)));
  const shift = f32x4.splat(top);
  let sum = f32x4.splat(0);
  for (let q: usize = 0; q < full; q += 16) sum = f32x4.add(sum, expStep(z, p, q, 4, shift));
  if (cols & 3) sum = f32x4.add(sum, expStep(z, p, full, cols & 3, shift));
  return hsum(sum);
}

@inline function scaleStep(p: usize, q: usize, w: i32, s: v128): void {
  storeN(p + q, f32x4.mul(loadN(p + q, w), s), w);
}

/** P[r, :] = softmax(Z[r, :]) */
export function softmaxRows(z: usize, p: usize, rows: i32, cols: i32): void {
  const ld = <usize>cols << 2;
  const full = <usize>(cols & ~3) << 2;
  for (let r = 0; r < rows; r++, z += ld, p += ld) {
    const inv = f32x4.splat(1 / expRow(z, p, cols));
    for (let q: usize = 0; q < full; q += 16) scaleStep(p, q, 4, inv);
    if (cols & 3) scaleStep(p, full, cols & 3, inv);
  }
}

// A target outside [0, cols) gives a NaN loss and no one-hot subtraction, rather than touching
// another row or memory outside P and dZ.

@inline function targetLoss(p: usize, target: i32, cols: i32): f64 {
  if (<u32>target >= <u32>cols) return NaN;
  return -Math.log(max(<f64>load<f32>(p + (<usize>target << 2)), TINY));
}

@inline function subtractTarget(dz: usize, target: i32, cols: i32, scale: f32): void {
  if (<u32>target >= <u32>cols) return;
  const t = dz + (<usize>target << 2);
  store<f32>(t, load<f32>(t) - scale);
}

/** Σ_r −log max(P[r, target_r], TINY), in f64 */
export function crossEntropySum(p: usize, targets: usize, rows: i32, cols: i32): f64 {
  let loss: f64 = 0;
  const ld = <usize>cols << 2;
  for (let r = 0; r < rows; r++, p += ld, targets += 4) loss += targetLoss(p, load<i32>(targets), cols);
  return loss;
}

@inline function gradStep(p: usize, dz: usize, q: usize, w: i32, scale: v128): void {
  storeN(dz + q, f32x4.mul(loadN(p + q, w), scale), w);
}

/** dZ = (P − onehot(targets)) · scale */
export function softmaxCrossEntropyGrad(p: usize, targets: usize, dz: usize, rows: i32, cols: i32, scale: f32): void {
  const ld = <usize>cols << 2;
  const full = <usize>(cols & ~3) << 2;
  const sv = f32x4.splat(scale);
  for (let r = 0; r < rows; r++, p += ld, dz += ld, targets += 4) {
    for (let q: usize = 0; q < full; q += 16) gradStep(p, dz, q, 4, sv);
    if (cols & 3) gradStep(p, dz, full, cols & 3, sv);
    subtractTarget(dz, load<i32>(targets), cols, scale);
  }
}

@inline function normaliseStep(p: usize, dz: usize, q: usize, w: i32, inv: v128, scale: v128): void {
  const v = f32x4.mul(loadN(p + q, w), inv);
  storeN(p + q, v, w);
  storeN(dz + q, f32x4.mul(v, scale), w);
}

/** softmaxRows, crossEntropySum and softmaxCrossEntropyGrad in one pass per row: writes P and
 *  dZ, returns the loss sum. */
export function softmaxCrossEntropy(z: usize, targets: usize, p: usize, dz: usize, rows: i32, cols: i32, scale: f32): f64 {
  const ld = <usize>cols << 2;
  const full = <usize>(cols & ~3) << 2;
  const sv = f32x4.splat(scale);
  let loss: f64 = 0;
  for (let r = 0; r < rows; r++, z += ld, p += ld, dz += ld, targets += 4) {
    const inv = f32x4.splat(1 / expRow(z, p, cols));
    for (let q: usize = 0; q < full; q += 16) normaliseStep(p, dz, q, 4, inv, sv);
    if (cols & 3) normaliseStep(p, dz, full, cols & 3, inv, sv);
    const target = load<i32>(targets);
    loss += targetLoss(p, target, cols);
    subtractTarget(dz, target, cols, scale);
  }
  return loss;
}

/** Is the target more probable than every other column of the row (the reference's targetRank
 *  of 0)? A tie or a NaN counts against it: the row is right when exactly one column, the target
 *  itself, is not less than the target's value. One branch-free pass: per vector, the lanes less
 *  than it are counted, and the rest must be the target alone. */
@inline function targetIsBest(p: usize, cols: i32, target: i32): bool {
  if (<u32>target >= <u32>cols) return false;
  const t = load<f32>(p + (<usize>target << 2));
  const tv = f32x4.splat(t);
  const full = <usize>(cols & ~3) << 2;
  // Each lane of f32x4.lt is −1 where true, so subtracting counts the lanes below the target.
  let below = i32x4.splat(0);
  for (let q: usize = 0; q < full; q += 16) below = i32x4.sub(below, f32x4.lt(v128.load(p + q), tv));
  let less = i32x4.extract_lane(below, 0) + i32x4.extract_lane(below, 1) + i32x4.extract_lane(below, 2) + i32x4.extract_lane(below, 3);
  for (let j = cols & ~3; j < cols; j++) if (load<f32>(p + (<usize>j << 2)) < t) less++;
  return less == cols - 1;
}

/** Number of rows whose target is more probable than every other column. */
export function countCorrect(p: usize, targets: usize, rows: i32, cols: i32): i32 {
  const ld = <usize>cols << 2;
  let correct = 0;
  for (let r = 0; r < rows; r++, p += ld, targets += 4) if (targetIsBest(p, cols, load<i32>(targets))) correct++;
  return correct;
}

// ---- embedding ----------------------------------------------------------------------------

@inline function copyStep(src: usize, dst: usize, q: usize, w: i32): void {
  storeN(dst + q, loadN(src + q, w), w);
}

@inline function copyRow(src: usize, dst: usize, dim: i32): void {
  const full = <usize>(dim & ~3) << 2;
  for (let q: usize = 0; q < full; q += 16) copyStep(src, dst, q, 4);
  if (dim & 3) copyStep(src, dst, full, dim & 3);
}

@inline function addStep(src: usize, dst: usize, q: usize, w: i32): void {
  storeN(dst + q, f32x4.add(loadN(dst + q, w), loadN(src + q, w)), w);
}

@inline function addRow(src: usize, dst: usize, dim: i32): void {
  const full = <usize>(dim & ~3) << 2;
  for (let q: usize = 0; q < full; q += 16) addStep(src, dst, q, 4);
  if (dim & 3) addStep(src, dst, full, dim & 3);
}

/** E[r, k·dim …] = W[ids[r·context + k], :] for k in [k0, k1). W has wRows rows: an id outside
 *  them gives NaN, as the reference's out-of-range read does, instead of reading other memory. */
export function gatherRows(w: usize, wRows: i32, ids: usize, e: usize, rows: i32, context: i32, dim: i32, k0: i32, k1: i32): void {
  const row = <usize>dim << 2;
  for (let r = 0; r < rows; r++) {
    for (let k = k0; k < k1; k++) {
      const id = load<i32>(ids + (<usize>(r * context + k) << 2));
      const dst = e + <usize>(r * context + k) * row;
      if (<u32>id < <u32>wRows) {
        copyRow(w + <usize>id * row, dst, dim);
      } else {
        for (let d = 0; d < dim; d++) store<f32>(dst + (<usize>d << 2), NaN);
      }
    }
  }
}

/** dW[ids[r·context + k], :] += dE[r, k·dim …] for k in [k0, k1); ids outside dW's wRows rows are
 *  skipped (the reference's out-of-range writes are no-ops) so they cannot corrupt memory. */
export function scatterAddRows(de: usize, ids: usize, dw: usize, wRows: i32, rows: i32, context: i32, dim: i32, k0: i32, k1: i32): void {
  const row = <usize>dim << 2;
  for (let r = 0; r < rows; r++) {
    for (let k = k0; k < k1; k++) {
      const id = load<i32>(ids + (<usize>(r * context + k) << 2));
      if (<u32>id < <u32>wRows) addRow(de + <usize>(r * context + k) * row, dw + <usize>id * row, dim);
    }
  }
}

// ---- optimizer updates (src/engine/optimizers.ts), `decay` is the L2 coefficient λ ----------

@inline function sgdStep(w: usize, g: usize, q: usize, c: i32, lr: v128, decay: v128): void {
  const x = loadN(w + q, c);
  storeN(w + q, f32x4.sub(x, f32x4.mul(lr, mac(loadN(g + q, c), decay, x))), c);
}

/** θ ← θ − lr·(dθ + λθ) */
export function sgdUpdate(w: usize, g: usize, n: i32, lr: f64, decay: f64): void {
  const lrv = f32x4.splat(<f32>lr), lam = f32x4.splat(<f32>decay);
  const full = <usize>(n & ~3) << 2;
  for (let q: usize = 0; q < full; q += 16) sgdStep(w, g, q, 4, lrv, lam);
  if (n & 3) sgdStep(w, g, full, n & 3, lrv, lam);
}

@inline function momentumStep(w: usize, g: usize, v: usize, q: usize, c: i32, lr: v128, decay: v128, mu: v128): void {
  const x = loadN(w + q, c);
  const vel = f32x4.sub(f32x4.mul(mu, loadN(v + q, c)), f32x4.mul(lr, mac(loadN(g + q, c), decay, x)));
  storeN(v + q, vel, c);
  storeN(w + q, f32x4.add(x, vel), c);
}

/** v ← μ·v − lr·(dθ + λθ) ; θ ← θ + v */
export function momentumUpdate(w: usize, g: usize, v: usize, n: i32, lr: f64, decay: f64, momentum: f64): void {
  const lrv = f32x4.splat(<f32>lr), lam = f32x4.splat(<f32>decay), mu = f32x4.splat(<f32>momentum);
  const full = <usize>(n & ~3) << 2;
  for (let q: usize = 0; q < full; q += 16) momentumStep(w, g, v, q, 4, lrv, lam, mu);
  if (n & 3) momentumStep(w, g, v, full, n & 3, lrv, lam, mu);
}

@inline function adamStep(
  w: usize, g: usize, m: usize, v: usize, q: usize, c: i32,
  lr: v128, decay: v128, beta1: v128, beta1c: v128, beta2: v128, beta2c: v128, c1: v128, c2: v128, epsilon: v128,
): void {
  const x = loadN(w + q, c);
  const gj = mac(loadN(g + q, c), decay, x);
  const m1 = mac(f32x4.mul(beta1c, gj), beta1, loadN(m + q, c));
  const v1 = mac(f32x4.mul(beta2c, f32x4.mul(gj, gj)), beta2, loadN(v + q, c));
  storeN(m + q, m1, c);
  storeN(v + q, v1, c);
  const step = f32x4.div(f32x4.mul(lr, f32x4.mul(m1, c1)), f32x4.add(f32x4.sqrt(f32x4.mul(v1, c2)), epsilon));
  storeN(w + q, f32x4.sub(x, step), c);
}

/** Adam with bias corrections c1 = 1/(1 − β1^t), c2 = 1/(1 − β2^t):
 *  m ← β1·m + (1−β1)·g ; v ← β2·v + (1−β2)·g² ; θ ← θ − lr·m·c1/(√(v·c2) + ε), g = dθ + λθ */
export function adamUpdate(w: usize, g: usize, m: usize, v: usize, n: i32, lr: f64, decay: f64, beta1: f64, beta2: f64, c1: f64, c2: f64, epsilon: f64): void {
  const lrv = f32x4.splat(<f32>lr), lam = f32x4.splat(<f32>decay);
  const b1 = f32x4.splat(<f32>beta1), b1c = f32x4.splat(<f32>(1 - beta1));
  const b2 = f32x4.splat(<f32>beta2), b2c = f32x4.splat(<f32>(1 - beta2));
  const c1v = f32x4.splat(<f32>c1), c2v = f32x4.splat(<f32>c2), eps = f32x4.splat(<f32>epsilon);
  const full = <usize>(n & ~3) << 2;
  for (let q: usize = 0; q < full; q += 16) adamStep(w, g, m, v, q, 4, lrv, lam, b1, b1c, b2, b2c, c1v, c2v, eps);
  if (n & 3) adamStep(w, g, m, v, full, n & 3, lrv, lam, b1, b1c, b2, b2c, c1v, c2v, eps);
}

// ---- the LSTM cell (src/engine/models/lstm) -----------------------------------------------
// Element-wise, or row by row for the gates' [rows × 4P] pre-activations and their gradients:
// a split of the rows or elements across calls gives the numbers of one call. σ and tanh are the
// activations' own (sigmoidv, tanhv), so a gate equals activationForward on its block to the bit.

/** I = σ(A_i), F = σ(A_f), G = tanh(A_g), O = σ(A_o) for each row; A's rows are [i | f | g | o]
 *  in blocks of P. */
export function lstmGates(a: usize, i: usize, f: usize, g: usize, o: usize, rows: i32, P: i32): void {
  const block = <usize>P << 2;
  for (let r = 0; r < rows; r++, a += block << 2, i += block, f += block, g += block, o += block) {
    activationForwardOf(a, i, P, SIGMOID);
    activationForwardOf(a + block, f, P, SIGMOID);
    activationForwardOf(a + 2 * block, g, P, TANH);
    activationForwardOf(a + 3 * block, o, P, SIGMOID);
  }
}

@inline function cellStep(f: usize, cPrev: usize, i: usize, g: usize, c: usize, q: usize, w: i32, previous: bool): void {
  const ig = f32x4.mul(loadN(i + q, w), loadN(g + q, w));
  storeN(c + q, previous ? f32x4.add(f32x4.mul(loadN(f + q, w), loadN(cPrev + q, w)), ig) : ig, w);
}

@inline function cellOf(f: usize, cPrev: usize, i: usize, g: usize, c: usize, count: i32, previous: bool): void {
  const full = <usize>(count & ~3) << 2;
  for (let q: usize = 0; q < full; q += 16) cellStep(f, cPrev, i, g, c, q, 4, previous);
  if (count & 3) cellStep(f, cPrev, i, g, c, full, count & 3, previous);
}

/** C = F ⊙ C₋ + I ⊙ G, or C = I ⊙ G without a previous state (cPrev is not read). */
export function lstmCell(f: usize, cPrev: usize, previous: bool, i: usize, g: usize, c: usize, count: i32): void {
  if (previous) cellOf(f, cPrev, i, g, c, count, true);
  else cellOf(f, cPrev, i, g, c, count, false);
}

@inline function hiddenStep(o: usize, c: usize, h: usize, q: usize, w: i32): void {
  storeN(h + q, f32x4.mul(loadN(o + q, w), tanhv(loadN(c + q, w))), w);
}

/** H = O ⊙ tanh(C) */
export function lstmHidden(o: usize, c: usize, h: usize, count: i32): void {
  const full = <usize>(count & ~3) << 2;
  for (let q: usize = 0; q < full; q += 16) hiddenStep(o, c, h, q, 4);
  if (count & 3) hiddenStep(o, c, h, full, count & 3);
}

/** 1 − t², as (1 − t)(1 + t): no cancellation as |t| → 1. */
@inline function oneMinusSquare(t: v128): v128 {
  const one = constant(ONE);
  return f32x4.mul(f32x4.sub(one, t), f32x4.add(one, t));
}

/** x(1 − x): σ' from σ. */
@inline function sigmoidSlope(x: v128): v128 {
  return f32x4.mul(x, f32x4.sub(constant(ONE), x));
}

@inline function cellGradStep(dh: usize, o: usize, c: usize, dc: usize, q: usize, w: i32, accumulate: bool): void {
  const fromH = f32x4.mul(f32x4.mul(loadN(dh + q, w), loadN(o + q, w)), oneMinusSquare(tanhv(loadN(c + q, w))));
  storeN(dc + q, accumulate ? f32x4.add(loadN(dc + q, w), fromH) : fromH, w);
}

@inline function cellGradOf(dh: usize, o: usize, c: usize, dc: usize, count: i32, accumulate: bool): void {
  const full = <usize>(count & ~3) << 2;
  for (let q: usize = 0; q < full; q += 16) cellGradStep(dh, o, c, dc, q, 4, accumulate);
  if (count & 3) cellGradStep(dh, o, c, dc, full, count & 3, accumulate);
}

/** dC (=|+=) dH ⊙ O ⊙ (1 − tanh²C) */
export function lstmCellGrad(dh: usize, o: usize, c: usize, dc: usize, count: i32, accumulate: bool): void {
  if (accumulate) cellGradOf(dh, o, c, dc, count, true);
  else cellGradOf(dh, o, c, dc, count, false);
}

@inline function gateGradStep(
  i: usize, f: usize, g: usize, o: usize, c: usize, cPrev: usize, dc: usize, dh: usize, da: usize, block: usize, q: usize, w: i32, previous: bool,
): void {
  const iv = loadN(i + q, w), gv = loadN(g + q, w), ov = loadN(o + q, w), dcv = loadN(dc + q, w);
  storeN(da + q, f32x4.mul(f32x4.mul(dcv, gv), sigmoidSlope(iv)), w);
  const df = previous ? f32x4.mul(f32x4.mul(dcv, loadN(cPrev + q, w)), sigmoidSlope(loadN(f + q, w))) : f32x4.splat(0);
  storeN(da + block + q, df, w);
  storeN(da + 2 * block + q, f32x4.mul(f32x4.mul(dcv, iv), oneMinusSquare(gv)), w);
  storeN(da + 3 * block + q, f32x4.mul(f32x4.mul(loadN(dh + q, w), tanhv(loadN(c + q, w))), sigmoidSlope(ov)), w);
}

@inline function gateGradsOf(
  i: usize, f: usize, g: usize, o: usize, c: usize, cPrev: usize, dc: usize, dh: usize, da: usize, rows: i32, P: i32, previous: bool,
): void {
  const block = <usize>P << 2;
  const full = <usize>(P & ~3) << 2;
  for (let r = 0; r < rows; r++) {
    for (let q: usize = 0; q < full; q += 16) gateGradStep(i, f, g, o, c, cPrev, dc, dh, da, block, q, 4, previous);
    if (P & 3) gateGradStep(i, f, g, o, c, cPrev, dc, dh, da, block, full, P & 3, previous);
    i += block;
    f += block;
    g += block;
    o += block;
    c += block;
    cPrev += block;
    dc += block;
    dh += block;
    da += block << 2;
  }
}

/** dA_i = dC⊙G⊙I(1−I), dA_f = dC⊙C₋⊙F(1−F) (0 without a previous state), dA_g = dC⊙I⊙(1−G²),
 *  dA_o = dH⊙tanh(C)⊙O(1−O), for each row; dA's rows are [i | f | g | o] in blocks of P. */
export function lstmGateGrads(
  i: usize, f: usize, g: usize, o: usize, c: usize, cPrev: usize, previous: bool, dc: usize, dh: usize, da: usize, rows: i32, P: i32,
): void {
  if (previous) gateGradsOf(i, f, g, o, c, cPrev, dc, dh, da, rows, P, true);
  else gateGradsOf(i, f, g, o, c, cPrev, dc, dh, da, rows, P, false);
}

@inline function multiplyStep(x: usize, y: usize, z: usize, q: usize, w: i32): void {
  storeN(z + q, f32x4.mul(loadN(x + q, w), loadN(y + q, w)), w);
}

/** Z = X ⊙ Y */
export function multiply(x: usize, y: usize, z: usize, count: i32): void {
  const full = <usize>(count & ~3) << 2;
  for (let q: usize = 0; q < full; q += 16) multiplyStep(x, y, z, q, 4);
  if (count & 3) multiplyStep(x, y, z, full, count & 3);
}

// ---- gradient clipping (src/engine/clipping.ts) -------------------------------------------

/** Σ x[j]² in f64, the order of the reference: lanes 0 and 1 of `low`, 2 and 3 of `high` are the
 *  partial sums s₀…s₃ of the j ≡ 0…3 (mod 4); each square of an f32 is exact in f64. Missing
 *  lanes of the last vector load as zeros and add nothing. */
export function sumSquares(x: usize, n: i32): f64 {
  let low = f64x2.splat(0), high = low;
  const full = <usize>(n & ~3) << 2;
  for (let q: usize = 0; q < full; q += 16) {
    const v = v128.load(x + q);
    const a = f64x2.promote_low_f32x4(v), b = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    low = f64x2.add(low, f64x2.mul(a, a));
    high = f64x2.add(high, f64x2.mul(b, b));
  }
  if (n & 3) {
    const v = loadN(x + full, n & 3);
    const a = f64x2.promote_low_f32x4(v), b = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    low = f64x2.add(low, f64x2.mul(a, a));
    high = f64x2.add(high, f64x2.mul(b, b));
  }
  const s = f64x2.add(low, high); // [s₀ + s₂, s₁ + s₃]
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

@inline function scaleInPlaceStep(x: usize, q: usize, w: i32, s: v128): void {
  const v = loadN(x + q, w);
  const low = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v), s));
  const high = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)), s));
  storeN(x + q, v128.shuffle<f32>(low, high, 0, 1, 4, 5), w);
}

/** x[j] ← x[j]·s, the product taken in f64 and rounded once to f32, as the reference's. */
export function scale(x: usize, n: i32, s: f64): void {
  const sv = f64x2.splat(s);
  const full = <usize>(n & ~3) << 2;
  for (let q: usize = 0; q < full; q += 16) scaleInPlaceStep(x, q, 4, sv);
  if (n & 3) scaleInPlaceStep(x, full, n & 3, sv);
}
