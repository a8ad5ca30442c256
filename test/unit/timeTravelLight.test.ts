// Light checkpoints (what a run in VS Code uses): every checkpoint but the first keeps no gradients and no
// activation buffers, which the next iteration writes before it reads them. At a large vocabulary
// they are about half a state; a rewind must still give the original bits, the tensors a light
// checkpoint does not keep included (a rewind to its own step replays the iteration before it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, OPTIMIZERS, TrainConfig } from '../../src/engine/config';
import { jsKernels } from '../../src/engine/kernels';
import { DEFAULT_TIME_TRAVEL, TimeTravel } from '../../src/engine/timeTravel/timeTravel';
import { stateBytes, TrainerState } from '../../src/engine/timeTravel/trainerState';
import { Trainer } from '../../src/engine/trainer';
import { toyDataset } from './fixtures';

// V = 3000: the output layer and its activations dominate a state, as at V = 8000.
const V = 3000;
const config: TrainConfig = { ...DEFAULT_CONFIG, embeddingDim: 4, hiddenUnits: 8, batchSize: 50, epochs: 3, threads: 1 };

function bits(s: TrainerState): Buffer[] {
  return [...s.arrays, s.order].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
}

for (const optimizer of OPTIMIZERS) {
  test(`${optimizer}, V = ${V}: light checkpoints rewind to every step with the original bits, gradients and activations included`, () => {
    const dataset = toyDataset(V, 400, 5);
    const trainer = new Trainer(dataset, { ...config, optimizer }, jsKernels);
    const travel = new TimeTravel({ ...DEFAULT_TIME_TRAVEL, every: 5, lightCheckpoints: true });
    const states: TrainerState[] = [trainer.saveState()];
    travel.observe(trainer, undefined, false);
    for (let i = 0; i < 20; i++) {
      const p = trainer.step();
      travel.observe(trainer, p.iteration!.loss, false);
      states.push(trainer.saveState());
    }
    for (const steps of [20, 15, 10, 11, 5, 0, 14, 19, 1]) {
      travel.seek(trainer, { steps, phase: 0, sub: 0 });
      const now = trainer.saveState();
      assert.equal(now.loss, states[steps].loss, `step ${steps}: loss`);
      bits(now).forEach((b, i) => assert.ok(b.equals(bits(states[steps])[i]), `rewound to step ${steps}: array ${i} differs`));
    }
  });
}

test(`V = ${V}: a light checkpoint holds well under two thirds of a full state, and the budget counts it as it is`, () => {
  const trainer = new Trainer(toyDataset(V, 400, 5), config, jsKernels);
  trainer.step();
  const full = stateBytes(trainer.saveState());
  const light = trainer.saveState(undefined, undefined, true);
  assert.equal(light.light, true);
  assert.ok(stateBytes(light) < (full * 2) / 3, `light ${stateBytes(light)} bytes against full ${full}`);
  const travel = new TimeTravel({ ...DEFAULT_TIME_TRAVEL, every: 1, lightCheckpoints: true });
  travel.observe(trainer, undefined, false);
  const before = travel.bytes;
  trainer.step();
  travel.observe(trainer, 1, false);
  assert.equal(travel.bytes - before, stateBytes(light), 'a second checkpoint adds a light state');
});

test('a light state is refused inside an iteration', () => {
  const trainer = new Trainer(toyDataset(), config, jsKernels);
  trainer.stepSub();
  assert.throws(() => trainer.saveState(undefined, undefined, true), /iteration start only/);
});

test('stepping phase by phase, checkpoints are full (an instant step back); running on, light', () => {
  const trainer = new Trainer(toyDataset(V, 400, 5), config, jsKernels);
  const travel = new TimeTravel({ ...DEFAULT_TIME_TRAVEL, every: 2, lightCheckpoints: true });
  travel.observe(trainer, undefined, true);
  trainer.step();
  travel.observe(trainer, 1, true);
  const before = travel.bytes;
  trainer.step();
  travel.observe(trainer, 1, true);
  const full = stateBytes(trainer.saveState());
  assert.equal(travel.bytes - before, full, 'a full checkpoint at step 2');
  trainer.step();
  travel.observe(trainer, 1, false);
  trainer.step();
  const middle = travel.bytes;
  travel.observe(trainer, 1, false);
  assert.equal(travel.bytes - middle, stateBytes(trainer.saveState(undefined, undefined, true)), 'a light checkpoint at step 4');
});
