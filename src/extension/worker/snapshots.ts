// The live snapshots the views draw from: every step since the last snapshot folded into the run
// history's buckets, the parameters' and gradients' stats, hidden saturation, throughput and the
// divergence rule, sent at most every SNAPSHOT_MS so live views cost a few percent of training.
import { DivergenceWatch } from '../../engine/divergence';
import { hiddenStats, tensorStats } from '../../engine/metrics';
import type { SaturatingActivation } from '../../engine/models/model';
import { saturatedShare } from '../../engine/saturation';
import type { TimeTravelStatus } from '../../engine/timeTravel/timeTravel';
import type { StepRecord, Trainer } from '../../engine/trainer';
import { updateToDataRatio, valueHistogram } from '../../engine/updateDiagnostics';
import { BucketSeries } from '../bucketSeries';
import type { Cursor, RunState, WorkerEvent } from '../protocol';
import { STEP_BUCKETS, stepValues } from '../runHistory';
import type { TrainerExpressions } from './trainerExpressions';

/** Snapshots at most this often, so live views cost a few percent of training at most. */
const SNAPSHOT_MS = 100;

export class Snapshots {
  /** The steps since the last snapshot, merged into the buckets of the run's history (so every
   *  step is counted and each bucket's envelope is exact, however many steps a snapshot spans). */
  private pendingSteps = new BucketSeries(STEP_BUCKETS);
  /** The same for the correct run beside a student's backward (runHistory's `correct`). */
  private pendingCorrect = new BucketSeries(STEP_BUCKETS);
  /** Every step's loss, so no step escapes the divergence rule. */
  private divergence: DivergenceWatch | undefined;
  private vocabSize = 0;
  private lastSnapshot = 0;
  private examplesSinceSnapshot = 0;

  constructor(private readonly emit: (e: WorkerEvent) => void) {}

  /** A new run: no pending steps, a divergence rule for its vocabulary. */
  reset(vocabSize: number): void {
    this.pendingSteps = new BucketSeries(STEP_BUCKETS);
    this.pendingCorrect = new BucketSeries(STEP_BUCKETS);
    this.vocabSize = vocabSize;
    this.divergence = new DivergenceWatch(vocabSize);
  }

  /** The run went back in time: the divergence rule sees the losses as they were there. */
  rewound(recentLosses: readonly number[]): void {
    this.divergence = new DivergenceWatch(this.vocabSize);
    for (const loss of recentLosses) this.divergence.add(loss);
  }

  /** The run branched at `steps`: pending steps after it are not the run's any more. */
  branched(steps: number): void {
    for (const series of [this.pendingSteps, this.pendingCorrect]) {
      const kept = series.take().filter((b) => b.to <= steps);
      for (const b of kept) series.addBucket(b);
    }
  }

  /** A finished iteration of `examples` rows (what throughput counts); a `replayed` one (after
   *  going back in time) is in the run's history already. `correct`: the same iteration of the
   *  correct run beside a student's backward. */
  addIteration(step: StepRecord, examples: number, replayed = false, correct?: StepRecord): void {
    if (!replayed) this.pendingSteps.add(step.step, stepValues(step), step.examples);
    if (correct) this.pendingCorrect.add(correct.step, stepValues(correct), correct.examples);
    this.divergence?.add(step.loss);
    this.examplesSinceSnapshot += examples;
  }

  /** Publishes when the last snapshot is at least SNAPSHOT_MS old. */
  maybePublish(t: Trainer, expressions: TrainerExpressions, state: RunState, cursor: Cursor, timeTravel?: TimeTravelStatus): void {
    if (performance.now() - this.lastSnapshot >= SNAPSHOT_MS) this.publish(t, expressions, state, cursor, timeTravel);
  }

  publish(t: Trainer, expressions: TrainerExpressions, state: RunState, cursor: Cursor, timeTravel?: TimeTravelStatus): void {
    const now = performance.now();
    const seconds = (now - this.lastSnapshot) / 1000;
    const hidden = t.model.hidden;
    const H = hidden && expressions.tensor(hidden.tensor)!;
    const params = t.specs.map(({ name }) => tensorStats(t.params[name]));
    const grads = t.specs.map(({ name }) => tensorStats(t.model.grads[name]));
    // Before the first backward pass the gradients are zeros: no ratio, no distribution yet.
    const backward = t.steps > 0;
    this.emit({
      kind: 'snapshot',
      snapshot: {
        state,
        cursor,
        lr: t.optimizer.lr,
        steps: this.pendingSteps.take(),
        correctSteps: this.pendingCorrect.length > 0 ? this.pendingCorrect.take() : undefined,
        params,
        grads,
        hidden: hidden && H && t.model.n > 0 ? hiddenStats(H.data, t.model.n, hidden.units, hidden.activation) : undefined,
        throughTime: t.model.throughTime && t.steps > 0 ? t.model.throughTime.gradients.map((name) => tensorStats(expressions.tensor(name)!).norm) : undefined,
        saturating: t.model.saturating && t.steps > 0 ? gateSaturation(t.model.saturating, expressions) : undefined,
        updateRatios: backward ? params.map((p, k) => updateToDataRatio(t.optimizer.lr, grads[k], p)) : undefined,
        gradHistograms: backward
          ? t.specs.map(({ name }, k) => ({ name: grads[k].name, ...valueHistogram(t.model.grads[name].data, grads[k].min, grads[k].max) }))
          : undefined,
        examplesPerSecond: seconds > 0 ? this.examplesSinceSnapshot / seconds : 0,
        divergence: this.divergence?.current,
        timeTravel,
      },
    });
    this.examplesSinceSnapshot = 0;
    this.lastSnapshot = now;
  }
}

/** Each declared activation's saturated share at each time step (the buffers of the last forward
 *  pass; before the first one they are zeros, which a sigmoid would count as saturated). */
function gateSaturation(groups: readonly SaturatingActivation[], expressions: TrainerExpressions): number[][] {
  return groups.map(({ activation, tensors }) =>
    tensors.map((name) => {
      const values = expressions.tensor(name)!;
      return saturatedShare(values.data, values.data.length, activation);
    }),
  );
}
