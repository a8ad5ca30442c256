// Loss panel: cross-entropy of each training mini-batch (raw and smoothed) and of the validation
// set after each epoch, with the loss of a uniform guess for scale.
import { smooth } from '../series';
import { DashboardState, epochStep } from '../state';
import { formatLoss } from './format';
import type { LineChartSpec } from './lineChart';

/** Smoothing half-life as a fraction of the steps shown. */
const SMOOTHING = 1 / 100;

export function lossChartSpec(state: DashboardState): LineChartSpec {
  const steps = state.steps.map((s) => s.step);
  const loss = state.steps.map((s) => s.loss);
  const vocabSize = state.info?.dataset.vocabSize;
  return {
    xLabel: 'step (mini-batches)',
    yLabel: 'cross-entropy (nats)',
    yFormat: formatLoss,
    references: vocabSize ? [{ y: Math.log(vocabSize), label: `uniform guess: ln ${vocabSize} = ${Math.log(vocabSize).toFixed(2)}` }] : [],
    series: [
      { label: 'train, each batch', colour: 'blue', x: steps, y: loss, style: 'faint' },
      { label: 'train, smoothed', colour: 'blue', x: steps, y: smoothed(steps, loss), style: 'line' },
      {
        label: 'validation, each epoch',
        colour: 'orange',
        x: state.epochs.map((e) => epochStep(state, e.epoch)),
        y: state.epochs.map((e) => e.valid.ce),
        style: 'points',
      },
    ],
    empty: 'The loss appears here once training runs.',
  };
}

export function lossCaption(state: DashboardState): string {
  const steps = state.steps.map((s) => s.step);
  const train = smoothed(steps, state.steps.map((s) => s.loss)).pop();
  const valid = state.epochs[state.epochs.length - 1]?.valid;
  const parts: string[] = [];
  if (train !== undefined) parts.push(`train ≈ ${formatLoss(train)}`);
  if (valid) parts.push(`validation ${formatLoss(valid.ce)} (perplexity ${valid.perplexity.toFixed(1)})`);
  return parts.join(' · ');
}

export function smoothed(steps: number[], values: number[]): number[] {
  const span = steps.length ? steps[steps.length - 1] - steps[0] : 0;
  return smooth(steps, values, Math.max(1, span * SMOOTHING));
}
