// The next-word MLP of the Bengio/Hinton courses, as named phases over named tensors:
// x (N×context ids) → E = [W1[x1]; …] → Z1 = E·W2 + b1 → H = f(Z1) → Z2 = H·W3 + b2 → P = softmax(Z2).
// Every computation is a kernel call, so the phases run on whichever backend the model was given.
import { Activation, activationByName } from '../../activations';
import { blockStart, ROW_BLOCKS } from '../../fusedIteration';
import { Kernels } from '../../kernels';
import { Phase, singleStep, SubStep } from '../../phase';
import { DType, FloatArray, sizeOf, Tensor } from '../../tensor';
import { store } from '../init';
import { ActivationSpec, Model, NextWord, ParamSpec } from '../model';
import { MlpShape, ParamName, paramSpecs } from './params';
import { declaredWordAxes } from '../wordAxes';
import { runForwardPhases } from '../forwardPass';

export type MlpParams = Record<ParamName, Tensor>;

/** The activation buffers of a batch, each [capacity, width], row-major. */
export const BUFFER_NAMES = ['E', 'Z1', 'H', 'Z2', 'P', 'dZ2', 'dH', 'dZ1', 'dE'] as const;
export type ActivationBuffers = Readonly<Record<(typeof BUFFER_NAMES)[number], FloatArray>>;

/** Each activation's width per example and its word axes (Z2, P and dZ2 have a column per word). */
export function activationSpecs(s: MlpShape): ActivationSpec[] {
  const { vocabSize: V, context: C, embeddingDim: D, hiddenUnits: P } = s;
  const widths: Record<(typeof BUFFER_NAMES)[number], number> = { E: C * D, Z1: P, H: P, Z2: V, P: V, dZ2: V, dH: P, dZ1: P, dE: C * D };
  const byWord = new Set(['Z2', 'P', 'dZ2']);
  return BUFFER_NAMES.map((name) => ({ name, width: widths[name], wordAxes: byWord.has(name) ? [1] : [] }));
}

/**
 * One MLP instance: parameters (possibly shared with another instance, e.g. an evaluator),
 * their gradients, and activation buffers for up to `capacity` examples per batch.
 */
export class MlpModel implements Model {
  readonly kind = 'mlp';
  readonly activation: Activation;
  readonly specs: readonly ParamSpec[];
  readonly grads: MlpParams;
  readonly phases: readonly Phase[];
  readonly hidden: Model['hidden'];
  private readonly activationSpecs: readonly ActivationSpec[];

  /** The current batch: n examples, ids row-major n×context, targets n. */
  n = 0;
  inputs: Int32Array = new Int32Array(0);
  targets: Int32Array = new Int32Array(0);
  /** Results of the `loss` phase. */
  loss = NaN;
  correct = 0;

  readonly buffers: ActivationBuffers;

  constructor(
    readonly shape: MlpShape,
    readonly params: MlpParams,
    readonly capacity: number,
    readonly kernels: Kernels,
    readonly dtype: DType = 'f32',
  ) {
    this.activation = activationByName(shape.activation);
    this.specs = paramSpecs(shape);
    this.hidden = { tensor: 'H', units: shape.hiddenUnits, activation: this.activation };
    this.grads = {} as MlpParams;
    for (const { name, shape } of this.specs) {
      this.grads[name as ParamName] = { name: `d${name}`, shape, data: store(dtype, kernels, sizeOf(shape)) };
    }
    this.activationSpecs = activationSpecs(shape);
    const buffers = this.activationSpecs.map(({ name, width }) => [name, store(dtype, kernels, capacity * width)]);
    this.buffers = Object.fromEntries(buffers) as ActivationBuffers;
    this.phases = this.buildPhases();
  }

  wordAxes(): Record<string, number[]> {
    return declaredWordAxes(this.specs, this.activationSpecs);
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
    const n = this.n;
    return this.activationSpecs.map(({ name, width }) => ({
      name,
      shape: [n, width],
      data: this.buffers[name as keyof ActivationBuffers].subarray(0, n * width),
    }));
  }

  /** Forward pass only, for evaluation and inference: returns P for the first n rows. */
  predict(inputs: Int32Array, n: number): NextWord {
    this.setBatch(inputs, new Int32Array(0), n);
    runForwardPhases(this.phases);
    const size = n * this.shape.vocabSize;
    return { logits: this.buffers.Z2.subarray(0, size), probabilities: this.buffers.P.subarray(0, size) };
  }

  private buildPhases(): Phase[] {
    const k = this.kernels;
    const { vocabSize: V, context: C, embeddingDim: D, hiddenUnits: P } = this.shape;
    const { W1, W2, b1, W3, b2 } = this.params;
    const g = this.grads;
    const f = this.activation;
    const { E, Z1, H, Z2, P: Pr, dZ2, dH, dZ1, dE } = this.buffers;
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
        subSteps: positions('E ←', (pos) => k.gatherRows(W1.data, this.inputs, E, this.n, C, D, pos, pos + 1)),
      },
      {
        name: 'hidden',
        direction: 'forward',
        math: 'Z1 = E·W2 + b1',
        reads: ['E', 'W2', 'b1'],
        writes: ['Z1'],
        subSteps: singleStep('Z1', () => {
          k.matmul(E, W2.data, Z1, this.n, C * D, P, false);
          k.addBias(Z1, b1.data, this.n, P);
        }),
      },
      {
        name: 'activation',
        direction: 'forward',
        math: `H = ${f.symbol}(Z1)`,
        reads: ['Z1'],
        writes: ['H'],
        subSteps: singleStep('H', () => k.activationForward(Z1, H, this.n * P, f.name)),
      },
      {
        name: 'output',
        direction: 'forward',
        math: 'Z2 = H·W3 + b2',
        reads: ['H', 'W3', 'b2'],
        writes: ['Z2'],
        subSteps: singleStep('Z2', () => {
          k.matmul(H, W3.data, Z2, this.n, P, V, false);
          k.addBias(Z2, b2.data, this.n, V);
        }),
      },
      {
        name: 'softmax',
        direction: 'forward',
        math: 'P = softmax(Z2)',
        reads: ['Z2'],
        writes: ['P'],
        subSteps: singleStep('P', () => k.softmaxRows(Z2, Pr, this.n, V)),
      },
      {
        name: 'loss',
        direction: 'forward',
        math: 'L = −mean(log P[y])',
        reads: ['P'],
        writes: ['loss'],
        subSteps: singleStep('L', () => {
          const { n, targets } = this;
          let sum = 0;
          for (let i = 0; i < ROW_BLOCKS; i++) {
            const [r0, r1] = [blockStart(n, ROW_BLOCKS, i), blockStart(n, ROW_BLOCKS, i + 1)];
            sum += k.crossEntropySum(Pr.subarray(r0 * V), targets.subarray(r0), r1 - r0, V);
          }
          this.loss = sum / n;
          this.correct = k.countCorrect(Pr, targets, n, V);
        }),
      },
      {
        name: 'dZ2',
        direction: 'backward',
        math: 'dZ2 = (P − Y) / N',
        reads: ['P'],
        writes: ['dZ2'],
        subSteps: singleStep('dZ2', () => k.softmaxCrossEntropyGrad(Pr, this.targets, dZ2, this.n, V, 1 / this.n)),
      },
      {
        name: 'dW3',
        direction: 'backward',
        math: 'dW3 = Hᵀ·dZ2 ; db2 = Σ dZ2',
        reads: ['H', 'dZ2'],
        writes: ['dW3', 'db2'],
        subSteps: [
          { label: 'dW3', run: () => k.matmulTN(H, dZ2, g.W3.data, P, this.n, V, false) },
          { label: 'db2', run: () => k.sumRows(dZ2, g.b2.data, this.n, V) },
        ],
      },
      {
        name: 'dH',
        direction: 'backward',
        math: 'dH = dZ2·W3ᵀ',
        reads: ['dZ2', 'W3'],
        writes: ['dH'],
        subSteps: singleStep('dH', () => k.matmulNT(dZ2, W3.data, dH, this.n, V, P, false)),
      },
      {
        name: 'dZ1',
        direction: 'backward',
        math: `dZ1 = dH ⊙ ${f.symbol}'(Z1)`,
        reads: ['dH', 'Z1', 'H'],
        writes: ['dZ1'],
        subSteps: singleStep('dZ1', () => k.activationBackward(Z1, H, dH, dZ1, this.n * P, f.name)),
      },
      {
        name: 'dW2',
        direction: 'backward',
        math: 'dW2 = Eᵀ·dZ1 ; db1 = Σ dZ1',
        reads: ['E', 'dZ1'],
        writes: ['dW2', 'db1'],
        subSteps: [
          { label: 'dW2', run: () => k.matmulTN(E, dZ1, g.W2.data, C * D, this.n, P, false) },
          { label: 'db1', run: () => k.sumRows(dZ1, g.b1.data, this.n, P) },
        ],
      },
      {
        name: 'dE',
        direction: 'backward',
        math: 'dE = dZ1·W2ᵀ',
        reads: ['dZ1', 'W2'],
        writes: ['dE'],
        subSteps: singleStep('dE', () => k.matmulNT(dZ1, W2.data, dE, this.n, P, C * D, false)),
      },
      {
        name: 'dW1',
        direction: 'backward',
        math: 'dW1[x_k] += dE_k',
        reads: ['dE'],
        writes: ['dW1'],
        subSteps: [
          { label: 'dW1 ← 0', run: () => g.W1.data.fill(0) },
          ...positions('dW1 +=', (pos) => k.scatterAddRows(dE, this.inputs, g.W1.data, this.n, C, D, pos, pos + 1)),
        ],
      },
    ];
  }
}
