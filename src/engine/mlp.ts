// The next-word MLP of the Bengio/Hinton courses, as named phases over named tensors:
// x (N×context ids) → E = [W1[x1]; …] → Z1 = E·W2 + b1 → H = f(Z1) → Z2 = H·W3 + b2 → P = softmax(Z2).
import { Activation, activationByName, ActivationName } from './activations';
import { InitName } from './config';
import { Kernels } from './kernels';
import { Phase, singleStep, SubStep } from './phase';
import { Rng } from './rng';
import { allocate, DType, FloatArray, sizeOf, Tensor } from './tensor';

export const PARAM_NAMES = ['W1', 'W2', 'b1', 'W3', 'b2'] as const;
export type ParamName = (typeof PARAM_NAMES)[number];
export type MlpParams = Record<ParamName, Tensor>;

export interface MlpShape {
  vocabSize: number;
  context: number;
  embeddingDim: number;
  hiddenUnits: number;
  activation: ActivationName;
}

export interface InitOptions {
  init: InitName;
  initStd: number;
  seed: number;
}

export function paramShapes(s: MlpShape): Record<ParamName, number[]> {
  return {
    W1: [s.vocabSize, s.embeddingDim],
    W2: [s.context * s.embeddingDim, s.hiddenUnits],
    b1: [s.hiddenUnits],
    W3: [s.hiddenUnits, s.vocabSize],
    b2: [s.vocabSize],
  };
}

/** Fresh parameters: weights from the chosen init, biases zero. */
export function initParams(s: MlpShape, opts: InitOptions, dtype: DType, kernels: Kernels): MlpParams {
  const rng = new Rng(opts.seed);
  const shapes = paramShapes(s);
  const params = {} as MlpParams;
  for (const name of PARAM_NAMES) {
    const shape = shapes[name];
    const data = store(dtype, kernels, sizeOf(shape));
    if (name.startsWith('W')) {
      const [fanIn, fanOut] = name === 'W1' ? [s.vocabSize, s.embeddingDim] : shape;
      const std = initStd(opts, fanIn, fanOut);
      for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std;
    }
    params[name] = { name, shape, data };
  }
  return params;
}

function initStd(opts: InitOptions, fanIn: number, fanOut: number): number {
  switch (opts.init) {
    case 'normal':
      return opts.initStd;
    case 'xavier':
      return Math.sqrt(2 / (fanIn + fanOut));
    case 'he':
      return Math.sqrt(2 / fanIn);
  }
}

function store(dtype: DType, kernels: Kernels, n: number): FloatArray {
  return dtype === 'f32' ? kernels.alloc(n) : allocate(dtype, n);
}

/**
 * One MLP instance: parameters (possibly shared with another instance, e.g. an evaluator),
 * their gradients, and activation buffers for up to `capacity` examples per batch.
 */
export class MlpModel {
  readonly kind = 'mlp';
  readonly activation: Activation;
  readonly grads: MlpParams;
  readonly phases: readonly Phase[];

  /** The current batch: n examples, ids row-major n×context, targets n. */
  n = 0;
  inputs: Int32Array = new Int32Array(0);
  targets: Int32Array = new Int32Array(0);
  /** Results of the `loss` phase. */
  loss = NaN;
  correct = 0;

  private readonly E: FloatArray;
  private readonly Z1: FloatArray;
  private readonly H: FloatArray;
  private readonly Z2: FloatArray;
  private readonly P: FloatArray;
  private readonly dZ2: FloatArray;
  private readonly dH: FloatArray;
  private readonly dZ1: FloatArray;
  private readonly dE: FloatArray;

  constructor(
    readonly shape: MlpShape,
    readonly params: MlpParams,
    readonly capacity: number,
    readonly kernels: Kernels,
    readonly dtype: DType = 'f32',
  ) {
    this.activation = activationByName(shape.activation);
    const { vocabSize: V, context: C, embeddingDim: D, hiddenUnits: P } = shape;
    const shapes = paramShapes(shape);
    this.grads = {} as MlpParams;
    for (const name of PARAM_NAMES) {
      this.grads[name] = { name: `d${name}`, shape: shapes[name], data: store(dtype, kernels, sizeOf(shapes[name])) };
    }
    const buf = (n: number) => store(dtype, kernels, capacity * n);
    this.E = buf(C * D);
    this.Z1 = buf(P);
    this.H = buf(P);
    this.Z2 = buf(V);
    this.P = buf(V);
    this.dZ2 = buf(V);
    this.dH = buf(P);
    this.dZ1 = buf(P);
    this.dE = buf(C * D);
    this.phases = this.buildPhases();
  }

  /** Axes indexed by vocabulary words, per tensor name: what lets a user write W3[:, "york"]. */
  wordAxes(): Record<string, number[]> {
    const axes: Record<string, number[]> = { W1: [0], W3: [1], b2: [0], Z2: [1], P: [1] };
    for (const name of Object.keys(axes)) if (name !== 'Z2' && name !== 'P') axes[`d${name}`] = axes[name];
    axes.dZ2 = [1];
    return axes;
  }

  /** Points the model at a batch; the arrays are read, never copied or changed. */
  setBatch(inputs: Int32Array, targets: Int32Array, n: number): void {
    if (n > this.capacity) throw new Error(`batch of ${n} exceeds the model's capacity ${this.capacity}`);
    this.inputs = inputs;
    this.targets = targets;
    this.n = n;
    this.loss = NaN;
    this.correct = 0;
  }

  /** Activations and their gradients for the current batch, shaped [n, …]. */
  activations(): Tensor[] {
    const { context: C, embeddingDim: D, hiddenUnits: P, vocabSize: V } = this.shape;
    const n = this.n;
    const view = (name: string, data: FloatArray, width: number): Tensor => ({
      name,
      shape: [n, width],
      data: data.subarray(0, n * width),
    });
    return [
      view('E', this.E, C * D),
      view('Z1', this.Z1, P),
      view('H', this.H, P),
      view('Z2', this.Z2, V),
      view('P', this.P, V),
      view('dZ2', this.dZ2, V),
      view('dH', this.dH, P),
      view('dZ1', this.dZ1, P),
      view('dE', this.dE, C * D),
    ];
  }

  /** Forward pass only, for evaluation and inference: returns P for the first n rows. */
  predict(inputs: Int32Array, n: number): FloatArray {
    this.setBatch(inputs, new Int32Array(0), n);
    for (const phase of this.phases) {
      if (phase.direction !== 'forward' || phase.name === 'loss') continue;
      for (const s of phase.subSteps) s.run();
    }
    return this.P.subarray(0, n * this.shape.vocabSize);
  }

  private buildPhases(): Phase[] {
    const k = this.kernels;
    const { vocabSize: V, context: C, embeddingDim: D, hiddenUnits: P } = this.shape;
    const { W1, W2, b1, W3, b2 } = this.params;
    const g = this.grads;
    const f = this.activation;
    const positions = (label: string, run: (pos: number) => void): SubStep[] =>
      Array.from({ length: C }, (_, pos) => ({ label: `${label} x${pos + 1}`, run: () => run(pos) }));
    const ctxList = Array.from({ length: C }, (_, i) => `W1[x${i + 1}]`).join('; ');

    return [
      {
        name: 'embed',
        direction: 'forward',
        math: `E = [${ctxList}]`,
        reads: ['W1'],
        writes: ['E'],
        subSteps: positions('E ←', (pos) => k.gatherRows(W1.data, this.inputs, this.E, this.n, C, D, pos, pos + 1)),
      },
      {
        name: 'hidden',
        direction: 'forward',
        math: 'Z1 = E·W2 + b1',
        reads: ['E', 'W2', 'b1'],
        writes: ['Z1'],
        subSteps: singleStep('Z1', () => {
          k.matmul(this.E, W2.data, this.Z1, this.n, C * D, P, false);
          k.addBias(this.Z1, b1.data, this.n, P);
        }),
      },
      {
        name: 'activation',
        direction: 'forward',
        math: `H = ${f.symbol}(Z1)`,
        reads: ['Z1'],
        writes: ['H'],
        subSteps: singleStep('H', () => f.forward(this.Z1, this.H, this.n * P)),
      },
      {
        name: 'output',
        direction: 'forward',
        math: 'Z2 = H·W3 + b2',
        reads: ['H', 'W3', 'b2'],
        writes: ['Z2'],
        subSteps: singleStep('Z2', () => {
          k.matmul(this.H, W3.data, this.Z2, this.n, P, V, false);
          k.addBias(this.Z2, b2.data, this.n, V);
        }),
      },
      {
        name: 'softmax',
        direction: 'forward',
        math: 'P = softmax(Z2)',
        reads: ['Z2'],
        writes: ['P'],
        subSteps: singleStep('P', () => k.softmaxRows(this.Z2, this.P, this.n, V)),
      },
      {
        name: 'loss',
        direction: 'forward',
        math: 'L = −mean(log P[y])',
        reads: ['P'],
        writes: ['loss'],
        subSteps: singleStep('L', () => {
          this.loss = k.crossEntropySum(this.P, this.targets, this.n, V) / this.n;
          this.correct = countCorrect(this.P, this.targets, this.n, V);
        }),
      },
      {
        name: 'dZ2',
        direction: 'backward',
        math: 'dZ2 = (P − Y) / N',
        reads: ['P'],
        writes: ['dZ2'],
        subSteps: singleStep('dZ2', () => k.softmaxCrossEntropyGrad(this.P, this.targets, this.dZ2, this.n, V, 1 / this.n)),
      },
      {
        name: 'dW3',
        direction: 'backward',
        math: 'dW3 = Hᵀ·dZ2 ; db2 = Σ dZ2',
        reads: ['H', 'dZ2'],
        writes: ['dW3', 'db2'],
        subSteps: [
          { label: 'dW3', run: () => k.matmulTN(this.H, this.dZ2, g.W3.data, P, this.n, V, false) },
          { label: 'db2', run: () => k.sumRows(this.dZ2, g.b2.data, this.n, V) },
        ],
      },
      {
        name: 'dH',
        direction: 'backward',
        math: 'dH = dZ2·W3ᵀ',
        reads: ['dZ2', 'W3'],
        writes: ['dH'],
        subSteps: singleStep('dH', () => k.matmulNT(this.dZ2, W3.data, this.dH, this.n, V, P, false)),
      },
      {
        name: 'dZ1',
        direction: 'backward',
        math: `dZ1 = dH ⊙ ${f.symbol}'(Z1)`,
        reads: ['dH', 'Z1', 'H'],
        writes: ['dZ1'],
        subSteps: singleStep('dZ1', () => f.backward(this.Z1, this.H, this.dH, this.dZ1, this.n * P)),
      },
      {
        name: 'dW2',
        direction: 'backward',
        math: 'dW2 = Eᵀ·dZ1 ; db1 = Σ dZ1',
        reads: ['E', 'dZ1'],
        writes: ['dW2', 'db1'],
        subSteps: [
          { label: 'dW2', run: () => k.matmulTN(this.E, this.dZ1, g.W2.data, C * D, this.n, P, false) },
          { label: 'db1', run: () => k.sumRows(this.dZ1, g.b1.data, this.n, P) },
        ],
      },
      {
        name: 'dE',
        direction: 'backward',
        math: 'dE = dZ1·W2ᵀ',
        reads: ['dZ1', 'W2'],
        writes: ['dE'],
        subSteps: singleStep('dE', () => k.matmulNT(this.dZ1, W2.data, this.dE, this.n, P, C * D, false)),
      },
      {
        name: 'dW1',
        direction: 'backward',
        math: 'dW1[x_k] += dE_k',
        reads: ['dE'],
        writes: ['dW1'],
        subSteps: [
          { label: 'dW1 ← 0', run: () => g.W1.data.fill(0) },
          ...positions('dW1 +=', (pos) => k.scatterAddRows(this.dE, this.inputs, g.W1.data, this.n, C, D, pos, pos + 1)),
        ],
      },
    ];
  }
}

/** Number of rows whose most probable word is the target. */
export function countCorrect(p: FloatArray, targets: Int32Array, rows: number, cols: number): number {
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let best = 0;
    for (let j = 1; j < cols; j++) if (p[o + j] > p[o + best]) best = j;
    if (best === targets[r]) correct++;
  }
  return correct;
}
