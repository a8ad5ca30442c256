// Prints the speed of the JS kernels and of the two WASM modules (plain SIMD, relaxed SIMD) on the
// shapes of one training step of the default model (batch 100, context·embedding 48, 128 hidden
// units, 250 words) and what that makes for one epoch of 372,500 examples. Uses the compiled
// engine in out/ and dist/kernels*.wasm:
//   npx tsc -p tsconfig.test.json && node scripts/build-wasm.mjs && node scripts/bench-kernels.mjs
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const engine = join(root, 'out/src/engine');
if (!existsSync(join(engine, 'wasmKernels.js'))) {
  console.error('bench-kernels: out/src/engine/wasmKernels.js is missing (run npx tsc -p tsconfig.test.json)');
  process.exit(1);
}
const require = createRequire(import.meta.url);
const { createWasmKernels } = require(join(engine, 'wasmKernels.js'));
const { jsKernels } = require(join(engine, 'kernels.js'));
const { Rng } = require(join(engine, 'rng.js'));

const [N, IN, P, V, EXAMPLES] = [100, 48, 128, 250, 372500];
const STEPS = Math.ceil(EXAMPLES / N);
const { allowRelaxedSimd } = require(join(engine, 'backend.js'));
allowRelaxedSimd(); // as the CLI does
const backends = { js: jsKernels, simd: createWasmKernels(undefined, { instructions: 'simd' }), relaxed: createWasmKernels(undefined, { instructions: 'relaxed' }) };
const NAMES = Object.keys(backends);

/** Best time of one call in seconds: the machine may be shared, and the best run is the least disturbed. */
function bestSeconds(fn) {
  for (let i = 0; i < 20; i++) fn(); // warm-up: let the JIT compile
  let reps = 1;
  for (let t0 = performance.now(); performance.now() - t0 < 20; reps *= 2) for (let i = 0; i < reps; i++) fn();
  let best = Infinity;
  for (let trial = 0; trial < 7; trial++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    best = Math.min(best, (performance.now() - t0) / 1000 / reps);
  }
  return best;
}

/** One step's buffers, allocated by the backend (in wasm memory for the wasm one). */
function stepBuffers(k) {
  const rng = new Rng(1);
  const buf = (n, scale = 1) => {
    const a = k.alloc(n);
    for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
    return a;
  };
  const ids = (n, below) => Int32Array.from({ length: n }, () => rng.int(below));
  // Zero biases and a tiny learning rate keep the in-place kernels, called thousands of times, from
  // drifting the values into the subnormal range, where floating point runs many times slower.
  return {
    W1: buf(V * 16, 0.1), W2: buf(IN * P, 0.1), b1: buf(P, 0), W3: buf(P * V, 0.1), b2: buf(V, 0),
    E: buf(N * IN), Z1: buf(N * P), H: buf(N * P), Z2: buf(N * V), Pr: buf(N * V),
    dZ2: buf(N * V), dH: buf(N * P), dZ1: buf(N * P), dE: buf(N * IN),
    dW1: buf(V * 16), dW2: buf(IN * P), db1: buf(P), dW3: buf(P * V), db2: buf(V),
    m: buf(P * V), v: buf(P * V).fill(0.01), inputs: ids(N * 3, V), targets: ids(N, V),
  };
}

const matmuls = [
  ['Z1 = E·W2', 'matmul', N, IN, P, (b) => [b.E, b.W2, b.Z1]],
  ['Z2 = H·W3', 'matmul', N, P, V, (b) => [b.H, b.W3, b.Z2]],
  ['dW3 = Hᵀ·dZ2', 'matmulTN', P, N, V, (b) => [b.H, b.dZ2, b.dW3]],
  ['dH = dZ2·W3ᵀ', 'matmulNT', N, V, P, (b) => [b.dZ2, b.W3, b.dH]],
  ['dW2 = Eᵀ·dZ1', 'matmulTN', IN, N, P, (b) => [b.E, b.dZ1, b.dW2]],
  ['dE = dZ1·W2ᵀ', 'matmulNT', N, P, IN, (b) => [b.dZ1, b.W2, b.dE]],
];

// The rest of a step, with the fused kernels of the split iteration (src/engine/models/mlp/splitIteration.ts).
const others = [
  ['E = W1[x]', (k, b) => k.gatherRows(b.W1, b.inputs, b.E, N, 3, 16, 0, 3)],
  ['H = σ(Z1 + b1)', (k, b) => k.biasActivation(b.Z1, b.b1, b.H, N, P, 'sigmoid')],
  ['Z2 += b2', (k, b) => k.addBias(b.Z2, b.b2, N, V)],
  ['P, loss, dZ2', (k, b) => k.softmaxCrossEntropy(b.Z2, b.targets, b.Pr, b.dZ2, N, V, 1 / N)],
  ['db2, db1', (k, b) => (k.sumRows(b.dZ2, b.db2, N, V), k.sumRows(b.dZ1, b.db1, N, P))],
  ['dZ1 = dH ⊙ σ\'', (k, b) => k.activationBackward(b.Z1, b.H, b.dH, b.dZ1, N * P, 'sigmoid')],
  ['correct = Σ [argmax P = y]', (k, b) => k.countCorrect(b.Pr, b.targets, N, V)],
  ['dW1 += dE', (k, b) => k.scatterAddRows(b.dE, b.inputs, b.dW1, N, 3, 16, 0, 3)],
  ['Adam on W3', (k, b) => k.adamUpdate(b.W3, b.dW3, b.m, b.v, P * V, 1e-9, 0, 0.9, 0.999, 10)],
];

const pad = (s, n) => String(s).padEnd(n);
const num = (x, digits = 1) => x.toFixed(digits).padStart(8);
const buffers = Object.fromEntries(Object.entries(backends).map(([name, k]) => [name, stepBuffers(k)]));
const stepTime = Object.fromEntries(NAMES.map((name) => [name, 0]));
const columns = (values) => NAMES.map((name) => num(values[name])).join('');
const heads = () => NAMES.map((name) => name.padStart(8)).join('');

console.log(`Matrix products of one step (N=${N}, C·D=${IN}, P=${P}, V=${V}); GFLOPS, best of 7:`);
console.log(`${pad('', 16)}${pad('kernel', 10)}${pad('m×k×n', 14)}${heads()}`);
for (const [label, kernel, m, k, n, args] of matmuls) {
  const gflops = {};
  for (const [name, backend] of Object.entries(backends)) {
    const [a, b, c] = args(buffers[name]);
    const t = bestSeconds(() => backend[kernel](a, b, c, m, k, n, false));
    stepTime[name] += t;
    gflops[name] = (2 * m * k * n) / t / 1e9;
  }
  console.log(`${pad(label, 16)}${pad(kernel, 10)}${pad(`${m}×${k}×${n}`, 14)}${columns(gflops)}`);
}
const epochOfMatmuls = { ...stepTime };

console.log(`\nThe other kernels of one step; µs per call:`);
console.log(`${pad('', 40)}${heads()}`);
for (const [label, fn] of others) {
  const us = {};
  for (const [name, backend] of Object.entries(backends)) {
    const t = bestSeconds(() => fn(backend, buffers[name]));
    stepTime[name] += t;
    us[name] = t * 1e6;
  }
  console.log(`${pad(label, 40)}${columns(us)}`);
}

console.log(`\nOne epoch (${STEPS} steps of ${N}), kernels only:`);
for (const name of Object.keys(backends)) {
  const flops = 2 * STEPS * matmuls.reduce((s, [, , m, k, n]) => s + m * k * n, 0);
  console.log(
    `${pad(name, 8)} matrix products ${num(epochOfMatmuls[name] * STEPS, 2)} s (${(flops / 1e9 / (epochOfMatmuls[name] * STEPS)).toFixed(1)} GFLOPS)` +
      `   all kernels ${num(stepTime[name] * STEPS, 2)} s`,
  );
}
