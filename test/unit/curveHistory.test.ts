// The curves through the path the dashboard's data takes: the worker's per-snapshot buckets, the
// extension host's whole-run history, the webview's state (live, opened late, and restored from its
// saved state) and the chart specs and band outline drawn from them. After a long run the first
// steps must still be drawn, with their true envelope; short last batches must not pull the
// smoothed accuracy up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsKernels } from '../../src/engine/kernels';
import { BucketSeries } from '../../src/extension/bucketSeries';
import type { Snapshot, TensorStats } from '../../src/extension/protocol';
import { RunHistory, STEP_BUCKETS, stepValues } from '../../src/extension/runHistory';
import { accuracyChartSpec } from '../../webview/charts/accuracyChart';
import type { LineChartSpec } from '../../webview/charts/lineChart';
import { lossChartSpec } from '../../webview/charts/lossChart';
import { gradNormChartSpec } from '../../webview/charts/normCharts';
import { bucketBand } from '../../webview/series';
import { applyMessage, DashboardState, emptyState, fromPersisted, toPersisted } from '../../webview/state';
import { SessionCore } from '../../src/extension/worker/sessionCore';

/** The demo corpus's run description, as the worker gives it. */
function runInfo() {
  return new SessionCore(() => undefined, () => jsKernels, () => undefined).handle({ kind: 'load', dataset: { path: 'demo' }, config: { hiddenUnits: 8 } });
}

const norm = (name: string, value: number): TensorStats => ({ name, shape: [1], mean: 0, std: 0, min: 0, max: 0, norm: value, nan: 0, inf: 0 });

interface Batch {
  loss: number;
  acc: number;
  examples: number;
}

/**
 * Trains a pretend run: `batch(step)` gives each mini-batch; the worker buckets them and snapshots
 * every `perSnapshot` steps; the host keeps the history; a live dashboard gets the snapshots two by
 * two (the panel's outbox merges them), one opened at `lateAt` gets the host's history first.
 */
function run(steps: number, perSnapshot: number, lateAt: number, batch: (step: number) => Batch) {
  const worker = new BucketSeries(STEP_BUCKETS);
  const host = new RunHistory();
  const info = runInfo();
  const live = emptyState();
  applyMessage(live, { type: 'run', runId: 'r', info, epochs: [], history: host.toData() });
  let late: DashboardState | undefined;
  let outbox: Snapshot | undefined;
  for (let step = 1; step <= steps; step++) {
    const b = batch(step);
    worker.add(step, stepValues(b), b.examples);
    if (step % perSnapshot !== 0 && step !== steps) continue;
    const snapshot: Snapshot = {
      state: step === steps ? 'paused' : 'running',
      cursor: { epoch: 0, batch: 0, phase: 0, sub: 0, steps: step },
      lr: 0.005,
      steps: worker.take(),
      params: [norm('W1', 1 + step / steps)],
      grads: [norm('dW1', 1 / Math.sqrt(step))],
      hidden: { edges: [0, 1], counts: [1], saturated: 0.1, deadUnits: 0, units: 8 },
      examplesPerSecond: 1,
    };
    host.addSnapshot(snapshot);
    outbox = outbox ? { ...snapshot, steps: [...outbox.steps, ...snapshot.steps] } : snapshot;
    if ((step / perSnapshot) % 2 === 0 || step === steps) {
      applyMessage(live, { type: 'snapshot', snapshot: outbox });
      if (late) applyMessage(late, { type: 'snapshot', snapshot: outbox });
      outbox = undefined;
    }
    if (step === lateAt) {
      late = emptyState();
      applyMessage(late, { type: 'run', runId: 'r', info, epochs: [], history: host.toData() });
    }
  }
  return { host, live, late: late!, restored: fromPersisted(JSON.parse(JSON.stringify(toPersisted(live)))) };
}

/** The band a chart `width` pixels wide draws, on its linear or log step axis. */
function drawnBand(spec: LineChartSpec, width: number) {
  const b = spec.series[0].buckets!;
  const xMax = Math.max(...spec.series[0].x);
  const px = spec.logX ? (s: number) => (width * Math.log10(Math.max(1, s))) / Math.log10(xMax) : (s: number) => (width * s) / xMax;
  return { band: bucketBand(b.from.map(px), b.to.map(px), b.lo, b.hi, b.single, 2)!, px };
}

test('after 200,000 steps the first steps are still drawn, with their true band, live, opened late and restored', () => {
  const losses = new Float64Array(200_001);
  const { live, late, restored } = run(200_000, 250, 150_000, (step) => {
    // Falls from ~5.5 to ~1.2, with batch noise that a thinned series would lose.
    const loss = 1.2 + 4.3 * Math.exp(-step / 3000) + 0.3 * Math.sin(step * 12.9898);
    losses[step] = loss;
    return { loss, acc: 0.3, examples: 100 };
  });
  for (const [name, state] of Object.entries({ live, late, restored })) {
    const spec = lossChartSpec(state);
    const b = spec.series[0].buckets!;
    assert.ok(b.from.length <= STEP_BUCKETS, `${name}: ${b.from.length} buckets`);
    assert.equal(b.from[0], 1, `${name}: the band starts at step 1`);
    const firstSteps = Array.from(losses.subarray(1, b.to[0] + 1));
    const digits = name === 'restored' ? 1e-3 : 0;
    assert.ok(Math.abs(b.hi[0] - Math.max(...firstSteps)) <= digits * b.hi[0], `${name}: the first bucket's greatest loss`);
    assert.ok(Math.abs(b.lo[0] - Math.min(...firstSteps)) <= digits * b.lo[0], `${name}: the first bucket's least loss`);
    assert.ok(b.to.at(-1) === 200_000, `${name}: and the last step`);
    // Drawn 600 px wide: the band's first column is at step 1 and holds the first step's loss.
    for (const logX of [false, true]) {
      state.ui.logX = logX;
      const spec = lossChartSpec(state);
      const { band, px } = drawnBand(spec, 600);
      // On the log axis the first steps come one by one (not in the saved state: its few cells are
      // wider than its first steps, and it is only the first paint before the run is sent again).
      if (logX && name !== 'restored') assert.equal(spec.series[0].buckets!.to[0], 1, `${name}: log x: the first bucket is step 1 alone`);
      assert.equal(band.x[0], px(1), `${name}, log x ${logX}: the band begins at step 1`);
      assert.ok(band.hi[0] >= losses[1] * (1 - digits) && band.lo[0] <= losses[1] * (1 + digits), `${name}, log x ${logX}: step 1's loss is in the first column`);
      const smoothedLine = lossChartSpec(state).series[1];
      assert.ok(smoothedLine.x[0] <= b.to[0] && Number.isFinite(smoothedLine.y[0]), `${name}: the smoothed line starts in the first bucket`);
    }
    // The gradient norms from the first snapshot on.
    const grads = gradNormChartSpec(state).series[0];
    assert.ok(grads.x[0] <= 250 * 256, `${name}: gradient norms start at step ${grads.x[0]}`);
  }
  assert.ok(JSON.stringify(toPersisted(live)).length < 100_000, 'the saved state stays small');
});

test('the last mini-batch of an epoch, with 3 examples, does not pull the smoothed accuracy up', () => {
  // 100 examples at 30 % per batch; every 10th batch is an epoch's last, 3 examples all right.
  const partial = (step: number) => step % 10 === 0;
  const { live, host } = run(1000, 25, 500, (step) => (partial(step) ? { loss: 0.1, acc: 1, examples: 3 } : { loss: 3, acc: 0.3, examples: 100 }));
  const smoothedAcc = accuracyChartSpec(live).series[1].y;
  assert.ok(Math.max(...smoothedAcc) < 0.305, `smoothed accuracy peaks at ${Math.max(...smoothedAcc)}`);
  // Nor the band of the full batches (its own bucket is left out of it), while a bucket's mean is
  // the accuracy over its examples.
  const band = accuracyChartSpec(live).series[0].buckets!;
  assert.deepEqual([Math.min(...band.lo), Math.max(...band.hi)], [0.3, 0.3]);
  const wide = new RunHistory(host.toData(), 8);
  const first = wide.steps.buckets[0];
  const partials = Array.from({ length: first.to }, (_, i) => i + 1).filter(partial).length;
  const examples = partials * 3 + (first.to - partials) * 100;
  assert.equal(first.weight, examples);
  assert.deepEqual([first.min[1], first.max[1]], [0.3, 0.3], 'wide buckets: the band of the full batches');
  assert.ok(Math.abs(first.sum[1] / first.weight - (partials * 3 + (first.to - partials) * 30) / examples) < 1e-12);
});
