// `nlm sweep`: every point of a grid trained one after another, each recorded as a run by the
// same code as `nlm train`; progress and time left on stderr, the results table on stdout at the
// end. Running the same sweep again skips the points that finished; Ctrl-C stops the current run
// (kept as "stopped") and the sweep.
import { pickKernels } from '../engine/backend';
import { loadDataset } from '../engine/data/load';
import { SavedModel } from '../engine/modelfile/modelFile';
import { formatTable, ResultRow, resultsTable, TABLE_FORMATS, TableFormat } from '../engine/runs/resultsTable';
import { RunRecorder } from '../engine/runs/runRecorder';
import { readSweepFile, SweepPoint, SweepSpec } from '../engine/runs/sweep';
import { formatDuration, SweepClock, SweepPlan } from '../engine/runs/sweepPlan';
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
  const runsDir = values['runs-dir'] ?? DEFAULT_RUNS_DIR;
  const plan = new SweepPlan(spec, runsDir);
  const { id, points } = plan;
  const dataset = loadDataset(spec.data, spec.dataOptions);
  const kernels = pickKernels();

  const todo = plan.todo();
  console.error(`nlm: sweep ${id} (${plan.record.dir}): ${points.length} runs` + (plan.finishedCount ? `, ${plan.finishedCount} already finished` : ''));

  const clock = new SweepClock(todo.map((p) => p.config), { vocabSize: dataset.vocab.length, context: dataset.context, examples: dataset.train.n, streamTokens: dataset.stream?.train.length });
  const stop = new StopSignal();
  try {
    for (const [i, p] of todo.entries()) {
      if (stop.signal) break;
      console.error(`nlm: run ${plan.finishedCount + 1}/${points.length}: ${plan.describe(p)}`);
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
          console.error(`nlm:   epoch ${e.epoch}/${p.config.epochs}: valid CE ${e.valid.ce.toFixed(4)} acc ${e.valid.acc.toFixed(4)}` + (left === undefined ? '' : ` | about ${formatDuration(left)} left`));
        },
      });
      if (outcome.signal) break;
      plan.finish(p, recorder.id, outcome.summary);
      clock.finishRun(trainer.steps);
    }
  } finally {
    stop.dispose();
  }
  if (stop.signal) {
    process.exitCode = stop.exitCode;
    console.error(`nlm: sweep stopped (${stop.signal}): ${plan.finishedCount} of ${points.length} runs finished; the same command resumes it`);
    return;
  }

  const rows = plan.rows();
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
