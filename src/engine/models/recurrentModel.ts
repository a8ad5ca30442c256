// What an RNN and an LSTM instance share: the context read one word per time step from the shared
// embedding W1 (X_t = W1[x_t]), the next-word head and its gradients, and the scatter of the
// window's dX_t into dW1. A subclass adds its cell: one forward phase per time step and one
// backward-through-time phase per time step of the BPTT window, each with its sub-steps. Every
// tensor is [n, width] for one time step, so Variables, hovers and heatmaps show H1, H2, … as they
// show any activation.
// Two tasks: n-grams (the head reads H_T: one next word per example) and token streams (the head
// reads every H_t: a next word at every position of a window of K tokens, as ONE product over
// the K·n rows, so H_1…H_K lie back to back in one array; the state H_0 (and C_0) is the previous
// window's last, carried in and held constant: truncated BPTT between windows).
import { Activation, activationByName } from '../activations';
import { Kernels } from '../kernels';
import { Phase, singleStep, SubStep } from '../phase';
import { DType, FloatArray, sizeOf, Tensor } from '../tensor';
import { store } from './init';
import { ActivationSpec, Model, NextWord, Params, ParamSpec } from './model';
import { isStream, RecurrentShape, TimeMajorIds, timeSteps, windowStart } from './recurrent';
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
  /** Stream task: a target at every position, and the state carried from window to window. */
  protected readonly stream: boolean;
  /** Stream task: the targets time step by time step (the rows of Z). */
  private readonly y: TimeMajorIds | undefined;
  /** Stream task: the arrays holding H_1…H_K and dH_1…dH_K back to back. */
  private readonly blocks: Record<string, FloatArray> = {};
  /** Stream task: the batch continues the previous one's streams (else the carried state is zero). */
  private continues = false;
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
    /** The cell's state carried from window to window in the stream task: H, and C for the LSTM. */
    private readonly carried: readonly string[] = ['H'],
  ) {
    const { vocabSize: V, embeddingDim: D, hiddenUnits: P, context: T } = shape;
    for (const { name, shape } of specs) this.grads[name] = { name: `d${name}`, shape, data: store(dtype, kernels, sizeOf(shape)) };
    this.window = windowStart(shape);
    this.stream = isStream(shape);
    const { all, backward } = timeSteps(shape);
    const plain = (name: string, width: number): ActivationSpec => ({ name, width, wordAxes: [] });
    const byWord = (name: string): ActivationSpec => ({ name, width: V, wordAxes: [1] });
    this.activationSpecs = [
      ...(this.stream ? carried.map((s) => plain(`${s}0`, P)) : []),
      ...all.map((t) => plain(`X${t}`, D)),
      ...cellBuffers,
      ...all.map((t) => plain(`H${t}`, P)),
      byWord('Z'),
      byWord('P'),
      byWord('dZ'),
      ...backward.map((t) => plain(`dH${t}`, P)),
      ...backward.map((t) => plain(`dX${t}`, D)),
    ];
    const buffers: Record<string, FloatArray> = {};
    for (const { name, width } of this.activationSpecs) {
      const rows = this.headRows(name, capacity);
      if (this.stream && /^d?H[1-9]/.test(name)) continue; // placed below, back to back
      buffers[name] = store(dtype, kernels, rows * width);
    }
    if (this.stream) {
      // H_1…H_K (and dH_1…dH_K) back to back: the head's products read (and write) all K·n rows at once.
      for (const prefix of ['H', 'dH']) {
        const block = (this.blocks[prefix] = store(dtype, kernels, T * capacity * P));
        for (const t of all) buffers[`${prefix}${t}`] = block.subarray((t - 1) * capacity * P, t * capacity * P);
      }
      this.y = new TimeMajorIds(T, capacity, kernels);
    }
    this.buffers = buffers;
    this.x = new TimeMajorIds(T, capacity, kernels);
    this.biasScratch = store(dtype, kernels, 4 * P);
    this.hidden = { tensor: `H${T}`, units: P, activation: this.tanh };
    const window = [...backward].reverse();
    this.throughTime = { steps: window, gradients: window.map((t) => `dH${t}`) };
    this.phases = [
      ...all.map((t) => ({ ...(this.stream && t === 1 ? this.withCarry(this.forwardPhase(t)) : this.forwardPhase(t)), timeStep: t })),
      ...(this.stream ? this.streamHeadPhases() : this.headPhases()),
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

  /** Whether time step t reads a previous state: always in the stream task (H_0 is carried in). */
  protected hasPrevious(t: number): boolean {
    return t > 1 || this.stream;
  }

  /** Rows of a buffer: the head's (Z, P, dZ) has one per position in the stream task. */
  private headRows(name: string, n: number): number {
    return this.stream && (name === 'Z' || name === 'P' || name === 'dZ') ? this.shape.context * n : n;
  }

  /** Stream task: step 1 starts by carrying the previous window's last state in, detached (its
   *  sub-step is constant to the backward pass), or zero at the start of the streams. */
  private withCarry(phase: Phase): Phase {
    const T = this.shape.context;
    const P = this.shape.hiddenUnits;
    const names = this.carried.map((s) => `${s}0`);
    const carry: SubStep = {
      label: `${names.join(', ')} ← ${this.carried.map((s) => `${s}${T}`).join(', ')} of the previous window (detached), 0 at the streams' start`,
      constant: true,
      run: () => {
        for (const s of this.carried) {
          const into = this.buffers[`${s}0`];
          if (this.continues) into.set(this.buffers[`${s}${T}`].subarray(0, this.n * P));
          else into.fill(0);
        }
      },
    };
    return {
      ...phase,
      math: `${names.join(', ')} carried from the previous window (truncated BPTT) ; ${phase.math}`,
      reads: [...phase.reads, ...this.carried.map((s) => `${s}${T}`)],
      writes: [...names, ...phase.writes],
      subSteps: [carry, ...phase.subSteps],
    };
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

  setBatch(inputs: Int32Array, targets: Int32Array, n: number, continues = false): void {
    if (n > this.capacity) throw new Error(`batch of ${n} exceeds the model's capacity ${this.capacity}`);
    // The head's rows are the K blocks of `capacity` rows: every window holds all the streams (or
    // none: a restored state from before the first batch).
    if (this.stream && n !== 0 && n !== this.capacity) throw new Error(`a window of ${n} streams, but the model reads ${this.capacity} streams`);
    this.inputs = inputs;
    this.targets = targets;
    this.n = n;
    this.loss = NaN;
    this.correct = 0;
    this.continues = continues;
    this.x.fill(inputs, n);
    if (this.y && targets.length > 0) this.y.fill(targets, n);
  }

  activations(): Tensor[] {
    const n = this.n;
    return this.activationSpecs.map(({ name, width }) => {
      const rows = this.headRows(name, n);
      return { name, shape: [rows, width], data: this.buffers[name].subarray(0, rows * width) };
    });
  }

  predict(inputs: Int32Array, n: number, continues = false): NextWord {
    this.setBatch(inputs, new Int32Array(0), n, continues);
    runForwardPhases(this.phases);
    const size = this.headRows('Z', n) * this.shape.vocabSize;
    return { logits: this.buffers.Z.subarray(0, size), probabilities: this.buffers.P.subarray(0, size) };
  }

  /** The next-word head on H_T and its gradients, down to dH_T. */
  private headPhases(): Phase[] {
    const T = this.shape.context;
    return this.softmaxHead({
      rows: () => this.n,
      targets: () => this.targets,
      hidden: this.buffers[`H${T}`],
      dHidden: this.buffers[`dH${T}`],
      hiddenNames: [`H${T}`],
      dHiddenNames: [`dH${T}`],
      dHiddenLabel: `dH${T}`,
      math: {
        output: `Z = H${T}·Why + by`,
        loss: 'L = −mean(log P[y])',
        dZ: 'dZ = (P − Y) / N',
        dWhy: `dWhy = H${T}ᵀ·dZ ; dby = Σ dZ`,
        dH: `dH${T} = dZ·Whyᵀ`,
      },
    });
  }

  /** Stream task: the head at every position, each product ONE call over the K·n rows (time step
   *  by time step: row (t − 1)·n + r is stream r at step t), so the decoder's (K·n)×P·P×V products
   *  run at the kernels' large-matrix speed; the loss is the mean over the K·n positions. */
  private streamHeadPhases(): Phase[] {
    const T = this.shape.context;
    const every = (prefix: string) => Array.from({ length: T }, (_, i) => `${prefix}${i + 1}`);
    return this.softmaxHead({
      rows: () => T * this.n,
      targets: () => this.y!.all,
      hidden: this.blocks.H,
      dHidden: this.blocks.dH,
      hiddenNames: every('H'),
      dHiddenNames: every('dH'),
      dHiddenLabel: `dH1…dH${T}`,
      math: {
        output: `Z_t = H_t·Why + by, t = 1…${T} (one product over the ${T}·N rows)`,
        loss: `L = −mean(log P[y]) over the ${T}·N positions`,
        dZ: `dZ = (P − Y) / (${T}·N)`,
        dWhy: `dWhy = Σ_t H_tᵀ·dZ_t ; dby = Σ dZ (one product each over H1…H${T})`,
        dH: `dH_t = dZ_t·Whyᵀ, t = 1…${T} (the backward steps add what comes through time)`,
      },
    });
  }

  /** Z = H·Why + by, softmax, the mean cross-entropy and its gradients down to dH, over the rows
   *  of `hidden` (H_T of the n-gram task, or H_1…H_K back to back in the stream task). */
  private softmaxHead(head: SoftmaxHead): Phase[] {
    const k = this.kernels;
    const { vocabSize: V, hiddenUnits: P } = this.shape;
    const { Why, by } = this.params;
    const g = this.grads;
    const { Z, P: Pr, dZ } = this.buffers;
    const { rows, targets, hidden, dHidden, math } = head;
    return [
      {
        name: 'output',
        direction: 'forward',
        math: math.output,
        reads: [...head.hiddenNames, 'Why', 'by'],
        writes: ['Z'],
        subSteps: singleStep('Z', () => {
          k.matmul(hidden, Why.data, Z, rows(), P, V, false);
          k.addBias(Z, by.data, rows(), V);
        }),
      },
      {
        name: 'softmax',
        direction: 'forward',
        math: 'P = softmax(Z)',
        reads: ['Z'],
        writes: ['P'],
        subSteps: singleStep('P', () => k.softmaxRows(Z, Pr, rows(), V)),
      },
      {
        name: 'loss',
        direction: 'forward',
        math: math.loss,
        reads: ['P'],
        writes: ['loss'],
        subSteps: singleStep('L', () => {
          this.loss = k.crossEntropySum(Pr, targets(), rows(), V) / rows();
          this.correct = k.countCorrect(Pr, targets(), rows(), V);
        }),
      },
      {
        name: 'dZ',
        direction: 'backward',
        math: math.dZ,
        reads: ['P'],
        writes: ['dZ'],
        subSteps: singleStep('dZ', () => k.softmaxCrossEntropyGrad(Pr, targets(), dZ, rows(), V, 1 / rows())),
      },
      {
        name: 'dWhy',
        direction: 'backward',
        math: math.dWhy,
        reads: [...head.hiddenNames, 'dZ'],
        writes: ['dWhy', 'dby'],
        subSteps: [
          { label: 'dWhy', run: () => k.matmulTN(hidden, dZ, g.Why.data, P, rows(), V, false) },
          { label: 'dby', run: () => k.sumRows(dZ, g.by.data, rows(), V) },
        ],
      },
      {
        name: 'dH',
        direction: 'backward',
        math: math.dH,
        reads: ['dZ', 'Why'],
        writes: head.dHiddenNames,
        subSteps: singleStep(head.dHiddenLabel, () => k.matmulNT(dZ, Why.data, dHidden, rows(), V, P, false)),
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

/** What the n-gram and the stream task's heads differ in: their rows, targets, hidden states. */
interface SoftmaxHead {
  readonly rows: () => number;
  readonly targets: () => Int32Array;
  readonly hidden: FloatArray;
  readonly dHidden: FloatArray;
  readonly hiddenNames: readonly string[];
  readonly dHiddenNames: string[];
  readonly dHiddenLabel: string;
  readonly math: Readonly<Record<'output' | 'loss' | 'dZ' | 'dWhy' | 'dH', string>>;
}
