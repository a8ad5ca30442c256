// Bounded time series: old points are thinned (every other one dropped) so long runs keep their
// shape at a fixed memory and drawing cost, while the recent half keeps full resolution.

export interface Stepped {
  step: number;
}

/** Appends and, above `max` points, halves the density of the older half. */
export function appendBounded<T>(series: T[], items: readonly T[], max: number): T[] {
  let out = series.concat(items);
  while (out.length > max) out = thinOlderHalf(out);
  return out;
}

function thinOlderHalf<T>(series: T[]): T[] {
  const half = Math.floor(series.length / 2);
  return series.slice(0, half).filter((_, i) => i % 2 === 0).concat(series.slice(half));
}

/** Evenly spaced subset of at most `max` points, always keeping the last. */
export function sampleEvenly<T>(series: readonly T[], max: number): T[] {
  if (series.length <= max) return series.slice();
  const out: T[] = [];
  for (let i = 1; i <= max; i++) out.push(series[Math.ceil((i * series.length) / max) - 1]);
  return out;
}

/** Adds a point, replacing the last one when it has the same step (sub-steps of one iteration). */
export function upsertLast<T extends Stepped>(series: T[], point: T, max: number): T[] {
  const last = series[series.length - 1];
  if (last && last.step === point.step) return series.slice(0, -1).concat([point]);
  return appendBounded(series, [point], max);
}

/**
 * Exponential moving average with bias correction (as TensorBoard's smoothing), weighted by the
 * step distance so thinned stretches are smoothed like the dense ones.
 */
export function smooth(steps: readonly number[], values: readonly number[], halfLifeSteps: number): number[] {
  const out: number[] = [];
  let avg = 0;
  let weight = 0;
  for (let i = 0; i < values.length; i++) {
    const gap = i === 0 ? 1 : Math.max(1, steps[i] - steps[i - 1]);
    const decay = Math.pow(0.5, gap / halfLifeSteps);
    if (!Number.isFinite(values[i])) {
      out.push(NaN);
      continue;
    }
    avg = decay * avg + (1 - decay) * values[i];
    weight = decay * weight + (1 - decay);
    out.push(avg / weight);
  }
  return out;
}

/**
 * Indices of the points worth drawing when many share a pixel column: per column the first, the
 * lowest, the highest and the last, so a dense noisy band keeps its exact outline.
 */
export function decimateByPixel(xPixels: readonly number[], y: readonly number[]): number[] {
  const keep: number[] = [];
  let start = 0;
  while (start < xPixels.length) {
    const column = Math.floor(xPixels[start]);
    let end = start;
    let lo = start;
    let hi = start;
    while (end + 1 < xPixels.length && Math.floor(xPixels[end + 1]) === column) {
      end++;
      if (y[end] < y[lo]) lo = end;
      if (y[end] > y[hi]) hi = end;
    }
    for (const i of [start, Math.min(lo, hi), Math.max(lo, hi), end]) if (keep[keep.length - 1] !== i) keep.push(i);
    start = end + 1;
  }
  return keep;
}

/** Per pixel column that holds points: the column's x (pixels), and the least and greatest y. */
export interface ColumnEnvelope {
  x: number[];
  lo: number[];
  hi: number[];
}

/**
 * The outline of a dense series (more than `minPerColumn` points per occupied pixel column on
 * average), to be filled as a band instead of stroked: the same shape, at a fraction of the cost
 * of rasterising thousands of overlapping segments. Undefined when the series is sparser.
 */
export function denseEnvelope(xPixels: readonly number[], y: readonly number[], minPerColumn: number): ColumnEnvelope | undefined {
  const env: ColumnEnvelope = { x: [], lo: [], hi: [] };
  for (let i = 0; i < xPixels.length; i++) {
    const column = Math.floor(xPixels[i]);
    const last = env.x.length - 1;
    if (last >= 0 && Math.floor(env.x[last]) === column) {
      env.lo[last] = Math.min(env.lo[last], y[i]);
      env.hi[last] = Math.max(env.hi[last], y[i]);
    } else {
      env.x.push(xPixels[i]);
      env.lo.push(y[i]);
      env.hi.push(y[i]);
    }
  }
  return env.x.length > 1 && xPixels.length > minPerColumn * env.x.length ? env : undefined;
}
