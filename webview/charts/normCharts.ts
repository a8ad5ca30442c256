// Norm panels: the L2 norm of each gradient (and of each parameter) at every snapshot on a log
// scale, where vanishing gradients fall by decades and exploding ones shoot up.
import type { BucketSeries } from '../../src/extension/bucketSeries';
import { bucketColumns } from '../series';
import type { DashboardState } from '../state';
import { CHART_COLOURS } from '../theme';
import { formatValue } from './format';
import type { LineChartSpec } from './lineChart';

export function gradNormChartSpec(state: DashboardState): LineChartSpec {
  const h = state.history;
  return normChartSpec(state, h.gradNames, h.grads, '‖gradient‖₂ (log scale)', 'Gradient norms appear here after the first backward pass.');
}

export function weightNormChartSpec(state: DashboardState): LineChartSpec {
  const h = state.history;
  return normChartSpec(state, h.paramNames, h.params, '‖parameter‖₂ (log scale)', 'Parameter norms appear here once a run is loaded.');
}

/** The latest norms, e.g. "dW1 0.012 · dW2 0.034 …". */
export function normCaption(names: string[], series: BucketSeries): string {
  const last = series.buckets[series.buckets.length - 1];
  return last ? names.map((name, k) => `${name} ${formatValue(last.last[k])}`).join(' · ') : '';
}

function normChartSpec(state: DashboardState, names: string[], series: BucketSeries, yLabel: string, empty: string): LineChartSpec {
  return {
    xLabel: 'step (mini-batches)',
    yLabel,
    log: true,
    logX: state.ui.logX,
    yFormat: formatValue,
    series: names.map((name, k) => {
      const c = bucketColumns(series.buckets, k);
      return { label: name, colour: CHART_COLOURS[k % CHART_COLOURS.length], x: c.x, y: c.mean, style: 'line' };
    }),
    empty,
  };
}
