// Drives training as a program with a cursor: epoch › batch › phase › sub-step. `stepSub`,
// `stepPhase`, `step` (one iteration) and `runEpoch` all advance the same cursor through the same
// sub-steps, so stepping one phase at a time gives exactly the numbers of a full step.
import { TrainConfig } from './config';
import { Dataset } from './data/dataset';
import { EvalResult, Evaluator } from './evaluate';
import { jsKernels, Kernels } from './kernels';
import { initParams, MlpModel, MlpParams, MlpShape, PARAM_NAMES } from './mlp';
import { Optimizer } from './optimizers';
import { Phase, SubStep } from './phase';
import { Rng } from './rng';

export interface StepRecord {
  /** Iterations finished so far, counting this one (1-based). */
  step: number;
  epoch: number;
  batch: number;
  loss: number;
  acc: number;
  lr: number;
}

export interface EpochRecord {
  /** 1-based number of the finished epoch. */
  epoch: number;
  /** Mean over the epoch's mini-batches, measured as they were trained. */
  trainCe: number;
  trainAcc: number;
  valid: EvalResult;
  /** Wall time spent in training sub-steps this epoch, excluding evaluation and pauses. */
  seconds: number;
  lr: number;
}

export interface Progress {
  phase: Phase;
  subStep: SubStep;
  /** Set when this sub-step finished an iteration. */
  iteration?: StepRecord;
  /** Set when this sub-step finished an epoch (validation has been evaluated). */
  epoch?: EpochRecord;
}

/** Sub-step-sized salt so shuffling draws from a different stream than initialisation. */
const SHUFFLE_SALT = 0x9e3779b9;

export class Trainer {
  readonly shape: MlpShape;
  readonly params: MlpParams;
  readonly model: MlpModel;
  readonly optimizer: Optimizer;
  readonly phases: readonly Phase[];
  readonly batchesPerEpoch: number;
  readonly epochs: EpochRecord[] = [];

  /** Cursor: completed epochs, batch within the epoch, next phase and sub-step to run. */
  epoch = 0;
  batch = 0;
  phaseIndex = 0;
  subIndex = 0;
  /** Iterations finished since the start. */
  steps = 0;
  /** True once the configured epochs ran or early stopping fired. */
  finished = false;
  stoppedEarly = false;

  private readonly evaluator: Evaluator;
  private readonly order: Int32Array;
  private readonly shuffleRng: Rng;
  private readonly batchInputs: Int32Array;
  private readonly batchTargets: Int32Array;
  private epochLoss = 0;
  private epochCorrect = 0;
  private epochExamples = 0;
  private epochSeconds = 0;
  private bestValidCe = Infinity;
  private epochsWithoutImprovement = 0;

  constructor(
    readonly dataset: Dataset,
    readonly config: TrainConfig,
    readonly kernels: Kernels = jsKernels,
    initial?: MlpParams,
  ) {
    if (dataset.train.n === 0) throw new Error(`${dataset.source}: the training split is empty`);
    this.shape = {
      vocabSize: dataset.vocab.length,
      context: dataset.context,
      embeddingDim: config.embeddingDim,
      hiddenUnits: config.hiddenUnits,
      activation: config.activation,
    };
    this.params = initial ?? initParams(this.shape, config, 'f32', kernels);
    const capacity = Math.min(config.batchSize, dataset.train.n);
    this.model = new MlpModel(this.shape, this.params, capacity, kernels);
    this.evaluator = new Evaluator(this.shape, this.params, kernels);
    this.optimizer = new Optimizer(
      config,
      PARAM_NAMES.map((name) => ({ param: this.params[name], grad: this.model.grads[name], decay: name.startsWith('W') })),
      'f32',
    );
    this.phases = [
      ...this.model.phases,
      {
        name: 'update',
        direction: 'update',
        math: this.optimizer.math,
        reads: PARAM_NAMES.map((n) => `d${n}`),
        writes: [...PARAM_NAMES],
        subSteps: this.optimizer.subSteps(),
      },
    ];
    this.batchesPerEpoch = Math.ceil(dataset.train.n / capacity);
    this.order = Int32Array.from({ length: dataset.train.n }, (_, i) => i);
    this.shuffleRng = new Rng((config.seed ^ SHUFFLE_SALT) >>> 0);
    this.shuffleRng.shuffle(this.order);
    this.batchInputs = new Int32Array(capacity * dataset.context);
    this.batchTargets = new Int32Array(capacity);
  }

  get atIterationStart(): boolean {
    return this.phaseIndex === 0 && this.subIndex === 0;
  }

  get currentPhase(): Phase {
    return this.phases[this.phaseIndex];
  }

  /** Runs one sub-step (the debugger's "step in"). */
  stepSub(): Progress {
    if (this.finished) throw new Error('training has finished');
    if (this.atIterationStart) this.loadBatch();
    const phase = this.phases[this.phaseIndex];
    const subStep = phase.subSteps[this.subIndex];
    const t0 = performance.now();
    subStep.run();
    this.epochSeconds += (performance.now() - t0) / 1000;
    const progress: Progress = { phase, subStep };
    if (++this.subIndex < phase.subSteps.length) return progress;
    this.subIndex = 0;
    if (++this.phaseIndex < this.phases.length) return progress;
    this.phaseIndex = 0;
    progress.iteration = this.finishIteration();
    if (this.batch === this.batchesPerEpoch) progress.epoch = this.finishEpoch();
    return progress;
  }

  /** Runs the rest of the current phase (the debugger's "step over"). */
  stepPhase(): Progress {
    const phase = this.phaseIndex;
    let p = this.stepSub();
    while (this.phaseIndex === phase && this.subIndex !== 0) p = this.stepSub();
    return p;
  }

  /** Runs the rest of the current iteration (one mini-batch). */
  step(): Progress {
    let p = this.stepSub();
    while (!p.iteration) p = this.stepSub();
    return p;
  }

  /** Runs the rest of the current epoch. */
  runEpoch(): EpochRecord {
    let p = this.step();
    while (!p.epoch) p = this.step();
    return p.epoch;
  }

  /** Runs every remaining epoch; `onEpoch` sees each as it finishes. */
  run(onEpoch?: (e: EpochRecord) => void): EpochRecord[] {
    while (!this.finished) {
      const e = this.runEpoch();
      onEpoch?.(e);
    }
    return this.epochs;
  }

  private loadBatch(): void {
    const { train, context: C } = { train: this.dataset.train, context: this.dataset.context };
    const capacity = this.batchTargets.length;
    const start = this.batch * capacity;
    const n = Math.min(capacity, train.n - start);
    for (let r = 0; r < n; r++) {
      const ex = this.order[start + r];
      this.batchTargets[r] = train.targets[ex];
      for (let k = 0; k < C; k++) this.batchInputs[r * C + k] = train.inputs[ex * C + k];
    }
    this.model.setBatch(this.batchInputs, this.batchTargets, n);
  }

  private finishIteration(): StepRecord {
    const m = this.model;
    this.steps++;
    this.epochLoss += m.loss * m.n;
    this.epochCorrect += m.correct;
    this.epochExamples += m.n;
    const record: StepRecord = {
      step: this.steps,
      epoch: this.epoch,
      batch: this.batch,
      loss: m.loss,
      acc: m.correct / m.n,
      lr: this.optimizer.lr,
    };
    this.batch++;
    return record;
  }

  private finishEpoch(): EpochRecord {
    const valid = this.evaluator.evaluate(this.dataset.valid);
    const record: EpochRecord = {
      epoch: this.epoch + 1,
      trainCe: this.epochLoss / this.epochExamples,
      trainAcc: this.epochCorrect / this.epochExamples,
      valid,
      seconds: this.epochSeconds,
      lr: this.optimizer.lr,
    };
    this.epochs.push(record);
    this.epoch++;
    this.batch = 0;
    this.epochLoss = this.epochCorrect = this.epochExamples = this.epochSeconds = 0;
    this.optimizer.decayLearningRate();
    this.shuffleRng.shuffle(this.order);
    if (valid.n > 0 && valid.ce < this.bestValidCe) {
      this.bestValidCe = valid.ce;
      this.epochsWithoutImprovement = 0;
    } else this.epochsWithoutImprovement++;
    this.stoppedEarly = this.config.patience > 0 && this.epochsWithoutImprovement >= this.config.patience;
    this.finished = this.stoppedEarly || this.epoch >= this.config.epochs;
    return record;
  }
}
