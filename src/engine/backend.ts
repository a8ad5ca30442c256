// Chooses the kernel backend: the WASM SIMD kernels when they are built and load (with relaxed
// SIMD where the runtime has it), else the plain TypeScript reference. NLM_KERNELS=js|wasm|
// wasm-simd forces one (benchmarks, tests; wasm-simd: the WASM kernels without relaxed SIMD).
import { setFlagsFromString } from 'node:v8';
import { jsKernels, Kernels } from './kernels';
import { createWasmKernels, relaxedSimdSupported } from './wasmKernels';

export function pickKernels(prefer = process.env.NLM_KERNELS): Kernels {
  if (prefer === 'js') return jsKernels;
  try {
    return createWasmKernels(undefined, { instructions: prefer === 'wasm-simd' ? 'simd' : 'auto' });
  } catch (e) {
    if (prefer === 'wasm' || prefer === 'wasm-simd') throw e;
    return jsKernels;
  }
}

/** Node 20's V8 runs relaxed SIMD only behind a flag (later ones ship it). A process of our own
 *  (the CLI, a benchmark) turns it on before compiling the kernels, for fused multiply-add; never
 *  the extension host, which other extensions share (VS Code's Electron ships it anyway). */
export function allowRelaxedSimd(): void {
  try {
    if (!relaxedSimdSupported()) setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // No built kernels: pickKernels falls back to the JS ones.
  }
}
