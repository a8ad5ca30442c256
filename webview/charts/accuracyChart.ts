// Accuracy panel: how often the most probable next word is the right one, per training batch
// (raw and smoothed) and on the validation set after each epoch.
import { DashboardState, epochStep } from '../state';
import { formatPercent } from './format';
import type { LineChartSpec } from './lineChart';
import { smoothed } from './lossChart';

export function accuracyChartSpec(state: DashboardState): LineChartSpec {
  const steps = state.steps.map((s) => s.step);
  const acc = state.steps.map((s) => s.acc);
  return {
    xLabel: 'step (mini-batches)',
    yLabel: 'accuracy (top-1)',
    yFormat: formatPercent,
    percent: true,
    yInclude: [0],
    series: [
      { label: 'train, each batch', colour: 'green', x: steps, y: acc, style: 'faint' },
      { label: 'train, smoothed', colour: 'green', x: steps, y: smoothed(steps, acc), style: 'line' },
      {
        label: 'validation, each epoch',
        colour: 'purple',
        x: state.epochs.map((e) => epochStep(state, e.epoch)),
        y: state.epochs.map((e) => e.valid.acc),
        style: 'points',
      },
    ],
    empty: 'Accuracies appear here once training runs.',
  };
}

export function accuracyCaption(state: DashboardState): string {
  const valid = state.epochs[state.epochs.length - 1]?.valid;
  return valid ? `validation ${formatPercent(valid.acc)} · top-5 ${formatPercent(valid.top5)}` : '';
}
