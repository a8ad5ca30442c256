// `nlm sweep`: every point of a grid trained one after another, each recorded as a run by the
// same code as `nlm train`; progress and time left on stderr, the results table on stdout at the
// end. Running the same sweep again skips the points that finished; Ctrl-C stops the current run
// (kept as "stopped") and the sweep.
import { pickKernels } from '../engine/backend';
import { TrainConfig } from '../engine/config';
import { Dataset } from '../engine/data/dataset';
import { loadDataset } from '../engine/data/load';
import { SavedModel } from '../engine/modelfile/modelFile';
import { readRun } from '../engine/runs/listRuns';
import { formatTable, ResultRow, resultsTable, TABLE_FORMATS, TableFormat } from '../engine/runs/resultsTable';
import { RunRecorder } from '../engine/runs/runRecorder';
import { describeSettings, SettingKey } from '../engine/runs/settings';
import { readSweepFile, SweepPoint, sweepPoints, SweepRecord, sweepId, SweepSpec } from '../engine/runs/sweep';
import { Trainer } from '../engine/trainer';
import { args, CORPUS_OPTIONS, corpusOptions, DEFAULT_RUNS_DIR, RUNS_OPTIONS, TRAIN_FLAGS, TRAIN_OPTIONS, UsageError } from './cliArgs';
import { StopSignal } from './stopSignal';
import { runTraining } from './trainRun';

export const SWEEP_USAGE = `  nlm sweep [--data PATH|demo] [--embed 8,16,32] [--hidden 64,128] [any train flag as a comma list]
            [CORPUS OPTIONS] [--test] [--runs-dir DIR] [--json] [--table text|csv|markdown|latex]
  nlm sweep SWEEP.json [--runs-dir DIR] [--json] [--table …]
            (SWEEP.json: { "data": PATH, "grid": { "embeddingDim": [8, 16] }, "fixed": { "epochs": 10 },
             "options": { "vocabSize": 8000 }, "test": true })`;

export async function sweepCommand(argv: string[], savedModel: (t: Trainer, dataPath: string) => SavedModel): Promise<void> {
  const { values, positionals } = args(argv, {
    data: { type: 'string' },
    ...TRAIN_OPTIONS,
    ...CORPUS_OPTIONS,
    ...RUNS_OPTIONS,
    json: { type: 'boolean' },
    test: { type: 'boolean' },
    table: { type: 'string' },
  });
  const format = (values.table ?? 'text') as TableFormat;
  if (!TABLE_FORMATS.includes(format)) throw new UsageError(`--table must be one of ${TABLE_FORMATS.join(', ')}`);
  const spec = sweepSpec(values, positionals);
  const points = sweepPoints(spec);
  const runsDir = values['runs-dir'] ?? DEFAULT_RUNS_DIR;
  const id = sweepId(spec, points);
  const record = new SweepRecord(runsDir, id, spec, points);
  const dataset = loadDataset(spec.data, spec.dataOptions);
  const kernels = pickKernels();

  const done = new Map<string, ResultRow>();
  for (const p of points) {
    const runId = record.finishedRun(p.key);
    const summary = runId ? readRun(runsDir, runId).summary : undefined;
    if (runId && summary?.status === 'finished') done.set(p.key, { id: runId, config: p.config, summary });
  }
  const todo = points.filter((p) => !done.has(p.key));
  const gridKeys = Object.keys(spec.grid) as SettingKey[];
  console.error(`nlm: sweep ${id} (${record.dir}): ${points.length} runs` + (done.size ? `, ${done.size} already finished` : ''));

  const clock = new TimeLeft(todo.map((p) => p.config), dataset);
  const stop = new StopSignal();
  try {
    for (const [i, p] of todo.entries()) {
      if (stop.signal) break;
      console.error(`nlm: run ${done.size + 1}/${points.length}: ${describeSettings(p.config, gridKeys)}`);
      const trainer = new Trainer(dataset, p.config, kernels);
      const recorder = new RunRecorder(runsDir, { config: p.config, dataset, datasetPath: spec.data, datasetOptions: spec.dataOptions, kernels: kernels.name, sweep: { id, point: p.settings } });
      const outcome = await runTraining({
        trainer,
        epochLines: 'none',
        bar: false,
        recorder,
        model: (t) => savedModel(t, spec.data),
        test: spec.test,
        stop,
        onEpoch: (e) => {
          const left = clock.left(i, trainer.steps);
          console.error(`nlm:   epoch ${e.epoch}/${p.config.epochs}: valid CE ${e.valid.ce.toFixed(4)} acc ${e.valid.acc.toFixed(4)}` + (left === undefined ? '' : ` | about ${duration(left)} left`));
        },
      });
      if (outcome.signal) break;
      record.markFinished(p.key, recorder.id);
      done.set(p.key, { id: recorder.id, config: p.config, summary: outcome.summary });
      clock.finishRun(trainer.steps);
    }
  } finally {
    stop.dispose();
  }
  if (stop.signal) {
    process.exitCode = stop.exitCode;
    console.error(`nlm: sweep stopped (${stop.signal}): ${done.size} of ${points.length} runs finished; the same command resumes it`);
    return;
  }

  const rows = points.map((p) => done.get(p.key)!);
  if (values.json) for (const [i, r] of rows.entries()) console.log(JSON.stringify(rowObject(points[i], r)));
  else process.stdout.write(formatTable(resultsTable(rows), format));
}

type Values = Partial<Record<keyof typeof TRAIN_FLAGS | 'data' | 'vocab' | 'min-count' | 'context', string>> & { 'keep-case'?: boolean; 'keep-punctuation'?: boolean; test?: boolean };

/** The sweep a file describes, or the flags: a comma list sweeps a setting, one value fixes it. */
function sweepSpec(values: Values, positionals: string[]): SweepSpec {
  if (positionals.length > 1) throw new UsageError('give at most one sweep file');
  const flagged = [...Object.keys(TRAIN_FLAGS), ...Object.keys(CORPUS_OPTIONS), 'data', 'test'].filter((f) => values[f as keyof Values] !== undefined);
  if (positionals.length === 1) {
    if (flagged.length) throw new UsageError(`give the sweep file or flags, not both (got --${flagged[0]})`);
    return readSweepFile(positionals[0]);
  }
  const spec: SweepSpec = { data: values.data ?? 'demo', dataOptions: corpusOptions(values), grid: {}, fixed: {}, test: values.test === true };
  for (const [flag, key] of Object.entries(TRAIN_FLAGS)) {
    const text = values[flag as keyof typeof TRAIN_FLAGS];
    if (text === undefined) continue;
    const list = text.split(',').map((v) => v.trim());
    if (list.some((v) => v === '')) throw new UsageError(`--${flag}: an empty value in "${text}"`);
    if (list.length > 1) spec.grid[key] = list;
    else spec.fixed[key] = list[0];
  }
  return spec;
}

function rowObject(p: SweepPoint, r: ResultRow): object {
  const s = r.summary;
  return {
    run: r.id,
    settings: p.settings,
    status: s?.status ?? null,
    bestValidCe: s?.bestValidCe?.ce ?? null,
    bestValidAcc: s?.bestValidAcc?.acc ?? null,
    finalValidCe: s?.final?.validCe ?? null,
    finalValidAcc: s?.final?.validAcc ?? null,
    finalTrainCe: s?.final?.trainCe ?? null,
    finalTrainAcc: s?.final?.trainAcc ?? null,
    testCe: s?.test?.ce ?? null,
    testAcc: s?.test?.acc ?? null,
    epochs: s?.epochs ?? null,
    steps: s?.steps ?? null,
    seconds: s?.seconds ?? null,
  };
}

/** Time left from the pace so far: seconds per step trained in this sweep, times the steps the
 *  remaining runs will train at most (early stopping can only make it shorter). */
class TimeLeft {
  private readonly start = performance.now();
  private readonly stepsPerRun: number[];
  private stepsDone = 0;

  constructor(configs: readonly TrainConfig[], dataset: Dataset) {
    this.stepsPerRun = configs.map((c) => c.epochs * Math.ceil(dataset.train.n / c.batchSize));
  }

  /** Seconds left while run `index` has trained `steps`; undefined before any step. */
  left(index: number, steps: number): number | undefined {
    const trained = this.stepsDone + steps;
    if (trained === 0) return undefined;
    const remaining = this.stepsPerRun.slice(index).reduce((a, b) => a + b, 0) - steps;
    return (((performance.now() - this.start) / 1000) * Math.max(0, remaining)) / trained;
  }

  finishRun(steps: number): void {
    this.stepsDone += steps;
  }
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
