import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AffinityJob, BhTsne, calibrateRow, MAP_TSNE } from '../../src/engine/bhTsne';
import { Rng } from '../../src/engine/rng';

const DIM = 16;

/** `clusters` Gaussian clusters (σ = 1) whose centres are ~14 apart in 16-D. */
function clusters(seed: number, count: number, perCluster: number): { data: Float64Array; labels: number[] } {
  const rng = new Rng(seed);
  const centres = Array.from({ length: count }, () => Array.from({ length: DIM }, () => rng.normal() * 10));
  const data = new Float64Array(count * perCluster * DIM);
  const labels: number[] = [];
  for (let c = 0; c < count; c++) {
    for (let m = 0; m < perCluster; m++) {
      const i = labels.length;
      for (let k = 0; k < DIM; k++) data[i * DIM + k] = centres[c][k] + rng.normal();
      labels.push(c);
    }
  }
  return { data, labels };
}

/** The exact t-SNE gradient of layout y under the dense P given by `p(i, j)`: O(n²). */
function exactGradient(y: Float64Array, n: number, p: (i: number, j: number) => number, exaggeration: number): Float64Array {
  let z = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) z += 1 / (1 + (y[2 * i] - y[2 * j]) ** 2 + (y[2 * i + 1] - y[2 * j + 1]) ** 2);
  const g = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const dx = y[2 * i] - y[2 * j];
      const dy = y[2 * i + 1] - y[2 * j + 1];
      const k = 1 / (1 + dx * dx + dy * dy);
      const f = (exaggeration * p(i, j) - k / z) * k;
      g[2 * i] += 4 * f * dx;
      g[2 * i + 1] += 4 * f * dy;
    }
  }
  return g;
}

function denseP(t: BhTsne): (i: number, j: number) => number {
  const { rowStart, cols, values } = t.affinities;
  const dense = new Float64Array(t.n * t.n);
  for (let i = 0; i < t.n; i++) for (let e = rowStart[i]; e < rowStart[i + 1]; e++) dense[i * t.n + cols[e]] = values[e];
  return (i, j) => dense[i * t.n + j];
}

const relativeError = (a: Float64Array, b: Float64Array): number => {
  let diff = 0;
  let norm = 0;
  for (let c = 0; c < a.length; c++) {
    diff += (a[c] - b[c]) ** 2;
    norm += b[c] ** 2;
  }
  return Math.sqrt(diff / norm);
};

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

test('perplexity calibration: a row of neighbours gets the entropy log(perplexity)', () => {
  const rng = new Rng(2);
  const d2 = Float64Array.from({ length: 90 }, () => 5 + rng.normal() ** 2 * 3);
  const p = new Float64Array(90);
  for (const perplexity of [5, 30]) {
    calibrateRow(d2, Math.log(perplexity), p);
    const sum = p.reduce((s, x) => s + x, 0);
    const entropy = -p.reduce((s, x) => s + (x > 0 ? x * Math.log(x) : 0), 0);
    assert.ok(Math.abs(sum - 1) < 1e-12, `Σp = ${sum}`);
    assert.ok(Math.abs(Math.exp(entropy) - perplexity) < 1e-3, `perplexity ${Math.exp(entropy)}, wanted ${perplexity}`);
    // Nearer neighbours weigh more.
    const nearest = d2.indexOf(Math.min(...d2));
    assert.equal(p[nearest], Math.max(...p));
  }
});

test('Barnes-Hut P: symmetric, sums to 1, zero diagonal', () => {
  const { data } = clusters(3, 4, 30);
  const t = new BhTsne(data, 120, DIM, { perplexity: 10 });
  assert.equal(t.neighbours, 30);
  const p = denseP(t);
  let sum = 0;
  for (let i = 0; i < t.n; i++) {
    for (let j = 0; j < t.n; j++) {
      sum += p(i, j);
      assert.ok(Math.abs(p(i, j) - p(j, i)) < 1e-15, `P[${i},${j}] ≠ P[${j},${i}]`);
    }
    assert.equal(p(i, i), 0);
  }
  assert.ok(Math.abs(sum - 1) < 1e-9, `ΣP = ${sum}`);
});

test('affinities computed a slice at a time equal those computed at once, and lay out the same', () => {
  const { data } = clusters(6, 4, 50);
  const job = new AffinityJob(data, 200, DIM, MAP_TSNE);
  let slices = 0;
  let p = job.advance(500);
  for (; !p; slices++) p = job.advance(500);
  assert.ok(slices > 20, `${slices} slices`);
  const whole = new BhTsne(data, 200, DIM, MAP_TSNE);
  assert.deepEqual(p, whole.affinities);
  assert.deepEqual(new BhTsne(p, 200, DIM, MAP_TSNE).step(50), whole.step(50));
  assert.throws(() => new BhTsne(p, 100, DIM, MAP_TSNE), /affinities have 200 rows, expected 100/);
});

test('Barnes-Hut neighbours are the exact nearest ones', () => {
  const { data } = clusters(5, 3, 20);
  const t = new BhTsne(data, 60, DIM, { perplexity: 3 });
  const { rowStart, cols } = t.affinities;
  // Row 0's own 9 nearest (by Euclidean distance) are all among its P entries.
  const d = (i: number, j: number): number => {
    let s = 0;
    for (let k = 0; k < DIM; k++) s += (data[i * DIM + k] - data[j * DIM + k]) ** 2;
    return s;
  };
  const nearest = [...Array(60).keys()].filter((j) => j !== 0).sort((a, b) => d(0, a) - d(0, b)).slice(0, 9);
  const row = new Set(cols.subarray(rowStart[0], rowStart[1]));
  assert.deepEqual(nearest.filter((j) => !row.has(j)), []);
});

test('Barnes-Hut gradient: equals the exact gradient at theta = 0, within 2 % at theta = 0.5', () => {
  const n = 60;
  const { data } = clusters(7, 3, 20);
  // perplexity (n − 1)/3 gives every point all n − 1 neighbours: P is the exact t-SNE's dense P.
  const exactRepulsion = new BhTsne(data, n, DIM, { theta: 0, perplexity: 100, seed: 2 });
  assert.equal(exactRepulsion.neighbours, n - 1);
  exactRepulsion.step(50);
  const y = Float64Array.from(exactRepulsion.layout);
  for (const exaggeration of [1, 12]) {
    const exact = exactGradient(y, n, denseP(exactRepulsion), exaggeration);
    assert.ok(relativeError(exactRepulsion.gradient(exaggeration), exact) < 1e-10, `theta 0, exaggeration ${exaggeration}`);
    const approximate = new BhTsne(data, n, DIM, { theta: 0.5, perplexity: 100, initialLayout: y });
    const error = relativeError(approximate.gradient(exaggeration), exact);
    assert.ok(error < 0.02 && error > 0, `theta 0.5, exaggeration ${exaggeration}: relative error ${error}`);
  }
});

test("the map's Barnes-Hut t-SNE separates 8 planted clusters of 1,000 points (2-D kNN class agreement > 0.95)", () => {
  const { data, labels } = clusters(1, 8, 125);
  const t = new BhTsne(data, labels.length, DIM, MAP_TSNE);
  const y = t.step(MAP_TSNE.firstIterations);
  assert.ok(y.every(Number.isFinite));
  const agreement = knnAgreement(y, labels, 10);
  assert.ok(agreement > 0.95, `kNN agreement ${agreement}`);
});

test('Barnes-Hut t-SNE is deterministic for a seed; new data keeps the layout', () => {
  const { data, labels } = clusters(4, 5, 40);
  const a = new BhTsne(data, labels.length, DIM, { seed: 7 }).step(100);
  const b = new BhTsne(data, labels.length, DIM, { seed: 7 }).step(100);
  const c = new BhTsne(data, labels.length, DIM, { seed: 8 }).step(100);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const t = new BhTsne(data, labels.length, DIM, { seed: 1 });
  t.step(400);
  const before = Float64Array.from(t.layout);
  const rng = new Rng(9);
  t.setData(data.map((x) => x + rng.normal() * 0.05));
  const after = t.step(20);
  assert.ok(relativeError(after, before) < 0.2, `layout moved by ${relativeError(after, before)}`);
  assert.ok(knnAgreement(after, labels, 10) > 0.95);
});

test('Barnes-Hut t-SNE: coincident points and two points do not break it', () => {
  const data = new Float64Array(50 * 4).fill(1);
  const y = new BhTsne(data, 50, 4, { seed: 1 }).step(30);
  assert.ok(y.every(Number.isFinite));
  assert.ok(new BhTsne([1, 0, 0, 1], 2, 2).step(10).every(Number.isFinite));
  assert.throws(() => new BhTsne([1, 2], 1, 2), /at least 2 points/);
  assert.throws(() => new BhTsne([1, 2, 3], 2, 2), /3 values, expected 2×2/);
});
