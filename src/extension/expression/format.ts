// One-line text for any value: the debug console, watch expressions, hovers and logpoints.
import { formatNumber, formatStats } from '../../engine/metrics';
import { shapeText } from '../../engine/tensor';
import { tensorSummary } from './stats';
import { TensorView, Value } from './values';

export interface FormatOptions {
  /** 1-D views with at most this many entries list their values instead of statistics (default 8). */
  maxValues?: number;
}

export function formatValue(v: Value, opts: FormatOptions = {}): string {
  if (typeof v === 'number') return formatScalar(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof TensorView) return formatView(v, opts.maxValues ?? 8);
  return v.text;
}

/** About 6 significant digits; whole numbers (epoch, step) exactly. */
export function formatScalar(x: number): string {
  if (Number.isInteger(x) || !Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(6)));
}

function formatView(v: TensorView, maxValues: number): string {
  const data = v.values();
  if (v.shape.length <= 1 && data.length <= maxValues) {
    return `${v.label} [${shapeText(v.shape)}] = [${Array.from(data, formatNumber).join(', ')}]`;
  }
  return formatStats(tensorSummary(v.label, v.shape, data));
}
