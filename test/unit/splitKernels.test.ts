// Large kernel calls shared by two threads (splitKernels.ts, kernelHelper.ts, kernelWorker.ts):
// every op cut in parts gives the one-thread kernel's numbers to the bit, whoever runs which part;
// recurrent models and clipped runs train on two threads with the weights of one; the helper's
// failures are errors, never hangs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowRelaxedSimd } from '../../src/engine/backend';
import { DEFAULT_CONFIG, TrainConfig } from '../../src/engine/config';
import { Dataset, makeSplit } from '../../src/engine/data/dataset';
import { Kernels } from '../../src/engine/kernels';
import { KernelHelper, locateKernelWorker } from '../../src/engine/kernelHelper';
import { Rng } from '../../src/engine/rng';
import { SPLIT_OPS, SplitArray, SplitOpName } from '../../src/engine/splitKernelCalls';
import { splitKernels } from '../../src/engine/splitKernels';
import { Trainer } from '../../src/engine/trainer';
import { createWasmKernels } from '../../src/engine/wasmKernels';
import { toyDataset } from './fixtures';

allowRelaxedSimd();
const script = locateKernelWorker();

/** Sleeps this thread (a test's way to let the helper claim parts). */
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Waits until the helper can take calls. */
function started(helper: KernelHelper): void {
  const t0 = Date.now();
  while (!helper.available) {
    if (Date.now() - t0 > 20_000) throw new Error('the kernel helper did not start');
    sleep(5);
  }
}

function randomIn(k: Kernels, n: number, rng: Rng, scale = 1): Float32Array {
  const a = k.alloc(n);
  for (let i = 0; i < n; i++) a[i] = (rng.uniform() * 2 - 1) * scale;
  return a;
}

function positive(a: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = Math.abs(a[i]);
  return a;
}

/** A call of each op at sizes that cut it in parts (odd sizes: parts off the vector width). */
function calls(k: Kernels, rng: Rng): { name: SplitOpName; arrays: SplitArray[]; nums: number[]; outputs: number[] }[] {
  const [m, kk, n] = [70, 300, 1021]; // k > 256: the products sum k in slices, as at V = 8000
  const targets = k.allocInt32(m);
  for (let r = 0; r < m; r++) targets[r] = Math.floor(rng.uniform() * n);
  const probabilities = positive(randomIn(k, m * n, rng));
  const e = 70_003;
  return [
    { name: 'matmul', arrays: [randomIn(k, m * kk, rng), randomIn(k, kk * n, rng), randomIn(k, m * n, rng)], nums: [m, kk, n, 1, n], outputs: [2] },
    { name: 'matmul', arrays: [randomIn(k, 20 * 256, rng), randomIn(k, 256 * 512, rng), randomIn(k, 20 * 512, rng)], nums: [20, 256, 512, 0, 512], outputs: [2] },
    // By columns (wide B and C), both as windows of wider ones, k in slices and not.
    { name: 'matmul', arrays: [randomIn(k, 36 * kk, rng), randomIn(k, kk * 2107, rng), randomIn(k, 36 * 2107, rng)], nums: [36, kk, 2101, 1, 2107], outputs: [2] },
    { name: 'matmul', arrays: [randomIn(k, 36 * 128, rng), randomIn(k, 128 * 2101, rng), randomIn(k, 36 * 2101, rng)], nums: [36, 128, 2101, 0, 2101], outputs: [2] },
    // One-panel parts (k never sliced): a time step's products.
    { name: 'matmul', arrays: [randomIn(k, 18 * 100, rng), randomIn(k, 100 * 520, rng), randomIn(k, 18 * 520, rng)], nums: [18, 100, 517, 1, 520], outputs: [2] },
    { name: 'matmulTN', arrays: [randomIn(k, 20 * 128, rng), randomIn(k, 20 * 512, rng), randomIn(k, 128 * 512, rng)], nums: [128, 20, 512, 1, 128, 512], outputs: [2] },
    { name: 'matmulTN', arrays: [randomIn(k, kk * 130, rng), randomIn(k, kk * n, rng), randomIn(k, 64 * n, rng)], nums: [64, kk, n, 0, 130, n], outputs: [2] },
    { name: 'matmulTN', arrays: [randomIn(k, 700 * 130, rng), randomIn(k, 700 * 2101, rng), randomIn(k, 128 * 2101, rng)], nums: [128, 700, 2101, 0, 130, 2101], outputs: [2] },
    { name: 'matmulNT', arrays: [randomIn(k, m * 2003, rng), randomIn(k, 129 * 2003, rng), randomIn(k, m * 129, rng)], nums: [m, 2003, 129, 1], outputs: [2] },
    { name: 'addBias', arrays: [randomIn(k, m * 1001, rng), randomIn(k, 1001, rng)], nums: [m, 1001], outputs: [0] },
    { name: 'sumRows', arrays: [randomIn(k, m * 1003, rng), randomIn(k, 1003, rng)], nums: [m, 1001, 1003], outputs: [1] },
    { name: 'activationForward', arrays: [randomIn(k, e, rng, 4), randomIn(k, e, rng)], nums: [e, 1], outputs: [1] },
    { name: 'activationBackward', arrays: [randomIn(k, e, rng, 4), randomIn(k, e, rng), randomIn(k, e, rng), randomIn(k, e, rng)], nums: [e, 0], outputs: [3] },
    { name: 'softmaxRows', arrays: [randomIn(k, m * 1001, rng, 5), randomIn(k, m * 1001, rng)], nums: [m, 1001], outputs: [1] },
    { name: 'softmaxCrossEntropyGrad', arrays: [probabilities, targets, randomIn(k, m * n, rng)], nums: [m, n, 1 / m], outputs: [2] },
    { name: 'countCorrect', arrays: [probabilities, targets], nums: [m, n], outputs: [] },
    { name: 'scale', arrays: [randomIn(k, e, rng)], nums: [e, 0.37], outputs: [0] },
    { name: 'sgdUpdate', arrays: [randomIn(k, e, rng), randomIn(k, e, rng)], nums: [e, 0.1, 1e-3], outputs: [0] },
    { name: 'momentumUpdate', arrays: [randomIn(k, e, rng), randomIn(k, e, rng), randomIn(k, e, rng)], nums: [e, 0.1, 1e-3, 0.9], outputs: [0, 2] },
    { name: 'adamUpdate', arrays: [randomIn(k, e, rng), randomIn(k, e, rng), randomIn(k, e, rng), positive(randomIn(k, e, rng, 0.5))], nums: [e, 0.01, 1e-3, 0.9, 0.999, 7], outputs: [0, 2, 3] },
  ];
}

test('every op cut in parts gives the whole call’s numbers to the bit, the helper running some of the parts', { skip: !script && 'dist/kernelWorker.js not built' }, () => {
  const base = createWasmKernels();
  const helper = new KernelHelper(script!, base.shared!);
  try {
    started(helper);
    for (const { name, arrays, nums, outputs } of calls(base, new Rng(5))) {
      const op = SPLIT_OPS[name];
      const parts = op.parts(nums);
      assert.ok(parts >= 2, `${name} at these sizes is cut (${parts} parts)`);
      // The expected numbers: the whole call on copies.
      const copies = arrays.map((a) => {
        const c = a instanceof Int32Array ? base.allocInt32(a.length) : base.alloc(a.length);
        c.set(a);
        return c;
      });
      const whole = op.run(base, copies, nums, 0, 1) ?? 0;
      // This thread holds back on its first part until the helper has run one.
      const before = helper.partsByHelper;
      const result = helper.run(
        name,
        (part) => {
          const t0 = Date.now();
          while (helper.partsByHelper === before && Date.now() - t0 < 10_000) sleep(1);
          return op.run(base, arrays, nums, part, parts);
        },
        arrays,
        nums,
        parts,
      );
      assert.ok(helper.partsByHelper > before, `${name}: the helper ran a part`);
      assert.equal(result, whole, `${name}: result`);
      for (const i of outputs) assert.deepEqual(arrays[i], copies[i], `${name}: output ${i}`);
    }
  } finally {
    helper.close();
  }
});

test('splitKernels cuts only what is worth it and lives in the shared memory: small calls and outside arrays run whole', { skip: !script && 'dist/kernelWorker.js not built' }, () => {
  const base = createWasmKernels();
  const helper = new KernelHelper(script!, base.shared!);
  try {
    const k = splitKernels(base, helper);
    started(helper);
    const rng = new Rng(2);
    const [a, b] = [randomIn(base, 8 * 8, rng), randomIn(base, 8 * 8, rng)];
    const [c, expected] = [base.alloc(64), base.alloc(64)];
    k.matmul(a, b, c, 8, 8, 8, false);
    base.matmul(a, b, expected, 8, 8, 8, false);
    assert.deepEqual(c, expected);
    const outside = new Float32Array(400 * 400).map(() => rng.uniform());
    const [out, ref] = [new Float32Array(400 * 400), new Float32Array(400 * 400)];
    k.matmul(outside, outside, out, 400, 400, 400, false);
    base.matmul(outside, outside, ref, 400, 400, 400, false);
    assert.deepEqual(out, ref);
    assert.equal(helper.partsTotal, 0, 'nothing was handed out');
  } finally {
    helper.close();
  }
});

test("an error in the helper's part is raised on the trainer's thread, and a closed helper leaves calls to this one", { skip: !script && 'dist/kernelWorker.js not built' }, () => {
  const base = createWasmKernels();
  const helper = new KernelHelper(script!, base.shared!, 2_000);
  started(helper);
  // An array that ends past the memory: the helper's view of it throws.
  const a = base.alloc(1000);
  const bad = { byteOffset: base.shared!.memory.buffer.byteLength - 16, length: 1000 } as unknown as Float32Array;
  assert.throws(
    () => helper.run('sgdUpdate', () => void sleep(500), [bad, a], [200_000, 0.1, 0], 4),
    /helper training thread failed: .*(RangeError|offset|length)/is,
  );
  helper.close();
  assert.equal(helper.available, false);
});

/** Token streams of a repeating pattern over `vocabSize` words (ids only). */
function streams(vocabSize: number, length: number): Dataset {
  const rng = new Rng(9);
  const ids = Int32Array.from({ length }, (_, i) => (i % 7 === 0 ? Math.floor(rng.uniform() * vocabSize) : (i * 31) % vocabSize));
  const pairs = (s: Int32Array) => makeSplit(s.subarray(0, s.length - 1), s.subarray(1), 1);
  const stream = { train: ids, valid: ids.subarray(0, 2000), test: ids.subarray(0, 2000) };
  return {
    name: 'streams',
    source: 'streams',
    vocab: Array.from({ length: vocabSize }, (_, i) => `w${i}`),
    context: 1,
    train: pairs(stream.train),
    valid: pairs(stream.valid),
    test: pairs(stream.test),
    stream,
  };
}

/** Weights after at least `iterations` whole iterations on 1 and on 2 threads must be the same
 *  bits (more iterations while the helper starts: until then calls run on one thread). */
function sameOnTwoThreads(dataset: Dataset, config: TrainConfig, iterations: number): void {
  const [one, two] = [1, 2].map((threads) => new Trainer(dataset, { ...config, threads: threads as 1 | 2 }, createWasmKernels()));
  try {
    assert.equal(two.threads, 2);
    for (let i = 0; !two.finished && (i < iterations || two.helperShare === 0); i++) {
      one.step();
      two.step();
    }
    for (const spec of one.specs) assert.deepEqual(two.params[spec.name].data, one.params[spec.name].data, spec.name);
    assert.equal(two.model.loss, one.model.loss);
    assert.ok(two.helperShare > 0, `the helper took parts (share ${two.helperShare})`);
  } finally {
    one.close();
    two.close();
  }
}

const recurrent: TrainConfig = { ...DEFAULT_CONFIG, embeddingDim: 32, hiddenUnits: 64, optimizer: 'sgd', lr: 1, clip: 0.25, batchSize: 20, bptt: 12, epochs: 1 };

for (const model of ['lstm', 'rnn'] as const) {
  test(`${model}, token streams at V = 1500: two threads train to the bits of one`, { skip: !script && 'dist/kernelWorker.js not built' }, () => {
    sameOnTwoThreads(streams(1500, 20 * 12 * 30), { ...recurrent, model }, 25);
  });
}

test('the MLP with clipping (phase by phase) and Adam at V = 2000: two threads train to the bits of one', { skip: !script && 'dist/kernelWorker.js not built' }, () => {
  sameOnTwoThreads(toyDataset(2000, 3000), { ...DEFAULT_CONFIG, hiddenUnits: 64, clip: 1, batchSize: 100 }, 25);
});
