// The curves of one run over its whole history, folded from the worker's snapshots: loss and
// accuracy of every mini-batch (weighted by its examples), the parameter and gradient norms, the
// parameters' update-to-data ratios and the hidden layer's saturation at each snapshot. The extension host keeps one for a dashboard that
// opens late and sends it as plain data; the dashboard folds the same snapshots into its own copy.
// Pure (no vscode, node or DOM).
import { Bucket, BucketSeries, SeriesData } from './bucketSeries';
import { isRewound, Snapshot } from './protocol';

/** Buckets per series: the mini-batch curves, and the curves sampled once per snapshot. A chart is
 *  a few hundred pixels wide, so this keeps a few buckets per pixel column. */
export const STEP_BUCKETS = 2048;
export const SNAPSHOT_BUCKETS = 512;
/** The first steps are also kept one by one, for the log step axis: there steps 1 to 512 take
 *  half the width of a long run, while the run's cells may be far wider. */
export const FIRST_STEPS = 512;

/** Channels of the step series (values of StepRecord) and of the hidden-layer series. */
export const LOSS = 0;
export const ACC = 1;
export const SATURATED = 0;
export const DEAD = 1;

/** A mini-batch's values in the channels of the step series. */
export function stepValues(r: { loss: number; acc: number }): number[] {
  const values: number[] = [];
  values[LOSS] = r.loss;
  values[ACC] = r.acc;
  return values;
}

export interface HistoryData {
  steps: SeriesData;
  firstSteps: SeriesData;
  paramNames: string[];
  params: SeriesData;
  gradNames: string[];
  grads: SeriesData;
  /** log10 update-to-data ratio per parameter (of paramNames); absent in states saved before. */
  ratios?: SeriesData;
  /** Training with a student's backward: the mini-batches of the correct run beside it (the
   *  channels of `steps`); absent otherwise. */
  correct?: SeriesData;
  hidden: SeriesData;
}

export class RunHistory {
  readonly steps: BucketSeries;
  /** Steps 1 to FIRST_STEPS in cells of their own (while they come in cells that narrow). */
  readonly firstSteps: BucketSeries;
  readonly params: BucketSeries;
  readonly grads: BucketSeries;
  /** log10(std(lr·grad)/std(param)) per parameter of paramNames. */
  readonly ratios: BucketSeries;
  /** Shares of saturated values and of dead units. */
  readonly hidden: BucketSeries;
  /** The correct run's mini-batches beside a student's backward (empty otherwise). */
  readonly correct: BucketSeries;
  paramNames: string[];
  gradNames: string[];

  constructor(data?: HistoryData, stepBuckets = STEP_BUCKETS, snapshotBuckets = SNAPSHOT_BUCKETS, firstStepBuckets = FIRST_STEPS) {
    this.steps = BucketSeries.fromData(stepBuckets, data?.steps);
    this.firstSteps = BucketSeries.fromData(firstStepBuckets, data?.firstSteps);
    this.params = BucketSeries.fromData(snapshotBuckets, data?.params);
    this.grads = BucketSeries.fromData(snapshotBuckets, data?.grads);
    this.ratios = BucketSeries.fromData(snapshotBuckets, data?.ratios);
    this.hidden = BucketSeries.fromData(snapshotBuckets, data?.hidden);
    this.correct = BucketSeries.fromData(stepBuckets, data?.correct);
    this.paramNames = data?.paramNames.slice() ?? [];
    this.gradNames = data?.gradNames.slice() ?? [];
  }

  addSnapshot(s: Snapshot): void {
    for (const b of s.steps) {
      this.steps.addBucket(b);
      if (b.to <= FIRST_STEPS) this.firstSteps.addBucket(b);
    }
    for (const b of s.correctSteps ?? []) this.correct.addBucket(b);
    // The norms and saturation describe the model where the cursor is: a later snapshot at the
    // same iteration (stepping phase by phase) replaces them. A moment before the present (the run
    // went back in time) is in the history already: the curves keep the present's.
    if (isRewound(s)) return;
    const step = s.cursor.steps;
    if (s.params.length) {
      this.paramNames = s.params.map((p) => p.name);
      this.params.put(step, s.params.map((p) => p.norm));
    }
    if (s.grads.length) {
      this.gradNames = s.grads.map((g) => g.name);
      this.grads.put(step, s.grads.map((g) => g.norm));
    }
    if (s.updateRatios?.length) this.ratios.put(step, s.updateRatios);
    if (s.hidden) this.hidden.put(step, [s.hidden.saturated, s.hidden.units ? s.hidden.deadUnits / s.hidden.units : 0]);
  }

  toData(): HistoryData {
    return {
      steps: this.steps.toData(),
      firstSteps: this.firstSteps.toData(),
      paramNames: this.paramNames.slice(),
      params: this.params.toData(),
      gradNames: this.gradNames.slice(),
      grads: this.grads.toData(),
      ratios: this.ratios.toData(),
      hidden: this.hidden.toData(),
      ...(this.correct.length > 0 && { correct: this.correct.toData() }),
    };
  }

  /** The step buckets to draw on a log step axis: the first steps one by one, then the run's. */
  stepsForLogAxis(): Bucket[] {
    const first = this.firstSteps.buckets;
    const rest = this.steps.buckets.filter((b) => b.to > (first.at(-1)?.to ?? 0));
    const cut = rest[0]?.from ?? Infinity;
    return [...first.filter((b) => b.to < cut), ...rest];
  }

  /** The history up to `step`: a run that branched there (a bucket reaching past it goes whole,
   *  at most one cell of steps). */
  truncated(step: number): RunHistory {
    const cut = (s: SeriesData): SeriesData => ({ buckets: s.buckets.filter((b) => b.to <= step), latest: s.latest && s.latest.to <= step ? s.latest : undefined });
    const d = this.toData();
    return new RunHistory(
      { ...d, steps: cut(d.steps), firstSteps: cut(d.firstSteps), params: cut(d.params), grads: cut(d.grads), ratios: d.ratios && cut(d.ratios), hidden: cut(d.hidden), correct: d.correct && cut(d.correct) },
      this.steps.capacity,
      this.params.capacity,
      this.firstSteps.capacity,
    );
  }

  /** The same history in fewer, wider buckets (merged exactly: envelopes and means kept). */
  compacted(stepBuckets: number, snapshotBuckets: number, firstStepBuckets: number): HistoryData {
    return new RunHistory(this.toData(), stepBuckets, snapshotBuckets, firstStepBuckets).toData();
  }
}
