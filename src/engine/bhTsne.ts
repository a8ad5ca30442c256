// Barnes-Hut t-SNE (van der Maaten 2014) for the embedding map of large vocabularies: affinities
// only between each point and its 3·perplexity nearest neighbours (sparse P, calibrated to the
// perplexity as in exact t-SNE), and the repulsion of far groups of points summed through a
// quadtree by their centre of mass. O(N log N) per iteration instead of O(N²), so 8,000 words lay
// out in seconds. Same schedule as exact t-SNE: early exaggeration, momentum, per-coordinate gains.
import { Rng } from './rng';

export interface BhTsneOptions {
  /** Effective number of neighbours; clamped to (n − 1) / 3. */
  perplexity: number;
  /** Step size; 0 picks max(200, n / earlyExaggeration) (Belkina et al. 2019), which converges in fewer iterations at large n. */
  learningRate: number;
  earlyExaggeration: number;
  /** Iterations with exaggerated P and the lower momentum. */
  exaggerationIterations: number;
  initialMomentum: number;
  finalMomentum: number;
  /** Barnes-Hut accuracy: a cell of width w at distance d counts as one point when w / d < theta (0 = exact repulsion). */
  theta: number;
  /** 'cosine' compares directions (rows are normalised first), 'euclidean' raw positions. */
  metric: 'euclidean' | 'cosine';
  seed: number;
  /** Start from this n×2 layout instead of a random one; skips early exaggeration. */
  initialLayout?: ArrayLike<number>;
}

export const DEFAULT_BH_TSNE_OPTIONS: Readonly<BhTsneOptions> = {
  perplexity: 30,
  learningRate: 0,
  earlyExaggeration: 12,
  exaggerationIterations: 250,
  initialMomentum: 0.5,
  finalMomentum: 0.8,
  theta: 0.5,
  metric: 'euclidean',
  seed: 1,
};

/** The symmetric joint probabilities P in compressed rows: row i's entries are cols/values[rowStart[i] … rowStart[i + 1]). */
export interface SparseAffinities {
  rowStart: Int32Array;
  cols: Int32Array;
  values: Float64Array;
}

const PRECISION_SEARCH_STEPS = 64;
const ENTROPY_TOLERANCE = 1e-5;
const MIN_GAIN = 0.01;
/** Cells narrower than this share of the root stop splitting: coincident points share a leaf. */
const MIN_CELL_SHARE = 1e-9;

export class BhTsne {
  readonly n: number;
  readonly dim: number;
  /** The perplexity used: the option, clamped to (n − 1) / 3. */
  readonly perplexity: number;
  /** Neighbours each point has affinities with: ⌊3 · perplexity⌋, at most n − 1. */
  readonly neighbours: number;
  /** Iterations run so far (drives the exaggeration and momentum schedule). */
  iteration = 0;
  private readonly opts: BhTsneOptions;
  private readonly learningRate: number;
  private p: SparseAffinities;
  private readonly y: Float64Array;
  private readonly velocity: Float64Array;
  private readonly gains: Float64Array;
  private readonly grad: Float64Array;
  private readonly tree: QuadTree;

  constructor(data: ArrayLike<number>, n: number, dim: number, options: Partial<BhTsneOptions> = {}) {
    if (n < 2) throw new Error(`t-SNE needs at least 2 points, got ${n}`);
    if (data.length !== n * dim) throw new Error(`t-SNE data has ${data.length} values, expected ${n}×${dim}`);
    this.n = n;
    this.dim = dim;
    this.opts = { ...DEFAULT_BH_TSNE_OPTIONS, ...options };
    this.perplexity = Math.min(this.opts.perplexity, (n - 1) / 3);
    this.neighbours = Math.min(n - 1, Math.floor(3 * this.perplexity));
    this.learningRate = this.opts.learningRate > 0 ? this.opts.learningRate : Math.max(200, n / this.opts.earlyExaggeration);
    this.y = new Float64Array(n * 2);
    this.velocity = new Float64Array(n * 2);
    this.gains = new Float64Array(n * 2).fill(1);
    this.grad = new Float64Array(n * 2);
    this.tree = new QuadTree(n);
    const initial = this.opts.initialLayout;
    if (initial) {
      if (initial.length !== n * 2) throw new Error(`initial layout has ${initial.length} values, expected ${n}×2`);
      for (let i = 0; i < n * 2; i++) this.y[i] = initial[i];
      this.iteration = this.opts.exaggerationIterations;
    } else {
      const rng = new Rng(this.opts.seed);
      for (let i = 0; i < n * 2; i++) this.y[i] = rng.normal() * 1e-4;
    }
    this.p = this.affinitiesOf(data);
  }

  /** The current layout, n×2 row-major (a live view: copy it to keep it). */
  get layout(): Float64Array {
    return this.y;
  }

  /** P, for inspection. */
  get affinities(): SparseAffinities {
    return this.p;
  }

  /** Replaces the high-dimensional points, keeping the layout; momentum restarts from rest. */
  setData(data: ArrayLike<number>): void {
    if (data.length !== this.n * this.dim) throw new Error(`t-SNE data has ${data.length} values, expected ${this.n}×${this.dim}`);
    this.p = this.affinitiesOf(data);
    this.velocity.fill(0);
    this.gains.fill(1);
    this.iteration = Math.max(this.iteration, this.opts.exaggerationIterations);
  }

  /** Runs gradient descent iterations and returns the layout. */
  step(iterations = 1): Float64Array {
    for (let k = 0; k < iterations; k++) this.iterate();
    return this.y;
  }

  /** dC/dy of the current layout (n×2) with P multiplied by `exaggeration`. */
  gradient(exaggeration = 1, out: Float64Array = new Float64Array(this.n * 2)): Float64Array {
    const { n, y, p, tree } = this;
    const { rowStart, cols, values } = p;
    tree.build(y);
    let z = 0;
    const { repulsion, order } = tree;
    for (let k = 0; k < n; k++) {
      const i = order[k];
      z += tree.repel(i, y[2 * i], y[2 * i + 1], this.opts.theta);
      out[2 * i] = repulsion[0];
      out[2 * i + 1] = repulsion[1];
    }
    // dC/dyi = 4 (Σj pij qij Zij (yi − yj) − Σj qij² Z (yi − yj)), with the Student-t kernel
    // 1 / (1 + ‖yi − yj‖²) and Z its sum over all pairs.
    for (let i = 0; i < n; i++) {
      const xi = y[2 * i];
      const yi = y[2 * i + 1];
      let ax = 0;
      let ay = 0;
      for (let e = rowStart[i]; e < rowStart[i + 1]; e++) {
        const j = cols[e];
        const dx = xi - y[2 * j];
        const dy = yi - y[2 * j + 1];
        const f = values[e] / (1 + dx * dx + dy * dy);
        ax += f * dx;
        ay += f * dy;
      }
      out[2 * i] = 4 * (exaggeration * ax - out[2 * i] / z);
      out[2 * i + 1] = 4 * (exaggeration * ay - out[2 * i + 1] / z);
    }
    return out;
  }

  private iterate(): void {
    const { n, y, grad, velocity, gains, opts } = this;
    const early = this.iteration < opts.exaggerationIterations;
    this.gradient(early ? opts.earlyExaggeration : 1, grad);
    const momentum = early ? opts.initialMomentum : opts.finalMomentum;
    let meanX = 0;
    let meanY = 0;
    for (let c = 0; c < 2 * n; c++) {
      // Gains grow where the gradient keeps flipping the velocity's direction (Jacobs 1988).
      const sameSign = grad[c] > 0 === velocity[c] > 0;
      gains[c] = Math.max(sameSign ? gains[c] * 0.8 : gains[c] + 0.2, MIN_GAIN);
      velocity[c] = momentum * velocity[c] - this.learningRate * gains[c] * grad[c];
      y[c] += velocity[c];
      if (c % 2 === 0) meanX += y[c];
      else meanY += y[c];
    }
    meanX /= n;
    meanY /= n;
    for (let i = 0; i < n; i++) {
      y[2 * i] -= meanX;
      y[2 * i + 1] -= meanY;
    }
    this.iteration++;
  }

  /** P: each point's Gaussian over its nearest neighbours, calibrated to the perplexity, then (p(j|i) + p(i|j)) / 2n. */
  private affinitiesOf(data: ArrayLike<number>): SparseAffinities {
    const { n, dim, neighbours: k } = this;
    const points = this.opts.metric === 'cosine' ? normalizedRows(data, n, dim) : Float64Array.from(data);
    const { index, distance } = nearestNeighbours(points, n, dim, k);
    const conditional = new Float64Array(n * k);
    const targetEntropy = Math.log(this.perplexity);
    for (let i = 0; i < n; i++) calibrateRow(distance.subarray(i * k, (i + 1) * k), targetEntropy, conditional.subarray(i * k, (i + 1) * k));
    return symmetrize(index, conditional, n, k);
  }
}

/**
 * Each row's k nearest other rows by squared Euclidean distance, in max-heaps (unsorted). Brute
 * force over the n²/2 pairs, each offered to both rows: a second or two at 8,000 × 16.
 */
export function nearestNeighbours(points: Float64Array, n: number, dim: number, k: number): { index: Int32Array; distance: Float64Array } {
  const index = new Int32Array(n * k);
  const distance = new Float64Array(n * k);
  const size = new Int32Array(n);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += points[i * dim + d] * points[i * dim + d];
    norms[i] = s;
  }
  /** Offers j at squared distance d2 to row i's heap, whose root is the farthest kept. */
  const offer = (i: number, j: number, d2: number): void => {
    const base = i * k;
    if (size[i] < k) {
      let c = size[i]++;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (distance[base + parent] >= d2) break;
        distance[base + c] = distance[base + parent];
        index[base + c] = index[base + parent];
        c = parent;
      }
      distance[base + c] = d2;
      index[base + c] = j;
    } else if (d2 < distance[base]) {
      let c = 0;
      for (;;) {
        const left = 2 * c + 1;
        if (left >= k) break;
        const child = left + 1 < k && distance[base + left + 1] > distance[base + left] ? left + 1 : left;
        if (distance[base + child] <= d2) break;
        distance[base + c] = distance[base + child];
        index[base + c] = index[base + child];
        c = child;
      }
      distance[base + c] = d2;
      index[base + c] = j;
    }
  };
  for (let i = 0; i < n; i++) {
    const a = i * dim;
    for (let j = i + 1; j < n; j++) {
      const b = j * dim;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += points[a + d] * points[b + d];
      const d2 = Math.max(0, norms[i] + norms[j] - 2 * dot);
      if (size[i] < k || d2 < distance[i * k]) offer(i, j, d2);
      if (size[j] < k || d2 < distance[j * k]) offer(j, i, d2);
    }
  }
  return { index, distance };
}

/**
 * Fills `out` with p(j|i) ∝ exp(−β d²ij) over the row's neighbours, searching β so that the row's
 * entropy is `targetEntropy` (= log perplexity, in nats).
 */
export function calibrateRow(d2: Float64Array, targetEntropy: number, out: Float64Array): void {
  const k = d2.length;
  let beta = 1;
  let lo = 0;
  let hi = Infinity;
  // Distances are shifted by the nearest neighbour's so exp() cannot underflow to all zeros.
  let nearest = Infinity;
  for (let m = 0; m < k; m++) if (d2[m] < nearest) nearest = d2[m];
  for (let attempt = 0; attempt < PRECISION_SEARCH_STEPS; attempt++) {
    let sum = 0;
    let weighted = 0;
    for (let m = 0; m < k; m++) {
      const w = Math.exp(-beta * (d2[m] - nearest));
      out[m] = w;
      sum += w;
      weighted += w * (d2[m] - nearest);
    }
    const entropy = Math.log(sum) + (beta * weighted) / sum;
    for (let m = 0; m < k; m++) out[m] /= sum;
    const diff = entropy - targetEntropy;
    if (Math.abs(diff) < ENTROPY_TOLERANCE) return;
    if (diff > 0) {
      lo = beta;
      beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
    } else {
      hi = beta;
      beta = (beta + lo) / 2;
    }
  }
}

/** pij = (p(j|i) + p(i|j)) / 2n over the union of both neighbour lists, in compressed rows. */
function symmetrize(index: Int32Array, conditional: Float64Array, n: number, k: number): SparseAffinities {
  // Who lists i among their neighbours, so that row i can add p(i|j).
  const incomingStart = new Int32Array(n + 1);
  for (let e = 0; e < n * k; e++) incomingStart[index[e] + 1]++;
  for (let i = 0; i < n; i++) incomingStart[i + 1] += incomingStart[i];
  const incoming = new Int32Array(n * k);
  const fill = incomingStart.slice(0, n);
  for (let e = 0; e < n * k; e++) incoming[fill[index[e]]++] = e;

  const rowStart = new Int32Array(n + 1);
  const cols = new Int32Array(2 * n * k);
  const values = new Float64Array(2 * n * k);
  const slot = new Int32Array(n).fill(-1);
  let used = 0;
  const add = (j: number, v: number): void => {
    if (slot[j] < 0) {
      slot[j] = used;
      cols[used] = j;
      values[used++] = v;
    } else values[slot[j]] += v;
  };
  for (let i = 0; i < n; i++) {
    rowStart[i] = used;
    for (let m = 0; m < k; m++) add(index[i * k + m], conditional[i * k + m] / (2 * n));
    for (let r = incomingStart[i]; r < incomingStart[i + 1]; r++) {
      const e = incoming[r];
      add(Math.floor(e / k), conditional[e] / (2 * n));
    }
    for (let e = rowStart[i]; e < used; e++) slot[cols[e]] = -1;
  }
  rowStart[n] = used;
  return { rowStart, cols: cols.slice(0, used), values: values.slice(0, used) };
}

function normalizedRows(data: ArrayLike<number>, n: number, dim: number): Float64Array {
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += data[i * dim + k] * data[i * dim + k];
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = 0; k < dim; k++) out[i * dim + k] = data[i * dim + k] * scale;
  }
  return out;
}

/** A cell's fields in QuadTree.cells, one stride of them per cell, so a visit touches one cache line. */
const MASS_X = 0;
const MASS_Y = 1;
const MASS = 2;
/** (cell width)², for the Barnes-Hut test. */
const WIDTH2 = 3;
/** First of the four children, or −1 for a leaf. */
const CHILD = 4;
/** A leaf's point, −1 when empty, −2 when it holds several coincident points. */
const POINT = 5;
const CENTRE_X = 6;
const CENTRE_Y = 7;
const STRIDE = 8;

/**
 * A region quadtree over the layout, rebuilt every iteration in one flat array: each cell keeps its
 * point count and centre of mass; a leaf holds one point (or, once cells are too small to split,
 * several coincident ones).
 */
class QuadTree {
  /** Σ qij² (yi − yj) of the last repel(), x and y. */
  readonly repulsion = new Float64Array(2);
  /** The points in the order a depth-first walk meets them: neighbours in the layout come together, and so do their walks. */
  readonly order: Int32Array;
  private cells = new Float64Array(0);
  private count = 0;
  private stack = new Int32Array(256);

  constructor(n: number) {
    this.order = new Int32Array(n);
    this.grow(4 * n + 4);
  }

  build(y: Float64Array): void {
    const n = y.length / 2;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, y[2 * i]);
      maxX = Math.max(maxX, y[2 * i]);
      minY = Math.min(minY, y[2 * i + 1]);
      maxY = Math.max(maxY, y[2 * i + 1]);
    }
    const half = Math.max(maxX - minX, maxY - minY, 1e-12) / 2 + 1e-9;
    this.count = 0;
    this.addCell((minX + maxX) / 2, (minY + maxY) / 2, half);
    const minHalf = half * MIN_CELL_SHARE;
    for (let i = 0; i < n; i++) this.insert(i, y[2 * i], y[2 * i + 1], minHalf, y);
    const cells = this.cells;
    for (let c = 0; c < this.count; c++) {
      const o = c * STRIDE;
      if (cells[o + MASS] > 0) {
        cells[o + MASS_X] /= cells[o + MASS];
        cells[o + MASS_Y] /= cells[o + MASS];
      }
    }
    this.walkOrder(n);
  }

  /** Σj qij (the kernel, unnormalised) for point i at (x, y), with Σj qij² (yi − yj) in `repulsion`. */
  repel(i: number, x: number, y: number, theta: number): number {
    const cells = this.cells;
    const theta2 = theta * theta;
    let stack = this.stack;
    let top = 0;
    stack[top++] = 0;
    let sumQ = 0;
    let fx = 0;
    let fy = 0;
    while (top > 0) {
      const o = stack[--top] * STRIDE;
      const first = cells[o + CHILD];
      const point = cells[o + POINT];
      if (first < 0 && point === i) continue;
      const dx = x - cells[o + MASS_X];
      const dy = y - cells[o + MASS_Y];
      const d2 = dx * dx + dy * dy;
      if (first < 0 || cells[o + WIDTH2] < theta2 * d2) {
        const m = cells[o + MASS];
        const q = 1 / (1 + d2);
        // A leaf of coincident points that includes i: i does not repel itself.
        const others = point === -2 && d2 <= cells[o + WIDTH2] ? m - 1 : m;
        sumQ += others * q;
        const f = others * q * q;
        fx += f * dx;
        fy += f * dy;
      } else {
        if (top + 4 > stack.length) {
          const bigger = new Int32Array(stack.length * 2);
          bigger.set(stack);
          this.stack = stack = bigger;
        }
        for (let q = 0; q < 4; q++) if (cells[(first + q) * STRIDE + MASS] > 0) stack[top++] = first + q;
      }
    }
    this.repulsion[0] = fx;
    this.repulsion[1] = fy;
    return sumQ;
  }

  private insert(i: number, x: number, y: number, minHalf: number, layout: Float64Array): void {
    let c = 0;
    for (;;) {
      let cells = this.cells;
      let o = c * STRIDE;
      cells[o + MASS]++;
      cells[o + MASS_X] += x;
      cells[o + MASS_Y] += y;
      if (cells[o + CHILD] >= 0) {
        c = cells[o + CHILD] + this.quadrant(c, x, y);
        continue;
      }
      if (cells[o + MASS] === 1) {
        cells[o + POINT] = i;
        return;
      }
      if (cells[o + POINT] === -2 || Math.sqrt(cells[o + WIDTH2]) / 2 < minHalf) {
        cells[o + POINT] = -2;
        return;
      }
      // An occupied leaf splits: its point moves down, then i goes on down.
      const resident = cells[o + POINT];
      const first = this.split(c);
      cells = this.cells;
      o = c * STRIDE;
      const rx = layout[2 * resident];
      const ry = layout[2 * resident + 1];
      const r = (first + this.quadrant(c, rx, ry)) * STRIDE;
      cells[r + MASS] = 1;
      cells[r + MASS_X] = rx;
      cells[r + MASS_Y] = ry;
      cells[r + POINT] = resident;
      cells[o + POINT] = -1;
      c = first + this.quadrant(c, x, y);
    }
  }

  private walkOrder(n: number): void {
    const cells = this.cells;
    let stack = this.stack;
    let top = 0;
    let next = 0;
    stack[top++] = 0;
    while (top > 0) {
      const o = stack[--top] * STRIDE;
      const first = cells[o + CHILD];
      if (first >= 0) {
        if (top + 4 > stack.length) {
          const bigger = new Int32Array(stack.length * 2);
          bigger.set(stack);
          this.stack = stack = bigger;
        }
        for (let q = 0; q < 4; q++) if (cells[(first + q) * STRIDE + MASS] > 0) stack[top++] = first + q;
      } else if (cells[o + POINT] >= 0) this.order[next++] = cells[o + POINT];
    }
    // Coincident points share a leaf that names none of them: they come last, in index order.
    if (next < n) {
      const seen = new Uint8Array(n);
      for (let k = 0; k < next; k++) seen[this.order[k]] = 1;
      for (let i = 0; i < n; i++) if (!seen[i]) this.order[next++] = i;
    }
  }

  private quadrant(c: number, x: number, y: number): number {
    const o = c * STRIDE;
    return (x >= this.cells[o + CENTRE_X] ? 1 : 0) + (y >= this.cells[o + CENTRE_Y] ? 2 : 0);
  }

  private split(c: number): number {
    if ((this.count + 4) * STRIDE > this.cells.length) this.grow(this.count * 2);
    const o = c * STRIDE;
    const h = Math.sqrt(this.cells[o + WIDTH2]) / 4;
    const [x, y] = [this.cells[o + CENTRE_X], this.cells[o + CENTRE_Y]];
    const first = this.count;
    for (let q = 0; q < 4; q++) this.addCell(x + (q & 1 ? h : -h), y + (q & 2 ? h : -h), h);
    this.cells[o + CHILD] = first;
    return first;
  }

  private addCell(x: number, y: number, half: number): void {
    const o = this.count++ * STRIDE;
    const cells = this.cells;
    cells[o + MASS_X] = 0;
    cells[o + MASS_Y] = 0;
    cells[o + MASS] = 0;
    cells[o + WIDTH2] = 4 * half * half;
    cells[o + CHILD] = -1;
    cells[o + POINT] = -1;
    cells[o + CENTRE_X] = x;
    cells[o + CENTRE_Y] = y;
  }

  private grow(capacity: number): void {
    const bigger = new Float64Array(capacity * STRIDE);
    bigger.set(this.cells.subarray(0, this.count * STRIDE));
    this.cells = bigger;
  }
}

/**
 * The embedding map's t-SNE: directions of the rows (cosine); theta 0.8 halves the cells visited
 * against 0.5 (bench: scripts/bench-tsne.mjs), and with the learning rate n / 12 the layout has
 * settled after 250 exaggerated and 250 plain iterations; 250 more after each new W1.
 */
export const MAP_TSNE = { metric: 'cosine', perplexity: 30, theta: 0.8, seed: 1, firstIterations: 500, refreshIterations: 250 } as const;
