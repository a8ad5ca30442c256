// Turning the runs' bucket series (src/extension/bucketSeries.ts) into what a chart draws: each
// bucket's mean at its middle step, the band of its least and greatest values over the steps it
// covers, and a moving average weighted by each bucket's examples.
import { Bucket, bucketMean, bucketStep } from '../src/extension/bucketSeries';

/** One channel of a bucket series, as columns: each bucket's middle step, mean and weight. */
export interface BucketColumns {
  x: number[];
  mean: number[];
  weight: number[];
  band: BucketBand;
}

/** The envelope of the buckets of full weight: the steps each covers, its least and greatest. */
export interface BucketBand {
  from: number[];
  to: number[];
  lo: number[];
  hi: number[];
  /** Whether every bucket holds one record (then lo = hi = its value). */
  single: boolean;
}

/**
 * A bucket holding only records lighter than the others' (an epoch's short last mini-batch, alone
 * in its bucket early in a run) is left out of the band: its value counts in the means by its
 * examples, and would otherwise stretch the band of the full batches (to 100 % accuracy, say).
 */
export function bucketColumns(buckets: readonly Bucket[], k: number): BucketColumns {
  const c: BucketColumns = { x: [], mean: [], weight: [], band: { from: [], to: [], lo: [], hi: [], single: true } };
  const peak = Math.max(0, ...buckets.map((b) => b.peak));
  for (const b of buckets) {
    c.x.push(bucketStep(b));
    c.mean.push(bucketMean(b, k));
    c.weight.push(b.weight);
    if (b.peak < peak) continue;
    c.band.from.push(b.from);
    c.band.to.push(b.to);
    c.band.lo.push(b.min[k]);
    c.band.hi.push(b.max[k]);
    if (b.count > 1) c.band.single = false;
  }
  return c;
}

/**
 * Exponential moving average with bias correction (as TensorBoard's smoothing), decaying with the
 * distance along x (steps, or log steps) so that wide buckets count like the steps they cover, and
 * weighting each value by `weights` (a bucket's examples: a last mini-batch of 3 examples moves the
 * average 3/100 as much as a full one of 100).
 */
export function smooth(x: readonly number[], values: readonly number[], weights: readonly number[], halfLife: number): number[] {
  const out: number[] = [];
  let avg = 0;
  let weight = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      out.push(NaN);
      continue;
    }
    const gap = i === 0 ? 0 : Math.max(0, x[i] - x[i - 1]);
    const decay = halfLife > 0 ? Math.pow(0.5, gap / halfLife) : 0;
    avg = decay * avg + weights[i] * values[i];
    weight = decay * weight + weights[i];
    out.push(weight > 0 ? avg / weight : values[i]);
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
 * The band of a bucket series in pixels: each bucket spans its steps (fromPx to toPx) between its
 * least and greatest value, merged per pixel column, so a dense series is one filled shape at the
 * cost of its pixel width, and its first bucket starts where its first step is. Undefined when
 * every bucket holds a single value and there are no more than `minPerColumn` of them per occupied
 * pixel column: a line shows those better.
 */
export function bucketBand(
  fromPx: readonly number[],
  toPx: readonly number[],
  lo: readonly number[],
  hi: readonly number[],
  singleValues: boolean,
  minPerColumn: number,
): ColumnEnvelope | undefined {
  const env: ColumnEnvelope = { x: [], lo: [], hi: [] };
  const put = (x: number, l: number, h: number) => {
    const last = env.x.length - 1;
    if (last >= 0 && Math.floor(env.x[last]) === Math.floor(x)) {
      env.lo[last] = Math.min(env.lo[last], l);
      env.hi[last] = Math.max(env.hi[last], h);
    } else {
      env.x.push(x);
      env.lo.push(l);
      env.hi.push(h);
    }
  };
  for (let i = 0; i < fromPx.length; i++) {
    put(fromPx[i], lo[i], hi[i]);
    if (Math.floor(toPx[i]) > Math.floor(fromPx[i])) put(toPx[i], lo[i], hi[i]);
  }
  if (env.x.length < 2) return undefined;
  return singleValues && fromPx.length <= minPerColumn * env.x.length ? undefined : env;
}
