// A time series of bounded size that covers the whole history uniformly, as TensorBoard keeps its
// scalars: the steps are cut into cells of equal width (a power of two, counted from step 1), and
// the records of a cell are merged into one bucket (count, weighted sum, least, greatest, first and
// last value per channel). When the newest step would need more than `capacity` cells the width
// doubles and neighbouring buckets merge, so memory stays bounded, the start is never dropped, and
// a band drawn from the least and greatest values keeps its exact envelope. Pure (no vscode, node
// or DOM): the training worker, the extension host and the dashboard webview all use it.

/** The records of one cell of steps, merged. Channels are positions in the value arrays. */
export interface Bucket {
  /** First and last step of the records merged here. */
  from: number;
  to: number;
  /** Records merged, and their total weight (examples, for mini-batches). */
  count: number;
  weight: number;
  /** The greatest weight of a record merged here: `min` and `max` are over the records of that
   *  weight, so an epoch's short last mini-batch (a few examples, a wild accuracy) counts in the
   *  mean as much as its examples do, and not in the envelope of the full ones. */
  peak: number;
  /** Per channel: sum of value × weight, least and greatest value (of the records of weight
   *  `peak`), first and last value. */
  sum: number[];
  min: number[];
  max: number[];
  first: number[];
  last: number[];
}

/** A series as plain data (messages, saved webview state). `latest` is the record that a later one
 *  at the same step still replaces (see put). */
export interface SeriesData {
  buckets: Bucket[];
  latest?: Bucket;
}

export class BucketSeries {
  /** Steps per cell. */
  width = 1;
  private readonly held: Bucket[] = [];
  private latest: Bucket | undefined;

  constructor(readonly capacity: number) {
    if (!(capacity >= 2)) throw new Error(`a bucket series needs room for 2 buckets, not ${capacity}`);
  }

  /** Adds one record of `values` at `step` (steps come in order), counting `weight` in the means. */
  add(step: number, values: readonly number[], weight = 1): void {
    this.commitLatest();
    this.fit(step, step);
    const last = this.held[this.held.length - 1];
    if (last && this.cell(last.to) === this.cell(step)) addInto(last, step, values, weight);
    else this.held.push(record(step, values, weight));
  }

  /**
   * Sets the values at `step`: a later call at the same step replaces them (the gradient norms of
   * one iteration while it is stepped through phase by phase); a later step keeps them.
   */
  put(step: number, values: readonly number[], weight = 1): void {
    if (this.latest && this.latest.to !== step) this.commitLatest();
    this.latest = record(step, values, weight);
    this.fit(step, step);
  }

  /** Merges a bucket made elsewhere (from a finer or a coarser grid; buckets come in order). */
  addBucket(bucket: Bucket): void {
    this.commitLatest();
    this.merge(copy(bucket));
  }

  /** Every bucket in step order, the replaceable latest record last. Do not change them. */
  get buckets(): readonly Bucket[] {
    return this.latest ? [...this.held, this.latest] : this.held;
  }

  get length(): number {
    return this.held.length + (this.latest ? 1 : 0);
  }

  /** The buckets held, and empties the series (the width stays: a worker's per-snapshot buffer). */
  take(): Bucket[] {
    this.commitLatest();
    return this.held.splice(0);
  }

  toData(): SeriesData {
    return { buckets: this.held.map(copy), latest: this.latest && copy(this.latest) };
  }

  static fromData(capacity: number, data: SeriesData | undefined): BucketSeries {
    const series = new BucketSeries(capacity);
    for (const b of data?.buckets ?? []) series.addBucket(b);
    if (data?.latest) {
      series.fit(data.latest.from, data.latest.to);
      series.latest = copy(data.latest);
    }
    return series;
  }

  private commitLatest(): void {
    const latest = this.latest;
    this.latest = undefined;
    if (latest) this.merge(latest);
  }

  /** Cell of a step; step 0 (a run before its first iteration) shares the first cell. */
  private cell(step: number): number {
    return Math.floor((Math.max(step, 1) - 1) / this.width);
  }

  /** Widens the cells until steps from…to share one and it is within the capacity. */
  private fit(from: number, to: number): void {
    while (this.cell(to) >= this.capacity || this.cell(from) !== this.cell(to)) this.widen();
  }

  private merge(bucket: Bucket): void {
    this.fit(bucket.from, bucket.to);
    const last = this.held[this.held.length - 1];
    if (last && this.cell(last.to) === this.cell(bucket.from)) mergeInto(last, bucket);
    else this.held.push(bucket);
  }

  /** Doubles the width: neighbouring buckets that now share a cell merge. */
  private widen(): void {
    this.width *= 2;
    let kept = 0;
    for (const b of this.held) {
      const prev = this.held[kept - 1];
      if (prev && this.cell(prev.to) === this.cell(b.from)) mergeInto(prev, b);
      else this.held[kept++] = b;
    }
    this.held.length = kept;
  }
}

/** Weighted mean of channel `k` of a bucket. */
export function bucketMean(b: Bucket, k: number): number {
  return b.weight > 0 ? b.sum[k] / b.weight : b.last[k];
}

/** Middle of the steps a bucket covers: where its mean is drawn. */
export function bucketStep(b: Bucket): number {
  return (b.from + b.to) / 2;
}

function record(step: number, values: readonly number[], weight: number): Bucket {
  return {
    from: step,
    to: step,
    count: 1,
    weight,
    peak: weight,
    sum: values.map((v) => v * weight),
    min: values.slice(),
    max: values.slice(),
    first: values.slice(),
    last: values.slice(),
  };
}

function copy(b: Bucket): Bucket {
  return { ...b, sum: b.sum.slice(), min: b.min.slice(), max: b.max.slice(), first: b.first.slice(), last: b.last.slice() };
}

function addInto(into: Bucket, step: number, values: readonly number[], weight: number): void {
  into.to = step;
  into.count++;
  into.weight += weight;
  for (let k = 0; k < into.sum.length; k++) {
    into.sum[k] += values[k] * weight;
    into.last[k] = values[k];
  }
  widenEnvelope(into, weight, values, values);
}

/** Takes in the least and greatest values of records of weight `peak`. */
function widenEnvelope(into: Bucket, peak: number, min: readonly number[], max: readonly number[]): void {
  if (peak < into.peak) return;
  const replace = peak > into.peak;
  into.peak = peak;
  for (let k = 0; k < into.min.length; k++) {
    into.min[k] = replace ? min[k] : Math.min(into.min[k], min[k]);
    into.max[k] = replace ? max[k] : Math.max(into.max[k], max[k]);
  }
}

/** Merges `later` (the records after `into`'s) into `into`. */
function mergeInto(into: Bucket, later: Bucket): void {
  into.to = later.to;
  into.count += later.count;
  into.weight += later.weight;
  for (let k = 0; k < into.sum.length; k++) {
    into.sum[k] += later.sum[k];
    into.last[k] = later.last[k];
  }
  widenEnvelope(into, later.peak, later.min, later.max);
}
