import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACTIVATIONS } from '../../src/engine/activations';
import { DEFAULT_CONFIG, resolveConfig, TrainConfig } from '../../src/engine/config';
import { gradientCheck } from '../../src/engine/gradcheck';
import { jsKernels } from '../../src/engine/kernels';
import { PARAM_NAMES } from '../../src/engine/models/mlp/params';
import { Trainer } from '../../src/engine/trainer';
import { toyDataset } from './fixtures';

const small: TrainConfig = { ...DEFAULT_CONFIG, embeddingDim: 5, hiddenUnits: 12, batchSize: 32, epochs: 2 };

for (const activation of ACTIVATIONS) {
  test(`gradient check (float64, ${activation}): every parameter's relative error < 1e-6`, () => {
    const r = gradientCheck({ activation });
    for (const name of PARAM_NAMES) {
      assert.ok(r.params[name].checked > 0);
      assert.ok(r.params[name].relError < 1e-6, `${name} rel error ${r.params[name].relError}`);
    }
    assert.ok(r.maxRelError < 1e-6, `max entrywise rel error ${r.maxRelError}`);
  });
}

test('gradient check notices a wrong backward pass', () => {
  const original = jsKernels.sumRows;
  // Break db1/db2 by dropping the last row; the check must report it.
  jsKernels.sumRows = (x, out, rows, cols) => original(x, out, rows - 1, cols);
  try {
    const r = gradientCheck();
    assert.ok(r.params.b1.relError > 1e-3 && r.params.b2.relError > 1e-3);
    assert.ok(r.params.W2.relError < 1e-6);
  } finally {
    jsKernels.sumRows = original;
  }
});

test('phases are the documented ones, in order', () => {
  const t = new Trainer(toyDataset(), small);
  assert.deepEqual(
    t.phases.map((p) => p.name),
    ['embed', 'hidden', 'activation', 'output', 'softmax', 'loss', 'dZ2', 'dW3', 'dH', 'dZ1', 'dW2', 'dE', 'dW1', 'update'],
  );
  assert.equal(t.phases[0].math, 'E = [W1[x1]; W1[x2]; W1[x3]]');
  assert.equal(t.phases[0].subSteps.length, 3, 'embed steps into each context position');
  assert.equal(t.phases.at(-1)!.subSteps.length, 5, 'update steps into each parameter');
});

for (const optimizer of ['sgd', 'momentum', 'adam'] as const) {
  test(`step() and stepPhase()/stepSub() give bit-identical weights (${optimizer})`, () => {
    const cfg = { ...small, optimizer, lr: optimizer === 'adam' ? 0.01 : 0.5, weightDecay: 1e-3 };
    const a = new Trainer(toyDataset(), cfg);
    const b = new Trainer(toyDataset(), cfg);
    const c = new Trainer(toyDataset(), cfg);
    for (let i = 0; i < 25; i++) {
      a.step();
      let p = b.stepPhase();
      while (!p.iteration) p = b.stepPhase();
      let q = c.stepSub();
      while (!q.iteration) q = c.stepSub();
    }
    for (const name of PARAM_NAMES) {
      assert.deepEqual(b.params[name].data, a.params[name].data, name);
      assert.deepEqual(c.params[name].data, a.params[name].data, name);
    }
  });
}

test('same seed and config give bit-identical weights; another seed does not', () => {
  const run = (seed: number) => {
    const t = new Trainer(toyDataset(), { ...small, seed });
    t.run();
    return t.params;
  };
  const a = run(5);
  const b = run(5);
  const c = run(6);
  for (const name of PARAM_NAMES) assert.deepEqual(a[name].data, b[name].data);
  assert.notDeepEqual(a.W1.data, c.W1.data);
});

test('init: N(0, 0.01) by default, Xavier and He scale with fan-in/out, biases zero', () => {
  const std = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0) / x.length);
  const ds = toyDataset(200);
  const normal = new Trainer(ds, { ...DEFAULT_CONFIG, epochs: 1 }).params;
  assert.ok(Math.abs(std(normal.W3.data) - 0.01) < 0.001);
  assert.ok(normal.b1.data.every((v) => v === 0) && normal.b2.data.every((v) => v === 0));
  const xavier = new Trainer(ds, { ...DEFAULT_CONFIG, init: 'xavier' }).params;
  assert.ok(Math.abs(std(xavier.W2.data) - Math.sqrt(2 / (48 + 128))) < 0.01);
  const he = new Trainer(ds, { ...DEFAULT_CONFIG, init: 'he' }).params;
  assert.ok(Math.abs(std(he.W3.data) - Math.sqrt(2 / 128)) < 0.01);
});

for (const optimizer of ['sgd', 'momentum', 'adam'] as const) {
  test(`training lowers the loss (${optimizer})`, () => {
    // Xavier init: from N(0, 0.01) plain SGD needs far more than these 500 steps to leave the plateau.
    const lr = { sgd: 0.5, momentum: 0.05, adam: 0.01 }[optimizer];
    const t = new Trainer(toyDataset(12, 2000), { ...small, optimizer, lr, init: 'xavier', epochs: 8, hiddenUnits: 32 });
    const first = t.step().iteration!.loss;
    const epochs = t.run();
    assert.ok(Math.abs(first - Math.log(12)) < 0.5, `starts near ln V: ${first}`);
    const last = epochs.at(-1)!;
    assert.ok(last.trainCe < first - 0.3, `${optimizer}: ${first} → ${last.trainCe}`);
    assert.ok(last.valid.acc > 1 / 12 + 0.1, `valid acc ${last.valid.acc}`);
  });
}

test('learning rate decays per epoch; early stopping stops on a rising validation loss', () => {
  const t = new Trainer(toyDataset(), { ...small, schedule: 'exponential', lrDecay: 0.5, lr: 0.1, optimizer: 'sgd', epochs: 3 });
  const epochs = t.run();
  assert.deepEqual(
    epochs.map((e) => e.lr),
    [0.1, 0.05, 0.025],
  );
  // A learning rate this large makes validation loss stop improving at once.
  const s = new Trainer(toyDataset(), { ...small, optimizer: 'sgd', lr: 500, epochs: 50, patience: 2 });
  s.run();
  assert.ok(s.stoppedEarly && s.epochs.length < 50, `ran ${s.epochs.length} epochs`);
});

test('the last batch of an epoch is shorter and every example is seen once', () => {
  const ds = toyDataset(20, 70);
  const t = new Trainer(ds, { ...small, batchSize: 32, epochs: 1 });
  assert.equal(t.batchesPerEpoch, 3);
  const seen: number[] = [];
  const recorded: number[] = [];
  for (let i = 0; i < 3; i++) {
    t.stepSub();
    seen.push(t.model.n);
    recorded.push(t.step().iteration!.examples);
  }
  assert.deepEqual(seen, [32, 32, 6]);
  assert.deepEqual(recorded, [32, 32, 6], 'each step record counts its examples (the curves weight batches by them)');
  assert.ok(t.finished);
});

test('resolveConfig validates names, types and bounds', () => {
  assert.equal(resolveConfig({ lr: '0.5' }).lr, 0.5);
  assert.throws(() => resolveConfig({ activation: 'softplus' }), /activation must be one of sigmoid, tanh, relu, linear/);
  assert.throws(() => resolveConfig({ batchSize: 0 }), /batchSize must be between 1 and/);
  assert.throws(() => resolveConfig({ epochs: 2.5 }), /epochs must be a whole number/);
  assert.throws(() => resolveConfig({ lr: 'fast' }), /lr must be a number/);
  assert.throws(() => resolveConfig({ colour: 1 } as never), /unknown setting "colour"/);
});
