// Exact t-SNE (van der Maaten & Hinton 2008) for the dashboard's embedding map: perplexity-
// calibrated affinities, early exaggeration, momentum and per-coordinate gains. O(N²) per
// iteration, which at the vocabulary sizes we show (a few hundred words) is about a millisecond.
// Iterates in small slices and can swap in new data while keeping the layout, so the map can
// animate as the embedding learns.
import { Rng } from './rng';

export interface TsneOptions {
  /** Effective number of neighbours; clamped to (n − 1) / 3. */
  perplexity: number;
  learningRate: number;
  earlyExaggeration: number;
  /** Iterations with exaggerated P and the lower momentum. */
  exaggerationIterations: number;
  initialMomentum: number;
  finalMomentum: number;
  /** 'cosine' compares directions (rows are normalised first), 'euclidean' raw positions. */
  metric: 'euclidean' | 'cosine';
  seed: number;
  /** Start from this n×2 layout instead of a random one; skips early exaggeration. */
  initialLayout?: ArrayLike<number>;
}

export const DEFAULT_TSNE_OPTIONS: Readonly<TsneOptions> = {
  perplexity: 30,
  learningRate: 200,
  earlyExaggeration: 12,
  exaggerationIterations: 250,
  initialMomentum: 0.5,
  finalMomentum: 0.8,
  metric: 'euclidean',
  seed: 1,
};

/** Binary search steps for each point's Gaussian precision. */
const PRECISION_SEARCH_STEPS = 64;
const ENTROPY_TOLERANCE = 1e-5;
const MIN_GAIN = 0.01;
const MIN_PROBABILITY = 1e-12;

export class Tsne {
  readonly n: number;
  readonly dim: number;
  /** The perplexity used: the option, clamped to (n − 1) / 3. */
  readonly perplexity: number;
  /** Iterations run so far (drives the exaggeration and momentum schedule). */
  iteration = 0;
  private readonly opts: TsneOptions;
  private readonly p: Float64Array;
  private readonly y: Float64Array;
  private readonly velocity: Float64Array;
  private readonly gains: Float64Array;
  private readonly gradient: Float64Array;
  /** Student-t kernel 1 / (1 + ‖yi − yj‖²) of the last iteration, n×n. */
  private readonly kernel: Float64Array;

  constructor(data: ArrayLike<number>, n: number, dim: number, options: Partial<TsneOptions> = {}) {
    if (n < 2) throw new Error(`t-SNE needs at least 2 points, got ${n}`);
    if (data.length !== n * dim) throw new Error(`t-SNE data has ${data.length} values, expected ${n}×${dim}`);
    this.n = n;
    this.dim = dim;
    this.opts = { ...DEFAULT_TSNE_OPTIONS, ...options };
    this.perplexity = Math.min(this.opts.perplexity, (n - 1) / 3);
    this.p = new Float64Array(n * n);
    this.y = new Float64Array(n * 2);
    this.velocity = new Float64Array(n * 2);
    this.gains = new Float64Array(n * 2).fill(1);
    this.gradient = new Float64Array(n * 2);
    this.kernel = new Float64Array(n * n);
    const initial = this.opts.initialLayout;
    if (initial) {
      if (initial.length !== n * 2) throw new Error(`initial layout has ${initial.length} values, expected ${n}×2`);
      for (let i = 0; i < n * 2; i++) this.y[i] = initial[i];
      this.iteration = this.opts.exaggerationIterations;
    } else {
      const rng = new Rng(this.opts.seed);
      for (let i = 0; i < n * 2; i++) this.y[i] = rng.normal() * 1e-4;
    }
    this.computeAffinities(data);
  }

  /** The current layout, n×2 row-major (a live view: copy it to keep it). */
  get layout(): Float64Array {
    return this.y;
  }

  /** Replaces the high-dimensional points, keeping the layout; momentum restarts from rest. */
  setData(data: ArrayLike<number>): void {
    if (data.length !== this.n * this.dim) throw new Error(`t-SNE data has ${data.length} values, expected ${this.n}×${this.dim}`);
    this.computeAffinities(data);
    this.velocity.fill(0);
    this.gains.fill(1);
    this.iteration = Math.max(this.iteration, this.opts.exaggerationIterations);
  }

  /** Runs gradient descent iterations and returns the layout. */
  step(iterations = 1): Float64Array {
    for (let k = 0; k < iterations; k++) this.iterate();
    return this.y;
  }

  /** KL(P ‖ Q) of the current layout, without exaggeration: what t-SNE minimises. */
  klDivergence(): number {
    const { n, p, y } = this;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const dx = y[2 * i] - y[2 * j];
        const dy = y[2 * i + 1] - y[2 * j + 1];
        sum += 1 / (1 + dx * dx + dy * dy);
      }
    }
    let kl = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const dx = y[2 * i] - y[2 * j];
        const dy = y[2 * i + 1] - y[2 * j + 1];
        const q = Math.max(1 / (1 + dx * dx + dy * dy) / sum, MIN_PROBABILITY);
        const pij = p[i * n + j];
        kl += pij * Math.log(pij / q);
      }
    }
    return kl;
  }

  private iterate(): void {
    const { n, p, y, kernel, gradient, velocity, gains, opts } = this;
    const exaggeration = this.iteration < opts.exaggerationIterations ? opts.earlyExaggeration : 1;
    const momentum = this.iteration < opts.exaggerationIterations ? opts.initialMomentum : opts.finalMomentum;

    let kernelSum = 0;
    for (let i = 0; i < n; i++) {
      kernel[i * n + i] = 0;
      for (let j = i + 1; j < n; j++) {
        const dx = y[2 * i] - y[2 * j];
        const dy = y[2 * i + 1] - y[2 * j + 1];
        const k = 1 / (1 + dx * dx + dy * dy);
        kernel[i * n + j] = k;
        kernel[j * n + i] = k;
        kernelSum += 2 * k;
      }
    }

    // dC/dyi = 4 Σj (pij − qij) (1 + ‖yi − yj‖²)⁻¹ (yi − yj), with qij = kernel / Σ kernel.
    for (let i = 0; i < n; i++) {
      let gx = 0;
      let gy = 0;
      for (let j = 0; j < n; j++) {
        const k = kernel[i * n + j];
        const force = (exaggeration * p[i * n + j] - k / kernelSum) * k;
        gx += force * (y[2 * i] - y[2 * j]);
        gy += force * (y[2 * i + 1] - y[2 * j + 1]);
      }
      gradient[2 * i] = 4 * gx;
      gradient[2 * i + 1] = 4 * gy;
    }

    let meanX = 0;
    let meanY = 0;
    for (let c = 0; c < 2 * n; c++) {
      // Gains grow where the gradient keeps flipping the velocity's direction (Jacobs 1988).
      const sameSign = gradient[c] > 0 === velocity[c] > 0;
      gains[c] = Math.max(sameSign ? gains[c] * 0.8 : gains[c] + 0.2, MIN_GAIN);
      velocity[c] = momentum * velocity[c] - opts.learningRate * gains[c] * gradient[c];
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

  /** Symmetric joint probabilities P from per-point Gaussians calibrated to the perplexity. */
  private computeAffinities(data: ArrayLike<number>): void {
    const { n, dim, p } = this;
    const points = this.opts.metric === 'cosine' ? normalizedRows(data, n, dim) : Float64Array.from(data);
    const distances = squaredDistances(points, n, dim);
    const conditional = new Float64Array(n * n);
    const row = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      calibrateRow(distances.subarray(i * n, (i + 1) * n), i, Math.log(this.perplexity), row);
      conditional.set(row, i * n);
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        p[i * n + j] = i === j ? 0 : Math.max((conditional[i * n + j] + conditional[j * n + i]) / (2 * n), MIN_PROBABILITY);
      }
    }
  }
}

/**
 * Fills `out` with p(j|i) ∝ exp(−β d²ij), searching β so that the row's entropy is `targetEntropy`
 * (= log perplexity, in nats).
 */
function calibrateRow(d2: Float64Array, i: number, targetEntropy: number, out: Float64Array): void {
  const n = d2.length;
  let beta = 1;
  let lo = 0;
  let hi = Infinity;
  // Distances are shifted by the nearest neighbour's so exp() cannot underflow to all zeros.
  let nearest = Infinity;
  for (let j = 0; j < n; j++) if (j !== i && d2[j] < nearest) nearest = d2[j];
  for (let attempt = 0; attempt < PRECISION_SEARCH_STEPS; attempt++) {
    let sum = 0;
    let weighted = 0;
    for (let j = 0; j < n; j++) {
      const w = j === i ? 0 : Math.exp(-beta * (d2[j] - nearest));
      out[j] = w;
      sum += w;
      weighted += w * (d2[j] - nearest);
    }
    // H = log Σw + β E[d²] for the normalised distribution.
    const entropy = Math.log(sum) + (beta * weighted) / sum;
    for (let j = 0; j < n; j++) out[j] /= sum;
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

function squaredDistances(points: Float64Array, n: number, dim: number): Float64Array {
  const d2 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const diff = points[i * dim + k] - points[j * dim + k];
        s += diff * diff;
      }
      d2[i * n + j] = s;
      d2[j * n + i] = s;
    }
  }
  return d2;
}
