// The debugger's exception filters, one by one, on a real run: each fires on what it watches, with
// a message naming the tensor, and stays quiet otherwise (and when it is off).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoDataset } from '../../src/engine/data/demo';
import { jsKernels } from '../../src/engine/kernels';
import { resolveConfig } from '../../src/engine/config';
import { Progress, Trainer } from '../../src/engine/trainer';
import type { EpochRecord } from '../../src/engine/trainer';
import { exceptionAfter, watchesEveryPhase } from '../../src/extension/worker/stopPolicy';
import { TrainerExpressions } from '../../src/extension/worker/trainerExpressions';
import { Predictor } from '../../src/engine/inference';

function run(activation = 'tanh') {
  const dataset = demoDataset();
  const t = new Trainer(dataset, resolveConfig({ epochs: 3, hiddenUnits: 16, embeddingDim: 8, batchSize: 50, activation }), jsKernels);
  const expressions = new TrainerExpressions(t, new Predictor(t.shape, t.params, dataset.vocab, jsKernels));
  const tensor = (name: string) => expressions.tensor(name);
  return { t, tensor };
}

/** Steps phase by phase until `phase` has run; its progress. */
function after(t: Trainer, phase: string): Progress {
  for (;;) {
    const p = t.stepPhase();
    if (p.phase.name === phase) return p;
  }
}

test('only the NaN/Inf and saturation filters need to look after every phase', () => {
  assert.equal(watchesEveryPhase({}), false);
  assert.equal(watchesEveryPhase({ explodingNorm: 10, vanishingNorm: 1e-6, validLossUp: true }), false);
  assert.equal(watchesEveryPhase({ nan: true }), true);
  assert.equal(watchesEveryPhase({ saturation: 0.9 }), true);
});

test('NaN/Inf: a NaN or an Inf in a tensor the phase wrote stops the run, naming it', () => {
  const { t, tensor } = run();
  const p = after(t, t.phases[0].name);
  assert.equal(exceptionAfter({ nan: true }, p, t, tensor), undefined);
  const [written] = p.phase.writes.filter((name) => tensor(name));
  assert.ok(written, 'the first phase writes a tensor');
  const data = tensor(written)!.data;
  data[0] = NaN;
  data[1] = Infinity;
  assert.equal(exceptionAfter({ nan: true }, p, t, tensor), `${written} has 1 NaN and 1 Inf values after ${p.phase.name}`);
  assert.equal(exceptionAfter({}, p, t, tensor), undefined, 'the filter is off');
});

test('NaN/Inf: a non-finite loss stops the run after the loss phase', () => {
  const { t, tensor } = run();
  const p = after(t, 'loss');
  assert.equal(exceptionAfter({ nan: true }, p, t, tensor), undefined);
  t.model.loss = Infinity;
  assert.equal(exceptionAfter({ nan: true }, p, t, tensor), 'loss is Infinity');
});

test('exploding gradient: the first gradient whose norm is above the threshold, after an iteration', () => {
  const { t, tensor } = run();
  const p = t.step();
  assert.ok(p.iteration);
  const first = t.specs[0].name;
  assert.match(exceptionAfter({ explodingNorm: 1e-12 }, p, t, tensor) ?? '', new RegExp(`^exploding gradient: ‖d${first}‖ = \\S+ > 1e-12$`));
  assert.equal(exceptionAfter({ explodingNorm: 1e12 }, p, t, tensor), undefined);
  // Mid-iteration the gradients are not complete: no norm filter looks.
  const mid = after(t, t.phases[0].name);
  assert.equal(mid.iteration, undefined);
  assert.equal(exceptionAfter({ explodingNorm: 1e-12 }, mid, t, tensor), undefined);
});

test('vanishing gradient: only the gradients the model watches, below the threshold', () => {
  const { t, tensor } = run();
  const p = t.step();
  const watched = t.specs.filter((s) => s.watchVanishing).map((s) => s.name);
  const unwatched = t.specs.filter((s) => !s.watchVanishing).map((s) => s.name);
  assert.ok(watched.length > 0 && unwatched.length > 0, 'the MLP watches some gradients and not others');
  for (const name of watched) t.model.grads[name].data.fill(1);
  for (const name of unwatched) t.model.grads[name].data.fill(0);
  assert.equal(exceptionAfter({ vanishingNorm: 1e-3 }, p, t, tensor), undefined, 'a zero unwatched gradient does not fire');
  const last = watched.at(-1)!;
  t.model.grads[last].data.fill(0);
  assert.equal(exceptionAfter({ vanishingNorm: 1e-3 }, p, t, tensor), `vanishing gradient: ‖d${last}‖ = 0.000e+0 < 0.001`);
});

test('saturation: the hidden activation the model declares, after the phase that writes it', () => {
  const { t, tensor } = run('tanh');
  const hidden = t.model.hidden!;
  const writer = t.phases.find((ph) => ph.writes.includes(hidden.tensor))!;
  const p = after(t, writer.name);
  const H = tensor(hidden.tensor)!.data;
  H.fill(0);
  assert.equal(exceptionAfter({ saturation: 0.5 }, p, t, tensor), undefined);
  H.fill(0.999);
  assert.equal(exceptionAfter({ saturation: 0.5 }, p, t, tensor), 'hidden layer saturation 100.0 % > 50.0 %');
  // After another phase the hidden layer is not looked at.
  const next = after(t, t.phases[t.phases.indexOf(writer) + 1].name);
  assert.equal(exceptionAfter({ saturation: 0.5 }, next, t, tensor), undefined);
});

test('saturation: an activation that cannot saturate never fires', () => {
  const { t, tensor } = run('linear');
  const hidden = t.model.hidden!;
  const p = after(t, t.phases.find((ph) => ph.writes.includes(hidden.tensor))!.name);
  tensor(hidden.tensor)!.data.fill(1e6);
  assert.equal(exceptionAfter({ saturation: 0 }, p, t, tensor), undefined);
});

test('validation loss up: after an epoch whose validation loss is above the previous one', () => {
  const { t, tensor } = run();
  const first = t.runEpoch();
  let p = t.step();
  while (!p.epoch) p = t.step();
  const second = p.epoch;
  const withLosses = (a: number, b: number) => {
    const records: EpochRecord[] = [
      { ...first, valid: { ...first.valid, ce: a } },
      { ...second, valid: { ...second.valid, ce: b } },
    ];
    t.epochs.splice(0, t.epochs.length, ...records);
  };
  withLosses(2, 1.5);
  assert.equal(exceptionAfter({ validLossUp: true }, p, t, tensor), undefined);
  withLosses(1.5, 2);
  assert.equal(exceptionAfter({ validLossUp: true }, p, t, tensor), 'validation loss went up: 1.5000 → 2.0000');
  assert.equal(exceptionAfter({}, p, t, tensor), undefined, 'the filter is off');
  t.close();
});
