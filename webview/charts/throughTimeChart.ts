// Gradient through time (recurrent models): ‖∂L/∂H_t‖ for each time step t of the last backward
// pass, on a log scale. The loss reads H_T; each step back multiplies the gradient by Whhᵀ and the
// tanh′ (or the LSTM's gates), so a falling line is a vanishing gradient, a rising one an exploding.
import type { DashboardState } from '../state';
import { formatValue } from './format';
import type { LineChartSpec } from './lineChart';

export function throughTimeChartSpec(state: DashboardState): LineChartSpec {
  const steps = state.info?.timeSteps ?? [];
  const norms = state.throughTime ?? [];
  return {
    xLabel: 'time step t',
    xName: 't =',
    xTicks: steps,
    yLabel: '‖∂L/∂H_t‖₂ (log scale)',
    log: true,
    yFormat: formatValue,
    series: norms.length === steps.length && steps.length > 0 ? [{ label: '‖dH_t‖', colour: 'blue', x: steps, y: norms, style: 'points' }] : [],
    empty: 'The gradient at each time step appears here after the first backward pass.',
  };
}

/** How much of the last step's gradient reaches the first step of the window. */
export function throughTimeCaption(state: DashboardState): string {
  const steps = state.info?.timeSteps ?? [];
  const norms = state.throughTime;
  if (!norms || norms.length < 2 || norms.length !== steps.length) return '';
  const ratio = norms[0] / norms[norms.length - 1];
  return `‖dH${steps[0]}‖ / ‖dH${steps[steps.length - 1]}‖ = ${formatValue(ratio)}: the share of the gradient at the last step that reaches step ${steps[0]}.`;
}
