// The diagnostics of makemore part 3 for every parameter: how big an update is next to the values
// it changes (the update-to-data ratio), and how a gradient's entries are spread (its histogram).
// Both read the tensor statistics a snapshot takes anyway, so they cost one pass over each
// gradient (the histogram's) and nothing over the parameters.
import type { TensorStats } from './metrics';
import type { FloatArray } from './tensor';

/** Bins of a gradient histogram: enough for its shape, small enough for ~10 snapshots a second. */
export const GRADIENT_BINS = 30;

export interface ValueHistogram {
  /** Bin edges (bins + 1) and the count of finite values in each bin. */
  edges: number[];
  counts: number[];
}

/**
 * log10(std(lr·grad) / std(param)) = log10(lr·σ(grad) / σ(param)), as makemore part 3 plots it:
 * around −3 the update changes a parameter by about a thousandth of its spread per step. It is
 * lr·grad for every optimizer (as in makemore), not the step momentum or Adam actually take. NaN
 * where it is undefined (a parameter with no spread, a gradient that is all zero).
 */
export function updateToDataRatio(lr: number, grad: TensorStats, param: TensorStats): number {
  const ratio = Math.log10((Math.abs(lr) * grad.std) / param.std);
  return Number.isFinite(ratio) ? ratio : NaN;
}

/**
 * Histogram of the finite values of `data` in `bins` equal bins from `min` to `max` (the tensor's
 * statistics); a tensor of one value gets a unit-wide range centred on it.
 */
export function valueHistogram(data: FloatArray, min: number, max: number, bins = GRADIENT_BINS): ValueHistogram {
  let lo = Number.isFinite(min) ? min : 0;
  let hi = Number.isFinite(max) ? max : lo;
  if (!(hi > lo)) [lo, hi] = [lo - 0.5, lo + 0.5];
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    // NaN and ±∞ lie outside [lo, hi]: the stats count them, the bins do not.
    if (!(x >= lo && x <= hi)) continue;
    counts[Math.min(bins - 1, Math.floor((x - lo) / width))]++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width)), counts };
}
