// The sweep planner `nlm sweep` and NLM: Run Sweep share: which points are still to train (a point
// is done only when the run its record names exists and finished), rows in grid order, resuming
// from the record in the runs folder, and the time left; and the sweep file made from the settings.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { resolveConfig } from '../../src/engine/config';
import { demoDataset } from '../../src/engine/data/demo';
import { loadDataset } from '../../src/engine/data/load';
import { jsKernels } from '../../src/engine/kernels';
import { deleteRun } from '../../src/engine/runs/editRuns';
import { RunRecorder } from '../../src/engine/runs/runRecorder';
import { readSweepFile, sweepPoints, SweepSpec } from '../../src/engine/runs/sweep';
import { formatDuration, iterationsPerEpoch, SweepClock, SweepPlan } from '../../src/engine/runs/sweepPlan';
import { Trainer } from '../../src/engine/trainer';
import { sweepTemplate } from '../../src/engine/runs/sweepTemplate';

const SPEC: SweepSpec = { data: 'demo', dataOptions: {}, grid: { embeddingDim: [4, 6], hiddenUnits: ['8', 12] }, fixed: { epochs: 1, seed: 3 }, test: false };
const dataset = demoDataset();

/** A recorded run of this point that ended with `status` (no training: the planner reads only its summary). */
function recordRun(runsDir: string, plan: SweepPlan, index: number, status: 'finished' | 'stopped') {
  const p = plan.points[index];
  const recorder = new RunRecorder(runsDir, { config: p.config, dataset, datasetPath: 'demo', datasetOptions: {}, kernels: 'js', sweep: { id: plan.id, point: p.settings } });
  return { id: recorder.id, summary: recorder.finish(status) };
}

test('a new sweep plans every point in grid order; its record lists them', () => {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-sweep-plan-'));
  const plan = new SweepPlan(SPEC, runsDir);
  assert.deepEqual(
    plan.todo().map((p) => plan.describe(p)),
    ['embed=4 hidden=8', 'embed=4 hidden=12', 'embed=6 hidden=8', 'embed=6 hidden=12'],
  );
  assert.equal(plan.finishedCount, 0);
  assert.deepEqual(plan.rows(), []);
  const state = JSON.parse(fs.readFileSync(path.join(runsDir, 'sweeps', plan.id, 'sweep.json'), 'utf8'));
  assert.equal(state.format, 'nlm-lab-sweep/1');
  assert.deepEqual(state.points.map((p: { settings: object }) => p.settings)[1], { embeddingDim: 4, hiddenUnits: 12 });
  assert.deepEqual(state.finished, {});
});

test('planning the same sweep again skips finished points; a stopped or deleted run is trained again', () => {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-sweep-plan-'));
  const first = new SweepPlan(SPEC, runsDir);
  const runs = [recordRun(runsDir, first, 0, 'finished'), recordRun(runsDir, first, 1, 'finished'), recordRun(runsDir, first, 3, 'finished')];
  first.finish(first.points[0], runs[0].id, runs[0].summary);
  first.finish(first.points[1], runs[1].id, runs[1].summary);
  first.finish(first.points[3], runs[2].id, runs[2].summary);
  // The third point's run was stopped: the record never names it.
  recordRun(runsDir, first, 2, 'stopped');
  assert.deepEqual(first.rows().map((r) => r.id), [runs[0].id, runs[1].id, runs[2].id], 'rows in grid order');

  // The same sweep, written otherwise ("8" for 8, the fixed settings in another order): same id.
  const again = new SweepPlan({ ...SPEC, grid: { embeddingDim: ['4', 6], hiddenUnits: [8, 12] }, fixed: { seed: 3, epochs: '1' } }, runsDir);
  assert.equal(again.id, first.id);
  assert.equal(again.finishedCount, 3);
  assert.deepEqual(again.todo().map((p) => again.describe(p)), ['embed=6 hidden=8']);
  assert.deepEqual(again.rows().map((r) => [r.id, r.summary?.status]), runs.map((r) => [r.id, 'finished']));

  // A finished run deleted from the Runs view: its point is to train again.
  deleteRun(path.join(runsDir, runs[1].id));
  const third = new SweepPlan(SPEC, runsDir);
  assert.deepEqual(third.todo().map((p) => third.describe(p)), ['embed=4 hidden=12', 'embed=6 hidden=8']);

  // Another grid is another sweep, with a record of its own.
  const other = new SweepPlan({ ...SPEC, grid: { embeddingDim: [4, 6] }, fixed: { ...SPEC.fixed, hiddenUnits: 8 } }, runsDir);
  assert.notEqual(other.id, first.id);
  assert.equal(other.todo().length, 2);
});

test('the clock counts the steps every run trains at most; time left needs a step first', () => {
  const plan = new SweepPlan(SPEC, fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-sweep-plan-')));
  const configs = plan.todo().map((p) => ({ ...p.config, batchSize: 100 }));
  const clock = new SweepClock(configs, { vocabSize: 250, context: 3, examples: 250 });
  assert.equal(clock.totalSteps, 4 * 3);
  assert.equal(clock.left(0, 0), undefined);
  assert.ok(clock.left(0, 1)! >= 0);
  clock.finishRun(3);
  assert.equal(clock.stepsSoFar(2), 5);
  assert.deepEqual([formatDuration(42.4), formatDuration(185), formatDuration(7800)], ['42 s', '3 min 5 s', '2 h 10 min']);
});

test('on a token stream the clock counts windows, as the trainer does, not tokens (issue 11)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-sweep-stream-'));
  const corpus = path.join(dir, 'corpus.txt');
  const words = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'dog', 'ran', 'far'];
  fs.writeFileSync(corpus, Array.from({ length: 400 }, (_, i) => Array.from({ length: 5 + (i % 7) }, (_, j) => words[(i * 3 + j * 7) % words.length]).join(' ')).join('\n'));
  const dataset = loadDataset(corpus, { task: 'stream' });
  const tokens = dataset.stream!.train.length;
  const configs = [
    resolveConfig({ model: 'rnn', epochs: 2, batchSize: 20, bptt: 35 }),
    resolveConfig({ model: 'lstm', epochs: 1, batchSize: 4, bptt: 10 }),
    resolveConfig({ model: 'rnn', epochs: 3, batchSize: 8 }), // no --bptt: the model's default window
  ];
  const data = { vocabSize: dataset.vocab.length, context: dataset.context, examples: dataset.train.n, streamTokens: tokens };
  const trained = configs.map((c) => c.epochs * new Trainer(dataset, c, jsKernels).batchesPerEpoch);
  assert.deepEqual(configs.map((c) => c.epochs * iterationsPerEpoch(c, data)), trained);
  const clock = new SweepClock(configs, data);
  assert.equal(clock.totalSteps, trained.reduce((a, b) => a + b, 0));
  // What the estimate counted before: the token pairs in batches, dozens of times too many.
  const byTokens = configs.reduce((sum, c) => sum + c.epochs * Math.ceil(dataset.train.n / c.batchSize), 0);
  assert.ok(byTokens > 5 * clock.totalSteps, `${byTokens} vs ${clock.totalSteps}`);
  // An n-gram set is counted in mini-batches of examples, as before.
  const ngrams = loadDataset(corpus);
  const mlp = resolveConfig({ epochs: 2, batchSize: 30 });
  assert.equal(iterationsPerEpoch(mlp, { vocabSize: ngrams.vocab.length, context: ngrams.context, examples: ngrams.train.n }), new Trainer(ngrams, mlp, jsKernels).batchesPerEpoch);
});

test('a sweep file from the settings: two axes to edit, everything else fixed, read back by the CLI parser', () => {
  const config = resolveConfig({ embeddingDim: 1024, hiddenUnits: 48, lr: 0.01, seed: 4 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-sweep-template-'));
  const file = path.join(dir, 'sweep.json');
  const json = sweepTemplate(config, 'corpus.txt', { vocabSize: 500, lowercase: false, seed: 9 });
  assert.deepEqual(json.grid, { embeddingDim: [512, 1024], hiddenUnits: [48, 96] }, 'the double, or the half at the bound');
  assert.deepEqual(json.options, { vocabSize: 500, lowercase: false }, 'the corpus options a sweep file takes');
  fs.writeFileSync(file, JSON.stringify(json));
  const spec = readSweepFile(file);
  assert.equal(spec.data, path.join(dir, 'corpus.txt'));
  const points = sweepPoints(spec);
  assert.deepEqual(points[2].config, config, 'embed=1024 hidden=48: the settings themselves');
  assert.equal(sweepTemplate(config, 'demo').options, undefined, 'no corpus options for other data');
});
