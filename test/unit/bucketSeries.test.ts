// The bounded series behind every curve: whatever the run's length it keeps at most `capacity`
// buckets over equal cells from step 1, and each bucket's count, weighted mean, least, greatest,
// first and last values are exactly those of the records it merged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Bucket, bucketMean, BucketSeries } from '../../src/extension/bucketSeries';

interface Rec {
  step: number;
  values: number[];
  weight: number;
}

/** Noisy two-channel records of mini-batches of 100 examples, every 7th a short one of 1 to 99. */
function records(n: number, seed = 1): Rec[] {
  let a = seed;
  const rand = () => ((a = (a * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: n }, (_, i) => ({ step: i + 1, values: [5 * Math.exp(-i / 500) + rand(), rand()], weight: i % 7 === 6 ? 1 + Math.floor(rand() * 99) : 100 }));
}

/** Each bucket against the records of its steps, computed from scratch. */
function assertExact(buckets: readonly Bucket[], all: Rec[]): void {
  for (const b of buckets) {
    const inside = all.filter((r) => r.step >= b.from && r.step <= b.to);
    assert.equal(b.count, inside.length, `records in ${b.from}…${b.to}`);
    assert.equal(inside[0].step, b.from);
    assert.equal(inside.at(-1)!.step, b.to);
    const weight = inside.reduce((s, r) => s + r.weight, 0);
    assert.equal(b.weight, weight);
    // The envelope is that of the heaviest records (full mini-batches, not a short last one).
    const peak = Math.max(...inside.map((r) => r.weight));
    const heaviest = inside.filter((r) => r.weight === peak);
    assert.equal(b.peak, peak);
    for (let k = 0; k < 2; k++) {
      const mean = inside.reduce((s, r) => s + r.values[k] * r.weight, 0) / weight;
      assert.ok(Math.abs(bucketMean(b, k) - mean) <= 1e-12 * Math.abs(mean), `weighted mean of ${b.from}…${b.to}`);
      assert.equal(b.min[k], Math.min(...heaviest.map((r) => r.values[k])));
      assert.equal(b.max[k], Math.max(...heaviest.map((r) => r.values[k])));
      assert.equal(b.first[k], inside[0].values[k]);
      assert.equal(b.last[k], inside.at(-1)!.values[k]);
    }
  }
}

test('merging keeps count, weighted mean, min, max, first and last exactly; bounded; the first bucket starts at step 1', () => {
  const all = records(5000);
  const series = new BucketSeries(16);
  for (const r of all) {
    series.add(r.step, r.values, r.weight);
    assert.ok(series.length <= 16, `at step ${r.step}: ${series.length} buckets`);
    assert.equal(series.buckets[0].from, 1, `at step ${r.step}`);
  }
  assert.equal(series.width, 512, 'the smallest power of two that fits 5000 steps in 16 cells');
  assert.equal(series.length, 10);
  assertExact(series.buckets, all);
  // Equal cells: every bucket but the last covers `width` steps.
  assert.deepEqual(
    series.buckets.slice(0, -1).map((b) => b.to - b.from + 1),
    new Array(9).fill(512),
  );
  assert.equal(series.buckets.reduce((s, b) => s + b.count, 0), 5000, 'no record dropped');
});

test('buckets made elsewhere (the worker per snapshot) merge into the same buckets as the records themselves', () => {
  const all = records(3000, 7);
  const direct = new BucketSeries(64);
  for (const r of all) direct.add(r.step, r.values, r.weight);
  const worker = new BucketSeries(64);
  const host = new BucketSeries(64);
  const view = new BucketSeries(20);
  let sent: Bucket[] = [];
  for (const r of all) {
    worker.add(r.step, r.values, r.weight);
    // Snapshots of uneven sizes; the view gets every other one, two merged (the panel's outbox).
    if (r.step % 37 === 0 || r.step === all.length) {
      const snapshot = worker.take();
      for (const b of snapshot) host.addBucket(b);
      sent = sent.concat(snapshot);
      if (r.step % 74 === 0 || r.step === all.length) {
        for (const b of sent) view.addBucket(b);
        sent = [];
      }
    }
  }
  assert.equal(worker.length, 0);
  // The same cells (sums may differ in the last bit: they were added in another order).
  const cells = (series: BucketSeries) => series.buckets.map(({ sum: _sum, ...rest }) => rest);
  assert.deepEqual(cells(host), cells(direct));
  assert.ok(view.length <= 20);
  assert.equal(view.buckets[0].from, 1);
  assertExact(host.buckets, all);
  assertExact(view.buckets, all);
});

test('put replaces the values at the same step (sub-steps of one iteration) and keeps those of earlier steps', () => {
  const s = new BucketSeries(4);
  s.put(0, [1]);
  s.put(5, [2]);
  s.put(5, [3]);
  s.put(9, [4]);
  assert.deepEqual(
    s.buckets.map((b) => [b.from, b.to, b.count, b.min[0], b.max[0]]),
    [
      [0, 0, 1, 1, 1],
      [5, 5, 1, 3, 3],
      [9, 9, 1, 4, 4],
    ],
  );
  // Plain data and back (the message to a dashboard that opens late): the latest stays replaceable.
  const copy = BucketSeries.fromData(4, JSON.parse(JSON.stringify(s.toData())));
  copy.put(9, [6]);
  assert.deepEqual(copy.buckets.at(-1)!.last, [6]);
  assert.equal(copy.buckets.at(-1)!.count, 1);
  // Into fewer buckets: wider cells, same envelope.
  const narrow = BucketSeries.fromData(2, s.toData());
  assert.deepEqual(narrow.buckets.map((b) => [b.from, b.to]), [[0, 5], [9, 9]]);
  assert.equal(Math.min(...narrow.buckets.map((b) => b.min[0])), 1);
  assert.equal(Math.max(...narrow.buckets.map((b) => b.max[0])), 4);
});

test('a short mini-batch counts in the mean by its examples, not in the envelope of the full ones', () => {
  for (const shortFirst of [true, false]) {
    const s = new BucketSeries(2);
    const batches = shortFirst ? [[1, 3], [0.3, 100], [0.2, 100]] : [[0.3, 100], [0.2, 100], [1, 3]];
    batches.forEach(([acc, examples], i) => s.add(i + 1, [acc], examples));
    // Step 5 widens the cells to 4 steps: steps 1–3 merge into one bucket.
    s.add(5, [0.25], 100);
    const b = s.buckets[0];
    assert.deepEqual([b.from, b.to, b.min[0], b.max[0], b.peak], [1, 3, 0.2, 0.3, 100], `short batch ${shortFirst ? 'first' : 'last'}`);
    assert.ok(Math.abs(bucketMean(b, 0) - (3 + 30 + 20) / 203) < 1e-12);
  }
});
