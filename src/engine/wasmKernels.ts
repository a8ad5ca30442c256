// The WebAssembly SIMD kernel backend: dist/kernels.wasm (128-bit SIMD) and
// dist/kernels-relaxed.wasm (with relaxed SIMD's fused multiply-add, preferred where the runtime
// validates it), compiled from wasm/assembly/kernels.ts by scripts/build-wasm.mjs, behind the
// Kernels interface (jsKernels stays the reference and fallback).
//
// Memory: the module imports one shared memory, created here at its full size (memoryMiB, 256 MiB
// by default: address space, backed only where touched) with maximum = initial. It can never grow,
// so the Float32Array views handed out by alloc() can never detach, and a helper thread can attach a
// second instance to it (attachWasmKernels) and work on the same tensors. alloc() bumps a pointer and
// nothing is freed; once the reserve is used up alloc() returns ordinary arrays. Arrays outside the
// wasm memory are copied into scratch space above the allocations for the duration of a call and
// the outputs copied back. A call whose scratch does not fit, or that is given a Float64Array (the
// gradient check's f64 models), runs the JS kernels. Out-of-range ids and targets never reach memory
// outside the arrays: gathered rows are NaN, scattered ones skipped, the loss NaN.
import { readFileSync } from 'node:fs';
import { ActivationName } from './activations';
import { findBuilt } from './builtFiles';
import { ADAM_EPSILON, jsKernels, Kernels, SharedKernelMemory } from './kernels';
import { FloatArray } from './tensor';

/** Which module: relaxed SIMD (fused multiply-add), plain 128-bit SIMD, or the first of the two
 *  this runtime validates. */
export type WasmInstructions = 'auto' | 'relaxed' | 'simd';

export interface WasmKernelOptions {
  /** Size of the wasm memory: allocations plus scratch for copied arguments. */
  memoryMiB?: number;
  /** Default 'auto'. */
  instructions?: WasmInstructions;
}

const MODULE_FILES = { relaxed: 'kernels-relaxed.wasm', simd: 'kernels.wasm' } as const;

const DEFAULT_MEMORY_MIB = 256;
const PAGE_BYTES = 65536;
/** Keeps every allocation on a v128 boundary. */
const ALIGN = 16;
/** Each instance's space for packed panels of B in the matrix products: k × 256 floats for a k
 *  of up to 256 (P, or the batch for a weight gradient); a larger k runs unpacked. */
const PACK_BYTES = 256 * 1024;

/** The module's exports: byte addresses and sizes (see the AssemblyScript source). */
interface WasmExports {
  SIGMOID: WebAssembly.Global;
  TANH: WebAssembly.Global;
  RELU: WebAssembly.Global;
  LINEAR: WebAssembly.Global;
  heapBase(): number;
  setPackBuffer(p: number, bytes: number): void;
  matmul(a: number, b: number, c: number, m: number, k: number, n: number, accumulate: number, ld: number): void;
  matmulTN(a: number, b: number, c: number, m: number, k: number, n: number, accumulate: number, lda: number, ld: number): void;
  matmulNT(a: number, b: number, c: number, m: number, k: number, n: number, accumulate: number): void;
  addBias(z: number, bias: number, rows: number, cols: number): void;
  sumRows(x: number, out: number, rows: number, cols: number, ld: number): void;
  activationForward(z: number, h: number, count: number, activation: number): void;
  biasActivation(z: number, bias: number, h: number, rows: number, cols: number, activation: number): void;
  activationBackward(z: number, h: number, dh: number, dz: number, count: number, activation: number): void;
  softmaxRows(z: number, p: number, rows: number, cols: number): void;
  crossEntropySum(p: number, targets: number, rows: number, cols: number): number;
  softmaxCrossEntropyGrad(p: number, targets: number, dz: number, rows: number, cols: number, scale: number): void;
  softmaxCrossEntropy(z: number, targets: number, p: number, dz: number, rows: number, cols: number, scale: number): number;
  countCorrect(p: number, targets: number, rows: number, cols: number): number;
  gatherRows(w: number, wRows: number, ids: number, e: number, rows: number, context: number, dim: number, k0: number, k1: number): void;
  scatterAddRows(de: number, ids: number, dw: number, wRows: number, rows: number, context: number, dim: number, k0: number, k1: number): void;
  sgdUpdate(w: number, g: number, n: number, lr: number, decay: number): void;
  momentumUpdate(w: number, g: number, v: number, n: number, lr: number, decay: number, momentum: number): void;
  adamUpdate(
    w: number,
    g: number,
    m: number,
    v: number,
    n: number,
    lr: number,
    decay: number,
    beta1: number,
    beta2: number,
    c1: number,
    c2: number,
    epsilon: number,
  ): void;
  lstmGates(a: number, i: number, f: number, g: number, o: number, rows: number, P: number): void;
  lstmCell(f: number, cPrev: number, previous: number, i: number, g: number, c: number, count: number): void;
  lstmHidden(o: number, c: number, h: number, count: number): void;
  lstmCellGrad(dh: number, o: number, c: number, dc: number, count: number, accumulate: number): void;
  lstmGateGrads(i: number, f: number, g: number, o: number, c: number, cPrev: number, previous: number, dc: number, dh: number, da: number, rows: number, P: number): void;
  multiply(x: number, y: number, z: number, count: number): void;
  sumSquares(x: number, n: number): number;
  scale(x: number, n: number, s: number): void;
}

/** How a kernel uses an argument: read, written, or both (copied in and back). */
const IN = 1;
const OUT = 2;
const INOUT = IN | OUT;
/** An argument, the number of its elements the call touches, and its use. */
type Arg = readonly [data: FloatArray | Int32Array, used: number, mode: number];

/** Elements from the first of `rows` rows of `width`, `ld` apart, to the end of the last. */
const span = (rows: number, width: number, ld: number) => (rows > 0 ? (rows - 1) * ld + width : 0);
/** A column window of an output is copied in too: its copy back covers the columns between. */
const outputMode = (accumulate: boolean, width: number, ld: number) => (accumulate || ld > width ? INOUT : OUT);

/** A built module: next to the running bundle (dist/), else in the project's dist/. */
export function locateKernelsWasm(file: string = MODULE_FILES.simd): string {
  const found = findBuilt(file);
  if (!found) throw new Error(`${file} not found (run npm run build); looked in ${__dirname} and the project's dist/`);
  return found;
}

/** Whether this runtime runs relaxed SIMD: Node 20 only behind --experimental-wasm-relaxed-simd
 *  (see allowRelaxedSimd), Node 22+ and VS Code's Electron always. */
export function relaxedSimdSupported(): boolean {
  return WebAssembly.validate(readFileSync(locateKernelsWasm(MODULE_FILES.relaxed)));
}

/** The module's bytes and which it is. */
function moduleBytes(instructions: WasmInstructions): { bytes: Uint8Array; kind: 'relaxed' | 'simd' } {
  if (instructions !== 'simd') {
    const relaxed = readFileSync(locateKernelsWasm(MODULE_FILES.relaxed));
    if (WebAssembly.validate(relaxed)) return { bytes: relaxed, kind: 'relaxed' };
    if (instructions === 'relaxed') throw new Error(`this runtime (Node.js ${process.versions.node}) does not support WebAssembly relaxed SIMD`);
  }
  return { bytes: readFileSync(locateKernelsWasm(MODULE_FILES.simd)), kind: 'simd' };
}

export function createWasmKernels(wasmBytes?: Uint8Array, options: WasmKernelOptions = {}): Kernels {
  const { bytes, kind } = wasmBytes ? { bytes: wasmBytes, kind: 'simd' as const } : moduleBytes(options.instructions ?? 'auto');
  const pages = Math.ceil(((options.memoryMiB ?? DEFAULT_MEMORY_MIB) * 2 ** 20) / PAGE_BYTES);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  // The copy gives WebAssembly.Module the unshared ArrayBuffer it requires, whatever backs `bytes`.
  const module = new WebAssembly.Module(new Uint8Array(bytes));
  return wasmKernels({ module, memory }, true, kind === 'relaxed' ? 'wasm relaxed-simd' : 'wasm');
}

/** A second instance over the memory of createWasmKernels' (for a helper thread). It allocates
 *  nothing: its callers pass arrays already in that memory, so it never writes where the first
 *  instance keeps its allocations or scratch copies; it packs panels into the space the first
 *  reserved for it (one attached instance at a time). */
export function attachWasmKernels(shared: SharedKernelMemory): Kernels {
  return wasmKernels(shared, false, 'wasm (helper)');
}

function wasmKernels(given: SharedKernelMemory, owner: boolean, name: string): Kernels {
  const { module, memory } = given;
  const wasm = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as WasmExports;
  const buffer = memory.buffer; // the same for the memory's whole life: it cannot grow
  const activations: Record<ActivationName, number> = {
    sigmoid: wasm.SIGMOID.value,
    tanh: wasm.TANH.value,
    relu: wasm.RELU.value,
    linear: wasm.LINEAR.value,
  };
  const align = (p: number) => Math.ceil(p / ALIGN) * ALIGN;
  let top = owner ? align(wasm.heapBase()) : buffer.byteLength;
  // The owner's pack buffer and its helper's lie at the bottom of the heap, before any allocation;
  // a small memory (a quarter or less for them) keeps its space for tensors and runs unpacked.
  let shared = given;
  if (owner && top + 2 * PACK_BYTES <= buffer.byteLength / 4) {
    wasm.setPackBuffer(top, PACK_BYTES);
    shared = { ...given, helperPackBuffer: top + PACK_BYTES };
    top += 2 * PACK_BYTES;
  } else if (!owner && given.helperPackBuffer !== undefined) {
    wasm.setPackBuffer(given.helperPackBuffer, PACK_BYTES);
  }

  /** Byte address of `bytes` fresh bytes, or -1 when the memory is full (always, when attached). */
  const reserve = (bytes: number): number => {
    const p = top;
    if (p + bytes > buffer.byteLength) return -1;
    top = align(p + bytes);
    return p;
  };

  const viewAt = (like: FloatArray | Int32Array, p: number, n: number) =>
    like instanceof Int32Array ? new Int32Array(buffer, p, n) : new Float32Array(buffer, p, n);

  /** Whether `data` lives in the wasm memory in 4-byte elements, so a kernel can take its address
   *  as it is: each kernel checks this first and then calls the module directly, allocating
   *  nothing (the training loop's case; garbage there wakes the garbage collector's threads, which
   *  preempt the two training threads). Throws when `data` is shorter than the call needs. */
  const here = (data: FloatArray | Int32Array, used: number): boolean => {
    if (data.length < used) throw new RangeError(`kernel argument of ${data.length} elements, the call needs ${used}`);
    return data.buffer === buffer && data.BYTES_PER_ELEMENT === 4;
  };

  /** Calls `kernel` with the arguments' addresses: in place when they live in the wasm memory,
   *  otherwise through scratch copies, released afterwards. */
  function run<R>(args: readonly Arg[], kernel: (ptrs: number[]) => R, fallback: () => R): R {
    if (args.some(([data]) => data instanceof Float64Array)) return fallback();
    const mark = top;
    try {
      const ptrs: number[] = [];
      for (const [data, used, mode] of args) {
        if (here(data, used)) {
          ptrs.push(data.byteOffset);
          continue;
        }
        const p = reserve(used * 4);
        if (p < 0) return fallback();
        if (mode & IN) viewAt(data, p, used).set(data.subarray(0, used));
        ptrs.push(p);
      }
      const result = kernel(ptrs);
      args.forEach(([data, used, mode], i) => {
        if (mode & OUT && data.buffer !== buffer) data.set(viewAt(data, ptrs[i], used));
      });
      return result;
    } finally {
      top = mark;
    }
  }

  return {
    name,
    shared,

    alloc(n) {
      const p = reserve(n * 4);
      // Scratch copies may have left data there; alloc() promises zeros like new Float32Array(n).
      return p < 0 ? new Float32Array(n) : new Float32Array(buffer, p, n).fill(0);
    },

    allocInt32(n) {
      const p = reserve(n * 4);
      return p < 0 ? new Int32Array(n) : new Int32Array(buffer, p, n).fill(0);
    },

    matmul: (a, b, c, m, k, n, accumulate, ld = n) =>
      here(a, m * k) && here(b, span(k, n, ld)) && here(c, span(m, n, ld))
        ? wasm.matmul(a.byteOffset, b.byteOffset, c.byteOffset, m, k, n, +accumulate, ld)
        : run(
            [[a, m * k, IN], [b, span(k, n, ld), IN], [c, span(m, n, ld), outputMode(accumulate, n, ld)]],
            ([pa, pb, pc]) => wasm.matmul(pa, pb, pc, m, k, n, +accumulate, ld),
            () => jsKernels.matmul(a, b, c, m, k, n, accumulate, ld),
          ),

    matmulTN: (a, b, c, m, k, n, accumulate, lda = m, ld = n) =>
      here(a, span(k, m, lda)) && here(b, span(k, n, ld)) && here(c, span(m, n, ld))
        ? wasm.matmulTN(a.byteOffset, b.byteOffset, c.byteOffset, m, k, n, +accumulate, lda, ld)
        : run(
            [[a, span(k, m, lda), IN], [b, span(k, n, ld), IN], [c, span(m, n, ld), outputMode(accumulate, n, ld)]],
            ([pa, pb, pc]) => wasm.matmulTN(pa, pb, pc, m, k, n, +accumulate, lda, ld),
            () => jsKernels.matmulTN(a, b, c, m, k, n, accumulate, lda, ld),
          ),

    matmulNT: (a, b, c, m, k, n, accumulate) =>
      here(a, m * k) && here(b, n * k) && here(c, m * n)
        ? wasm.matmulNT(a.byteOffset, b.byteOffset, c.byteOffset, m, k, n, +accumulate)
        : run(
            [[a, m * k, IN], [b, n * k, IN], [c, m * n, accumulate ? INOUT : OUT]],
            ([pa, pb, pc]) => wasm.matmulNT(pa, pb, pc, m, k, n, +accumulate),
            () => jsKernels.matmulNT(a, b, c, m, k, n, accumulate),
          ),

    addBias: (z, bias, rows, cols) =>
      here(z, rows * cols) && here(bias, cols)
        ? wasm.addBias(z.byteOffset, bias.byteOffset, rows, cols)
        : run(
            [[z, rows * cols, INOUT], [bias, cols, IN]],
            ([pz, pb]) => wasm.addBias(pz, pb, rows, cols),
            () => jsKernels.addBias(z, bias, rows, cols),
          ),

    sumRows: (x, out, rows, cols, ld = cols) =>
      here(x, rows > 0 ? (rows - 1) * ld + cols : 0) && here(out, cols)
        ? wasm.sumRows(x.byteOffset, out.byteOffset, rows, cols, ld)
        : run(
            [[x, rows > 0 ? (rows - 1) * ld + cols : 0, IN], [out, cols, OUT]],
            ([px, po]) => wasm.sumRows(px, po, rows, cols, ld),
            () => jsKernels.sumRows(x, out, rows, cols, ld),
          ),

    activationForward: (z, h, count, activation) =>
      here(z, count) && here(h, count)
        ? wasm.activationForward(z.byteOffset, h.byteOffset, count, activations[activation])
        : run(
            [[z, count, IN], [h, count, OUT]],
            ([pz, ph]) => wasm.activationForward(pz, ph, count, activations[activation]),
            () => jsKernels.activationForward(z, h, count, activation),
          ),

    softmaxRows: (z, p, rows, cols) =>
      here(z, rows * cols) && here(p, rows * cols)
        ? wasm.softmaxRows(z.byteOffset, p.byteOffset, rows, cols)
        : run(
            [[z, rows * cols, IN], [p, rows * cols, OUT]],
            ([pz, pp]) => wasm.softmaxRows(pz, pp, rows, cols),
            () => jsKernels.softmaxRows(z, p, rows, cols),
          ),

    crossEntropySum: (p, targets, rows, cols) =>
      here(p, rows * cols) && here(targets, rows)
        ? wasm.crossEntropySum(p.byteOffset, targets.byteOffset, rows, cols)
        : run(
            [[p, rows * cols, IN], [targets, rows, IN]],
            ([pp, pt]) => wasm.crossEntropySum(pp, pt, rows, cols),
            () => jsKernels.crossEntropySum(p, targets, rows, cols),
          ),

    softmaxCrossEntropyGrad: (p, targets, dz, rows, cols, scale) =>
      here(p, rows * cols) && here(targets, rows) && here(dz, rows * cols)
        ? wasm.softmaxCrossEntropyGrad(p.byteOffset, targets.byteOffset, dz.byteOffset, rows, cols, scale)
        : run(
            [[p, rows * cols, IN], [targets, rows, IN], [dz, rows * cols, OUT]],
            ([pp, pt, pd]) => wasm.softmaxCrossEntropyGrad(pp, pt, pd, rows, cols, scale),
            () => jsKernels.softmaxCrossEntropyGrad(p, targets, dz, rows, cols, scale),
          ),

    countCorrect: (p, targets, rows, cols) =>
      here(p, rows * cols) && here(targets, rows)
        ? wasm.countCorrect(p.byteOffset, targets.byteOffset, rows, cols)
        : run(
            [[p, rows * cols, IN], [targets, rows, IN]],
            ([pp, pt]) => wasm.countCorrect(pp, pt, rows, cols),
            () => jsKernels.countCorrect(p, targets, rows, cols),
          ),

    gatherRows(w, ids, e, rows, context, dim, k0, k1) {
      const wRows = dim > 0 ? Math.floor(w.length / dim) : 0;
      if (here(w, wRows * dim) && here(ids, rows * context) && here(e, rows * context * dim)) {
        wasm.gatherRows(w.byteOffset, wRows, ids.byteOffset, e.byteOffset, rows, context, dim, k0, k1);
        return;
      }
      run(
        [[w, wRows * dim, IN], [ids, rows * context, IN], [e, rows * context * dim, INOUT]],
        ([pw, pi, pe]) => wasm.gatherRows(pw, wRows, pi, pe, rows, context, dim, k0, k1),
        () => jsKernels.gatherRows(w, ids, e, rows, context, dim, k0, k1),
      );
    },

    scatterAddRows(de, ids, dw, rows, context, dim, k0, k1) {
      const wRows = dim > 0 ? Math.floor(dw.length / dim) : 0;
      if (here(de, rows * context * dim) && here(ids, rows * context) && here(dw, wRows * dim)) {
        wasm.scatterAddRows(de.byteOffset, ids.byteOffset, dw.byteOffset, wRows, rows, context, dim, k0, k1);
        return;
      }
      run(
        [[de, rows * context * dim, IN], [ids, rows * context, IN], [dw, wRows * dim, INOUT]],
        ([pd, pi, pw]) => wasm.scatterAddRows(pd, pi, pw, wRows, rows, context, dim, k0, k1),
        () => jsKernels.scatterAddRows(de, ids, dw, rows, context, dim, k0, k1),
      );
    },

    biasActivation: (z, bias, h, rows, cols, activation) =>
      here(z, rows * cols) && here(bias, cols) && here(h, rows * cols)
        ? wasm.biasActivation(z.byteOffset, bias.byteOffset, h.byteOffset, rows, cols, activations[activation])
        : run(
            [[z, rows * cols, INOUT], [bias, cols, IN], [h, rows * cols, OUT]],
            ([pz, pb, ph]) => wasm.biasActivation(pz, pb, ph, rows, cols, activations[activation]),
            () => jsKernels.biasActivation(z, bias, h, rows, cols, activation),
          ),

    activationBackward: (z, h, dh, dz, count, activation) =>
      here(z, count) && here(h, count) && here(dh, count) && here(dz, count)
        ? wasm.activationBackward(z.byteOffset, h.byteOffset, dh.byteOffset, dz.byteOffset, count, activations[activation])
        : run(
            [[z, count, IN], [h, count, IN], [dh, count, IN], [dz, count, OUT]],
            ([pz, ph, pdh, pdz]) => wasm.activationBackward(pz, ph, pdh, pdz, count, activations[activation]),
            () => jsKernels.activationBackward(z, h, dh, dz, count, activation),
          ),

    softmaxCrossEntropy: (z, targets, p, dz, rows, cols, scale) =>
      here(z, rows * cols) && here(targets, rows) && here(p, rows * cols) && here(dz, rows * cols)
        ? wasm.softmaxCrossEntropy(z.byteOffset, targets.byteOffset, p.byteOffset, dz.byteOffset, rows, cols, scale)
        : run(
            [[z, rows * cols, IN], [targets, rows, IN], [p, rows * cols, OUT], [dz, rows * cols, OUT]],
            ([pz, pt, pp, pd]) => wasm.softmaxCrossEntropy(pz, pt, pp, pd, rows, cols, scale),
            () => jsKernels.softmaxCrossEntropy(z, targets, p, dz, rows, cols, scale),
          ),

    sgdUpdate: (w, g, n, lr, decay) =>
      here(w, n) && here(g, n)
        ? wasm.sgdUpdate(w.byteOffset, g.byteOffset, n, lr, decay)
        : run(
            [[w, n, INOUT], [g, n, IN]],
            ([pw, pg]) => wasm.sgdUpdate(pw, pg, n, lr, decay),
            () => jsKernels.sgdUpdate(w, g, n, lr, decay),
          ),

    momentumUpdate: (w, g, v, n, lr, decay, momentum) =>
      here(w, n) && here(g, n) && here(v, n)
        ? wasm.momentumUpdate(w.byteOffset, g.byteOffset, v.byteOffset, n, lr, decay, momentum)
        : run(
            [[w, n, INOUT], [g, n, IN], [v, n, INOUT]],
            ([pw, pg, pv]) => wasm.momentumUpdate(pw, pg, pv, n, lr, decay, momentum),
            () => jsKernels.momentumUpdate(w, g, v, n, lr, decay, momentum),
          ),

    adamUpdate(w, g, m, v, n, lr, decay, beta1, beta2, t) {
      const [c1, c2] = [1 / (1 - Math.pow(beta1, t)), 1 / (1 - Math.pow(beta2, t))];
      if (here(w, n) && here(g, n) && here(m, n) && here(v, n)) {
        wasm.adamUpdate(w.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, n, lr, decay, beta1, beta2, c1, c2, ADAM_EPSILON);
        return;
      }
      run(
        [[w, n, INOUT], [g, n, IN], [m, n, INOUT], [v, n, INOUT]],
        ([pw, pg, pm, pv]) => wasm.adamUpdate(pw, pg, pm, pv, n, lr, decay, beta1, beta2, c1, c2, ADAM_EPSILON),
        () => jsKernels.adamUpdate(w, g, m, v, n, lr, decay, beta1, beta2, t),
      );
    },

    lstmGates: (a, i, f, g, o, rows, P) =>
      here(a, rows * 4 * P) && here(i, rows * P) && here(f, rows * P) && here(g, rows * P) && here(o, rows * P)
        ? wasm.lstmGates(a.byteOffset, i.byteOffset, f.byteOffset, g.byteOffset, o.byteOffset, rows, P)
        : run(
            [[a, rows * 4 * P, IN], [i, rows * P, OUT], [f, rows * P, OUT], [g, rows * P, OUT], [o, rows * P, OUT]],
            ([pa, pi, pf, pg, po]) => wasm.lstmGates(pa, pi, pf, pg, po, rows, P),
            () => jsKernels.lstmGates(a, i, f, g, o, rows, P),
          ),

    // Without a previous state the module reads no C₋: F stands in for its address.
    lstmCell(f, cPrev, i, g, c, count) {
      const previous = cPrev ?? f;
      if (here(f, count) && here(previous, count) && here(i, count) && here(g, count) && here(c, count)) {
        wasm.lstmCell(f.byteOffset, previous.byteOffset, +!!cPrev, i.byteOffset, g.byteOffset, c.byteOffset, count);
        return;
      }
      run(
        [[f, count, IN], [previous, count, IN], [i, count, IN], [g, count, IN], [c, count, OUT]],
        ([pf, pp, pi, pg, pc]) => wasm.lstmCell(pf, pp, +!!cPrev, pi, pg, pc, count),
        () => jsKernels.lstmCell(f, cPrev, i, g, c, count),
      );
    },

    lstmHidden: (o, c, h, count) =>
      here(o, count) && here(c, count) && here(h, count)
        ? wasm.lstmHidden(o.byteOffset, c.byteOffset, h.byteOffset, count)
        : run(
            [[o, count, IN], [c, count, IN], [h, count, OUT]],
            ([po, pc, ph]) => wasm.lstmHidden(po, pc, ph, count),
            () => jsKernels.lstmHidden(o, c, h, count),
          ),

    lstmCellGrad: (dh, o, c, dc, count, accumulate) =>
      here(dh, count) && here(o, count) && here(c, count) && here(dc, count)
        ? wasm.lstmCellGrad(dh.byteOffset, o.byteOffset, c.byteOffset, dc.byteOffset, count, +accumulate)
        : run(
            [[dh, count, IN], [o, count, IN], [c, count, IN], [dc, count, accumulate ? INOUT : OUT]],
            ([pdh, po, pc, pdc]) => wasm.lstmCellGrad(pdh, po, pc, pdc, count, +accumulate),
            () => jsKernels.lstmCellGrad(dh, o, c, dc, count, accumulate),
          ),

    lstmGateGrads(i, f, g, o, c, cPrev, dc, dh, da, rows, P) {
      const n = rows * P;
      const previous = cPrev ?? f; // as in lstmCell: not read without a previous state
      if (here(i, n) && here(f, n) && here(g, n) && here(o, n) && here(c, n) && here(previous, n) && here(dc, n) && here(dh, n) && here(da, 4 * n)) {
        wasm.lstmGateGrads(i.byteOffset, f.byteOffset, g.byteOffset, o.byteOffset, c.byteOffset, previous.byteOffset, +!!cPrev, dc.byteOffset, dh.byteOffset, da.byteOffset, rows, P);
        return;
      }
      run(
        [[i, n, IN], [f, n, IN], [g, n, IN], [o, n, IN], [c, n, IN], [previous, n, IN], [dc, n, IN], [dh, n, IN], [da, 4 * n, OUT]],
        ([pi, pf, pg, po, pc, pp, pdc, pdh, pda]) => wasm.lstmGateGrads(pi, pf, pg, po, pc, pp, +!!cPrev, pdc, pdh, pda, rows, P),
        () => jsKernels.lstmGateGrads(i, f, g, o, c, cPrev, dc, dh, da, rows, P),
      );
    },

    multiply: (x, y, z, count) =>
      here(x, count) && here(y, count) && here(z, count)
        ? wasm.multiply(x.byteOffset, y.byteOffset, z.byteOffset, count)
        : run(
            [[x, count, IN], [y, count, IN], [z, count, OUT]],
            ([px, py, pz]) => wasm.multiply(px, py, pz, count),
            () => jsKernels.multiply(x, y, z, count),
          ),

    sumSquares: (x, n) =>
      here(x, n)
        ? wasm.sumSquares(x.byteOffset, n)
        : run(
            [[x, n, IN]],
            ([px]) => wasm.sumSquares(px, n),
            () => jsKernels.sumSquares(x, n),
          ),

    scale: (x, n, s) =>
      here(x, n)
        ? wasm.scale(x.byteOffset, n, s)
        : run(
            [[x, n, INOUT]],
            ([px]) => wasm.scale(px, n, s),
            () => jsKernels.scale(x, n, s),
          ),
  };
}
