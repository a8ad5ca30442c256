// Kernels whose large calls two threads share: the phases of a model without a fused iteration
// (the recurrent ones; any model whose run clips gradients) call these instead of the WASM
// kernels, and every call that splitKernelCalls.ts can cut and finds worth cutting runs in parts
// on this thread and the kernel helper's. Each part is the same kernel on a slice of the output,
// so the numbers are those of the one-thread kernels to the bit. Calls with arrays outside the
// shared memory, small calls, and every call before the helper has started run here, whole.
import { Kernels } from './kernels';
import { KernelHelper } from './kernelHelper';
import { activationCode, SPLIT_OPS, SplitArray, SplitOpName } from './splitKernelCalls';
import { FloatArray } from './tensor';

/** `base` (the WASM kernels on a shared memory) with its large calls shared with `helper`. */
export function splitKernels(base: Kernels, helper: KernelHelper): Kernels {
  const shared = base.shared;
  if (!shared) throw new Error(`the ${base.name} kernels have no shared memory for a second thread`);
  const buffer = shared.memory.buffer;
  const inShared = (a: FloatArray | Int32Array) => a.buffer === buffer && !(a instanceof Float64Array);

  /** Runs `name` in parts when it is worth it and can be; returns undefined when it ran nothing. */
  function split(name: SplitOpName, arrays: readonly (FloatArray | Int32Array)[], nums: readonly number[]): number | undefined {
    const op = SPLIT_OPS[name];
    const parts = op.parts(nums);
    if (parts < 2 || !arrays.every(inShared) || !helper.available) return undefined;
    const views = arrays as readonly SplitArray[];
    return helper.run(name, (part) => op.run(base, views, nums, part, parts), views, nums, parts);
  }

  return {
    ...base,
    name: `${base.name}, 2 threads`,
    matmul(a, b, c, m, k, n, accumulate, ld = n) {
      if (split('matmul', [a, b, c], [m, k, n, +accumulate, ld]) === undefined) base.matmul(a, b, c, m, k, n, accumulate, ld);
    },
    matmulTN(a, b, c, m, k, n, accumulate, lda = m, ld = n) {
      if (split('matmulTN', [a, b, c], [m, k, n, +accumulate, lda, ld]) === undefined) base.matmulTN(a, b, c, m, k, n, accumulate, lda, ld);
    },
    matmulNT(a, b, c, m, k, n, accumulate) {
      if (split('matmulNT', [a, b, c], [m, k, n, +accumulate]) === undefined) base.matmulNT(a, b, c, m, k, n, accumulate);
    },
    addBias(z, bias, rows, cols) {
      if (split('addBias', [z, bias], [rows, cols]) === undefined) base.addBias(z, bias, rows, cols);
    },
    sumRows(x, out, rows, cols, ld = cols) {
      if (split('sumRows', [x, out], [rows, cols, ld]) === undefined) base.sumRows(x, out, rows, cols, ld);
    },
    activationForward(z, h, count, activation) {
      if (split('activationForward', [z, h], [count, activationCode(activation)]) === undefined) base.activationForward(z, h, count, activation);
    },
    activationBackward(z, h, dh, dz, count, activation) {
      if (split('activationBackward', [z, h, dh, dz], [count, activationCode(activation)]) === undefined) {
        base.activationBackward(z, h, dh, dz, count, activation);
      }
    },
    softmaxRows(z, p, rows, cols) {
      if (split('softmaxRows', [z, p], [rows, cols]) === undefined) base.softmaxRows(z, p, rows, cols);
    },
    softmaxCrossEntropyGrad(p, targets, dz, rows, cols, scale) {
      if (split('softmaxCrossEntropyGrad', [p, targets, dz], [rows, cols, scale]) === undefined) {
        base.softmaxCrossEntropyGrad(p, targets, dz, rows, cols, scale);
      }
    },
    countCorrect(p, targets, rows, cols) {
      return split('countCorrect', [p, targets], [rows, cols]) ?? base.countCorrect(p, targets, rows, cols);
    },
    sgdUpdate(w, g, n, lr, decay) {
      if (split('sgdUpdate', [w, g], [n, lr, decay]) === undefined) base.sgdUpdate(w, g, n, lr, decay);
    },
    momentumUpdate(w, g, v, n, lr, decay, momentum) {
      if (split('momentumUpdate', [w, g, v], [n, lr, decay, momentum]) === undefined) base.momentumUpdate(w, g, v, n, lr, decay, momentum);
    },
    adamUpdate(w, g, m, v, n, lr, decay, beta1, beta2, t) {
      if (split('adamUpdate', [w, g, m, v], [n, lr, decay, beta1, beta2, t]) === undefined) {
        base.adamUpdate(w, g, m, v, n, lr, decay, beta1, beta2, t);
      }
    },
    scale(x, n, s) {
      if (split('scale', [x], [n, s]) === undefined) base.scale(x, n, s);
    },
  };
}
