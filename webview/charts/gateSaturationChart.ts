// Gate saturation (models that declare saturating activations, the LSTM's gates): for each time
// step of the last forward pass, the share of each gate's values where it is flat. A saturated
// gate passes almost no gradient: a forget gate stuck near 1 carries the cell state unchanged, one
// near 0 cuts it. Names, activations and time steps all come from the run's declarations.
import type { DashboardState } from '../state';
import { CHART_COLOURS } from '../theme';
import { formatPercent } from './format';
import type { LineChartSpec, LineSeries } from './lineChart';

/** The hidden-saturation chart's rule for each activation (engine/activations.ts's `saturated`). */
const RULES: Record<string, string> = {
  sigmoid: 'below 0.01 or above 0.99 (σ′ = s(1 − s) ≈ 0)',
  tanh: 'beyond ±0.99 (tanh′ = 1 − g² ≈ 0)',
};

export function gateSaturationChartSpec(state: DashboardState): LineChartSpec {
  const { groups = [], timeSteps = [] } = state.info?.saturating ?? {};
  const shares = state.saturating ?? [];
  const ready = shares.length === groups.length && shares.every((s) => s.length === timeSteps.length);
  const series: LineSeries[] = ready
    ? groups.map((g, k) => ({ label: g.name, colour: CHART_COLOURS[k % CHART_COLOURS.length], x: timeSteps, y: shares[k], style: 'points' }))
    : [];
  return {
    xLabel: 'time step t',
    xName: 't =',
    xTicks: timeSteps,
    yLabel: 'share of the gate saturated',
    yFormat: formatPercent,
    percent: true,
    yInclude: [0, 1],
    series,
    empty: 'Each gate’s saturation at each time step appears here after the first iteration.',
  };
}

/** What counts as saturated, per activation of the declared gates. */
export function gateSaturationCaption(state: DashboardState): string {
  const groups = state.info?.saturating?.groups ?? [];
  const byActivation = new Map<string, string[]>();
  for (const g of groups) byActivation.set(g.activation, [...(byActivation.get(g.activation) ?? []), g.name]);
  const rules = [...byActivation].filter(([a]) => RULES[a]).map(([a, names]) => `${names.join(', ')}: ${RULES[a]}`);
  return rules.length > 0 ? `Saturated means ${rules.join('; ')}. Last forward pass, live.` : '';
}
