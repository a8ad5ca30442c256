// Compare Runs and the Runs view without VS Code: what a selection of recorded runs becomes (a
// legend naming only the settings that differ, each run's curves from its metrics, the results
// table) and what the view says about one run; renaming and deleting run folders.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { resolveConfig, TrainConfig } from '../../src/engine/config';
import { jsKernels } from '../../src/engine/kernels';
import { encodeModel } from '../../src/engine/modelfile/modelFile';
import { runModelFile } from '../../src/engine/modelfile/runModelFile';
import { deleteRun, renameRun } from '../../src/engine/runs/editRuns';
import { gradientNorms } from '../../src/engine/runs/gradientNorms';
import { listRuns } from '../../src/engine/runs/listRuns';
import { readMetrics } from '../../src/engine/runs/readMetrics';
import { StepsLine } from '../../src/engine/runs/runFiles';
import { formatTable } from '../../src/engine/runs/resultsTable';
import { RunRecorder } from '../../src/engine/runs/runRecorder';
import { Trainer } from '../../src/engine/trainer';
import { compareRuns } from '../../src/extension/runComparison';
import { runListText, startedAt } from '../../src/extension/views/runsListText';
import { toyDataset } from './fixtures';

const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-compare-'));

/** One recorded run of the toy data, as the CLI's loop records it. */
function recordRun(settings: Partial<TrainConfig>): string {
  const dataset = toyDataset();
  const config = resolveConfig({ embeddingDim: 4, hiddenUnits: 8, batchSize: 40, epochs: 2, threads: 1, ...settings });
  const t = new Trainer(dataset, config, jsKernels);
  const r = new RunRecorder(runsDir, { config, dataset, datasetPath: 'toy', datasetOptions: {}, kernels: 'js' });
  while (!t.finished) {
    const p = t.step();
    r.step(p.iteration!, () => gradientNorms(t));
    if (p.epoch) r.epoch(p.epoch, t.steps, encodeModel(runModelFile(t)));
  }
  r.finish('finished', { model: encodeModel(runModelFile(t)) });
  return r.dir;
}

const a = recordRun({ hiddenUnits: 8, schedule: 'cosine' });
const b = recordRun({ hiddenUnits: 16, schedule: 'cosine' });
const c = recordRun({ hiddenUnits: 16, schedule: 'step', lrStep: 1 });
/** The listed runs of these folders, in this order (ids made in the same millisecond sort at random). */
const entries = (...dirs: string[]) => dirs.map((d) => listRuns(runsDir).find((r) => r.dir === d)!);

test('the legend names only the settings in which the selected runs differ', () => {
  const runs = entries(a, b, c);
  const cmp = compareRuns(runs);
  assert.deepEqual(
    cmp.runs.map((r) => r.label),
    ['hidden=8 schedule=cosine lr-step=5', 'hidden=16 schedule=cosine lr-step=5', 'hidden=16 schedule=step lr-step=1'],
  );
  const two = compareRuns(runs.slice(0, 2));
  assert.deepEqual(two.runs.map((r) => r.label), ['hidden=8', 'hidden=16'], 'the schedule is the same for these two');
  assert.deepEqual(two.table.columns.slice(0, 2).map((col) => col.label), ['hidden', 'best valid CE']);
});

test("each run's curves are its metrics.jsonl: step windows and epochs", () => {
  const cmp = compareRuns(entries(a, b));
  for (const run of cmp.runs) {
    assert.equal(run.epochs.length, 2);
    assert.equal(run.epochs[1].step, run.steps.at(-1)!.step, 'the last window ends with the run');
    assert.ok(run.steps.every((s) => s.loss > 0 && s.acc >= 0 && s.acc <= 1));
    // Gradient norms at each window's first step, as metrics.jsonl holds them.
    const windows = readMetrics(path.join(runsDir, run.id)).filter((m): m is StepsLine => m.type === 'steps');
    assert.deepEqual(run.grads, windows.map((w) => ({ step: w.firstStep, total: w.gradNorm, norms: w.gradNorms })));
    assert.equal(run.grads.length, run.steps.length);
    assert.ok(run.grads.every((g) => g.total > 0 && Object.keys(g.norms).length === 5));
  }
  const summaries = entries(a, b);
  for (const [i, r] of summaries.entries()) assert.equal(cmp.table.rows[i][1], r.summary!.bestValidCe!.ce, 'the table row of the same run');
});

test('the same settings twice are told apart by their ids; the table exports parse back', () => {
  const again = recordRun({ hiddenUnits: 8, schedule: 'cosine' });
  const runs = entries(a, again);
  const cmp = compareRuns(runs);
  assert.notEqual(cmp.runs[0].label, cmp.runs[1].label);
  assert.deepEqual(cmp.runs[0].epochs, cmp.runs[1].epochs, 'same seed and settings: the same numbers');
  const csv = formatTable(cmp.table, 'csv').trim().split('\n').map((l) => l.split(','));
  assert.deepEqual(csv[0], cmp.table.columns.map((col) => col.label));
  assert.deepEqual(csv.slice(1).map((r) => r.map((v) => (v === '' ? null : Number.isNaN(Number(v)) ? v : Number(v)))), cmp.table.rows);
  deleteRun(again);
});

test('the Runs view: start time or name, best accuracy and the settings not at their defaults', () => {
  const [run] = entries(c);
  const text = runListText(run);
  assert.equal(text.label, startedAt(run.id));
  assert.match(text.label, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  assert.match(text.description, /^acc 0\.\d{4} · embed=4 hidden=16 schedule=step lr-step=1 batch=40 epochs=2 threads=1$/);
  assert.match(text.tooltip, /status: finished, 2 epochs/);
  renameRun(c, '  step decay  ');
  const [renamed] = entries(c);
  assert.equal(runListText(renamed).label, 'step decay');
  renameRun(c, '');
  assert.equal(entries(c)[0].config!.name, undefined, 'an empty name removes it');
});

test('deleting refuses a folder that is not a run', () => {
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-not-a-run-'));
  fs.writeFileSync(path.join(other, 'keep.txt'), 'x');
  assert.throws(() => deleteRun(other), /config\.json: does not exist: not a run folder/);
  assert.ok(fs.existsSync(path.join(other, 'keep.txt')));
  const stranger = path.join(other, 'config.json');
  fs.writeFileSync(stranger, '{"format":"something-else"}');
  assert.throws(() => deleteRun(other), /not a run record/);
  assert.ok(fs.existsSync(path.join(other, 'keep.txt')));
});
