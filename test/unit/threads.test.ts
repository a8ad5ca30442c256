// Whole iterations (the split iteration, on one thread or two) against the phases stepped one at a
// time, on both backends; the helper thread's life: it ends with training, and a failed or dead
// helper is an error, never a hang.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { DEFAULT_CONFIG, OPTIMIZERS, TrainConfig } from '../../src/engine/config';
import { allowRelaxedSimd } from '../../src/engine/backend';
import { HelperThread, locateShardWorker } from '../../src/engine/helperThread';
import { jsKernels, Kernels } from '../../src/engine/kernels';
import { PARAM_NAMES } from '../../src/engine/models/mlp/params';
import { SplitIteration } from '../../src/engine/models/mlp/splitIteration';
import { ROW_NEXT, SyncBlock } from '../../src/engine/syncBlock';
import { Trainer } from '../../src/engine/trainer';
import { createWasmKernels } from '../../src/engine/wasmKernels';
import { toyDataset } from './fixtures';

const small: TrainConfig = { ...DEFAULT_CONFIG, embeddingDim: 5, hiddenUnits: 12, batchSize: 37, epochs: 3 };

type Mode = 'step, 1 thread' | 'step, 2 threads' | 'stepPhase' | 'stepSub';
const MODES: readonly Mode[] = ['step, 1 thread', 'step, 2 threads', 'stepPhase', 'stepSub'];

/** Trains `iterations` mini-batches in one of the ways; returns the trainer and each iteration's loss and accuracy. */
function train(mode: Mode, config: TrainConfig, kernels: Kernels, iterations: number) {
  const trainer = new Trainer(toyDataset(), { ...config, threads: mode === 'step, 2 threads' ? 2 : 1 }, kernels);
  const losses: number[] = [];
  const accs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    let p = mode === 'stepPhase' ? trainer.stepPhase() : mode === 'stepSub' ? trainer.stepSub() : trainer.step();
    while (!p.iteration) p = mode === 'stepPhase' ? trainer.stepPhase() : trainer.stepSub();
    losses.push(p.iteration.loss);
    accs.push(p.iteration.acc);
  }
  return { trainer, losses, accs };
}

allowRelaxedSimd();
const BACKENDS: Record<string, () => Kernels> = {
  'wasm simd': () => createWasmKernels(undefined, { instructions: 'simd' }),
  'wasm relaxed-simd': () => createWasmKernels(undefined, { instructions: 'relaxed' }),
  js: () => jsKernels,
};

for (const [backend, kernels] of Object.entries(BACKENDS)) {
  for (const optimizer of OPTIMIZERS) {
    test(`${backend} kernels, ${optimizer}: step() on 1 or 2 threads, stepPhase() and stepSub() give bit-identical weights, losses and accuracies`, () => {
      const config = { ...small, optimizer, lr: optimizer === 'adam' ? 0.01 : 0.5, weightDecay: 1e-3 };
      // 40 iterations of 37 cross two epochs (17 batches each, the last of 8 rows): the lr decays
      // and the order is reshuffled on the way.
      const runs = MODES.map((mode) => ({ mode, ...train(mode, config, kernels(), 40) }));
      const [reference] = runs;
      assert.equal(runs[1].trainer.threads, backend === 'js' ? 1 : 2, 'two threads need the shared WASM memory');
      for (const run of runs.slice(1)) {
        for (const name of PARAM_NAMES) assert.deepEqual(run.trainer.params[name].data, reference.trainer.params[name].data, `${run.mode}: ${name}`);
        assert.deepEqual(run.losses, reference.losses, `${run.mode}: losses`);
        assert.deepEqual(run.accs, reference.accs, `${run.mode}: accuracies`);
        run.trainer.close();
      }
    });
  }
}

test("tasks the helper thread computes give the same numbers (the trainer's thread held back so that it takes them)", () => {
  const config = { ...small, optimizer: 'adam' as const };
  const one = train('step, 1 thread', config, createWasmKernels(), 4).trainer;
  // Only this thread's SplitIteration is patched: the helper runs its own copy of the module.
  const proto = SplitIteration.prototype;
  const { forwardBackward, gradientsAndUpdate } = proto;
  const pause = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  proto.forwardBackward = function (task, n) {
    pause();
    forwardBackward.call(this, task, n);
  };
  proto.gradientsAndUpdate = function (task, n, lr, t) {
    pause();
    gradientsAndUpdate.call(this, task, n, lr, t);
  };
  try {
    const two = train('step, 2 threads', config, createWasmKernels(), 4).trainer;
    assert.ok(two.helperShare > 0.5, `the helper took ${(100 * two.helperShare).toFixed(0)} % of the tasks of a thread that pauses 20 ms before each`);
    for (const name of PARAM_NAMES) assert.deepEqual(two.params[name].data, one.params[name].data, name);
    two.close();
  } finally {
    proto.forwardBackward = forwardBackward;
    proto.gradientsAndUpdate = gradientsAndUpdate;
  }
});

test('batches of 1 to 9 rows (empty row blocks, blocks off the 4-row tiles) train identically on 1 and 2 threads', () => {
  for (let batchSize = 1; batchSize <= 9; batchSize++) {
    const config = { ...small, batchSize };
    const one = train('step, 1 thread', config, createWasmKernels(), 12).trainer;
    const two = train('step, 2 threads', config, createWasmKernels(), 12).trainer;
    const phases = train('stepPhase', config, createWasmKernels(), 12).trainer;
    for (const name of PARAM_NAMES) {
      assert.deepEqual(two.params[name].data, one.params[name].data, `batch ${batchSize}: ${name}, 2 threads`);
      assert.deepEqual(phases.params[name].data, one.params[name].data, `batch ${batchSize}: ${name}, stepPhase`);
    }
    two.close();
  }
});

test('stepping into an iteration and finishing it with step() matches whole iterations', () => {
  const config = { ...small, epochs: 1 };
  const whole = train('step, 2 threads', config, createWasmKernels(), 6).trainer;
  const mixed = new Trainer(toyDataset(), config, createWasmKernels());
  for (let i = 0; i < 6; i++) {
    for (let s = 0; s < i % 4; s++) mixed.stepPhase();
    mixed.step();
  }
  for (const name of PARAM_NAMES) assert.deepEqual(mixed.params[name].data, whole.params[name].data, name);
  whole.close();
  mixed.close();
});

test('the helper thread ends with training; closing early leaves training on one thread', () => {
  const t = new Trainer(toyDataset(), { ...small, epochs: 1 }, createWasmKernels());
  assert.equal(t.threads, 2);
  t.run();
  assert.equal(t.threads, 1, 'finished training closed the helper');
  const u = new Trainer(toyDataset(), small, createWasmKernels());
  u.step();
  u.close();
  assert.equal(u.threads, 1);
  const p = u.step();
  assert.ok(Number.isFinite(p.iteration!.loss));
});

test('the CLI training on two threads exits by itself', () => {
  const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'train', '--epochs', '1', '--threads', '2', '--json', '--no-record'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.error, undefined, 'the CLI did not exit within 60 s');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 1);
});

/** A helper script in a temporary folder. */
function script(name: string, source: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-helper-')), name);
  fs.writeFileSync(file, source);
  return file;
}

function helperData() {
  const shape = { kind: 'mlp' as const, vocabSize: 20, context: 3, embeddingDim: 5, hiddenUnits: 12, activation: 'sigmoid' as const };
  return { shared: createWasmKernels(undefined, { memoryMiB: 1 }).shared!, spec: { shape, update: small }, layout: [] };
}

test('a helper that fails to start is an error naming its problem', () => {
  const worker = locateShardWorker();
  assert.ok(worker, 'shardWorker.js is built');
  // A layout pointing past the end of the memory: the helper's views fail.
  const data = { ...helperData(), layout: Array.from({ length: 40 }, (): [number, number] => [1 << 30, 4]) };
  const helper = new HelperThread(worker, data, 10_000);
  assert.throws(() => helper.run(slowSplit, 10, 0.01, 1), /helper training thread failed: RangeError/);
  assert.throws(() => helper.ready, /helper training thread failed: RangeError/);
  helper.close();
});

test('a helper is not waited for while it starts: ready turns true by itself, or an error after the timeout', () => {
  const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const helper = new HelperThread(idleHelper(), helperData(), 10_000);
  assert.equal(helper.ready, false, 'a worker cannot have started within microseconds');
  for (let i = 0; i < 200 && !helper.ready; i++) sleep(50);
  assert.equal(helper.ready, true);
  helper.close();
  const silent = new HelperThread(script('silent.js', 'process.exit(0);\n'), helperData(), 200);
  sleep(300);
  assert.throws(() => silent.ready, /did not start within/);
  silent.close();
});

test('a trainer runs its first iterations on one thread while the helper starts, with the same numbers', () => {
  const one = train('step, 1 thread', small, createWasmKernels(), 3).trainer;
  const two = new Trainer(toyDataset(), { ...small, threads: 2 }, createWasmKernels());
  for (let i = 0; i < 3; i++) two.step();
  assert.equal(two.helperShare, 0, 'no task went to a helper that had not started');
  for (const name of PARAM_NAMES) assert.deepEqual(two.params[name].data, one.params[name].data, name);
  two.close();
});

/** A helper script that gets ready and then claims nothing. */
function idleHelper(): string {
  return script(
    'idle.js',
    `const { workerData } = require('node:worker_threads');
const { READY, STATUS, SyncBlock } = require(${JSON.stringify(SYNC_BLOCK)});
new SyncBlock(workerData.sync).signal(STATUS, READY);
setInterval(() => undefined, 1000);
`,
  );
}

/** A split iteration whose tasks report their number as the loss; row task 0 takes 200 ms, so
 *  that a helper script claims the next one while the trainer's thread is in it. */
const slowSplit = {
  gradientTaskCount: 2,
  lossSums: new Float64Array(4),
  corrects: new Float64Array(4),
  forwardBackward(this: { lossSums: Float64Array; corrects: Float64Array }, task: number) {
    if (task === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    this.lossSums[task] = 2 ** task;
    this.corrects[task] = 1;
  },
  gradientsAndUpdate: () => undefined,
} as unknown as SplitIteration;

const SYNC_BLOCK = path.resolve(__dirname, '..', '..', 'src', 'engine', 'syncBlock.js');

/** A helper script that gets ready, claims a row task of the first iteration, then does `then`. */
function claimer(name: string, then: string): string {
  return script(
    name,
    `const { workerData } = require('node:worker_threads');
const { GO, READY, ROW_NEXT, STATUS, SyncBlock } = require(${JSON.stringify(SYNC_BLOCK)});
const sync = new SyncBlock(workerData.sync);
sync.signal(STATUS, READY);
sync.waitFor(GO, 1, 0, 10000, 'be asked');
if (sync.claim(ROW_NEXT, 1, 4) < 0) throw new Error('no task to claim');
${then}
`,
  );
}

test('a helper that dies without a word is a timeout error, not a hang', () => {
  const silent = script('silent.js', 'process.exit(0);\n');
  const never = new HelperThread(silent, helperData(), 500);
  assert.throws(() => never.run(slowSplit, 10, 0.01, 1), /did not start within/);
  never.close();
  const helper = new HelperThread(claimer('quitter.js', 'process.exit(0);'), helperData(), 500);
  assert.throws(() => helper.run(slowSplit, 10, 0.01, 1), /did not finish its rows within/);
  helper.close();
});

test("an error in the helper's task is raised on the trainer's thread", () => {
  const helper = new HelperThread(claimer('thrower.js', "sync.fail(new Error('boom'));"), helperData(), 10_000);
  assert.throws(() => helper.run(slowSplit, 10, 0.01, 1), /helper training thread failed: Error: boom/);
  helper.close();
});

test("tasks the helper does not claim are done by the trainer's thread, without waiting", () => {
  const helper = new HelperThread(idleHelper(), helperData(), 10_000);
  const t0 = performance.now();
  const result = helper.run(slowSplit, 10, 0.01, 1);
  assert.deepEqual(result, { lossSum: 1 + 2 + 4 + 8, correct: 4 }, 'every row block ran once');
  assert.ok(performance.now() - t0 < 2000, 'no wait for the idle helper');
  assert.equal(helper.tasksByHelper, 0);
  helper.close();
});

test('a claim slot hands each task of an iteration out once, and none to a thread still on an older iteration', () => {
  const sync = new SyncBlock();
  sync.openClaims(ROW_NEXT, 7);
  assert.deepEqual([0, 1, 2].map(() => sync.claim(ROW_NEXT, 7, 2)), [0, 1, -1]);
  sync.openClaims(ROW_NEXT, 8);
  assert.equal(sync.claim(ROW_NEXT, 7, 2), -1, 'a claim for iteration 7 once 8 is open');
  assert.equal(sync.claim(ROW_NEXT, 8, 2), 0);
  // The stamp keeps 23 bits of the iteration: 2^23 iterations apart share one, nothing nearer.
  sync.openClaims(ROW_NEXT, 2 ** 23 + 5);
  assert.equal(sync.claim(ROW_NEXT, 2 ** 23 + 4, 2), -1);
  assert.equal(sync.claim(ROW_NEXT, 2 ** 23 + 5, 2), 0);
});
