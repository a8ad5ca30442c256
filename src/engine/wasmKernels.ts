// The WebAssembly SIMD kernel backend: dist/kernels.wasm, compiled from wasm/assembly/kernels.ts by
// scripts/build-wasm.mjs, behind the Kernels interface (jsKernels stays the reference and fallback).
//
// Memory: the module imports one memory, created here at its full size (memoryMiB, 256 MiB by
// default: address space, backed only where touched) with maximum = initial. It can never grow, so
// the Float32Array views handed out by alloc() can never detach. alloc() bumps a pointer and nothing
// is freed; once the reserve is used up alloc() returns ordinary Float32Arrays. Arrays outside the
// wasm memory (such arrays, a batch's Int32Array ids, anything else) are copied into scratch space
// above the allocations for the duration of a call and the outputs copied back. A call whose scratch
// does not fit, or that is given a Float64Array (the gradient check's f64 models), runs the JS
// kernels. Out-of-range ids and targets never reach memory outside the arrays: gathered rows are
// NaN, scattered ones skipped, the loss NaN.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { activationByName, ActivationName } from './activations';
import { jsKernels, Kernels } from './kernels';
import { FloatArray } from './tensor';

/** Kernels plus fused steps a trainer can opt into. Each equals the reference steps it replaces. */
export interface FastKernels extends Kernels {
  /** Z[r, :] += bias, then H = f(Z): addBias followed by activation.forward over rows·cols. */
  biasActivation(z: FloatArray, bias: FloatArray, h: FloatArray, rows: number, cols: number, activation: ActivationName): void;
  /** dZ = dH ⊙ f'(Z), as activation.backward. */
  activationBackward(z: FloatArray, h: FloatArray, dh: FloatArray, dz: FloatArray, count: number, activation: ActivationName): void;
  /** softmaxRows into P, softmaxCrossEntropyGrad into dZ, and returns crossEntropySum. */
  softmaxCrossEntropy(z: FloatArray, targets: Int32Array, p: FloatArray, dz: FloatArray, rows: number, cols: number, scale: number): number;
  /** The updates of Optimizer (optimizers.ts) on the first n values; `decay` is the L2 λ. */
  sgdUpdate(w: FloatArray, g: FloatArray, n: number, lr: number, decay: number): void;
  momentumUpdate(w: FloatArray, g: FloatArray, v: FloatArray, n: number, lr: number, decay: number, momentum: number): void;
  /** `t` is the number of the update, from 1, for Adam's bias corrections. */
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
}

export interface WasmKernelOptions {
  /** Size of the wasm memory: allocations plus scratch for copied arguments. */
  memoryMiB?: number;
}

const DEFAULT_MEMORY_MIB = 256;
const PAGE_BYTES = 65536;
/** Keeps every allocation on a v128 boundary. */
const ALIGN = 16;
/** As in optimizers.ts. */
const ADAM_EPSILON = 1e-8;

/** The reference FastKernels: jsKernels, the activations and the optimizer formulas, composed. */
export const jsFastKernels: FastKernels = {
  ...jsKernels,

  biasActivation(z, bias, h, rows, cols, activation) {
    jsKernels.addBias(z, bias, rows, cols);
    activationByName(activation).forward(z, h, rows * cols);
  },

  activationBackward(z, h, dh, dz, count, activation) {
    activationByName(activation).backward(z, h, dh, dz, count);
  },

  softmaxCrossEntropy(z, targets, p, dz, rows, cols, scale) {
    jsKernels.softmaxRows(z, p, rows, cols);
    jsKernels.softmaxCrossEntropyGrad(p, targets, dz, rows, cols, scale);
    return jsKernels.crossEntropySum(p, targets, rows, cols);
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
};

/** The module's exports: byte addresses and sizes (see the AssemblyScript source). */
interface WasmExports {
  SIGMOID: WebAssembly.Global;
  TANH: WebAssembly.Global;
  RELU: WebAssembly.Global;
  LINEAR: WebAssembly.Global;
  heapBase(): number;
  matmul(a: number, b: number, c: number, m: number, k: number, n: number, accumulate: number): void;
  matmulTN(a: number, b: number, c: number, m: number, k: number, n: number, accumulate: number): void;
  matmulNT(a: number, b: number, c: number, m: number, k: number, n: number, accumulate: number): void;
  addBias(z: number, bias: number, rows: number, cols: number): void;
  sumRows(x: number, out: number, rows: number, cols: number): void;
  biasActivation(z: number, bias: number, h: number, rows: number, cols: number, activation: number): void;
  activationBackward(z: number, h: number, dh: number, dz: number, count: number, activation: number): void;
  softmaxRows(z: number, p: number, rows: number, cols: number): void;
  crossEntropySum(p: number, targets: number, rows: number, cols: number): number;
  softmaxCrossEntropyGrad(p: number, targets: number, dz: number, rows: number, cols: number, scale: number): void;
  softmaxCrossEntropy(z: number, targets: number, p: number, dz: number, rows: number, cols: number, scale: number): number;
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
}

/** How a kernel uses an argument: read, written, or both (copied in and back). */
const IN = 1;
const OUT = 2;
const INOUT = IN | OUT;
/** An argument, the number of its elements the call touches, and its use. */
type Arg = readonly [data: FloatArray | Int32Array, used: number, mode: number];

/** The built module: next to the running bundle (dist/), else in the project's dist/. */
export function locateKernelsWasm(): string {
  const beside = join(__dirname, 'kernels.wasm');
  if (existsSync(beside)) return beside;
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const built = join(dir, 'dist', 'kernels.wasm');
      if (existsSync(built)) return built;
      break;
    }
  }
  throw new Error(`kernels.wasm not found (run npm run build); looked in ${__dirname} and the project's dist/`);
}

export function createWasmKernels(wasmBytes?: Uint8Array, options: WasmKernelOptions = {}): FastKernels {
  const bytes = wasmBytes ?? readFileSync(locateKernelsWasm());
  const pages = Math.ceil(((options.memoryMiB ?? DEFAULT_MEMORY_MIB) * 2 ** 20) / PAGE_BYTES);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  // The copy gives WebAssembly.Module the unshared ArrayBuffer it requires, whatever backs `bytes`.
  const compiled = new WebAssembly.Module(new Uint8Array(bytes));
  const wasm = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as WasmExports;
  const buffer = memory.buffer; // the same for the memory's whole life: it cannot grow
  const activations: Record<ActivationName, number> = {
    sigmoid: wasm.SIGMOID.value,
    tanh: wasm.TANH.value,
    relu: wasm.RELU.value,
    linear: wasm.LINEAR.value,
  };
  const align = (p: number) => Math.ceil(p / ALIGN) * ALIGN;
  let top = align(wasm.heapBase());

  /** Byte address of `bytes` fresh bytes, or -1 when the memory is full. */
  const reserve = (bytes: number): number => {
    const p = top;
    if (p + bytes > buffer.byteLength) return -1;
    top = align(p + bytes);
    return p;
  };

  const viewAt = (like: FloatArray | Int32Array, p: number, n: number) =>
    like instanceof Int32Array ? new Int32Array(buffer, p, n) : new Float32Array(buffer, p, n);

  /** Calls `kernel` with the arguments' addresses: in place when they live in the wasm memory,
   *  otherwise through scratch copies, released afterwards. */
  function run<R>(args: readonly Arg[], kernel: (ptrs: number[]) => R, fallback: () => R): R {
    if (args.some(([data]) => data instanceof Float64Array)) return fallback();
    const mark = top;
    try {
      const ptrs: number[] = [];
      for (const [data, used, mode] of args) {
        if (data.length < used) throw new RangeError(`kernel argument of ${data.length} elements, the call needs ${used}`);
        if (data.buffer === buffer) {
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
    name: 'wasm',

    alloc(n) {
      const p = reserve(n * 4);
      // Scratch copies may have left data there; alloc() promises zeros like new Float32Array(n).
      return p < 0 ? new Float32Array(n) : new Float32Array(buffer, p, n).fill(0);
    },

    matmul: (a, b, c, m, k, n, accumulate) =>
      run(
        [[a, m * k, IN], [b, k * n, IN], [c, m * n, accumulate ? INOUT : OUT]],
        ([pa, pb, pc]) => wasm.matmul(pa, pb, pc, m, k, n, +accumulate),
        () => jsKernels.matmul(a, b, c, m, k, n, accumulate),
      ),

    matmulTN: (a, b, c, m, k, n, accumulate) =>
      run(
        [[a, k * m, IN], [b, k * n, IN], [c, m * n, accumulate ? INOUT : OUT]],
        ([pa, pb, pc]) => wasm.matmulTN(pa, pb, pc, m, k, n, +accumulate),
        () => jsKernels.matmulTN(a, b, c, m, k, n, accumulate),
      ),

    matmulNT: (a, b, c, m, k, n, accumulate) =>
      run(
        [[a, m * k, IN], [b, n * k, IN], [c, m * n, accumulate ? INOUT : OUT]],
        ([pa, pb, pc]) => wasm.matmulNT(pa, pb, pc, m, k, n, +accumulate),
        () => jsKernels.matmulNT(a, b, c, m, k, n, accumulate),
      ),

    addBias: (z, bias, rows, cols) =>
      run(
        [[z, rows * cols, INOUT], [bias, cols, IN]],
        ([pz, pb]) => wasm.addBias(pz, pb, rows, cols),
        () => jsKernels.addBias(z, bias, rows, cols),
      ),

    sumRows: (x, out, rows, cols) =>
      run(
        [[x, rows * cols, IN], [out, cols, OUT]],
        ([px, po]) => wasm.sumRows(px, po, rows, cols),
        () => jsKernels.sumRows(x, out, rows, cols),
      ),

    softmaxRows: (z, p, rows, cols) =>
      run(
        [[z, rows * cols, IN], [p, rows * cols, OUT]],
        ([pz, pp]) => wasm.softmaxRows(pz, pp, rows, cols),
        () => jsKernels.softmaxRows(z, p, rows, cols),
      ),

    crossEntropySum: (p, targets, rows, cols) =>
      run(
        [[p, rows * cols, IN], [targets, rows, IN]],
        ([pp, pt]) => wasm.crossEntropySum(pp, pt, rows, cols),
        () => jsKernels.crossEntropySum(p, targets, rows, cols),
      ),

    softmaxCrossEntropyGrad: (p, targets, dz, rows, cols, scale) =>
      run(
        [[p, rows * cols, IN], [targets, rows, IN], [dz, rows * cols, OUT]],
        ([pp, pt, pd]) => wasm.softmaxCrossEntropyGrad(pp, pt, pd, rows, cols, scale),
        () => jsKernels.softmaxCrossEntropyGrad(p, targets, dz, rows, cols, scale),
      ),

    gatherRows(w, ids, e, rows, context, dim, k0, k1) {
      const wRows = dim > 0 ? Math.floor(w.length / dim) : 0;
      run(
        [[w, wRows * dim, IN], [ids, rows * context, IN], [e, rows * context * dim, INOUT]],
        ([pw, pi, pe]) => wasm.gatherRows(pw, wRows, pi, pe, rows, context, dim, k0, k1),
        () => jsKernels.gatherRows(w, ids, e, rows, context, dim, k0, k1),
      );
    },

    scatterAddRows(de, ids, dw, rows, context, dim, k0, k1) {
      const wRows = dim > 0 ? Math.floor(dw.length / dim) : 0;
      run(
        [[de, rows * context * dim, IN], [ids, rows * context, IN], [dw, wRows * dim, INOUT]],
        ([pd, pi, pw]) => wasm.scatterAddRows(pd, pi, pw, wRows, rows, context, dim, k0, k1),
        () => jsKernels.scatterAddRows(de, ids, dw, rows, context, dim, k0, k1),
      );
    },

    biasActivation: (z, bias, h, rows, cols, activation) =>
      run(
        [[z, rows * cols, INOUT], [bias, cols, IN], [h, rows * cols, OUT]],
        ([pz, pb, ph]) => wasm.biasActivation(pz, pb, ph, rows, cols, activations[activation]),
        () => jsFastKernels.biasActivation(z, bias, h, rows, cols, activation),
      ),

    activationBackward: (z, h, dh, dz, count, activation) =>
      run(
        [[z, count, IN], [h, count, IN], [dh, count, IN], [dz, count, OUT]],
        ([pz, ph, pdh, pdz]) => wasm.activationBackward(pz, ph, pdh, pdz, count, activations[activation]),
        () => jsFastKernels.activationBackward(z, h, dh, dz, count, activation),
      ),

    softmaxCrossEntropy: (z, targets, p, dz, rows, cols, scale) =>
      run(
        [[z, rows * cols, IN], [targets, rows, IN], [p, rows * cols, OUT], [dz, rows * cols, OUT]],
        ([pz, pt, pp, pd]) => wasm.softmaxCrossEntropy(pz, pt, pp, pd, rows, cols, scale),
        () => jsFastKernels.softmaxCrossEntropy(z, targets, p, dz, rows, cols, scale),
      ),

    sgdUpdate: (w, g, n, lr, decay) =>
      run(
        [[w, n, INOUT], [g, n, IN]],
        ([pw, pg]) => wasm.sgdUpdate(pw, pg, n, lr, decay),
        () => jsFastKernels.sgdUpdate(w, g, n, lr, decay),
      ),

    momentumUpdate: (w, g, v, n, lr, decay, momentum) =>
      run(
        [[w, n, INOUT], [g, n, IN], [v, n, INOUT]],
        ([pw, pg, pv]) => wasm.momentumUpdate(pw, pg, pv, n, lr, decay, momentum),
        () => jsFastKernels.momentumUpdate(w, g, v, n, lr, decay, momentum),
      ),

    adamUpdate: (w, g, m, v, n, lr, decay, beta1, beta2, t) =>
      run(
        [[w, n, INOUT], [g, n, IN], [m, n, INOUT], [v, n, INOUT]],
        ([pw, pg, pm, pv]) =>
          wasm.adamUpdate(pw, pg, pm, pv, n, lr, decay, beta1, beta2, 1 / (1 - Math.pow(beta1, t)), 1 / (1 - Math.pow(beta2, t)), ADAM_EPSILON),
        () => jsFastKernels.adamUpdate(w, g, m, v, n, lr, decay, beta1, beta2, t),
      ),
  };
}
