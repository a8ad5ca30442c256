// Evaluate Model on Dataset in the worker: one chunk per time slice, with progress, other requests
// answered between chunks, and a cancel that ends it; the numbers are the one-piece report's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDataset } from '../../src/engine/data/load';
import { Evaluator } from '../../src/engine/evaluate';
import { jsKernels } from '../../src/engine/kernels';
import { evaluationReport } from '../../src/engine/report';
import type { WorkerEvent } from '../../src/extension/protocol';
import { SessionCore } from '../../src/extension/worker/sessionCore';

/** A core whose slices run one at a time when the test says so. */
function harness() {
  const events: WorkerEvent[] = [];
  const queue: (() => void)[] = [];
  const core = new SessionCore((e) => events.push(e), () => jsKernels, (fn) => queue.push(fn));
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config: { epochs: 1, hiddenUnits: 16, batchSize: 50 } });
  core.handle({ kind: 'step', unit: 'iteration' });
  while (queue.length) queue.shift()!();
  const progress = (id: number) =>
    events.filter((e): e is Extract<WorkerEvent, { kind: 'progress' }> => e.kind === 'progress' && e.request === id).map(({ done, total }) => ({ done, total }));
  const slice = () => queue.shift()!();
  return { core, queue, slice, progress };
}

const train = loadDataset('demo').train;

test('the demo corpus is large enough for an evaluation in several chunks', () => {
  assert.ok(train.n > 2000, `train has ${train.n} examples`);
});

test('an evaluation runs a chunk per slice, answers other requests between them, and equals the one-piece report', async () => {
  const { core, queue, slice, progress } = harness();
  const reply = core.handle({ kind: 'evaluateDataset', dataset: { path: 'demo' }, split: 'train' }, 7);
  slice();
  assert.deepEqual(progress(7), [{ done: 1000, total: train.n }]);
  // Between chunks the worker answers as usual.
  assert.equal(core.handle({ kind: 'tensor', name: 'W1' }).name, 'W1');
  assert.equal(core.handle({ kind: 'pause' }), null);
  assert.equal(core.handle({ kind: 'status' }).cursor.steps, 1);
  while (queue.length) slice();
  const report = await reply;

  const steps = progress(7);
  assert.equal(steps.length, Math.ceil(train.n / 1000));
  assert.ok(steps.every((s, i) => s.total === train.n && s.done > (i ? steps[i - 1].done : 0)));
  assert.equal(steps.at(-1)!.done, train.n);

  const trainer = core.currentTrainer!;
  const whole = evaluationReport(trainer.shape, trainer.params, loadDataset('demo'), 'train', jsKernels);
  assert.deepEqual(report, whole);
  // The report's single pass gives the headline numbers of the evaluator's own, exactly.
  const headline = new Evaluator(trainer.shape, trainer.params, jsKernels).evaluate(train);
  assert.deepEqual({ n: report.n, ce: report.ce, acc: report.acc, top5: report.top5, perplexity: report.perplexity }, headline);
});

test('a cancel ends the evaluation at its next slice with a clear error', async () => {
  const { core, queue, slice, progress } = harness();
  const reply = core.handle({ kind: 'evaluateDataset', dataset: { path: 'demo' }, split: 'train' }, 3);
  slice();
  slice();
  assert.equal(core.handle({ kind: 'cancel', request: 3 }), null);
  while (queue.length) slice();
  await assert.rejects(reply, /^Error: the evaluation was cancelled$/);
  assert.deepEqual(progress(3).map((p) => p.done), [1000, 2000]);
  // A cancel of a request that is no longer running changes nothing.
  assert.equal(core.handle({ kind: 'cancel', request: 3 }), null);
});
