// Runs trained in the worker (NLM: Train, the debugger) are recorded like `nlm train`'s: the same
// files, the numbers of the engine's own run, and a stopped, replaced or failed run keeps what it
// had. The worker's logic is driven in-process, its time slices drained by the test.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { resolveConfig } from '../../src/engine/config';
import { demoDataset } from '../../src/engine/data/demo';
import { jsKernels } from '../../src/engine/kernels';
import { loadModel } from '../../src/engine/modelfile/modelFile';
import { listRuns, markRunEnded } from '../../src/engine/runs/listRuns';
import { readMetrics } from '../../src/engine/runs/readMetrics';
import { gradientNorms } from '../../src/engine/runs/gradientNorms';
import { EpochLine, RunConfig, RunSummary, StepsLine } from '../../src/engine/runs/runFiles';
import { Trainer } from '../../src/engine/trainer';
import type { WorkerEvent } from '../../src/extension/protocol';
import { SessionCore } from '../../src/extension/worker/sessionCore';

const config = { epochs: 2, embeddingDim: 6, hiddenUnits: 16, batchSize: 50, threads: 1 };

function harness() {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-worker-runs-'));
  const events: WorkerEvent[] = [];
  const queue: (() => void)[] = [];
  const core = new SessionCore((e) => events.push(e), () => jsKernels, (fn) => queue.push(fn));
  const drain = () => {
    while (queue.length) queue.shift()!();
  };
  const load = () => core.handle({ kind: 'load', dataset: { path: 'demo' }, config, record: { runsDir } });
  const records = () => events.filter((e): e is Extract<WorkerEvent, { kind: 'record' }> => e.kind === 'record');
  const read = (dir: string) => ({
    config: JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as RunConfig,
    summary: JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')) as RunSummary,
    epochs: readMetrics(dir).filter((m): m is EpochLine => m.type === 'epoch'),
  });
  return { runsDir, core, events, drain, load, records, read };
}

test('a run trained in the worker leaves the CLI run files, with the numbers of the engine', () => {
  const h = harness();
  h.load();
  assert.deepEqual(listRuns(h.runsDir), [], 'loading alone records nothing');
  h.core.handle({ kind: 'run' });
  h.drain();
  const [run] = listRuns(h.runsDir);
  assert.ok(run, 'one run recorded');
  const { config: c, summary, epochs } = h.read(run.dir);
  assert.equal(c.format, 'nlm-lab-run/1');
  assert.deepEqual(c.config, resolveConfig(config));
  assert.equal(c.dataset.path, 'demo');
  assert.match(c.dataset.hash, /^sha256:/);
  assert.equal(summary.status, 'finished');
  assert.equal(summary.epochs, 2);
  assert.equal(h.records().at(-1)!.status, 'finished');
  assert.equal(h.records().at(-1)!.dir, run.dir);
  // The same settings trained by the engine alone give the recorded numbers to the bit.
  const alone = new Trainer(demoDataset(), resolveConfig(config), jsKernels).run();
  assert.deepEqual(
    epochs.map((e) => [e.trainCe, e.validCe, e.validAcc, e.lr]),
    alone.map((e) => [e.trainCe, e.valid.ce, e.valid.acc, e.lr]),
  );
  const model = loadModel(path.join(run.dir, 'model.safetensors'));
  assert.deepEqual(model.params.W1.data, h.core.currentTrainer!.params.W1.data);
});

test('every window of steps records the gradient norms of its first step, as the engine computes them', () => {
  const h = harness();
  h.load();
  h.core.handle({ kind: 'run' });
  h.drain();
  const [run] = listRuns(h.runsDir);
  const windows = readMetrics(run.dir).filter((m): m is StepsLine => m.type === 'steps');
  const trainer = new Trainer(demoDataset(), resolveConfig(config), jsKernels);
  const names = trainer.specs.map((s) => `d${s.name}`);
  let step = 0;
  for (const w of windows) {
    while (step < w.firstStep) {
      trainer.step();
      step++;
    }
    const alone = gradientNorms(trainer);
    assert.deepEqual(Object.keys(w.gradNorms!), names);
    assert.deepEqual(w.gradNorms, alone.norms, `step ${w.firstStep}: same norms to the bit`);
    assert.equal(w.gradNorm, alone.total);
    const sumSq = Object.values(alone.norms).reduce((a, n) => a + n * n, 0);
    assert.ok(Math.abs(alone.total - Math.sqrt(sumSq)) <= 1e-12 * alone.total, 'the total is the norm of all gradients together');
    assert.ok(alone.total > 0 && Number.isFinite(alone.total));
  }
  assert.equal(windows[0].firstStep, 1);
  trainer.close();
});

test('a stopped run keeps its epochs and model, and says stopped', () => {
  const h = harness();
  h.load();
  h.core.handle({ kind: 'step', unit: 'epoch' });
  h.drain();
  h.core.handle({ kind: 'step', unit: 'iteration' });
  h.drain();
  h.core.handle({ kind: 'stop' });
  const [run] = listRuns(h.runsDir);
  const { summary, epochs } = h.read(run.dir);
  assert.equal(summary.status, 'stopped');
  assert.equal(epochs.length, 1);
  assert.equal(summary.steps, h.core.currentTrainer!.steps, 'the step after the epoch is counted');
  assert.deepEqual(loadModel(path.join(run.dir, 'model.safetensors')).params.W2.data, h.core.currentTrainer!.params.W2.data, 'the model as it stood');
});

test('a run replaced by the next one is stopped; the next one is a new record', () => {
  const h = harness();
  h.load();
  h.core.handle({ kind: 'step', unit: 'iteration' });
  h.drain();
  h.load();
  h.core.handle({ kind: 'step', unit: 'iteration' });
  h.drain();
  const runs = listRuns(h.runsDir);
  assert.equal(runs.length, 2);
  assert.deepEqual(runs.map((r) => r.summary?.status), ['running', 'stopped'], 'newest first');
});

test('a run whose training throws is failed with the error; its last epoch stays', () => {
  const h = harness();
  h.load();
  h.core.handle({ kind: 'step', unit: 'epoch' });
  h.drain();
  const t = h.core.currentTrainer!;
  t.step = () => {
    throw new Error('kernel exploded');
  };
  h.core.handle({ kind: 'run' });
  h.drain();
  const [run] = listRuns(h.runsDir);
  const { summary, epochs } = h.read(run.dir);
  assert.equal(summary.status, 'failed');
  assert.equal(summary.error, 'kernel exploded');
  assert.equal(epochs.length, 1);
  assert.ok(fs.existsSync(path.join(run.dir, 'model.safetensors')), 'the model of the last epoch');
});

test('a record left running (the worker died) is marked failed by the host, once', () => {
  const h = harness();
  h.load();
  h.core.handle({ kind: 'step', unit: 'iteration' });
  h.drain();
  const [run] = listRuns(h.runsDir);
  assert.equal(run.summary?.status, 'running');
  assert.equal(markRunEnded(run.dir, 'failed', 'the training worker stopped: out of memory'), true);
  const { summary } = h.read(run.dir);
  assert.equal(summary.status, 'failed');
  assert.equal(summary.error, 'the training worker stopped: out of memory');
  assert.equal(markRunEnded(run.dir, 'stopped', 'again'), false, 'an ended record is left alone');
});

test('a run rewound and changed (time travel) keeps its record as it was; the branch is a new record naming it', () => {
  const h = harness();
  h.load();
  const iterations = (n: number) => {
    for (let i = 0; i < n; i++) {
      h.core.handle({ kind: 'step', unit: 'iteration' });
      h.drain();
    }
  };
  iterations(40);
  h.core.handle({ kind: 'rewind', steps: 25 });
  h.drain();
  // Forward again over recorded steps: nothing is recorded twice.
  iterations(5);
  h.core.handle({ kind: 'setLearningRate', lr: 0.0007 });
  iterations(10);
  h.core.handle({ kind: 'stop' });
  h.drain();
  const runs = listRuns(h.runsDir);
  assert.equal(runs.length, 2, 'the original and its branch');
  const [branch, original] = [...runs].sort((a, b) => (h.read(a.dir).config.branchedFrom ? -1 : 1) - (h.read(b.dir).config.branchedFrom ? -1 : 1));
  const o = h.read(original.dir);
  const b = h.read(branch.dir);
  assert.equal(o.summary.status, 'stopped');
  assert.equal(o.summary.steps, 40, 'the original keeps its 40 steps, none replayed twice');
  assert.deepEqual(b.config.branchedFrom, { run: o.config.id, step: 30, lr: 0.0007 });
  assert.equal(b.summary.steps, 40, 'the branch counts its steps from the start of the run: 30 + 10');
  const stepLines = readMetrics(branch.dir).flatMap((m) => (m.type === 'steps' ? [[m.firstStep, m.lastStep]] : []));
  assert.equal(stepLines[0][0], 31, 'the branch records the steps after the branch point');
  assert.equal(stepLines.at(-1)![1], 40);
});
