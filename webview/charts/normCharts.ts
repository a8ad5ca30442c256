// Norm panels: the L2 norm of each gradient (and of each parameter) at every snapshot on a log
// scale, where vanishing gradients fall by decades and exploding ones shoot up.
import type { DashboardState, NormPoint } from '../state';
import { CHART_COLOURS } from '../theme';
import { formatValue } from './format';
import type { LineChartSpec } from './lineChart';

export function gradNormChartSpec(state: DashboardState): LineChartSpec {
  return normChartSpec(state.gradNames, state.grads, '‖gradient‖₂ (log scale)', 'Gradient norms appear here after the first backward pass.');
}

export function weightNormChartSpec(state: DashboardState): LineChartSpec {
  return normChartSpec(state.paramNames, state.params, '‖parameter‖₂ (log scale)', 'Parameter norms appear here once a run is loaded.');
}

/** The latest norms, e.g. "dW1 0.012 · dW2 0.034 …". */
export function normCaption(names: string[], points: NormPoint[]): string {
  const last = points[points.length - 1];
  return last ? names.map((name, k) => `${name} ${formatValue(last.norms[k])}`).join(' · ') : '';
}

function normChartSpec(names: string[], points: NormPoint[], yLabel: string, empty: string): LineChartSpec {
  const steps = points.map((p) => p.step);
  return {
    xLabel: 'step (mini-batches)',
    yLabel,
    log: true,
    yFormat: formatValue,
    series: names.map((name, k) => ({
      label: name,
      colour: CHART_COLOURS[k % CHART_COLOURS.length],
      x: steps,
      y: points.map((p) => p.norms[k]),
      style: 'line',
    })),
    empty,
  };
}
