// makemore part 3's diagnostics: the update-to-data ratio and the gradient histograms, on a small
// known tensor, carried by the worker's snapshots for any model (the MLP and an RNN) and kept as
// a per-parameter curve in the run history.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsKernels } from '../../src/engine/kernels';
import { tensorStats } from '../../src/engine/metrics';
import type { FloatArray, Tensor } from '../../src/engine/tensor';
import { updateToDataRatio, valueHistogram } from '../../src/engine/updateDiagnostics';
import type { Snapshot, WorkerEvent } from '../../src/extension/protocol';
import { RunHistory } from '../../src/extension/runHistory';
import { SessionCore } from '../../src/extension/worker/sessionCore';

const tensorOf = (name: string, data: FloatArray): Tensor => ({ name, shape: [data.length], data });

test('the update-to-data ratio is log10(lr·σ(grad)/σ(param))', () => {
  // σ of [1, 3] is 1 (population std, as makemore's torch .std() of a big tensor); σ of [0.1, 0.3] is 0.1.
  const param = tensorStats(tensorOf('W', Float32Array.from([1, 3])));
  const grad = tensorStats(tensorOf('dW', Float64Array.from([0.1, 0.3])));
  assert.ok(Math.abs(updateToDataRatio(0.01, grad, param) - -3) < 1e-6, String(updateToDataRatio(0.01, grad, param)));
  assert.ok(Math.abs(updateToDataRatio(1, grad, param) - -1) < 1e-6);
  const flat = tensorStats(tensorOf('b', Float64Array.from([2, 2])));
  assert.ok(Number.isNaN(updateToDataRatio(0.1, grad, flat)), 'a parameter with no spread has no ratio');
  const zero = tensorStats(tensorOf('db', Float64Array.from([0, 0])));
  assert.ok(Number.isNaN(updateToDataRatio(0.1, zero, param)), 'nor has an all-zero gradient');
});

test('a histogram bins the finite values from the least to the greatest, the greatest in the last bin', () => {
  const data = Float64Array.from([-1, -0.5, 0, 0, 0.25, 1, NaN, Infinity]);
  const h = valueHistogram(data, -1, 1, 4);
  assert.deepEqual(h.edges, [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(h.counts, [1, 1, 3, 1]);
  const one = valueHistogram(Float64Array.from([0, 0, 0]), 0, 0, 3);
  assert.deepEqual(one.edges, [-0.5, -0.5 + 1 / 3, -0.5 + 2 / 3, 0.5]);
  assert.deepEqual(one.counts, [0, 3, 0], 'a constant tensor sits in the middle bin');
});

function snapshotsOf(config: Record<string, unknown>): { snapshots: Snapshot[]; core: SessionCore } {
  const events: WorkerEvent[] = [];
  const queue: (() => void)[] = [];
  const core = new SessionCore((e) => events.push(e), () => jsKernels, (fn) => queue.push(fn));
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config: { epochs: 1, ...config } });
  const before = events.length;
  core.handle({ kind: 'step', unit: 'iteration' });
  for (let i = 0; i < 100000 && queue.length; i++) queue.shift()!();
  const snapshots = events.slice(before).flatMap((e) => (e.kind === 'snapshot' ? [e.snapshot] : []));
  // Before the first update there is neither.
  const first = events.slice(0, before).flatMap((e) => (e.kind === 'snapshot' ? [e.snapshot] : []));
  for (const s of first) assert.equal(s.updateRatios, undefined);
  return { snapshots, core };
}

for (const [kind, config] of [
  ['the MLP', { hiddenUnits: 8 }],
  ['an RNN', { model: 'rnn', embeddingDim: 8, hiddenUnits: 16, batchSize: 50 }],
] as const) {
  test(`snapshots of ${kind} carry every parameter's ratio and every gradient's histogram`, () => {
    const { snapshots, core } = snapshotsOf(config);
    const s = snapshots.at(-1)!;
    const t = core.currentTrainer!;
    assert.equal(t.steps, 1);
    assert.equal(s.updateRatios!.length, t.specs.length);
    assert.equal(s.gradHistograms!.length, t.specs.length);
    t.specs.forEach(({ name }, k) => {
      const p = tensorStats(t.params[name]);
      const g = tensorStats(t.model.grads[name]);
      const expected = Math.log10((t.optimizer.lr * g.std) / p.std);
      assert.ok(Math.abs(s.updateRatios![k] - expected) < 1e-9, `${name}: ${s.updateRatios![k]} vs ${expected}`);
      assert.ok(s.updateRatios![k] > -12 && s.updateRatios![k] < 2, `${name}: a plausible ratio ${s.updateRatios![k]}`);
      const h = s.gradHistograms![k];
      assert.equal(h.name, `d${name}`);
      assert.equal(h.counts.length, 30);
      assert.equal(h.counts.reduce((a, b) => a + b, 0), t.model.grads[name].data.length, `every entry of d${name} is binned`);
      assert.equal(h.edges[0], g.min);
      assert.equal(h.edges[30], g.max);
    });
    // The run history keeps one ratio curve per parameter, as it keeps the gradient norms.
    const history = new RunHistory();
    for (const snap of snapshots) history.addSnapshot(snap);
    assert.equal(history.ratios.length, 1);
    assert.deepEqual(history.ratios.buckets[0].last, s.updateRatios);
    assert.deepEqual(new RunHistory(history.toData()).ratios.buckets[0].last, s.updateRatios, 'the history as data keeps them');
    assert.equal(history.truncated(0).ratios.length, 0, 'a branch before the step has none');
    assert.deepEqual(history.truncated(1).ratios.buckets[0].last, s.updateRatios, 'a branch at the step keeps it');
  });
}
