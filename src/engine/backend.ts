// Chooses the kernel backend: the WASM SIMD kernels when they are built and load, else the
// plain TypeScript reference. NLM_KERNELS=js|wasm forces one (benchmarks, tests).
import { jsKernels, Kernels } from './kernels';
import { createWasmKernels } from './wasmKernels';

export function pickKernels(prefer = process.env.NLM_KERNELS): Kernels {
  if (prefer === 'js') return jsKernels;
  try {
    return createWasmKernels();
  } catch (e) {
    if (prefer === 'wasm') throw e;
    return jsKernels;
  }
}
