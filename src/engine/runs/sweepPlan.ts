// What `nlm sweep` and NLM: Run Sweep share beyond the grid: which points are still to train (a
// point counts as done only when the run its sweep record names exists and finished, so a stopped,
// failed or deleted run is trained again), the results rows in grid order, and the time left.
import { TrainConfig } from '../config';
import { modelDefinition } from '../models';
import { streamWindows } from '../streamBatches';
import { readRun } from './listRuns';
import { ResultRow } from './resultsTable';
import { RunSummary } from './runFiles';
import { describeSettings, SettingKey } from './settings';
import { SweepPoint, sweepPoints, SweepRecord, sweepId, SweepSpec } from './sweep';

export class SweepPlan {
  readonly id: string;
  readonly points: readonly SweepPoint[];
  readonly record: SweepRecord;
  /** The settings the grid varies, in its order. */
  readonly gridKeys: readonly SettingKey[];
  /** Point key → the row of the finished run that trained it. */
  private readonly done = new Map<string, ResultRow>();

  /** Expands and checks the grid (throws naming a bad setting) and reads the sweep's record in
   *  `runsDir`, creating it the first time. */
  constructor(
    readonly spec: SweepSpec,
    readonly runsDir: string,
  ) {
    this.points = sweepPoints(spec);
    this.id = sweepId(spec, this.points);
    this.record = new SweepRecord(runsDir, this.id, spec, this.points);
    this.gridKeys = Object.keys(spec.grid) as SettingKey[];
    for (const p of this.points) {
      const runId = this.record.finishedRun(p.key);
      const summary = runId ? readRun(runsDir, runId).summary : undefined;
      if (runId && summary?.status === 'finished') this.done.set(p.key, { id: runId, config: p.config, summary });
    }
  }

  /** Points finished so far. */
  get finishedCount(): number {
    return this.done.size;
  }

  /** The points still to train, in grid order. */
  todo(): SweepPoint[] {
    return this.points.filter((p) => !this.done.has(p.key));
  }

  /** A point's run finished: recorded in the sweep's folder, so running the sweep again skips it. */
  finish(point: SweepPoint, runId: string, summary: RunSummary | undefined): void {
    this.record.markFinished(point.key, runId);
    this.done.set(point.key, { id: runId, config: point.config, summary });
  }

  /** The finished points' rows, in grid order. */
  rows(): ResultRow[] {
    return this.points.flatMap((p) => this.done.get(p.key) ?? []);
  }

  /** "embed=8 hidden=64": what tells this point apart. */
  describe(point: SweepPoint): string {
    return describeSettings(point.config, this.gridKeys);
  }
}

/** The training split as a sweep's clock counts it: an n-gram set's examples, or a token stream's
 *  tokens (its examples are then the token → next token pairs, not what an iteration reads). */
export interface TrainingData {
  readonly vocabSize: number;
  readonly context: number;
  readonly examples: number;
  /** Set for a token stream: the tokens of its training split. */
  readonly streamTokens?: number;
}

/** Iterations in one epoch of `config` on `data`: mini-batches of examples, or for a token stream
 *  the whole windows of the model's window length (--bptt, else the model's default) that
 *  `batchSize` parallel streams give, as the trainer reads them (streamBatches.ts). */
export function iterationsPerEpoch(config: TrainConfig, data: TrainingData): number {
  if (data.streamTokens === undefined) return Math.ceil(data.examples / config.batchSize);
  const shape = modelDefinition(config.model, 'the setting "model"').shapeFor(config, { vocabSize: data.vocabSize, context: data.context, task: 'stream' });
  return Math.max(0, streamWindows(data.streamTokens, config.batchSize, shape.context));
}

/** Time left from the pace so far: seconds per step trained in this sweep, times the steps the
 *  remaining runs will train at most (early stopping can only make it shorter). */
export class SweepClock {
  private readonly start = performance.now();
  private readonly stepsPerRun: number[];
  private stepsDone = 0;

  /** `configs`: the runs to train, in order; `data`: the training split they read. */
  constructor(configs: readonly TrainConfig[], data: TrainingData) {
    this.stepsPerRun = configs.map((c) => c.epochs * iterationsPerEpoch(c, data));
  }

  /** Steps all the runs train at most. */
  get totalSteps(): number {
    return this.stepsPerRun.reduce((a, b) => a + b, 0);
  }

  /** Steps trained before run `index` plus `steps` of it: how far the sweep is. */
  stepsSoFar(steps: number): number {
    return this.stepsDone + steps;
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

/** "42 s", "3 min 5 s", "2 h 10 min". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
