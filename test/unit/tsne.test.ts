import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/engine/rng';
import { Tsne } from '../../src/engine/tsne';

const CLUSTERS = 5;
const PER_CLUSTER = 50;
const DIM = 16;

/** 5 Gaussian clusters (σ = 1) whose centres are ~14 apart in 16-D. */
function clusters(seed: number): { data: Float64Array; labels: number[] } {
  const rng = new Rng(seed);
  const centres = Array.from({ length: CLUSTERS }, () => Array.from({ length: DIM }, () => rng.normal() * 10));
  const data = new Float64Array(CLUSTERS * PER_CLUSTER * DIM);
  const labels: number[] = [];
  for (let c = 0; c < CLUSTERS; c++) {
    for (let m = 0; m < PER_CLUSTER; m++) {
      const i = labels.length;
      for (let k = 0; k < DIM; k++) data[i * DIM + k] = centres[c][k] + rng.normal();
      labels.push(c);
    }
  }
  return { data, labels };
}

/** Fraction of each point's k nearest 2-D neighbours that share its label. */
function knnAgreement(y: Float64Array, labels: number[], k: number): number {
  const n = labels.length;
  let agree = 0;
  for (let i = 0; i < n; i++) {
    const nearest = labels
      .map((_, j) => ({ j, d: (y[2 * i] - y[2 * j]) ** 2 + (y[2 * i + 1] - y[2 * j + 1]) ** 2 }))
      .filter((e) => e.j !== i)
      .sort((a, b) => a.d - b.d)
      .slice(0, k);
    agree += nearest.filter((e) => labels[e.j] === labels[i]).length;
  }
  return agree / (n * k);
}

test('t-SNE is deterministic for a seed', () => {
  const { data } = clusters(3);
  const a = new Tsne(data, CLUSTERS * PER_CLUSTER, DIM, { seed: 7 }).step(100);
  const b = new Tsne(data, CLUSTERS * PER_CLUSTER, DIM, { seed: 7 }).step(100);
  const c = new Tsne(data, CLUSTERS * PER_CLUSTER, DIM, { seed: 8 }).step(100);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('t-SNE separates 5 Gaussian clusters in 16-D (2-D kNN class agreement > 0.95)', () => {
  const { data, labels } = clusters(1);
  const tsne = new Tsne(data, labels.length, DIM, { seed: 1 });
  const y = tsne.step(1000);
  assert.ok(y.every(Number.isFinite));
  const agreement = knnAgreement(y, labels, 10);
  assert.ok(agreement > 0.95, `kNN agreement ${agreement}`);
});

test('t-SNE decreases the KL divergence', () => {
  const { data, labels } = clusters(2);
  const tsne = new Tsne(data, labels.length, DIM, { seed: 1 });
  const before = tsne.klDivergence();
  tsne.step(300);
  const middle = tsne.klDivergence();
  tsne.step(300);
  const after = tsne.klDivergence();
  assert.ok(middle < before, `KL ${before} → ${middle}`);
  assert.ok(after <= middle, `KL ${middle} → ${after}`);
  assert.ok(after < 0.5 * before, `KL ${before} → ${after}`);
});

test('t-SNE warm start: new data keeps the layout and the kNN structure', () => {
  const { data, labels } = clusters(4);
  const tsne = new Tsne(data, labels.length, DIM, { seed: 1, metric: 'cosine' });
  tsne.step(600);
  const before = Float64Array.from(tsne.layout);
  // A small drift of the points, as between two dashboard refreshes of W1.
  const rng = new Rng(9);
  tsne.setData(data.map((x) => x + rng.normal() * 0.05));
  const after = tsne.step(20);
  let moved = 0;
  let extent = 0;
  for (let i = 0; i < before.length; i++) {
    moved = Math.max(moved, Math.abs(after[i] - before[i]));
    extent = Math.max(extent, Math.abs(before[i]));
  }
  assert.ok(moved < 0.2 * extent, `points moved ${moved} of extent ${extent}`);
  assert.ok(knnAgreement(after, labels, 10) > 0.95);
});

test('t-SNE starts from a given layout', () => {
  const { data, labels } = clusters(5);
  const layout = new Tsne(data, labels.length, DIM, { seed: 1 }).step(500);
  const resumed = new Tsne(data, labels.length, DIM, { initialLayout: layout });
  assert.deepEqual(resumed.layout, layout);
  assert.ok(knnAgreement(resumed.step(50), labels, 10) > 0.95);
  assert.throws(() => new Tsne(data, labels.length, DIM, { initialLayout: [0, 1] }), /initial layout/);
});
