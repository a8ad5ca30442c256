// Loss panel: cross-entropy of the training mini-batches (the band of their values and a smoothed
// line) and of the validation set after each epoch, with the loss of a uniform guess for scale.
import type { Bucket } from '../../src/extension/bucketSeries';
import { LOSS } from '../../src/extension/runHistory';
import { BucketColumns, bucketColumns, smooth } from '../series';
import { DashboardState, epochStep, rewoundStep, Smoothing } from '../state';
import { formatLoss } from './format';
import type { LineChartSpec, LineSeries } from './lineChart';

/** Smoothing half-life as a fraction of the steps shown (of the decades shown on a log axis). */
const HALF_LIFE: Record<Smoothing, number> = { off: 0, light: 1 / 300, medium: 1 / 100, strong: 1 / 30 };

export function lossChartSpec(state: DashboardState): LineChartSpec {
  const loss = bucketColumns(stepBuckets(state), LOSS);
  const vocabSize = state.info?.dataset.vocabSize;
  return {
    xLabel: 'step (mini-batches)',
    yLabel: 'cross-entropy (nats)',
    logX: state.ui.logX,
    yFormat: formatLoss,
    references: vocabSize ? [{ y: Math.log(vocabSize), label: `uniform guess: ln ${vocabSize} = ${Math.log(vocabSize).toFixed(2)}` }] : [],
    series: [
      ...trainSeries(state, loss, 'blue'),
      ...correctSeries(state, LOSS, 'green'),
      {
        label: 'validation, each epoch',
        colour: 'orange',
        x: state.epochs.map((e) => epochStep(state, e.epoch)),
        y: state.epochs.map((e) => e.valid.ce),
        style: 'points',
      },
    ],
    empty: 'The loss appears here once training runs.',
    ...timeTravelMarks(state),
  };
}

/** A rewound run's marker, and the click that rewinds, on the loss and accuracy curves. */
export function timeTravelMarks(state: DashboardState): Pick<LineChartSpec, 'marker' | 'pickHint'> {
  const step = rewoundStep(state);
  const tt = state.timeTravel;
  return {
    marker: step === undefined ? undefined : { x: step, label: `you are here: step ${step}` },
    pickHint: tt?.earliest !== undefined ? `click: rewind to this step (from ${tt.earliest} to ${tt.present.steps})` : undefined,
  };
}

export function lossCaption(state: DashboardState): string {
  const train = smoothed(state, bucketColumns(stepBuckets(state), LOSS)).pop();
  const correct = smoothed(state, bucketColumns(state.history.correct.buckets, LOSS)).pop();
  const valid = state.epochs[state.epochs.length - 1]?.valid;
  const parts: string[] = [];
  if (train !== undefined) parts.push(`${besideCorrect(state) ? 'your backward' : 'train'} ≈ ${formatLoss(train)}`);
  if (correct !== undefined) parts.push(`correct backward (the engine's, same seed and batches) ≈ ${formatLoss(correct)}`);
  if (valid) parts.push(`validation ${formatLoss(valid.ce)} (perplexity ${valid.perplexity.toFixed(1)})`);
  return parts.join(' · ');
}

/** The mini-batches of one channel: their band, and the moving average of their means. */
export function trainSeries(state: DashboardState, c: BucketColumns, colour: LineSeries['colour']): LineSeries[] {
  // Short names beside a correct run: the legend is one line of five entries.
  const name = besideCorrect(state) ? 'yours' : 'train';
  return [
    { label: `${name}, each batch`, colour, x: c.x, y: c.mean, style: 'faint', buckets: c.band },
    { label: `${name}, ${state.ui.smoothing === 'off' ? 'mean' : 'smoothed'}`, colour, x: c.x, y: smoothed(state, c), style: 'line' },
  ];
}

/** Whether the run trains with a student's backward beside a correct run (NLM: Train with My
 *  Backward): then its curves are "your backward" and the correct run's are drawn beside them. */
export function besideCorrect(state: DashboardState): boolean {
  return state.history.correct.length > 0;
}

/** The correct run's mini-batches of one channel (the same run with the engine's backward, same
 *  seed and data), as its moving average: none unless training with a student's backward. */
export function correctSeries(state: DashboardState, channel: number, colour: LineSeries['colour']): LineSeries[] {
  if (!besideCorrect(state)) return [];
  const c = bucketColumns(state.history.correct.buckets, channel);
  return [{ label: `correct backward, ${state.ui.smoothing === 'off' ? 'mean' : 'smoothed'}`, colour, x: c.x, y: smoothed(state, c), style: 'line' }];
}

/** The mini-batches' buckets; on a log step axis with the first steps one by one. */
export function stepBuckets(state: DashboardState): readonly Bucket[] {
  return state.ui.logX ? state.history.stepsForLogAxis() : state.history.steps.buckets;
}

/** The moving average the smoothing control asks for, over steps or, on a log axis, log steps;
 *  each bucket weighted by its examples. */
export function smoothed(state: DashboardState, c: BucketColumns): number[] {
  const fraction = HALF_LIFE[state.ui.smoothing];
  const x = state.ui.logX ? c.x.map((s) => Math.log10(Math.max(1, s))) : c.x;
  const span = x.length ? x[x.length - 1] - x[0] : 0;
  const halfLife = fraction === 0 ? 0 : state.ui.logX ? span * fraction : Math.max(1, span * fraction);
  return smooth(x, c.mean, c.weight, halfLife);
}
