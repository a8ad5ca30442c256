// What an RNN and an LSTM instance share: the context read one word per time step from the shared
// embedding W1 (X_t = W1[x_t]), the next-word head on the last hidden state (Z = H_T·Why + by,
// softmax, cross-entropy) and its gradients, and the scatter of the window's dX_t into dW1. A
// subclass adds its cell: one forward phase per time step and one backward-through-time phase per
// time step of the BPTT window, each with its sub-steps. Every tensor is [n, width] for one time
// step, so Variables, hovers and heatmaps show H1, H2, … as they show any activation.
import { Activation, activationByName } from '../activations';
import { Kernels } from '../kernels';
import { Phase, singleStep, SubStep } from '../phase';
import { DType, FloatArray, sizeOf, Tensor } from '../tensor';
import { store } from './init';
import { ActivationSpec, Model, NextWord, Params, ParamSpec } from './model';
import { RecurrentShape, TimeMajorIds, timeSteps, windowStart } from './recurrent';
import { declaredWordAxes } from './wordAxes';
import { runForwardPhases } from './forwardPass';

export abstract class RecurrentModel implements Model {
  abstract readonly kind: string;
  readonly grads: Params = {};
  readonly buffers: Readonly<Record<string, FloatArray>>;
  readonly phases: readonly Phase[];
  readonly hidden: Model['hidden'];
  readonly throughTime: Model['throughTime'];

  n = 0;
  inputs: Int32Array = new Int32Array(0);
  targets: Int32Array = new Int32Array(0);
  loss = NaN;
  correct = 0;

  /** x_t of every example of the batch, per time step. */
  protected readonly x: TimeMajorIds;
  /** The first time step of the BPTT window (1-based). */
  protected readonly window: number;
  protected readonly tanh: Activation = activationByName('tanh');
  /** A bias gradient of one time step, before it is added to the sum over time (4P: the LSTM's gates). */
  protected readonly biasScratch: FloatArray;
  private readonly activationSpecs: readonly ActivationSpec[];

  constructor(
    readonly shape: RecurrentShape,
    readonly specs: readonly ParamSpec[],
    readonly params: Params,
    readonly capacity: number,
    readonly kernels: Kernels,
    readonly dtype: DType,
    /** The cell's own activations (gates, cell states, their gradients), beside X_t, H_t, dH_t, dX_t and the head's. */
    cellBuffers: readonly ActivationSpec[],
  ) {
    const { vocabSize: V, embeddingDim: D, hiddenUnits: P, context: T } = shape;
    for (const { name, shape } of specs) this.grads[name] = { name: `d${name}`, shape, data: store(dtype, kernels, sizeOf(shape)) };
    this.window = windowStart(shape);
    const { all, backward } = timeSteps(shape);
    const plain = (name: string, width: number): ActivationSpec => ({ name, width, wordAxes: [] });
    const byWord = (name: string): ActivationSpec => ({ name, width: V, wordAxes: [1] });
    this.activationSpecs = [
      ...all.map((t) => plain(`X${t}`, D)),
      ...cellBuffers,
      ...all.map((t) => plain(`H${t}`, P)),
      byWord('Z'),
      byWord('P'),
      byWord('dZ'),
      ...backward.map((t) => plain(`dH${t}`, P)),
      ...backward.map((t) => plain(`dX${t}`, D)),
    ];
    this.buffers = Object.fromEntries(this.activationSpecs.map(({ name, width }) => [name, store(dtype, kernels, capacity * width)]));
    this.x = new TimeMajorIds(T, capacity, kernels);
    this.biasScratch = store(dtype, kernels, 4 * P);
    this.hidden = { tensor: `H${T}`, units: P, activation: this.tanh };
    const window = [...backward].reverse();
    this.throughTime = { steps: window, gradients: window.map((t) => `dH${t}`) };
    this.phases = [
      ...all.map((t) => ({ ...this.forwardPhase(t), timeStep: t })),
      ...this.headPhases(),
      ...backward.map((t) => ({ ...this.backwardPhase(t), timeStep: t })),
      this.embeddingGradientPhase(backward),
    ];
  }

  /** Time step t of the forward pass: X_t = W1[x_t], then the cell's computation of H_t. */
  protected abstract forwardPhase(t: number): Phase;
  /** Time step t of backpropagation through time, from dH_t (and the cell's own carried gradients). */
  protected abstract backwardPhase(t: number): Phase;

  /** The sub-step X_t = W1[x_t]. */
  protected embedStep(t: number): SubStep {
    const { embeddingDim: D } = this.shape;
    return { label: `X${t} ← W1[x${t}]`, run: () => this.kernels.gatherRows(this.params.W1.data, this.x.ids[t - 1], this.buffers[`X${t}`], this.n, 1, D, 0, 1) };
  }

  /** Steps before the BPTT window compute constants to the backward pass. */
  protected outsideWindow(t: number): boolean {
    return t < this.window;
  }

  /** " — before the BPTT window" on the iteration document's lines of those steps. */
  protected windowNote(t: number): string {
    return this.outsideWindow(t) ? `   — before the BPTT window (--bptt ${this.shape.bptt})` : '';
  }

  /** Adds `from` into `into` over the first `count` values (sums over time steps). */
  protected addInto(into: FloatArray, from: FloatArray, count: number): void {
    for (let i = 0; i < count; i++) into[i] += from[i];
  }

  wordAxes(): Record<string, number[]> {
    return declaredWordAxes(this.specs, this.activationSpecs);
  }

  setBatch(inputs: Int32Array, targets: Int32Array, n: number): void {
    if (n > this.capacity) throw new Error(`batch of ${n} exceeds the model's capacity ${this.capacity}`);
    this.inputs = inputs;
    this.targets = targets;
    this.n = n;
    this.loss = NaN;
    this.correct = 0;
    this.x.fill(inputs, n);
  }

  activations(): Tensor[] {
    const n = this.n;
    return this.activationSpecs.map(({ name, width }) => ({ name, shape: [n, width], data: this.buffers[name].subarray(0, n * width) }));
  }

  predict(inputs: Int32Array, n: number): NextWord {
    this.setBatch(inputs, new Int32Array(0), n);
    runForwardPhases(this.phases);
    const size = n * this.shape.vocabSize;
    return { logits: this.buffers.Z.subarray(0, size), probabilities: this.buffers.P.subarray(0, size) };
  }

  /** The next-word head on H_T and its gradients, down to dH_T. */
  private headPhases(): Phase[] {
    const k = this.kernels;
    const { vocabSize: V, hiddenUnits: P, context: T } = this.shape;
    const { Why, by } = this.params;
    const g = this.grads;
    const { Z, P: Pr, dZ } = this.buffers;
    const HT = this.buffers[`H${T}`];
    return [
      {
        name: 'output',
        direction: 'forward',
        math: `Z = H${T}·Why + by`,
        reads: [`H${T}`, 'Why', 'by'],
        writes: ['Z'],
        subSteps: singleStep('Z', () => {
          k.matmul(HT, Why.data, Z, this.n, P, V, false);
          k.addBias(Z, by.data, this.n, V);
        }),
      },
      {
        name: 'softmax',
        direction: 'forward',
        math: 'P = softmax(Z)',
        reads: ['Z'],
        writes: ['P'],
        subSteps: singleStep('P', () => k.softmaxRows(Z, Pr, this.n, V)),
      },
      {
        name: 'loss',
        direction: 'forward',
        math: 'L = −mean(log P[y])',
        reads: ['P'],
        writes: ['loss'],
        subSteps: singleStep('L', () => {
          this.loss = k.crossEntropySum(Pr, this.targets, this.n, V) / this.n;
          this.correct = k.countCorrect(Pr, this.targets, this.n, V);
        }),
      },
      {
        name: 'dZ',
        direction: 'backward',
        math: 'dZ = (P − Y) / N',
        reads: ['P'],
        writes: ['dZ'],
        subSteps: singleStep('dZ', () => k.softmaxCrossEntropyGrad(Pr, this.targets, dZ, this.n, V, 1 / this.n)),
      },
      {
        name: 'dWhy',
        direction: 'backward',
        math: `dWhy = H${T}ᵀ·dZ ; dby = Σ dZ`,
        reads: [`H${T}`, 'dZ'],
        writes: ['dWhy', 'dby'],
        subSteps: [
          { label: 'dWhy', run: () => k.matmulTN(HT, dZ, g.Why.data, P, this.n, V, false) },
          { label: 'dby', run: () => k.sumRows(dZ, g.by.data, this.n, V) },
        ],
      },
      {
        name: 'dH',
        direction: 'backward',
        math: `dH${T} = dZ·Whyᵀ`,
        reads: ['dZ', 'Why'],
        writes: [`dH${T}`],
        subSteps: singleStep(`dH${T}`, () => k.matmulNT(dZ, Why.data, this.buffers[`dH${T}`], this.n, V, P, false)),
      },
    ];
  }

  /** dW1[x_t] += dX_t over the window's time steps. */
  private embeddingGradientPhase(backward: readonly number[]): Phase {
    const k = this.kernels;
    const D = this.shape.embeddingDim;
    const dW1 = this.grads.W1.data;
    const steps = [...backward].reverse();
    const range = steps.length > 1 ? `t = ${steps[0]}…${steps[steps.length - 1]}` : `t = ${steps[0]}`;
    return {
      name: 'dW1',
      direction: 'backward',
      math: `dW1[x_t] += dX_t, ${range}`,
      reads: steps.map((t) => `dX${t}`),
      writes: ['dW1'],
      subSteps: [
        { label: 'dW1 ← 0', run: () => dW1.fill(0) },
        ...steps.map((t) => ({ label: `dW1[x${t}] += dX${t}`, run: () => k.scatterAddRows(this.buffers[`dX${t}`], this.x.ids[t - 1], dW1, this.n, 1, D, 0, 1) })),
      ],
    };
  }
}
