// Time travel: a rewound and replayed run equals the original to the bit — parameters, gradients,
// activations, optimizer state, loss, cursor, epoch records — across epoch boundaries, with every
// optimizer, on the JS kernels and on WASM with two threads; and the memory budget holds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, OPTIMIZERS, TrainConfig } from '../../src/engine/config';
import { allowRelaxedSimd } from '../../src/engine/backend';
import { jsKernels, Kernels } from '../../src/engine/kernels';
import { TimeTravel } from '../../src/engine/timeTravel/timeTravel';
import { Position, TrainerState } from '../../src/engine/timeTravel/trainerState';
import { Trainer } from '../../src/engine/trainer';
import { createWasmKernels } from '../../src/engine/wasmKernels';
import { toyDataset } from './fixtures';

allowRelaxedSimd();
// 600 examples in batches of 37: 17 batches an epoch, the last of 8 rows.
const small: TrainConfig = { ...DEFAULT_CONFIG, embeddingDim: 5, hiddenUnits: 12, batchSize: 37, epochs: 4, threads: 1 };
const OPTIONS = { budgetBytes: 64 * 2 ** 20, every: 10, maxEvery: 1024, recent: 3 };

/** The bytes of every array of a state and its scalars, for bit-for-bit comparison. */
function fingerprint(s: TrainerState): { bytes: Buffer[]; scalars: unknown } {
  const bytes = s.arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  const { arrays: _arrays, order, epochs, ...scalars } = s;
  // Wall time differs between runs; everything else must not.
  const sums = s.sums.filter((_, i) => i !== 3);
  const records = epochs.map(({ seconds: _seconds, ...rest }) => rest);
  return { bytes: [...bytes, Buffer.from(order.buffer, order.byteOffset, order.byteLength)], scalars: { ...scalars, sums, records } };
}

function assertSame(actual: TrainerState, expected: TrainerState, what: string): void {
  const a = fingerprint(actual);
  const e = fingerprint(expected);
  assert.deepEqual(a.scalars, e.scalars, `${what}: cursor, sums, loss, optimizer step and lr, epoch records`);
  a.bytes.forEach((b, i) => assert.ok(b.equals(e.bytes[i]), `${what}: array ${i} differs`));
}

/** Trains `iterations` whole iterations with time travel watching; keeps the state after each. */
function trainWithTravel(config: TrainConfig, kernels: Kernels, iterations: number, travel = new TimeTravel(OPTIONS)) {
  const trainer = new Trainer(toyDataset(), config, kernels);
  const states: TrainerState[] = [trainer.saveState()];
  travel.observe(trainer, undefined, false);
  for (let i = 0; i < iterations; i++) {
    const p = trainer.step();
    travel.observe(trainer, p.iteration!.loss, false);
    states.push(trainer.saveState());
  }
  return { trainer, travel, states };
}

for (const optimizer of OPTIMIZERS) {
  test(`${optimizer}: rewinding to any earlier iteration and replaying gives the original bits, across epoch boundaries`, () => {
    const config = { ...small, optimizer, lr: optimizer === 'adam' ? 0.01 : 0.5, weightDecay: 1e-3 };
    // 45 iterations: two epoch ends (after 17 and 34), the lr decayed twice, the order reshuffled.
    const { trainer, travel, states } = trainWithTravel(config, jsKernels, 45);
    const present = trainer.saveState();
    for (const steps of [33, 34, 35, 17, 3, 0, 44, 20]) {
      travel.seek(trainer, { steps, phase: 0, sub: 0 });
      assertSame(trainer.saveState(), states[steps], `rewound to step ${steps}`);
    }
    travel.seek(trainer, travel.presentPosition);
    assertSame(trainer.saveState(), present, 'back to the present');
    assert.equal(trainer.epochs.length, 2);
  });
}

test('a position inside an iteration is reached exactly: the tensors a phase has not run yet hold the last iteration’s values', () => {
  const config = { ...small, optimizer: 'momentum' as const, lr: 0.3 };
  const { trainer, travel } = trainWithTravel(config, jsKernels, 30);
  // The reference steps sub-step by sub-step from scratch to the same place.
  const reference = new Trainer(toyDataset(), config, jsKernels);
  const target: Position = { steps: 18, phase: 7, sub: 1 };
  while (reference.steps < target.steps || reference.phaseIndex < target.phase || reference.subIndex < target.sub) reference.stepSub();
  travel.seek(trainer, target);
  assertSame(trainer.saveState(), reference.saveState(), 'step 18, phase 7, sub-step 1');
  // One phase back, then forward again by sub-steps: the same bits both ways.
  travel.seek(trainer, { steps: 18, phase: 6, sub: 0 });
  reference.stepSub();
  travel.seek(trainer, { steps: 18, phase: 7, sub: 2 });
  assertSame(trainer.saveState(), reference.saveState(), 'after a step back and two sub-steps forward');
});

test('WASM kernels on two threads: rewinding across an epoch end and replaying on two threads gives the original bits', () => {
  const kernels = createWasmKernels(undefined, { instructions: 'relaxed' });
  const { trainer, travel, states } = trainWithTravel({ ...small, threads: 2, optimizer: 'adam', lr: 0.01 }, kernels, 40);
  assert.equal(trainer.threads, 2, 'two threads need the shared WASM memory and dist/shardWorker.js');
  const present = trainer.saveState();
  travel.seek(trainer, { steps: 15, phase: 0, sub: 0 });
  assertSame(trainer.saveState(), states[15], 'rewound to step 15');
  travel.seek(trainer, travel.presentPosition);
  assertSame(trainer.saveState(), present, 'back to the present');
  trainer.close();
});

test('the memory budget is respected: checkpoints thin out, then the oldest go, and the earliest reachable step says so', () => {
  const probe = new Trainer(toyDataset(), small, jsKernels).saveState();
  const one = probe.arrays.reduce((s, a) => s + a.byteLength, 0) + probe.order.byteLength;
  // Room for about six states: 120 iterations at every 10 would need 13.
  const travel = new TimeTravel({ budgetBytes: one * 6 + 8 * 1024, every: 10, maxEvery: 20, recent: 2 });
  const { trainer } = trainWithTravel({ ...small, epochs: 10 }, jsKernels, 120, travel);
  const status = travel.status();
  assert.ok(status.bytes <= status.budgetBytes, `${status.bytes} bytes held within ${status.budgetBytes}`);
  assert.equal(status.every, 20, 'thinned once, to the widest spacing allowed');
  assert.ok(status.earliest! > 0, `the oldest checkpoints were dropped (earliest ${status.earliest})`);
  assert.throws(() => travel.seek(trainer, { steps: 0, phase: 0, sub: 0 }), /too far back: the earliest kept is step/);
  assert.throws(() => travel.seek(trainer, { steps: 121, phase: 0, sub: 0 }), /beyond the present/);
});

test('a branch drops the future: the present becomes the rewound point, and a changed run keeps its new checkpoints', () => {
  const { trainer, travel } = trainWithTravel({ ...small, optimizer: 'sgd', lr: 0.5 }, jsKernels, 40);
  // Mid-iteration: the change applies from this iteration's update on.
  travel.seek(trainer, { steps: 25, phase: 3, sub: 0 });
  trainer.optimizer.lr = 0.05;
  travel.branch(trainer);
  assert.deepEqual(travel.presentPosition, { steps: 25, phase: 3, sub: 0 });
  trainer.step();
  travel.observe(trainer, trainer.model.loss, false);
  const branched: TrainerState[] = [];
  for (let i = 0; i < 10; i++) {
    const p = trainer.step();
    travel.observe(trainer, p.iteration!.loss, false);
    branched.push(trainer.saveState());
  }
  // Back before the branch point, then to a step after it: replayed from the branch's own state,
  // with the changed learning rate, not from an older checkpoint that does not know of it.
  travel.seek(trainer, { steps: 5, phase: 0, sub: 0 });
  travel.seek(trainer, { steps: 31, phase: 0, sub: 0 });
  assertSame(trainer.saveState(), branched[4], 'step 31 of the branch');
  assert.deepEqual(travel.lossesBetween(30, 31), [branched[4].loss]);
});

test('every schedule replays to the bit, reduce-on-plateau and a changed learning rate included: the schedule is part of the state', () => {
  for (const schedule of ['plateau', 'cosine', 'step'] as const) {
    // Patience 1 and a high rate: the plateau's reduction fires within the 4 epochs.
    const config = { ...small, schedule, lr: 2, lrDecay: 0.5, lrPatience: 1, lrStep: 1, warmupSteps: 5 };
    const { trainer, travel, states } = trainWithTravel(config, jsKernels, 60);
    for (const steps of [59, 40, 35, 18, 2]) {
      travel.seek(trainer, { steps, phase: 0, sub: 0 });
      assertSame(trainer.saveState(), states[steps], `${schedule}: rewound to step ${steps}`);
    }
  }
  // A rate changed mid-run holds from then on (the schedule goes on from it), and a state saved
  // before the change brings the old one back.
  const trainer = new Trainer(toyDataset(), { ...small, schedule: 'exponential', lr: 0.5 }, jsKernels);
  for (let i = 0; i < 3; i++) trainer.step();
  const before = trainer.saveState();
  trainer.setLearningRate(0.05);
  for (let i = 0; i < 20; i++) trainer.step();
  // Past the epoch end at 17 the rate decayed once, from the changed one.
  assert.ok(Math.abs(trainer.optimizer.lr - 0.05 * small.lrDecay) < 1e-12, `lr ${trainer.optimizer.lr}`);
  trainer.restoreState(before);
  for (let i = 0; i < 20; i++) trainer.step();
  assert.ok(Math.abs(trainer.optimizer.lr - 0.5 * small.lrDecay) < 1e-12, `lr ${trainer.optimizer.lr}`);
});

test('a rate set where cosine reached 0 trains at that rate from then on, and time travel keeps it', () => {
  const trainer = new Trainer(toyDataset(), { ...small, schedule: 'cosine', lrMin: 0, epochs: 1 }, jsKernels);
  while (!trainer.finished) trainer.step();
  assert.equal(trainer.optimizer.lr, 0);
  const before = trainer.saveState();
  trainer.setLearningRate(0.02);
  trainer.finished = false;
  const weights = Float32Array.from(trainer.params.W2.data);
  for (let i = 0; i < 10; i++) trainer.step();
  assert.equal(trainer.optimizer.lr, 0.02);
  assert.ok(trainer.params.W2.data.some((w, i) => w !== weights[i]), 'the weights moved');
  const after = trainer.saveState();
  trainer.restoreState(before);
  assert.equal(trainer.optimizer.lr, 0);
  trainer.restoreState(after);
  assert.equal(trainer.optimizer.lr, 0.02);
});
