// The recurrent models: their backward phases against float64 finite differences (full and
// truncated BPTT), the iteration they declare, training on the demo corpus, gradient clipping,
// and model files that record their kind.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { clipGradNorm } from '../../src/engine/clipping';
import { DEFAULT_CONFIG, MODEL_KINDS, resolveConfig, TrainConfig } from '../../src/engine/config';
import { loadDataset } from '../../src/engine/data/load';
import { gradientCheck } from '../../src/engine/gradcheck';
import { Predictor } from '../../src/engine/inference';
import { jsKernels } from '../../src/engine/kernels';
import { decodeModel, encodeModel } from '../../src/engine/modelfile/modelFile';
import { runModelFile, writeModelFile } from '../../src/engine/modelfile/runModelFile';
import { InputError } from '../../src/engine/errors';
import { openRun } from '../../src/extension/worker/loadedRun';
import { MODEL_KINDS as REGISTERED } from '../../src/engine/models';
import { Trainer } from '../../src/engine/trainer';
import { createWasmKernels } from '../../src/engine/wasmKernels';
import { toyDataset } from './fixtures';

const RECURRENT = ['rnn', 'lstm'] as const;

test('the settings offer exactly the registered model kinds', () => {
  assert.deepEqual([...REGISTERED], [...MODEL_KINDS]);
});

for (const kind of RECURRENT) {
  for (const bptt of [0, 2, 1]) {
    test(`${kind}: float64 gradient check < 1e-6 with ${bptt ? `BPTT truncated to ${bptt} of 4 steps` : 'full BPTT'}`, () => {
      const r = gradientCheck({ kind, bptt });
      for (const [name, p] of Object.entries(r.params)) assert.ok(p.maxRelError < 1e-6, `${name}: ${p.maxRelError}`);
      assert.ok(r.maxRelError < 1e-6);
    });
  }

  test(`${kind}: the phases show the truncation, and its steps before the window are constants`, () => {
    const trainer = new Trainer(toyDataset(), { ...DEFAULT_CONFIG, model: kind, bptt: 2, embeddingDim: 3, hiddenUnits: 4 }, jsKernels);
    const names = trainer.phases.map((p) => p.name);
    assert.deepEqual(
      names.filter((n) => /^(step|bptt)\d/.test(n)),
      ['step1', 'step2', 'step3', 'bptt3', 'bptt2'],
      'one forward phase per time step, one backward phase per step of the window, last first',
    );
    const step1 = trainer.phases.find((p) => p.name === 'step1')!;
    assert.ok(step1.subSteps.every((s) => s.constant), 'step 1 lies before the window');
    assert.match(step1.math, /before the BPTT window/);
    assert.match(trainer.phases.find((p) => p.name === 'bptt2')!.math, /H1(, C1)? held constant/);
    assert.match(trainer.phases.find((p) => p.name === 'dW1')!.math, /t = 2…3/);
  });
}

test('rnn: Variables see H_t for every time step; the hidden tensor is the last one', () => {
  const trainer = new Trainer(toyDataset(), { ...DEFAULT_CONFIG, model: 'rnn', embeddingDim: 3, hiddenUnits: 4 }, jsKernels);
  trainer.step();
  const names = trainer.model.activations().map((a) => a.name);
  for (const t of [1, 2, 3]) for (const n of [`X${t}`, `A${t}`, `H${t}`, `dH${t}`, `dA${t}`, `dX${t}`]) assert.ok(names.includes(n), n);
  assert.equal(trainer.model.hidden?.tensor, 'H3');
  const h2 = trainer.model.activations().find((a) => a.name === 'H2')!;
  assert.deepEqual(h2.shape, [trainer.model.n, 4]);
  assert.ok(h2.data.some((v) => v !== 0));
  assert.deepEqual(trainer.model.wordAxes().Why, [1]);
});

test('lstm: Variables see C_t and the gates I_t, F_t, G_t, O_t for every time step', () => {
  const trainer = new Trainer(toyDataset(), { ...DEFAULT_CONFIG, model: 'lstm', embeddingDim: 3, hiddenUnits: 4 }, jsKernels);
  trainer.step();
  const byName = new Map(trainer.model.activations().map((a) => [a.name, a]));
  for (const t of [1, 2, 3]) {
    for (const n of [`X${t}`, `A${t}`, `I${t}`, `F${t}`, `G${t}`, `O${t}`, `C${t}`, `H${t}`, `dH${t}`, `dC${t}`, `dA${t}`, `dX${t}`]) assert.ok(byName.has(n), n);
    assert.deepEqual(byName.get(`A${t}`)!.shape, [trainer.model.n, 16], 'four gates of 4 units');
    const f = byName.get(`F${t}`)!.data;
    assert.ok(f.every((v) => v > 0 && v < 1), 'a gate is a sigmoid');
  }
  const step2 = trainer.phases.find((p) => p.name === 'step2')!;
  assert.deepEqual(step2.writes, ['X2', 'A2', 'I2', 'F2', 'G2', 'O2', 'C2', 'H2']);
  assert.ok(step2.reads.includes('C1') && step2.reads.includes('H1'));
});

for (const model of RECURRENT) {
  test(`${model}: training on the demo corpus lowers the loss; the WASM kernels give the JS kernels' numbers`, () => {
    const config = resolveConfig({ model, embeddingDim: 16, hiddenUnits: 32, epochs: 1, batchSize: 100 });
    const demo = loadDataset('demo');
    const [js, wasm] = [new Trainer(demo, config, jsKernels), new Trainer(demo, config, createWasmKernels())];
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [a, b] = [js.step().iteration!.loss, wasm.step().iteration!.loss];
      assert.ok(Math.abs(a - b) < 1e-4, `step ${i + 1}: JS ${a} vs WASM ${b}`);
      losses.push(b);
    }
    const first = losses[0];
    const epoch = wasm.runEpoch();
    assert.ok(epoch.trainCe < first - 1, `train CE ${epoch.trainCe} after starting at ${first}`);
    assert.ok(epoch.valid.ce < first - 1.5, `valid CE ${epoch.valid.ce}`);
  });
}

test('rnn: stepping sub-step by sub-step gives the whole iteration to the bit', () => {
  const config: TrainConfig = { ...DEFAULT_CONFIG, model: 'rnn', embeddingDim: 4, hiddenUnits: 6, batchSize: 40, bptt: 2 };
  const [a, b] = [new Trainer(toyDataset(), config, jsKernels), new Trainer(toyDataset(), config, jsKernels)];
  for (let i = 0; i < 5; i++) {
    const whole = a.step().iteration!;
    let p = b.stepSub();
    while (!p.iteration) p = b.stepSub();
    assert.equal(p.iteration.loss, whole.loss);
  }
  for (const { name } of a.specs) assert.deepEqual(b.params[name].data, a.params[name].data, name);
});

test('clipping scales the gradients to the limit by their total norm, and leaves small ones', () => {
  const g = [Float32Array.from([3, 0]), Float32Array.from([0, 4])];
  assert.equal(clipGradNorm(jsKernels, g, 1), 5);
  const norm = Math.hypot(...g.flatMap((x) => [...x]));
  assert.ok(Math.abs(norm - 1) < 1e-5, `${norm}`);
  const small = [Float32Array.from([0.3, 0.4])];
  clipGradNorm(jsKernels, small, 1);
  assert.deepEqual([...small[0]], [Math.fround(0.3), Math.fround(0.4)]);
});

for (const model of ['mlp', 'rnn'] as const) {
  test(`${model}: --clip runs an update phase that clips first, and keeps training finite at a huge learning rate`, () => {
    const config = resolveConfig({ model, clip: 0.5, optimizer: 'sgd', lr: 5, embeddingDim: 4, hiddenUnits: 8, batchSize: 30, epochs: 1 });
    const trainer = new Trainer(toyDataset(), config, jsKernels);
    const update = trainer.phases.at(-1)!;
    assert.match(update.subSteps[0].label, /clip/);
    assert.match(update.math, /min\(1, 0\.5\/‖dθ‖\)/);
    // After the clip sub-step the gradients' total norm is at most the limit.
    while (trainer.phaseIndex !== trainer.phases.length - 1) trainer.stepSub();
    trainer.stepSub();
    const total = Math.hypot(...trainer.specs.flatMap(({ name }) => [...trainer.model.grads[name].data]));
    assert.ok(total <= 0.5 + 1e-5, `‖dθ‖ = ${total}`);
    const e = trainer.runEpoch();
    assert.ok(Number.isFinite(e.trainCe));
  });
}

test('an RNN model file records its kind, loads back, predicts, and its parameters by name', () => {
  const trainer = new Trainer(loadDataset('demo'), resolveConfig({ model: 'rnn', embeddingDim: 4, hiddenUnits: 8, epochs: 1 }), jsKernels);
  for (let i = 0; i < 20; i++) trainer.step();
  const saved = runModelFile(trainer);
  assert.equal(saved.meta.kind, 'rnn');
  const back = decodeModel(encodeModel(saved), 'rnn.safetensors');
  assert.deepEqual(Object.keys(back.params), ['W1', 'Wxh', 'Whh', 'bh', 'Why', 'by']);
  const predictor = new Predictor(trainer.shape, back.params, back.meta.vocab);
  const top = predictor.topK('we went to', 3);
  assert.equal(top.length, 3);
  assert.deepEqual(
    top.map((w) => w.word),
    new Predictor(trainer.shape, trainer.params, trainer.dataset.vocab).topK('we went to', 3).map((w) => w.word),
  );
});

test('loading an RNN file into an MLP run, or an MLP file into an RNN run, is an error naming the file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-rnn-'));
  const rnnFile = path.join(dir, 'rnn.safetensors');
  const trainer = new Trainer(loadDataset('demo'), resolveConfig({ model: 'rnn', embeddingDim: 4, hiddenUnits: 8 }), jsKernels);
  writeModelFile(rnnFile, 'safetensors', runModelFile(trainer));
  const mlpFile = path.join(__dirname, '..', '..', '..', 'test', 'unit', 'data', 'mlp-before-kinds.safetensors');
  const open = (file: string, model?: 'mlp' | 'rnn') => openRun({ path: 'demo' }, model ? { model } : {}, file, () => jsKernels, undefined, (spec) => loadDataset(spec.path, spec.corpus));
  for (const [file, model, says] of [[rnnFile, 'mlp', /holds an RNN model but this run trains an MLP/], [mlpFile, 'rnn', /holds an MLP model but this run trains an RNN/]] as const) {
    assert.throws(
      () => open(file, model),
      (e: unknown) => e instanceof InputError && e.file === file && says.test(e.message),
    );
  }
  // Unless a kind is asked for, the file says which model the run trains.
  const run = open(rnnFile);
  assert.equal(run.trainer.model.kind, 'rnn');
  assert.deepEqual(run.trainer.params.Whh.data, trainer.params.Whh.data);
  assert.equal(open(rnnFile, 'rnn').trainer.shape.kind, 'rnn');
  fs.rmSync(dir, { recursive: true });
});
