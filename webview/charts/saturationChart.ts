// Saturation history: the share of hidden values stuck where the activation is flat (its
// derivative ≈ 0, so little gradient flows back), and for ReLU the share of dead units.
import { DEAD, SATURATED } from '../../src/extension/runHistory';
import { bucketColumns } from '../series';
import { type DashboardState, hiddenActivation } from '../state';
import { formatPercent } from './format';
import type { LineChartSpec, LineSeries } from './lineChart';

export function saturationChartSpec(state: DashboardState): LineChartSpec {
  const buckets = state.history.hidden.buckets;
  const series: LineSeries[] = [];
  if (saturates(state)) {
    const c = bucketColumns(buckets, SATURATED);
    series.push({ label: 'saturated values', colour: 'orange', x: c.x, y: c.mean, style: 'line' });
  }
  if (hiddenActivation(state) === 'relu') {
    const c = bucketColumns(buckets, DEAD);
    series.push({ label: 'dead units', colour: 'purple', x: c.x, y: c.mean, style: 'line' });
  }
  return {
    xLabel: 'step (mini-batches)',
    logX: state.ui.logX,
    yLabel: 'share of the hidden layer',
    yFormat: formatPercent,
    percent: true,
    yInclude: [0],
    series,
    empty: hiddenActivation(state) === 'linear' ? 'A linear hidden layer never saturates.' : 'The history appears here once training runs.',
  };
}

/** What counts as saturated for the run's activation, and why it matters. */
export function saturationCaption(state: DashboardState): string {
  const activation = hiddenActivation(state);
  if (activation === 'sigmoid') return 'h < 0.01 or h > 0.99: σ′(z) = h(1 − h) ≈ 0, so almost no gradient flows back.';
  if (activation === 'tanh') return '|h| > 0.99: tanh′(z) = 1 − h² ≈ 0, so almost no gradient flows back.';
  if (activation === 'relu') return 'Dead units output 0 for the whole mini-batch and get no gradient.';
  return '';
}

/** Sigmoid and tanh have flat tails; ReLU's flat half is counted as dead units instead. */
export function saturates(state: DashboardState): boolean {
  const activation = hiddenActivation(state);
  return activation === 'sigmoid' || activation === 'tanh';
}
