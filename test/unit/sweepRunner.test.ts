// NLM: Run Sweep's loop in the real training worker: each point is the run `nlm train` makes with
// the same settings (weights and metrics to the last bit), recorded with its sweep; a sweep
// cancelled mid-point keeps that run as "stopped", and running it again trains only what is left.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { loadModel } from '../../src/engine/modelfile/modelFile';
import { listRuns, readRun } from '../../src/engine/runs/listRuns';
import { SweepSpec } from '../../src/engine/runs/sweep';
import { SweepPlan } from '../../src/engine/runs/sweepPlan';
import { RunController } from '../../src/extension/session/runController';
import { TrainingSession } from '../../src/extension/session/trainingSession';
import { SweepRunner } from '../../src/extension/session/sweepRunner';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const WORKER = path.join(ROOT, 'dist', 'trainingWorker.js');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-sweep-worker-'));
// The same kernels in the worker and the CLI: on Node 20 the CLI turns relaxed SIMD (fused
// multiply-add) on and a worker of this process cannot, which rounds differently. In VS Code both
// have it (the extension-host test compares them there).
process.env.NLM_KERNELS = 'wasm-simd';

function controller(): RunController {
  return new RunController(new TrainingSession(WORKER));
}

test("each point trained in the worker is nlm train's run with the same settings, to the last bit", async () => {
  const runsDir = path.join(tmp, 'equal');
  const spec: SweepSpec = { data: 'demo', dataOptions: {}, grid: { hiddenUnits: [8, 12] }, fixed: { embeddingDim: 4, epochs: 1, lr: 0.01, seed: 3 }, test: true };
  const run = controller();
  try {
    const plan = new SweepPlan(spec, runsDir);
    const seen: number[] = [];
    const outcome = await new SweepRunner(run, plan).train({ onSteps: (_steps, fraction) => seen.push(fraction) });
    assert.deepEqual(outcome, { status: 'finished', finished: 2, total: 2 });
    assert.ok(seen.length > 0 && seen.every((f) => f > 0 && f <= 1), 'progress is a fraction of the sweep');
    const rows = plan.rows();
    assert.equal(rows.length, 2);
    for (const [i, row] of rows.entries()) {
      const entry = readRun(runsDir, row.id);
      assert.deepEqual(entry.config!.sweep, { id: plan.id, point: { hiddenUnits: [8, 12][i] } });
      const out = path.join(tmp, `single-${i}.safetensors`);
      const single = spawnSync(process.execPath, [CLI, 'train', '--embed', '4', '--hidden', String([8, 12][i]), '--epochs', '1', '--lr', '0.01', '--seed', '3', '--test', '--json', '--no-record', '--out', out], { encoding: 'utf8', cwd: tmp });
      assert.equal(single.status, 0, single.stderr);
      const [epoch, testLine] = single.stdout.trim().split('\n').map((l) => JSON.parse(l));
      const s = entry.summary!;
      assert.equal(s.status, 'finished');
      assert.equal(s.final!.trainCe, epoch.train_ce);
      assert.equal(s.final!.validCe, epoch.valid_ce);
      assert.equal(s.final!.validAcc, epoch.valid_acc);
      assert.deepEqual(s.test, { ce: testLine.test_ce, acc: testLine.test_acc, top5: testLine.test_top5, perplexity: testLine.test_perplexity });
      const [swept, alone] = [loadModel(path.join(entry.dir, 'model.safetensors')).params, loadModel(out).params];
      for (const name of Object.keys(alone)) assert.deepEqual(swept[name].data, alone[name].data, `${name}: the same weights`);
    }
    // Planned again, the sweep has nothing left to train.
    assert.deepEqual(new SweepPlan(spec, runsDir).todo(), []);
  } finally {
    await run.dispose();
  }
});

test('a sweep cancelled during a point keeps that run as stopped; running it again trains only what is left', async () => {
  const runsDir = path.join(tmp, 'resume');
  const spec: SweepSpec = { data: 'demo', dataOptions: {}, grid: { hiddenUnits: [8, 12, 16] }, fixed: { embeddingDim: 4, epochs: 2, batchSize: 50 }, test: false };
  const run = controller();
  try {
    const first = new SweepRunner(run, new SweepPlan(spec, runsDir));
    const started: number[] = [];
    const outcome = await first.train({
      onPoint: (_p, n) => started.push(n),
      // Cancelled as soon as the second point has trained a step.
      onSteps: (steps) => started.length === 2 && steps > 0 && first.cancel(),
    });
    assert.deepEqual(outcome, { status: 'stopped', finished: 1, total: 3 });
    assert.deepEqual(started, [1, 2], 'the third point never started');
    const runs = listRuns(runsDir);
    assert.deepEqual(runs.map((r) => r.summary?.status), ['stopped', 'finished'], 'newest first');
    const finishedId = runs[1].id;

    const resumed = new SweepRunner(run, new SweepPlan(spec, runsDir));
    assert.equal(resumed.plan.finishedCount, 1);
    const points: number[] = [];
    const again = await resumed.train({ onPoint: (_p, n) => points.push(n) });
    assert.deepEqual(again, { status: 'finished', finished: 3, total: 3 });
    assert.deepEqual(points, [2, 3], 'the finished point is not trained again');
    const rows = resumed.plan.rows();
    assert.equal(rows[0].id, finishedId);
    assert.deepEqual(rows.map((r) => r.config.hiddenUnits), [8, 12, 16]);
    assert.ok(rows.every((r) => r.summary?.status === 'finished' && r.summary.epochs === 2));
    assert.equal(listRuns(runsDir).length, 4, 'the stopped run stays in the folder');
  } finally {
    await run.dispose();
  }
});
