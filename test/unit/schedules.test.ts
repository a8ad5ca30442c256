// Learning-rate schedules: each one's rates at known positions, the floor, warm-up, reduce on
// plateau from validation CE, and the trainer using them (the rate each step record reports).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, resolveConfig, TrainConfig } from '../../src/engine/config';
import { describeSchedule, LrSchedule, ScheduleSettings } from '../../src/engine/schedules';
import { Trainer } from '../../src/engine/trainer';
import { toyDataset } from './fixtures';

const base: ScheduleSettings = { ...DEFAULT_CONFIG, lr: 0.1, lrDecay: 0.5, lrMin: 0, warmupSteps: 0, epochs: 10 };
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} ≠ ${b}`);

test('exponential multiplies by lrDecay after every epoch, the same bits as repeated multiplication', () => {
  const s = new LrSchedule({ ...base, schedule: 'exponential', lrDecay: 0.75, lr: 0.005 }, 10);
  let expected = 0.005;
  for (let epoch = 0; epoch < 30; epoch++) {
    assert.equal(s.lrAt(epoch, 0), expected, `epoch ${epoch}`);
    assert.equal(s.lrAt(epoch, 9), expected, 'constant within an epoch');
    expected *= 0.75;
  }
});

test('step decay multiplies every lrStep epochs and stops at the floor', () => {
  const s = new LrSchedule({ ...base, schedule: 'step', lrStep: 3, lrMin: 0.02 }, 5);
  assert.deepEqual(
    [0, 1, 2, 3, 5, 6, 8, 9, 20].map((e) => s.lrAt(e, 2)),
    [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02],
  );
});

test('the floor applies to the exponential schedule too', () => {
  const s = new LrSchedule({ ...base, schedule: 'exponential', lrMin: 0.01 }, 1);
  assert.equal(s.lrAt(3, 0), 0.0125);
  assert.equal(s.lrAt(4, 0), 0.01);
  assert.equal(s.lrAt(200, 0), 0.01, 'no 1e-21 learning rate after many epochs');
});

test('cosine goes from lr to lrMin over the configured epochs, per iteration', () => {
  const s = new LrSchedule({ ...base, schedule: 'cosine', lr: 0.1, lrMin: 0.001, epochs: 4 }, 10);
  assert.equal(s.lrAt(0, 0), 0.1);
  close(s.lrAt(2, 0), (0.1 + 0.001) / 2, 'half way');
  close(s.lrAt(1, 0), 0.001 + 0.099 * 0.5 * (1 + Math.cos(Math.PI / 4)), 'a quarter');
  assert.ok(s.lrAt(0, 5) < s.lrAt(0, 4), 'falls within an epoch');
  close(s.lrAt(3, 9), 0.001 + 0.099 * 0.5 * (1 + Math.cos((Math.PI * 39) / 40)), 'last iteration');
  assert.equal(s.lrAt(4, 0), 0.001, 'an epoch beyond the configured ones stays at lrMin');
  assert.equal(s.lrAt(9, 3), 0.001);
});

test('reduce on plateau multiplies after lrPatience epochs without a lower validation CE', () => {
  const s = new LrSchedule({ ...base, schedule: 'plateau', lrPatience: 2, lrMin: 0.02 }, 4);
  const seen: number[] = [];
  for (const ce of [3, 2.5, 2.6, 2.5, 2.4, 2.45, 2.41, 2.42, 2.43, 2.44, 2.45, 2.46]) {
    seen.push(s.lrAt(seen.length, 0));
    s.endEpoch(ce);
  }
  seen.push(s.lrAt(seen.length, 0));
  // 2.6 and 2.5 are not below the best 2.5 → halved; 2.4 is a new best, 2.45 and 2.41 are not →
  // halved; two more → 0.0125, which the floor holds at 0.02.
  assert.deepEqual(seen, [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02, 0.02, 0.02]);
  const noValidation = new LrSchedule({ ...base, schedule: 'plateau', lrPatience: 1 }, 4);
  for (let e = 0; e < 5; e++) noValidation.endEpoch(NaN);
  assert.equal(noValidation.lrAt(5, 0), 0.1, 'without a validation split the rate stays');
});

test('warm-up ramps linearly to the schedule over warmupSteps iterations, across epochs', () => {
  const s = new LrSchedule({ ...base, schedule: 'cosine', lr: 0.1, lrMin: 0, epochs: 10, warmupSteps: 8 }, 5);
  close(s.lrAt(0, 0), 0.1 * (1 / 8) * 0.5 * (1 + Math.cos(0)), 'first step');
  const cosineAt = (step: number) => 0.05 * (1 + Math.cos((Math.PI * step) / 50));
  for (let step = 0; step < 12; step++) {
    const want = step < 8 ? (cosineAt(step) * (step + 1)) / 8 : cosineAt(step);
    close(s.lrAt(Math.floor(step / 5), step % 5), want, `step ${step}`);
  }
});

test('the settings name the schedules and check their bounds', () => {
  assert.equal(resolveConfig({ schedule: 'cosine' }).schedule, 'cosine');
  assert.throws(() => resolveConfig({ schedule: 'linear' }), /schedule must be one of exponential, step, cosine, plateau/);
  assert.throws(() => resolveConfig({ lrStep: 0 }), /lrStep must be between 1 and/);
  assert.throws(() => resolveConfig({ warmupSteps: 1.5 }), /warmupSteps must be a whole number/);
  assert.equal(describeSchedule({ ...base, schedule: 'step', lrStep: 5, lrMin: 1e-4, warmupSteps: 100 }), '×0.5 every 5 epochs, floor 0.0001, warm-up 100 steps');
});

test('the trainer trains each iteration at its schedule rate, one thread or sub-steps alike', () => {
  const config: TrainConfig = { ...DEFAULT_CONFIG, embeddingDim: 5, hiddenUnits: 12, batchSize: 32, epochs: 3, schedule: 'cosine', lr: 0.05, lrMin: 0.001, warmupSteps: 3, threads: 1 };
  const ds = toyDataset();
  const t = new Trainer(ds, config);
  const expected = new LrSchedule(config, t.batchesPerEpoch);
  const rates: number[] = [];
  while (!t.finished) rates.push(t.step().iteration!.lr);
  assert.equal(rates.length, 3 * t.batchesPerEpoch);
  rates.forEach((lr, i) => assert.equal(lr, expected.lrAt(Math.floor(i / t.batchesPerEpoch), i % t.batchesPerEpoch), `iteration ${i + 1}`));
  // Stepping phase by phase trains at the same rates to the same weights.
  const stepped = new Trainer(ds, config);
  while (!stepped.finished) stepped.stepPhase();
  for (const name of Object.keys(t.params)) assert.deepEqual(stepped.params[name].data, t.params[name].data, name);
});
