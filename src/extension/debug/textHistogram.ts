// A small text histogram of a tensor's values for hovers: a few equal-width bins over the finite
// range, one line each with a bar scaled to the fullest bin. The lines come one by one too, for
// the debug hover and the Variables view, which show them as a tensor's expandable children.
import { formatNumber } from '../../engine/metrics';

export interface HistogramLine {
  /** The bin's lower edge, padded so the bars line up. */
  edge: string;
  /** The bar and the count. */
  bar: string;
}

/** The bins as lines, or one line saying why there are none (no finite values, all equal). */
export function histogramLines(values: ArrayLike<number>, bins = 10, width = 24): HistogramLine[] | string {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!Number.isFinite(x)) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (lo > hi) return '(no finite values)';
  if (lo === hi) return `all ${values.length} finite values = ${formatNumber(lo)}`;
  const counts = new Array<number>(bins).fill(0);
  const step = (hi - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isFinite(x)) counts[Math.min(bins - 1, Math.floor((x - lo) / step))]++;
  }
  const most = Math.max(...counts);
  const edges = counts.map((_, b) => formatNumber(lo + b * step));
  const pad = Math.max(...edges.map((e) => e.length));
  return counts.map((c, b) => ({ edge: edges[b].padStart(pad), bar: `${'█'.repeat(Math.round((c / most) * width)).padEnd(width)} ${c}` }));
}

export function textHistogram(values: ArrayLike<number>, bins = 10, width = 24): string {
  const lines = histogramLines(values, bins, width);
  return typeof lines === 'string' ? lines : lines.map((l) => `${l.edge} │${l.bar}`).join('\n');
}
