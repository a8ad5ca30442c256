// Statistics the dashboard, the tree view, hovers and the debugger show. Single passes with
// float64 accumulators, so a 32k-entry tensor costs microseconds.
import { Activation } from './activations';
import { FloatArray, Tensor } from './tensor';

export interface TensorStats {
  name: string;
  shape: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
  norm: number;
  nan: number;
  inf: number;
}

export function tensorStats(t: Tensor): TensorStats {
  const d = t.data;
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  let nan = 0;
  let inf = 0;
  let finite = 0;
  for (let i = 0; i < d.length; i++) {
    const x = d[i];
    if (x !== x) {
      nan++;
      continue;
    }
    if (x === Infinity || x === -Infinity) {
      inf++;
      continue;
    }
    finite++;
    sum += x;
    sumSq += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = finite ? sum / finite : NaN;
  const variance = finite ? Math.max(0, sumSq / finite - mean * mean) : NaN;
  return {
    name: t.name,
    shape: [...t.shape],
    mean,
    std: Math.sqrt(variance),
    min: finite ? min : NaN,
    max: finite ? max : NaN,
    norm: Math.sqrt(sumSq),
    nan,
    inf,
  };
}

export function formatStats(s: TensorStats): string {
  const f = (x: number) => formatNumber(x);
  return `${s.name} [${s.shape.join('×')}] μ=${f(s.mean)} σ=${f(s.std)} min=${f(s.min)} max=${f(s.max)} ‖·‖=${f(s.norm)} nan=${s.nan}${s.inf ? ` inf=${s.inf}` : ''}`;
}

export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e4 || a < 1e-3 ? x.toExponential(2) : x.toPrecision(4).replace(/\.?0+$/, '');
}

export interface HiddenStats {
  /** Bin edges (bins + 1) and counts of the hidden activations H of the current batch. */
  edges: number[];
  counts: number[];
  /** Fraction of unit values in the saturated range (sigmoid < 0.01 or > 0.99, tanh |h| > 0.99). */
  saturated: number;
  /** Units that are zero for every example of the batch (ReLU's dead units). */
  deadUnits: number;
  units: number;
}

export function hiddenStats(h: FloatArray, rows: number, units: number, activation: Activation, bins = 20): HiddenStats {
  const count = rows * units;
  let lo: number;
  let hi: number;
  if (activation.name === 'sigmoid') [lo, hi] = [0, 1];
  else if (activation.name === 'tanh') [lo, hi] = [-1, 1];
  else {
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < count; i++) {
      if (h[i] < lo) lo = h[i];
      if (h[i] > hi) hi = h[i];
    }
    if (!(hi > lo)) [lo, hi] = [Number.isFinite(lo) ? lo : 0, (Number.isFinite(lo) ? lo : 0) + 1];
  }
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  let saturated = 0;
  const sat = activation.saturated;
  for (let i = 0; i < count; i++) {
    const x = h[i];
    const b = Math.min(bins - 1, Math.max(0, Math.floor((x - lo) / width)));
    if (x === x) counts[b]++;
    if (sat && sat(x)) saturated++;
  }
  let deadUnits = 0;
  if (activation.name === 'relu' && rows > 0) {
    for (let u = 0; u < units; u++) {
      let alive = false;
      for (let r = 0; r < rows && !alive; r++) alive = h[r * units + u] > 0;
      if (!alive) deadUnits++;
    }
  }
  return {
    edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * width),
    counts,
    saturated: count ? saturated / count : 0,
    deadUnits,
    units,
  };
}
