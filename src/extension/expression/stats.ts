// Numbers computed over a tensor or slice. Functions follow IEEE arithmetic, so a NaN or Inf
// shows up in norm()/max() and a condition like `max(dW3) > 1e3` fires on an exploding gradient.
// The one-line summary instead describes the finite entries and counts the others, like every
// other tensor summary in NLM Lab (engine/metrics).
import { tensorStats, TensorStats } from '../../engine/metrics';
import { FloatArray } from '../../engine/tensor';

export interface Moments {
  count: number;
  sum: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
  min: number;
  max: number;
  /** L2 norm. */
  norm: number;
  /** Entries that are NaN or ±Inf. */
  nonFinite: number;
}

/** One pass, float64 accumulators, Welford's update for a stable standard deviation. */
export function moments(data: FloatArray): Moments {
  let sum = 0;
  let sumSq = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  let nonFinite = 0;
  const n = data.length;
  for (let i = 0; i < n; i++) {
    const x = data[i];
    sum += x;
    sumSq += x * x;
    const d = x - mean;
    mean += d / (i + 1);
    m2 += d * (x - mean);
    min = Math.min(min, x);
    max = Math.max(max, x);
    if (!Number.isFinite(x)) nonFinite++;
  }
  return {
    count: n,
    sum,
    mean: n ? mean : NaN,
    std: n ? Math.sqrt(Math.max(0, m2 / n)) : NaN,
    min: n ? min : NaN,
    max: n ? max : NaN,
    norm: Math.sqrt(sumSq),
    nonFinite,
  };
}

/** Fraction of entries for which `saturated` holds; NaN for an empty slice. */
export function saturation(data: FloatArray, saturated: (x: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < data.length; i++) if (saturated(data[i])) count++;
  return count / data.length;
}

/** Sigmoid units stuck near 0 or 1. */
export function defaultSaturated(x: number): boolean {
  return x < 0.01 || x > 0.99;
}

/** Summary of the finite entries plus NaN/Inf counts, for the one-line display of a tensor. */
export function tensorSummary(name: string, shape: readonly number[], data: FloatArray): TensorStats {
  return tensorStats({ name, shape, data });
}
