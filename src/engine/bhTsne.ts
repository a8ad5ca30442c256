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
  /** P's entries above the diagonal (P is symmetric): each attracting pair once. */
  private upper: SparseAffinities;
  private readonly attraction: Float64Array;
  private readonly y: Float64Array;
  private readonly velocity: Float64Array;
  private readonly gains: Float64Array;
  private readonly grad: Float64Array;
  private readonly tree: QuadTree;

  /** `data`: the n×dim rows, or their affinities already computed for these options (an AffinityJob's result). */
  constructor(data: ArrayLike<number> | SparseAffinities, n: number, dim: number, options: Partial<BhTsneOptions> = {}) {
    if (n < 2) throw new Error(`t-SNE needs at least 2 points, got ${n}`);
    this.n = n;
    this.dim = dim;
    this.opts = { ...DEFAULT_BH_TSNE_OPTIONS, ...options };
    ({ perplexity: this.perplexity, neighbours: this.neighbours } = affinityShape(n, this.opts.perplexity));
    this.learningRate = this.opts.learningRate > 0 ? this.opts.learningRate : Math.max(200, n / this.opts.earlyExaggeration);
    this.y = new Float64Array(n * 2);
    this.velocity = new Float64Array(n * 2);
    this.gains = new Float64Array(n * 2).fill(1);
    this.grad = new Float64Array(n * 2);
    this.attraction = new Float64Array(n * 2);
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
    this.upper = upperTriangle(this.p);
  }

  /** The current layout, n×2 row-major (a live view: copy it to keep it). */
  get layout(): Float64Array {
    return this.y;
  }

  /** P, for inspection. */
  get affinities(): SparseAffinities {
    return this.p;
  }

  /** Replaces the high-dimensional points (or their affinities), keeping the layout; momentum restarts from rest. */
  setData(data: ArrayLike<number> | SparseAffinities): void {
    this.p = this.affinitiesOf(data);
    this.upper = upperTriangle(this.p);
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
    const { n, y, upper, tree, attraction } = this;
    const { rowStart, cols, values } = upper;
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
    // 1 / (1 + ‖yi − yj‖²) and Z its sum over all pairs. Each pair attracts both its points.
    attraction.fill(0);
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
        attraction[2 * j] -= f * dx;
        attraction[2 * j + 1] -= f * dy;
      }
      attraction[2 * i] += ax;
      attraction[2 * i + 1] += ay;
    }
    for (let c = 0; c < 2 * n; c++) out[c] = 4 * (exaggeration * attraction[c] - out[c] / z);
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

  /** P of the rows, computed here at once; or P as given, after checking it fits. */
  private affinitiesOf(data: ArrayLike<number> | SparseAffinities): SparseAffinities {
    const { n, dim } = this;
    if (isAffinities(data)) {
      if (data.rowStart.length !== n + 1) throw new Error(`t-SNE affinities have ${data.rowStart.length - 1} rows, expected ${n}`);
      return data;
    }
    // Unlimited work finishes the job in one call.
    return new AffinityJob(data, n, dim, this.opts).advance(Infinity) as SparseAffinities;
  }
}

/** The entries of P with j > i, row by row. */
function upperTriangle(p: SparseAffinities): SparseAffinities {
  const n = p.rowStart.length - 1;
  const rowStart = new Int32Array(n + 1);
  const cols = new Int32Array(p.cols.length >> 1);
  const values = new Float64Array(p.cols.length >> 1);
  let used = 0;
  for (let i = 0; i < n; i++) {
    rowStart[i] = used;
    for (let e = p.rowStart[i]; e < p.rowStart[i + 1]; e++) {
      if (p.cols[e] <= i) continue;
      cols[used] = p.cols[e];
      values[used++] = p.values[e];
    }
  }
  rowStart[n] = used;
  return { rowStart, cols, values };
}

function isAffinities(data: ArrayLike<number> | SparseAffinities): data is SparseAffinities {
  return 'rowStart' in data;
}

/** The perplexity used (the option, clamped to (n − 1) / 3) and the neighbours each point has affinities with (⌊3 · perplexity⌋, at most n − 1). */
function affinityShape(n: number, perplexity: number): { perplexity: number; neighbours: number } {
  const clamped = Math.min(perplexity, (n - 1) / 3);
  return { perplexity: clamped, neighbours: Math.min(n - 1, Math.floor(3 * clamped)) };
}

/** What calibrating one row costs, in distance computations of the neighbour search (measured: about 5 k). */
const CALIBRATION_WORK_PER_NEIGHBOUR = 5;

/**
 * P computed a slice at a time, so that a caller sharing its core (the map's worker while training
 * runs) can spread the second or two it takes at 8,000 words: the nearest neighbours row by row,
 * then each row's Gaussian calibrated to the perplexity, then the symmetrisation.
 */
export class AffinityJob {
  readonly n: number;
  readonly dim: number;
  readonly perplexity: number;
  readonly neighbours: number;
  private readonly search: NeighbourSearch;
  private readonly conditional: Float64Array;
  private calibrated = 0;
  private result: SparseAffinities | undefined;

  constructor(data: ArrayLike<number>, n: number, dim: number, options: Pick<BhTsneOptions, 'perplexity' | 'metric'>) {
    if (n < 2) throw new Error(`t-SNE needs at least 2 points, got ${n}`);
    if (data.length !== n * dim) throw new Error(`t-SNE data has ${data.length} values, expected ${n}×${dim}`);
    this.n = n;
    this.dim = dim;
    ({ perplexity: this.perplexity, neighbours: this.neighbours } = affinityShape(n, options.perplexity));
    const points = options.metric === 'cosine' ? normalizedRows(data, n, dim) : Float64Array.from(data);
    this.search = new NeighbourSearch(points, n, dim, this.neighbours);
    this.conditional = new Float64Array(n * this.neighbours);
  }

  /**
   * Works on until about `work` distance computations' worth is done (a pair of 16-D rows: tens
   * of ns); returns P once it is complete, undefined before.
   */
  advance(work: number): SparseAffinities | undefined {
    if (this.result) return this.result;
    const { n, neighbours: k, search, conditional } = this;
    let left = work;
    while (left > 0 && !search.done) left -= search.nextRow();
    const targetEntropy = Math.log(this.perplexity);
    while (left > 0 && search.done && this.calibrated < n) {
      const i = this.calibrated++;
      calibrateRow(search.distance.subarray(i * k, (i + 1) * k), targetEntropy, conditional.subarray(i * k, (i + 1) * k));
      left -= CALIBRATION_WORK_PER_NEIGHBOUR * k;
    }
    if (this.calibrated === n && left > 0) this.result = symmetrize(search.index, conditional, n, k);
    return this.result;
  }
}

/**
 * Each row's k nearest other rows by squared Euclidean distance, in max-heaps (unsorted). Brute
 * force over the n²/2 pairs, each offered to both rows: about a second at 8,000 × 16.
 */
export function nearestNeighbours(points: Float64Array, n: number, dim: number, k: number): { index: Int32Array; distance: Float64Array } {
  const search = new NeighbourSearch(points, n, dim, k);
  while (!search.done) search.nextRow();
  return search;
}

/** The brute-force search of nearestNeighbours, one row i (its pairs with every j > i) at a time. */
class NeighbourSearch {
  readonly index: Int32Array;
  readonly distance: Float64Array;
  private readonly size: Int32Array;
  /** What a candidate must come nearer than to enter a row's heap: its root once full (read for every pair, so kept apart from the heaps, in cache). */
  private readonly admit: Float64Array;
  private readonly norms: Float64Array;
  private row = 0;

  constructor(
    private readonly points: Float64Array,
    private readonly n: number,
    private readonly dim: number,
    private readonly k: number,
  ) {
    this.index = new Int32Array(n * k);
    this.distance = new Float64Array(n * k);
    this.size = new Int32Array(n);
    this.admit = new Float64Array(n).fill(Infinity);
    this.norms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += points[i * dim + d] * points[i * dim + d];
      this.norms[i] = s;
    }
  }

  get done(): boolean {
    return this.row >= this.n;
  }

  /** Offers the next row's pairs to both rows' heaps; returns how many pairs that was. */
  nextRow(): number {
    const { points, n, dim, norms, admit } = this;
    const i = this.row++;
    const a = i * dim;
    // Four dimensions at a time with a remainder: the dot product is most of the search.
    const whole = dim - (dim % 4);
    for (let j = i + 1; j < n; j++) {
      const b = j * dim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let d = 0; d < whole; d += 4) {
        s0 += points[a + d] * points[b + d];
        s1 += points[a + d + 1] * points[b + d + 1];
        s2 += points[a + d + 2] * points[b + d + 2];
        s3 += points[a + d + 3] * points[b + d + 3];
      }
      for (let d = whole; d < dim; d++) s0 += points[a + d] * points[b + d];
      const d2 = Math.max(0, norms[i] + norms[j] - 2 * (s0 + s1 + s2 + s3));
      if (d2 < admit[i]) this.offer(i, j, d2);
      if (d2 < admit[j]) this.offer(j, i, d2);
    }
    return n - i - 1;
  }

  /** Offers j at squared distance d2 to row i's heap, whose root is the farthest kept. */
  private offer(i: number, j: number, d2: number): void {
    const { k, size, distance, index } = this;
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
    if (size[i] === k) this.admit[i] = distance[base];
  }
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

/** A cell's fields in QuadTree.cells while it is built, one stride of them per cell. */
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
/** A cell's fields in the walked copy (QuadTree.flat): centre of mass, mass, width². */
const FLAT_STRIDE = 4;

/**
 * A region quadtree over the layout, rebuilt every iteration in one flat array: each cell keeps its
 * point count and centre of mass; a leaf holds one point (or, once cells are too small to split,
 * several coincident ones). Once built, its non-empty cells are copied in depth-first order with
 * the index past each cell's subtree (`skip`), so a walk is one forward pass over a small array
 * with no stack: a far cell jumps over its subtree, a near one steps into its first child.
 */
class QuadTree {
  /** Σ qij² (yi − yj) of the last repel(), x and y. */
  readonly repulsion = new Float64Array(2);
  /** The points in the order a depth-first walk meets them: neighbours in the layout come together, and so do their walks. */
  readonly order: Int32Array;
  private cells = new Float64Array(0);
  private count = 0;
  private stack = new Int32Array(256);
  private flat = new Float64Array(0);
  private skip = new Int32Array(0);
  /** A walked cell's point: ≥ 0 a leaf's one point, −2 a leaf of coincident points, −1 not a leaf. */
  private leaf = new Int32Array(0);
  private flatCount = 0;

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
    const minWidth2 = 4 * (half * MIN_CELL_SHARE) ** 2;
    for (let i = 0; i < n; i++) this.insert(i, y[2 * i], y[2 * i + 1], minWidth2, y);
    const cells = this.cells;
    for (let c = 0; c < this.count; c++) {
      const o = c * STRIDE;
      if (cells[o + MASS] > 0) {
        cells[o + MASS_X] /= cells[o + MASS];
        cells[o + MASS_Y] /= cells[o + MASS];
      }
    }
    this.flatten(n);
  }

  /** Σj qij (the kernel, unnormalised) for point i at (x, y), with Σj qij² (yi − yj) in `repulsion`. */
  repel(i: number, x: number, y: number, theta: number): number {
    const { flat, skip, leaf, flatCount } = this;
    const theta2 = theta * theta;
    let sumQ = 0;
    let fx = 0;
    let fy = 0;
    let c = 0;
    while (c < flatCount) {
      const o = c * FLAT_STRIDE;
      const point = leaf[c];
      const dx = x - flat[o];
      const dy = y - flat[o + 1];
      const d2 = dx * dx + dy * dy;
      if (point === -1 && flat[o + 3] >= theta2 * d2) {
        c++;
        continue;
      }
      c = skip[c];
      if (point === i) continue;
      const m = flat[o + 2];
      const q = 1 / (1 + d2);
      // A leaf of coincident points that includes i: i does not repel itself.
      const others = point === -2 && d2 <= flat[o + 3] ? m - 1 : m;
      sumQ += others * q;
      const f = others * q * q;
      fx += f * dx;
      fy += f * dy;
    }
    this.repulsion[0] = fx;
    this.repulsion[1] = fy;
    return sumQ;
  }

  private insert(i: number, x: number, y: number, minWidth2: number, layout: Float64Array): void {
    let c = 0;
    for (;;) {
      let cells = this.cells;
      let o = c * STRIDE;
      cells[o + MASS]++;
      cells[o + MASS_X] += x;
      cells[o + MASS_Y] += y;
      if (cells[o + CHILD] >= 0) {
        c = cells[o + CHILD] + (x >= cells[o + CENTRE_X] ? 1 : 0) + (y >= cells[o + CENTRE_Y] ? 2 : 0);
        continue;
      }
      if (cells[o + MASS] === 1) {
        cells[o + POINT] = i;
        return;
      }
      if (cells[o + POINT] === -2 || cells[o + WIDTH2] < minWidth2) {
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

  /** Copies the non-empty cells in depth-first order with their skips, and lists the points in that order. */
  private flatten(n: number): void {
    const cells = this.cells;
    const capacity = cells.length / STRIDE;
    if (this.skip.length < capacity) {
      this.flat = new Float64Array(capacity * FLAT_STRIDE);
      this.skip = new Int32Array(capacity);
      this.leaf = new Int32Array(capacity);
    }
    const { flat, skip, leaf } = this;
    let stack = this.stack;
    let top = 0;
    let next = 0;
    let count = 0;
    // A cell goes on the stack as its index; a closed subtree as ~(its flat index), to fill in its skip.
    stack[top++] = 0;
    while (top > 0) {
      const entry = stack[--top];
      if (entry < 0) {
        skip[~entry] = count;
        continue;
      }
      const o = entry * STRIDE;
      const f = count * FLAT_STRIDE;
      flat[f] = cells[o + MASS_X];
      flat[f + 1] = cells[o + MASS_Y];
      flat[f + 2] = cells[o + MASS];
      flat[f + 3] = cells[o + WIDTH2];
      const first = cells[o + CHILD];
      if (first < 0) {
        const point = cells[o + POINT];
        leaf[count] = point;
        skip[count] = count + 1;
        count++;
        if (point >= 0) this.order[next++] = point;
        continue;
      }
      leaf[count] = -1;
      if (top + 5 > stack.length) {
        const bigger = new Int32Array(stack.length * 2);
        bigger.set(stack);
        this.stack = stack = bigger;
      }
      stack[top++] = ~count;
      count++;
      for (let q = 3; q >= 0; q--) if (cells[(first + q) * STRIDE + MASS] > 0) stack[top++] = first + q;
    }
    this.flatCount = count;
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
 * settled after 125 exaggerated and 250 plain iterations (on KJV's 8,000 words as many of each
 * word's 10 nearest neighbours in W1 are among its 10 nearest on the map as after 250 and 250);
 * 250 more after each new W1.
 */
export const MAP_TSNE = { metric: 'cosine', perplexity: 30, theta: 0.8, seed: 1, exaggerationIterations: 125, firstIterations: 375, refreshIterations: 250 } as const;
