// Drives training of any model (models/) as a program with a cursor: epoch › batch › phase ›
// sub-step. `stepSub` and `stepPhase` run the phases' sub-steps; `step` (one iteration) and
// `runEpoch` run a whole iteration as the model's fused iteration, on one thread or two
// (config.threads), which gives the numbers of the sub-steps to the bit — so stepping one phase at
// a time matches a full step. A model without a fused iteration runs its phases.
import { clipGradNorm } from './clipping';
import { TrainConfig } from './config';
import { Dataset } from './data/dataset';
import { Evaluator } from './evaluate';
import { layoutIn } from './fusedIteration';
import { HelperThread, locateShardWorker } from './helperThread';
import { KernelHelper, locateKernelWorker } from './kernelHelper';
import { jsKernels, Kernels } from './kernels';
import { modelDefinition } from './models';
import { initParams } from './models/init';
import { FusedIteration, FusedSpec, IterationTensors, Model, ModelDefinition, ModelShape, Params, ParamSpec, RowsResult, targetsPerExample } from './models/model';
import { InputError } from './errors';
import { batchify, StreamBatches } from './streamBatches';
import { Optimizer } from './optimizers';
import { Phase, SubStep } from './phase';
import { Rng } from './rng';
import { splitKernels } from './splitKernels';
import type { EpochRecord, StepRecord } from './trainRecords';
import { LrSchedule } from './schedules';
import { ThreadChooser } from './threadChooser';
import type { TrainerState } from './timeTravel/trainerState';

export type { EpochRecord, StepRecord };

export interface Progress {
  phase: Phase;
  subStep: SubStep;
  /** Set when this sub-step finished an iteration. */
  iteration?: StepRecord;
  /** Set when this sub-step finished an epoch (validation has been evaluated). */
  epoch?: EpochRecord;
}

/** Words from which two threads run an iteration's phases with their products cut by columns
 *  rather than the fused iteration. Measured with the MLP 16/128, batch 100, ms an iteration: at
 *  V = 8000 9.3–9.7 against 10.2–10.8, at V = 2000 2.8–3.6 against 2.6–2.9, at V = 250 0.6
 *  against 0.4. */
const WIDE_OUTPUT = 4096;

/** Sub-step-sized salt so shuffling draws from a different stream than initialisation. */
const SHUFFLE_SALT = 0x9e3779b9;

export class Trainer {
  /** The model's architecture (its kind included). */
  readonly shape: ModelShape;
  readonly specs: readonly ParamSpec[];
  readonly params: Params;
  readonly model: Model;
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
  /** Threads training runs on: config.threads when the kernels and the helper thread's script
   *  allow it, else 1 (the JS kernels, arrays outside shared memory, no dist/shardWorker.js or
   *  dist/kernelWorker.js). With a fused iteration, a ThreadChooser still runs an iteration on one
   *  thread when that is faster; without one, the phases' large kernel calls are shared. */
  threads: 1 | 2 = 1;

  private readonly evaluator: Evaluator;
  private readonly schedule: LrSchedule;
  private readonly order: Int32Array;
  private readonly shuffleRng: Rng;
  private readonly batchInputs: Int32Array;
  private readonly batchTargets: Int32Array;
  /** Stream task: the training stream cut into B parallel streams, read a window at a time. */
  private readonly streams: StreamBatches | undefined;
  /** Targets per example: 1 (n-grams), or the window's length (streams). */
  private readonly targetsPerExample: number;
  /** The model's fused iteration, if it has one; else whole iterations run the phases. */
  private readonly fused: FusedIteration | undefined;
  /** Started at the first whole iteration on two threads; ended when training finishes. */
  private helper: HelperThread | undefined;
  private readonly startHelper: (() => HelperThread) | undefined;
  /** Without a fused iteration on two threads: the thread that takes parts of the phases' calls. */
  private kernelHelper: KernelHelper | undefined;
  private readonly chooser = new ThreadChooser();
  /** Set once a phase is replaced: whole iterations then run the phases, not the fused iteration. */
  private replaced = false;
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
    initial?: Params,
    readonly definition: ModelDefinition = modelDefinition(config.model, 'the setting "model"'),
  ) {
    if (dataset.train.n === 0) throw new Error(`${dataset.source}: the training split is empty`);
    if (dataset.stream && !definition.streams) throw new InputError(dataset.source, `is read as token streams, which the recurrent models train on (--model rnn or lstm), not the ${definition.kind}`);
    const task = dataset.stream ? 'stream' : undefined;
    this.shape = definition.shapeFor(config, { vocabSize: dataset.vocab.length, context: dataset.context, task });
    this.specs = definition.paramSpecs(this.shape);
    this.params = initial ?? initParams(this.specs, config, 'f32', kernels);
    // Without a fused iteration the phases are the iteration: on two threads their large kernel
    // calls are cut in parts both threads share (numbers to the bit of one thread's). So are they
    // for a wide output layer on two threads, where that beats the fused iteration's row blocks.
    const kernelScript = config.threads === 2 && kernels.shared ? locateKernelWorker() : undefined;
    const wide = this.shape.vocabSize >= WIDE_OUTPUT && kernelScript !== undefined;
    const phaseByPhase = config.clip > 0 || !definition.fused || wide;
    if (kernelScript && kernels.shared && phaseByPhase) {
      this.kernelHelper = new KernelHelper(kernelScript, kernels.shared);
      this.threads = 2;
    }
    const phaseKernels = this.kernelHelper ? splitKernels(kernels, this.kernelHelper) : kernels;
    this.targetsPerExample = targetsPerExample(this.shape);
    // A stream's every iteration is one window of all B streams (no shuffling: the state runs on).
    this.streams = dataset.stream && batchify(dataset.stream.train, config.batchSize, this.shape.context, dataset.source);
    const capacity = this.streams ? config.batchSize : Math.min(config.batchSize, dataset.train.n);
    this.model = definition.create(this.shape, this.params, capacity, phaseKernels);
    this.evaluator = new Evaluator(this.shape, this.params, phaseKernels);
    this.optimizer = new Optimizer(
      config,
      this.specs.map(({ name, decay }) => ({ param: this.params[name], grad: this.model.grads[name], decay })),
      phaseKernels,
    );
    const clip = config.clip;
    const grads = this.specs.map((p) => this.model.grads[p.name].data);
    const clipStep = { label: `clip ‖dθ‖ ≤ ${clip}`, run: () => void clipGradNorm(phaseKernels, grads, clip) };
    this.phases = [
      ...this.model.phases,
      {
        name: 'update',
        direction: 'update',
        math: clip > 0 ? `dθ ← dθ·min(1, ${clip}/‖dθ‖) ; ${this.optimizer.math}` : this.optimizer.math,
        reads: this.specs.map((p) => `d${p.name}`),
        writes: [...(clip > 0 ? this.specs.map((p) => `d${p.name}`) : []), ...this.specs.map((p) => p.name)],
        subSteps: [...(clip > 0 ? [clipStep] : []), ...this.optimizer.subSteps()],
      },
    ];
    this.batchesPerEpoch = this.streams ? this.streams.windows : Math.ceil(dataset.train.n / capacity);
    this.schedule = new LrSchedule(config, this.batchesPerEpoch);
    this.optimizer.lr = this.schedule.lrAt(0, 0);
    this.order = Int32Array.from({ length: this.streams ? 0 : dataset.train.n }, (_, i) => i);
    this.shuffleRng = new Rng((config.seed ^ SHUFFLE_SALT) >>> 0);
    this.shuffleRng.shuffle(this.order);
    this.batchInputs = kernels.allocInt32(capacity * this.shape.context);
    this.batchTargets = kernels.allocInt32(capacity * this.targetsPerExample);
    // Without a fused iteration, whole iterations run the phases (their large calls on two
    // threads, see above). A fused iteration updates each gradient block as soon as it is
    // computed, before the total norm that clipping needs is known, so clipping runs the phases too.
    const fused = phaseByPhase ? undefined : definition.fused;
    if (!fused) return;
    const data = (tensors: Params) => Object.fromEntries(this.specs.map(({ name }) => [name, tensors[name].data]));
    const tensors: IterationTensors = {
      params: data(this.params),
      grads: data(this.model.grads),
      buffers: this.model.buffers,
      state1: this.optimizer.arrays.map((a) => a.s1),
      state2: this.optimizer.arrays.map((a) => a.s2),
      inputs: this.batchInputs,
      targets: this.batchTargets,
    };
    const spec: FusedSpec = { shape: this.shape, update: config };
    this.fused = fused.create(kernels, spec, tensors);
    const shared = kernels.shared;
    const names = { params: this.specs.map((p) => p.name), buffers: fused.bufferNames };
    const layout = shared && layoutIn(tensors, names, shared.memory.buffer);
    const script = locateShardWorker();
    if (config.threads === 2 && shared && layout && script) {
      this.startHelper = () => new HelperThread(script, { shared, spec, layout });
      this.threads = 2;
    }
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

  /** Runs the rest of the current iteration (one mini-batch); a whole one as the fused iteration. */
  step(): Progress {
    if (this.atIterationStart && this.fused && !this.replaced) return this.runIteration(this.fused);
    // Phase by phase on two threads, the chooser decides whether the helper takes parts of this
    // iteration's calls (the numbers are the same either way): on a machine whose other programs
    // keep the second core busy, one thread alone is faster.
    const helper = this.atIterationStart && !this.finished ? this.kernelHelper : undefined;
    const t0 = performance.now();
    if (helper) helper.enabled = this.chooser.next() === 2;
    let p = this.stepSub();
    while (!p.iteration) p = this.stepSub();
    if (helper) {
      // An epoch's last iteration also evaluates: no time to compare.
      if (!p.epoch) this.chooser.record(performance.now() - t0);
      helper.enabled = true;
    }
    return p;
  }

  /** Replaces what a phase of the model computes by `run`, which writes the phase's tensors (exercise
   *  mode trains on a student's gradients). The phase becomes one sub-step; whole iterations then
   *  run phase by phase. Only between iterations. */
  replacePhase(name: string, run: () => void): void {
    if (!this.atIterationStart) throw new Error('a phase can be replaced only between iterations');
    const k = this.model.phases.findIndex((p) => p.name === name);
    if (k < 0) throw new Error(`the model has no phase ${name}`);
    const phase = this.phases[k];
    // The list is this trainer's own (built in the constructor), so replacing an entry is safe.
    (this.phases as Phase[])[k] = { ...phase, subSteps: [{ label: `${phase.name} (replaced)`, run }] };
    this.replaced = true;
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

  /** The share of the tasks of two-thread iterations that the helper thread ran so far: about
   *  half when it keeps up, less when it was late and this thread took them. */
  get helperShare(): number {
    if (this.kernelHelper) return this.kernelHelper.partsTotal > 0 ? this.kernelHelper.partsByHelper / this.kernelHelper.partsTotal : 0;
    return this.helper && this.helper.tasksTotal > 0 ? this.helper.tasksByHelper / this.helper.tasksTotal : 0;
  }

  /** Ends the helper thread, if one runs; training goes on, on one thread, if asked to. */
  close(): void {
    this.helper?.close();
    this.helper = undefined;
    this.kernelHelper?.close();
    this.threads = 1;
  }

  /**
   * A copy of everything that decides what the run computes next and what its tensors show (time
   * travel). `order`: a copy of this epoch's example order taken before, shared instead of copied
   * again; `into`: an earlier state whose arrays are reused; `light` (only at an iteration start):
   * without the gradients and activation buffers, which the next iteration writes before it reads
   * them: a light state restored and run on gives the same bits, but it does not show those tensors.
   */
  saveState(order?: Int32Array, into?: TrainerState, light = false): TrainerState {
    if (light && !this.atIterationStart) throw new Error('a light state is taken at an iteration start only');
    const shown = this.specs.length;
    const skipped = shown + this.specs.length + Object.keys(this.model.buffers).length;
    const arrays = this.stateArrays().map((a, i) => {
      if (light && i >= shown && i < skipped) return EMPTY[a.constructor.name as keyof typeof EMPTY];
      const reused = into?.arrays[i];
      if (!reused || reused.length !== a.length) return a.slice();
      reused.set(a);
      return reused;
    });
    const m = this.model;
    return {
      position: { steps: this.steps, phase: this.phaseIndex, sub: this.subIndex },
      epoch: this.epoch,
      batch: this.batch,
      finished: this.finished,
      stoppedEarly: this.stoppedEarly,
      epochs: this.epochs.slice(),
      sums: [this.epochLoss, this.epochCorrect, this.epochExamples, this.epochSeconds, this.bestValidCe, this.epochsWithoutImprovement],
      rng: this.shuffleRng.state,
      order: order ?? this.order.slice(),
      lr: this.optimizer.lr,
      schedule: this.schedule.state,
      optimizerSteps: this.optimizer.t,
      n: m.n,
      loss: m.loss,
      correct: m.correct,
      arrays,
      light,
    };
  }

  /** The learning rate from this iteration on: the schedule goes on from it (scaled to it). */
  setLearningRate(lr: number): void {
    this.schedule.changeTo(lr, this.optimizer.lr);
    this.optimizer.lr = lr;
  }

  /** Puts the run back into a state saveState took of it. */
  restoreState(s: TrainerState): void {
    const arrays = this.stateArrays();
    if (s.arrays.length !== arrays.length || s.order.length !== this.order.length) throw new Error('a saved training state from another run cannot be restored');
    // A light state's gradients and buffers are empty: they keep what they hold (the next
    // iteration overwrites them before reading).
    arrays.forEach((a, i) => a.set(s.arrays[i]));
    this.order.set(s.order);
    this.shuffleRng.state = s.rng;
    ({ steps: this.steps, phase: this.phaseIndex, sub: this.subIndex } = s.position);
    this.epoch = s.epoch;
    this.batch = s.batch;
    this.finished = s.finished;
    this.stoppedEarly = s.stoppedEarly;
    this.epochs.length = 0;
    this.epochs.push(...s.epochs);
    [this.epochLoss, this.epochCorrect, this.epochExamples, this.epochSeconds, this.bestValidCe, this.epochsWithoutImprovement] = s.sums;
    this.optimizer.lr = s.lr;
    this.schedule.state = s.schedule;
    this.optimizer.t = s.optimizerSteps;
    this.model.setBatch(this.batchInputs, this.batchTargets, s.n, this.continuesStreams);
    this.model.loss = s.loss;
    this.model.correct = s.correct;
  }

  /** The arrays a state copies, in a fixed order. */
  private stateArrays(): (Float32Array | Float64Array | Int32Array)[] {
    const { specs, params, model, optimizer } = this;
    return [
      ...specs.map(({ name }) => params[name].data),
      ...specs.map(({ name }) => model.grads[name].data),
      ...Object.values(model.buffers),
      ...optimizer.arrays.flatMap(({ s1, s2 }) => [s1, s2]),
      this.batchInputs,
      this.batchTargets,
    ];
  }

  /** One whole iteration, every phase of it, as the fused iteration's parts. */
  private runIteration(fused: FusedIteration): Progress {
    if (this.finished) throw new Error('training has finished');
    this.loadBatch();
    const t0 = performance.now();
    const n = this.model.n;
    const t = ++this.optimizer.t;
    const lr = this.optimizer.lr;
    const wanted = this.threads === 2 ? this.chooser.next() : 1;
    let result: RowsResult;
    try {
      // The helper starts (tens of ms) while the first iterations run on this thread alone, and
      // those are no time for the chooser to compare.
      const twoThreads = wanted === 2 && (this.helper ??= this.startHelper!()).ready;
      result = twoThreads ? this.helper!.run(fused, n, lr, t) : fused.runAll(n, lr, t);
      if (this.threads === 2 && twoThreads === (wanted === 2)) this.chooser.record(performance.now() - t0);
    } catch (e) {
      this.close();
      throw e;
    }
    this.model.loss = result.lossSum / n;
    this.model.correct = result.correct;
    this.epochSeconds += (performance.now() - t0) / 1000;
    const phase = this.phases[this.phases.length - 1];
    const progress: Progress = { phase, subStep: phase.subSteps[phase.subSteps.length - 1], iteration: this.finishIteration() };
    if (this.batch === this.batchesPerEpoch) progress.epoch = this.finishEpoch();
    return progress;
  }

  /** The mini-batch of the current iteration, copied: the model's once the iteration is under
   *  way, else the one it will load. Nothing changes (exercise mode checks on it). */
  currentBatch(): { inputs: Int32Array; targets: Int32Array; n: number } {
    if (!this.atIterationStart) {
      const { inputs, targets, n } = this.model;
      return { inputs: inputs.slice(0, n * this.shape.context), targets: targets.slice(0, n * this.targetsPerExample), n };
    }
    const inputs = new Int32Array(this.batchInputs.length);
    const targets = new Int32Array(this.batchTargets.length);
    const n = this.fillBatch(inputs, targets);
    return { inputs: inputs.subarray(0, n * this.shape.context), targets: targets.subarray(0, n * this.targetsPerExample), n };
  }

  /** Stream task: whether the current window carries on the previous one's state (not the first). */
  private get continuesStreams(): boolean {
    return this.streams !== undefined && this.batch > 0;
  }

  private loadBatch(): void {
    const n = this.fillBatch(this.batchInputs, this.batchTargets);
    this.model.setBatch(this.batchInputs, this.batchTargets, n, this.continuesStreams);
  }

  /** Writes the current batch's examples into `inputs` and `targets`; returns how many there are. */
  private fillBatch(inputs: Int32Array, targets: Int32Array): number {
    if (this.streams) return this.streams.fill(this.batch, inputs, targets);
    const { train, context: C } = { train: this.dataset.train, context: this.dataset.context };
    const capacity = this.batchTargets.length;
    const start = this.batch * capacity;
    const n = Math.min(capacity, train.n - start);
    for (let r = 0; r < n; r++) {
      const ex = this.order[start + r];
      targets[r] = train.targets[ex];
      for (let k = 0; k < C; k++) inputs[r * C + k] = train.inputs[ex * C + k];
    }
    return n;
  }

  private finishIteration(): StepRecord {
    const m = this.model;
    // Predictions: one per example, or one per position of a stream's window.
    const predictions = m.n * this.targetsPerExample;
    this.steps++;
    this.epochLoss += m.loss * predictions;
    this.epochCorrect += m.correct;
    this.epochExamples += predictions;
    const record: StepRecord = {
      step: this.steps,
      epoch: this.epoch,
      batch: this.batch,
      examples: predictions,
      loss: m.loss,
      acc: m.correct / predictions,
      lr: this.optimizer.lr,
    };
    this.batch++;
    // The next iteration's rate, already in force between iterations (views and snapshots show it).
    if (this.batch < this.batchesPerEpoch) this.optimizer.lr = this.schedule.lrAt(this.epoch, this.batch);
    return record;
  }

  private finishEpoch(): EpochRecord {
    const valid = this.evaluator.evaluateSplit(this.dataset, 'valid');
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
    this.schedule.endEpoch(valid.n > 0 ? valid.ce : NaN);
    this.optimizer.lr = this.schedule.lrAt(this.epoch, 0);
    this.shuffleRng.shuffle(this.order);
    if (valid.n > 0 && valid.ce < this.bestValidCe) {
      this.bestValidCe = valid.ce;
      this.epochsWithoutImprovement = 0;
    } else this.epochsWithoutImprovement++;
    this.stoppedEarly = this.config.patience > 0 && this.epochsWithoutImprovement >= this.config.patience;
    this.finished = this.stoppedEarly || this.epoch >= this.config.epochs;
    if (this.finished) this.close();
    return record;
  }
}

/** The empty arrays that stand in a light state for the tensors it does not keep. */
const EMPTY = { Float32Array: new Float32Array(0), Float64Array: new Float64Array(0), Int32Array: new Int32Array(0) };
