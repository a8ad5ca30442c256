// Update-to-data ratio (makemore part 3): log10(std(lr·grad)/std(param)) of each parameter at
// every snapshot. Around −3 an update moves a parameter by a thousandth of its spread: much lower
// and it learns too slowly, much higher and it learns too fast (or unstably).
import { bucketColumns } from '../series';
import type { DashboardState } from '../state';
import { CHART_COLOURS } from '../theme';
import type { LineChartSpec } from './lineChart';

/** makemore's rule of thumb for a healthy rate of learning. */
export const HEALTHY_RATIO = -3;

const formatRatio = (v: number): string => (Number.isFinite(v) ? v.toFixed(2).replace('-', '−') : String(v));

export function updateRatioChartSpec(state: DashboardState): LineChartSpec {
  const h = state.history;
  return {
    xLabel: 'step (mini-batches)',
    yLabel: 'log₁₀ std(lr·grad) / std(param)',
    logX: state.ui.logX,
    yFormat: formatRatio,
    yInclude: [HEALTHY_RATIO],
    references: [{ y: HEALTHY_RATIO, label: 'makemore: ≈ −3' }],
    series: h.ratios.length
      ? h.paramNames.map((name, k) => {
          const c = bucketColumns(h.ratios.buckets, k);
          return { label: name, colour: CHART_COLOURS[k % CHART_COLOURS.length], x: c.x, y: c.mean, style: 'line' };
        })
      : [],
    empty: 'Update-to-data ratios appear here after the first update.',
  };
}

/** The rule of thumb, and the latest ratios, e.g. "W1 −3.12 · W2 −2.87 …". */
export function updateRatioCaption(state: DashboardState): string {
  const h = state.history;
  const last = h.ratios.buckets[h.ratios.buckets.length - 1];
  const rule = 'Around −3 (dashed) is healthy; much lower: learning too slowly, much higher: too fast.';
  return last ? `${rule} ${h.paramNames.map((name, k) => `${name} ${formatRatio(last.last[k])}`).join(' · ')}` : rule;
}
