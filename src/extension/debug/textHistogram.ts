// A small text histogram of a tensor's values for hovers: a few equal-width bins over the finite
// range, one line each with a bar scaled to the fullest bin.
import { formatNumber } from '../../engine/metrics';

export function textHistogram(values: ArrayLike<number>, bins = 10, width = 24): string {
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
  return counts.map((c, b) => `${edges[b].padStart(pad)} │${'█'.repeat(Math.round((c / most) * width)).padEnd(width)} ${c}`).join('\n');
}
