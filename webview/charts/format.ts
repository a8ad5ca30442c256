// Number formats shared by the charts' axes, captions and tooltips.
import { format } from 'd3';

export const formatPercent = (v: number): string => `${(v * 100).toFixed(v >= 0.1 || v === 0 ? 1 : 2)} %`;
export const formatLoss = format('.3f');
export const formatCount = format(',');

/** Compact for any magnitude: 0.0123, 4.56e-5, 1.23e+4. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : v.toPrecision(3);
}
