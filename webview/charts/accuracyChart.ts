// Accuracy panel: how often the most probable next word is the right one, for the training
// mini-batches (band and smoothed line, weighted by their examples) and on the validation set after
// each epoch.
import { ACC } from '../../src/extension/runHistory';
import { bucketColumns } from '../series';
import { DashboardState, epochStep } from '../state';
import { formatPercent } from './format';
import type { LineChartSpec } from './lineChart';
import { besideCorrect, correctSeries, stepBuckets, timeTravelMarks, trainSeries } from './lossChart';

export function accuracyChartSpec(state: DashboardState): LineChartSpec {
  const acc = bucketColumns(stepBuckets(state), ACC);
  return {
    xLabel: 'step (mini-batches)',
    yLabel: 'accuracy (top-1)',
    logX: state.ui.logX,
    yFormat: formatPercent,
    percent: true,
    yInclude: [0],
    series: [
      // Beside a correct run, each run keeps its loss chart's colour.
      ...trainSeries(state, acc, besideCorrect(state) ? 'blue' : 'green'),
      ...correctSeries(state, ACC, 'green'),
      {
        label: 'validation, each epoch',
        colour: 'purple',
        x: state.epochs.map((e) => epochStep(state, e.epoch)),
        y: state.epochs.map((e) => e.valid.acc),
        style: 'points',
      },
    ],
    empty: 'Accuracies appear here once training runs.',
    ...timeTravelMarks(state),
  };
}

export function accuracyCaption(state: DashboardState): string {
  const valid = state.epochs[state.epochs.length - 1]?.valid;
  return valid ? `validation ${formatPercent(valid.acc)} · top-5 ${formatPercent(valid.top5)}` : '';
}
