// Exercise checks on a loaded run (NLM: Check Exercise): the checker runs on the run's own
// parameters and mini-batch at its current iteration and leaves the run as it was; the worker's
// request does the same, or checks on a fresh run when none is loaded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, TrainConfig } from '../../src/engine/config';
import { checkOnTrainer } from '../../src/engine/exercise/checker';
import { newExercise } from '../../src/engine/exercise/exerciseFile';
import { jsKernels } from '../../src/engine/kernels';
import { Trainer } from '../../src/engine/trainer';
import { Bucket, bucketMean } from '../../src/extension/bucketSeries';
import type { WorkerEvent } from '../../src/extension/protocol';
import { LOSS, RunHistory } from '../../src/extension/runHistory';
import { SessionCore } from '../../src/extension/worker/sessionCore';
import { toyDataset } from './fixtures';

const DATA = toyDataset(20, 300);
const CONFIG: TrainConfig = { ...DEFAULT_CONFIG, embeddingDim: 4, hiddenUnits: 6, batchSize: 25, lr: 0.5, threads: 1 };
const SOLVED = newExercise({ model: 'mlp', activation: 'sigmoid' }, 'none');

function withLine(text: string, name: string, expression: string): string {
  return text.replace(new RegExp(`^${name} = .*$`, 'm'), `${name} = ${expression}`);
}

function snapshot(t: Trainer): string {
  return JSON.stringify([t.epoch, t.batch, t.phaseIndex, t.subIndex, t.steps, ...Object.values(t.params).map((p) => Array.from(p.data))]);
}

/** Two identical runs after `steps` iterations (and `phases` phases into the next). */
function twins(steps: number, phases = 0): [Trainer, Trainer] {
  const make = () => {
    const t = new Trainer(DATA, CONFIG, jsKernels);
    for (let i = 0; i < steps; i++) t.step();
    for (let i = 0; i < phases; i++) t.stepPhase();
    return t;
  };
  return [make(), make()];
}

test('the check runs on the run’s own iteration: the loss it compares with is the one the run computes next', () => {
  for (const phases of [0, 7]) {
    const [checked, twin] = twins(4, phases);
    const lossPhase = twin.phases.findIndex((p) => p.name === 'loss');
    while (twin.phaseIndex <= lossPhase) twin.stepPhase();
    const loss = twin.model.loss;
    const before = snapshot(checked);
    const right = checkOnTrainer(withLine(SOLVED, 'loss', loss.toPrecision(17)), checked).find((v) => v.name === 'loss')!;
    assert.equal(right.verdict, 'correct', `${phases} phases in: ${right.message}`);
    const off = checkOnTrainer(withLine(SOLVED, 'loss', (loss * 1.01).toPrecision(17)), checked).find((v) => v.name === 'loss')!;
    assert.equal(off.verdict, 'wrong');
    assert.equal(snapshot(checked), before, 'the run is left as it was');
  }
});

test('on a run, the solved file is correct everywhere; a mistake is wrong with a difference grid', () => {
  const [run] = twins(3, 8);
  assert.ok(checkOnTrainer(SOLVED, run).every((v) => v.verdict === 'correct'));
  const [dZ2] = checkOnTrainer(withLine(SOLVED, 'dZ2', '(onehot(y, V) - P) / N'), run).filter((v) => v.name === 'dZ2');
  assert.equal(dZ2.verdict, 'wrong');
  assert.match(dZ2.hint!, /wrong sign/);
  const grid = dZ2.difference!;
  assert.equal(grid.values.length, grid.rows * grid.cols);
  assert.ok(grid.rows * grid.rowsPerCell >= 25 && grid.cols * grid.colsPerCell >= 20);
  assert.ok(Math.max(...grid.values) === dZ2.maxAbsDiff, 'the grid’s largest cell is the largest difference');
});

test('a file for another activation is checked with its own activation on the run’s parameters', () => {
  const [run] = twins(2);
  const tanh = newExercise({ model: 'mlp', activation: 'tanh' }, 'none');
  assert.ok(checkOnTrainer(tanh, run).every((v) => v.verdict === 'correct'));
});

test('the worker’s checkExercise request: on the loaded run where it stopped, else on a fresh run; a bad header is an error verdict', () => {
  const queue: (() => void)[] = [];
  const core = new SessionCore(() => undefined, () => jsKernels, (fn) => queue.push(fn));
  const fresh = { dataset: { path: 'demo' }, config: { hiddenUnits: 16, batchSize: 50 } };
  const none = core.handle({ kind: 'checkExercise', text: SOLVED, fresh });
  assert.match(none.at, /fresh run .* demo, after 3 warm-up iterations/);
  assert.ok(none.verdicts.every((v) => v.verdict === 'correct'));

  core.handle({ kind: 'load', dataset: { path: 'demo' }, config: { epochs: 1, hiddenUnits: 32, batchSize: 50 } });
  core.handle({ kind: 'setBreakpoints', breakpoints: [{ id: 1, phase: 'dW3' }] });
  core.handle({ kind: 'run' });
  for (let i = 0; i < 1000 && queue.length; i++) queue.shift()!();
  const cursor = core.cursor;
  const report = core.handle({ kind: 'checkExercise', text: withLine(SOLVED, 'dW3', 'dZ2.T @ H'), fresh });
  assert.match(report.at, /^iteration 1 \(epoch 1, batch 1 of \d+\), before phase dW3, of the loaded run$/);
  const dW3 = report.verdicts.find((v) => v.name === 'dW3')!;
  assert.equal(dW3.verdict, 'error');
  assert.match(dW3.hint!, /transposed\?/);
  assert.deepEqual(core.cursor, cursor);

  const bad = core.handle({ kind: 'checkExercise', text: '# nlm exercise: model nope, activation sigmoid\n', fresh });
  assert.deepEqual(bad.verdicts.map((v) => [v.line, v.verdict]), [[1, 'error']]);
  assert.match(bad.verdicts[0].message, /unknown model nope/);
});

test('the worker’s trainWithExercise request trains the engine’s backward beside the student’s: snapshots carry both runs’ mini-batches', () => {
  const queue: (() => void)[] = [];
  const events: WorkerEvent[] = [];
  const core = new SessionCore((e) => events.push(e), () => jsKernels, (fn) => queue.push(fn));
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config: { epochs: 1, hiddenUnits: 16, batchSize: 50 } });
  assert.deepEqual(core.handle({ kind: 'trainWithExercise', text: withLine(SOLVED, 'dZ2', '(onehot(y, V) - P) / N') }).replaced, ['dZ2', 'dW3', 'dH', 'dZ1', 'dW2', 'dE', 'dW1']);
  core.handle({ kind: 'run' });
  for (let i = 0; i < 40 && queue.length; i++) queue.shift()!();
  core.handle({ kind: 'pause' });
  for (let i = 0; i < 100 && queue.length; i++) queue.shift()!();
  const history = new RunHistory();
  for (const e of events) if (e.kind === 'snapshot') history.addSnapshot(e.snapshot);
  const steps = history.steps.buckets;
  const correct = history.correct.buckets;
  assert.ok(steps.length > 5, `${steps.length} steps trained`);
  assert.deepEqual(correct.map((b) => [b.from, b.to]), steps.map((b) => [b.from, b.to]), 'one correct iteration for each of the student’s');
  const last = (buckets: readonly Bucket[]) => bucketMean(buckets[buckets.length - 1], LOSS);
  assert.ok(last(steps) > last(correct), `the wrong sign's loss ${last(steps)} is above the correct run's ${last(correct)}`);
  assert.ok(bucketMean(correct[correct.length - 1], LOSS) < bucketMean(correct[0], LOSS), 'the correct run learns');
});
