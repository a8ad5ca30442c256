// Everything the training worker does, without the worker: load a run, train in time slices so
// pause and step requests are answered while training, stop at breakpoints and exception filters,
// and publish throttled snapshots. The worker entry only wires this to its message port, so tests
// drive it directly.
import * as fs from 'fs';
import { resolveConfig, TrainConfig } from '../../engine/config';
import { Dataset } from '../../engine/data/dataset';
import { loadDataset } from '../../engine/data/load';
import { DivergenceWatch } from '../../engine/divergence';
import { pickKernels } from '../../engine/backend';
import { Predictor } from '../../engine/inference';
import { jsKernels, Kernels } from '../../engine/kernels';
import { notComputedYet } from '../../engine/iterationProgress';
import { hiddenStats, tensorStats } from '../../engine/metrics';
import { checkVocabMatches, loadModel, savedShape } from '../../engine/modelfile/modelFile';
import { runModelFile, writeModelFile } from '../../engine/modelfile/runModelFile';
import { modelDefinition } from '../../engine/models';
import { evaluationReport } from '../../engine/report';
import { Progress, Trainer } from '../../engine/trainer';
import { Tensor } from '../../engine/tensor';
import type {
  BatchExample,
  Breakpoint,
  Cursor,
  DatasetSpec,
  DatasetSummary,
  ExceptionFilters,
  ReplyResult,
  Request,
  RunInfo,
  RunState,
  StepUnit,
  StopReason,
  TensorData,
  WorkerEvent,
} from '../protocol';
import { BucketSeries } from '../bucketSeries';
import { completionsAt } from '../debug/expression';
import { phaseInfos } from '../phaseInfo';
import { STEP_BUCKETS, stepValues } from '../runHistory';
import { BreakpointBook } from './breakpoints';
import { TrainerExpressions } from './trainerExpressions';

/** Longest stretch of training between looks at the message queue. */
const SLICE_MS = 25;
/** Snapshots at most this often, so live views cost a few percent of training at most. */
const SNAPSHOT_MS = 100;

type Goal = { kind: 'run' } | { kind: 'step'; unit: StepUnit };

export class SessionCore {
  /** Replaced by a fresh backend at every load. */
  private kernels: Kernels = jsKernels;
  private trainer: Trainer | undefined;
  private dataset: Dataset | undefined;
  private predictor: Predictor | undefined;
  private expressions: TrainerExpressions | undefined;
  private state: RunState = 'idle';
  private goal: Goal | undefined;
  private pauseRequested = false;
  private readonly breakpoints = new BreakpointBook();
  private filters: ExceptionFilters = {};
  /** The steps since the last snapshot, merged into the buckets of the run's history (so every
   *  step is counted and each bucket's envelope is exact, however many steps a snapshot spans). */
  private pendingSteps = new BucketSeries(STEP_BUCKETS);
  /** Every step's loss, so no step escapes the divergence rule. */
  private divergence: DivergenceWatch | undefined;
  private lastSnapshot = 0;
  private examplesSinceSnapshot = 0;
  private ticking = false;
  /** Position (steps:phase:sub) of the last reported stop. */
  private stoppedAt: string | undefined;
  /** Set when a run or step leaves the last stop: that stop's breakpoint must not fire again. */
  private resumeFrom: string | undefined;
  /** The model file the run started from, for the saved model's provenance. */
  private startedFrom: string | undefined;

  constructor(
    private readonly emit: (e: WorkerEvent) => void,
    /** A fresh backend per run: WASM memory is a bump heap, so each run starts on a clean one. */
    private readonly makeKernels: () => Kernels = () => pickKernels(),
    /** How the core yields to the message queue between slices (tests pass a synchronous one). */
    private readonly schedule: (fn: () => void) => void = (fn) => setImmediate(fn),
  ) {}

  handle<K extends Request['kind']>(request: Extract<Request, { kind: K }>): ReplyResult[K] {
    const r = request as Request;
    switch (r.kind) {
      case 'load':
        return this.load(r.dataset, r.config, r.modelFile) as ReplyResult[K];
      case 'run':
        this.start({ kind: 'run' });
        return null as ReplyResult[K];
      case 'step':
        this.start({ kind: 'step', unit: r.unit });
        return null as ReplyResult[K];
      case 'status':
        return { state: this.state, cursor: this.cursor, trainedOut: this.requireTrainer().finished } as ReplyResult[K];
      case 'pause':
        // While paused, a pause reports the stop (the debugger's stop on entry uses this).
        if (this.state === 'running') this.pauseRequested = true;
        else if (this.state === 'paused') this.stopped('pause', 'Paused');
        return null as ReplyResult[K];
      case 'stop':
        this.goal = undefined;
        this.setState(this.trainer ? 'finished' : 'idle');
        return null as ReplyResult[K];
      case 'setBreakpoints':
        return this.setBreakpoints(r.breakpoints) as ReplyResult[K];
      case 'setExceptionFilters':
        this.filters = r.filters;
        return null as ReplyResult[K];
      case 'tensor':
        return this.tensorData(r.name, r.rowStart ?? 0, r.rows) as ReplyResult[K];
      case 'evaluate':
        return this.requireExpressions().display(r.expression) as ReplyResult[K];
      case 'batch':
        return this.batchExamples() as ReplyResult[K];
      case 'completions':
        return completionsAt(r.text, r.offset, this.requireExpressions()) as ReplyResult[K];
      case 'predict':
        return this.requirePredictor().topK(r.text, r.k) as ReplyResult[K];
      case 'save':
        return this.save(r.path, r.format) as ReplyResult[K];
      case 'evaluateDataset':
        return this.evaluateDataset(r.dataset, r.split, r.modelFile) as ReplyResult[K];
      case 'previewDataset':
        return datasetSummary(loadDataset(r.dataset.path, r.dataset.corpus)) as ReplyResult[K];
    }
    throw new Error(`unknown request ${(r as { kind: string }).kind}`);
  }

  get cursor(): Cursor {
    const t = this.trainer;
    return t
      ? { epoch: t.epoch, batch: t.batch, phase: t.phaseIndex, sub: t.subIndex, steps: t.steps }
      : { epoch: 0, batch: 0, phase: 0, sub: 0, steps: 0 };
  }

  get runState(): RunState {
    return this.state;
  }

  /** The trainer, for in-process users (tests, the CLI's debugger-free paths). */
  get currentTrainer(): Trainer | undefined {
    return this.trainer;
  }

  private load(spec: DatasetSpec, partial: Partial<TrainConfig>, modelFile: string | undefined): RunInfo {
    const path = spec.path;
    const config = resolveConfig(partial);
    const dataset = loadDataset(path, spec.corpus);
    this.kernels = this.makeKernels();
    let initial;
    let definition;
    if (modelFile) {
      const saved = loadModel(modelFile);
      checkVocabMatches(saved.meta.vocab, dataset.vocab, modelFile, path);
      const shape = savedShape(saved.meta, modelFile);
      definition = modelDefinition(shape.kind, modelFile);
      Object.assign(config, definition.configOf(shape));
      initial = saved.params;
    }
    // The previous run's helper thread ends with it.
    this.trainer?.close();
    const trainer = new Trainer(dataset, config, this.kernels, initial && this.copyIntoKernels(initial), definition);
    this.trainer = trainer;
    this.dataset = dataset;
    this.startedFrom = modelFile;
    this.predictor = new Predictor(trainer.shape, trainer.params, dataset.vocab, this.kernels);
    this.expressions = new TrainerExpressions(trainer, this.predictor);
    this.breakpoints.reset();
    // A finished debug session's filters must not slow a new run down to phase-by-phase stepping.
    this.filters = {};
    this.stoppedAt = undefined;
    this.goal = undefined;
    this.pauseRequested = false;
    this.pendingSteps = new BucketSeries(STEP_BUCKETS);
    this.divergence = new DivergenceWatch(dataset.vocab.length);
    this.setState('paused');
    this.publishSnapshot();
    return this.runInfo();
  }

  private copyIntoKernels<T extends Record<string, Tensor>>(params: T): T {
    const out = {} as Record<string, Tensor>;
    for (const [name, t] of Object.entries(params)) {
      const data = this.kernels.alloc(t.data.length);
      data.set(t.data);
      out[name] = { name: t.name, shape: t.shape, data };
    }
    return out as T;
  }

  private runInfo(): RunInfo {
    const t = this.requireTrainer();
    const ds = this.dataset!;
    return {
      dataset: datasetSummary(ds),
      config: t.config,
      modelKind: t.model.kind,
      vocab: [...ds.vocab],
      wordClasses: ds.wordClasses ? [...ds.wordClasses] : undefined,
      phases: phaseInfos(t.phases),
      params: t.specs.map(({ name, role, title, description, gradientDescription, axes, contextBlock }) => ({
        name,
        shape: [...t.params[name].shape],
        role,
        title,
        description,
        gradientDescription,
        axes: [...axes],
        ...(contextBlock !== undefined && { contextBlock }),
      })),
      wordAxes: t.model.wordAxes(),
      context: t.shape.context,
      embedding: t.specs.find((p) => p.role === 'embedding')?.name,
      hiddenTensor: t.model.hidden?.tensor,
      batchesPerEpoch: t.batchesPerEpoch,
      kernels: this.kernels.name,
    };
  }

  private start(goal: Goal): void {
    const t = this.requireTrainer();
    if (t.finished) {
      // A run that trained all its epochs can still be debugged (F5 attaches to it): stepping on
      // trains one more epoch, past the configured ones, and says so.
      t.finished = false;
      this.emit({ kind: 'log', level: 'info', message: `the run had finished its ${t.config.epochs} epochs: training one more (epoch ${t.epoch + 1})` });
    }
    this.goal = goal;
    this.pauseRequested = false;
    this.resumeFrom = this.stoppedAt === this.positionKey() ? this.stoppedAt : undefined;
    this.setState('running');
    if (!this.ticking) {
      this.ticking = true;
      this.schedule(() => this.tick());
    }
  }

  /** Trains for one time slice, then yields so queued requests (pause, inspect) are served. */
  private tick(): void {
    this.ticking = false;
    const t = this.trainer;
    if (!t || this.state !== 'running' || !this.goal) return;
    const deadline = performance.now() + SLICE_MS;
    try {
      while (this.state === 'running' && performance.now() < deadline) {
        if (this.checkBeforeSubStep()) return;
        const before = t.phaseIndex;
        const progress = this.canRunWholeIteration() ? t.step() : t.stepSub();
        if (this.afterSubStep(progress, before)) return;
      }
    } catch (e) {
      this.goal = undefined;
      this.setState('paused');
      this.emit({ kind: 'log', level: 'error', message: `training stopped: ${(e as Error).message}` });
      this.stopped('exception', (e as Error).message);
      return;
    }
    this.maybeSnapshot();
    if (this.state === 'running') {
      this.ticking = true;
      this.schedule(() => this.tick());
    }
  }

  /**
   * Whole iterations run fused (and on two threads) when nothing has to look between phases: no
   * breakpoint, no per-phase exception filter, and a goal of at least one iteration. The
   * numbers are the same either way; only the speed differs.
   */
  private canRunWholeIteration(): boolean {
    const goal = this.goal!;
    const wholeGoal = goal.kind === 'run' || goal.unit === 'iteration' || goal.unit === 'epoch';
    return this.trainer!.atIterationStart && wholeGoal && this.breakpoints.empty && !this.filters.nan && this.filters.saturation === undefined;
  }

  /** Before a phase starts: pause requests and breakpoints. Returns true when stopped. */
  private checkBeforeSubStep(): boolean {
    const t = this.trainer!;
    if (t.subIndex !== 0) return false;
    if (this.pauseRequested) {
      this.stopped('pause', 'Paused');
      return true;
    }
    // A run or step that starts on a breakpoint line must leave it before the line can fire again.
    if (this.resumeFrom === this.positionKey()) {
      this.resumeFrom = undefined;
      return false;
    }
    const phase = t.currentPhase.name;
    const hit = this.breakpoints.check(phase, this.expressions!, (message) => this.emit({ kind: 'log', level: 'info', message }));
    if (hit.error) {
      this.stopped('exception', `breakpoint condition on ${phase}: ${hit.error}`, hit.ids);
      return true;
    }
    if (hit.ids.length > 0) {
      this.stopped('breakpoint', `Breakpoint before ${phase}`, hit.ids);
      return true;
    }
    return false;
  }

  private positionKey(): string {
    const t = this.trainer!;
    return `${t.steps}:${t.phaseIndex}:${t.subIndex}`;
  }

  /** After a sub-step: epoch/iteration bookkeeping, exception filters, step goals. */
  private afterSubStep(p: Progress, phaseBefore: number): boolean {
    const t = this.trainer!;
    if (p.iteration) {
      this.pendingSteps.add(p.iteration.step, stepValues(p.iteration), p.iteration.examples);
      this.divergence?.add(p.iteration.loss);
      this.examplesSinceSnapshot += t.model.n;
    }
    if (p.epoch) this.emit({ kind: 'epoch', record: p.epoch });
    const problem = this.exceptionAfter(p);
    if (problem) {
      this.stopped('exception', problem);
      return true;
    }
    if (t.finished) {
      this.goal = undefined;
      this.publishSnapshot();
      this.setState('finished');
      this.emit({ kind: 'stopped', event: { reason: 'finished', cursor: this.cursor, description: 'Training finished' } });
      return true;
    }
    const goal = this.goal!;
    if (goal.kind === 'step') {
      const phaseDone = t.phaseIndex !== phaseBefore || t.subIndex === 0;
      const done =
        goal.unit === 'sub' ||
        (goal.unit === 'phase' && phaseDone) ||
        (goal.unit === 'iteration' && !!p.iteration) ||
        (goal.unit === 'epoch' && !!p.epoch);
      if (done) {
        this.stopped('step', `${p.phase.name}: ${p.subStep.label}`);
        return true;
      }
    }
    return false;
  }

  private exceptionAfter(p: Progress): string | undefined {
    const f = this.filters;
    const t = this.trainer!;
    if (f.nan) {
      for (const name of p.phase.writes) {
        const tensor = this.expressions!.tensor(name);
        if (!tensor) continue;
        const s = tensorStats(tensor);
        if (s.nan + s.inf > 0) return `${name} has ${s.nan} NaN and ${s.inf} Inf values after ${p.phase.name}`;
      }
      if (p.phase.name === 'loss' && !Number.isFinite(t.model.loss)) return `loss is ${t.model.loss}`;
    }
    // Gradient norms cost a pass over every gradient: only when a norm filter asks for them.
    if (p.iteration && (f.explodingNorm !== undefined || f.vanishingNorm !== undefined)) {
      for (const { name, watchVanishing } of t.specs) {
        const norm = tensorStats(t.model.grads[name]).norm;
        if (f.explodingNorm !== undefined && norm > f.explodingNorm) return `exploding gradient: ‖d${name}‖ = ${norm.toPrecision(4)} > ${f.explodingNorm}`;
        if (f.vanishingNorm !== undefined && watchVanishing && norm < f.vanishingNorm) {
          return `vanishing gradient: ‖d${name}‖ = ${norm.toExponential(3)} < ${f.vanishingNorm}`;
        }
      }
    }
    const hidden = t.model.hidden;
    if (f.saturation !== undefined && hidden?.activation.saturated && p.phase.writes.includes(hidden.tensor)) {
      const h = hiddenStats(this.expressions!.tensor(hidden.tensor)!.data, t.model.n, hidden.units, hidden.activation);
      if (h.saturated > f.saturation) return `hidden layer saturation ${(h.saturated * 100).toFixed(1)} % > ${(f.saturation * 100).toFixed(1)} %`;
    }
    if (f.validLossUp && p.epoch && t.epochs.length >= 2) {
      const [prev, last] = t.epochs.slice(-2);
      if (last.valid.ce > prev.valid.ce) return `validation loss went up: ${prev.valid.ce.toFixed(4)} → ${last.valid.ce.toFixed(4)}`;
    }
    return undefined;
  }

  private stopped(reason: StopReason, description: string, breakpointIds?: number[]): void {
    this.goal = undefined;
    this.pauseRequested = false;
    this.stoppedAt = this.positionKey();
    this.setState('paused');
    this.publishSnapshot();
    this.emit({ kind: 'stopped', event: { reason, cursor: this.cursor, description, breakpointIds } });
  }

  private setState(state: RunState): void {
    this.state = state;
    this.emit({ kind: 'state', state, cursor: this.cursor });
  }

  private maybeSnapshot(): void {
    if (performance.now() - this.lastSnapshot >= SNAPSHOT_MS) this.publishSnapshot();
  }

  private publishSnapshot(): void {
    const t = this.trainer;
    if (!t) return;
    const now = performance.now();
    const seconds = (now - this.lastSnapshot) / 1000;
    const hidden = t.model.hidden;
    const H = hidden && this.expressions!.tensor(hidden.tensor)!;
    this.emit({
      kind: 'snapshot',
      snapshot: {
        state: this.state,
        cursor: this.cursor,
        lr: t.optimizer.lr,
        steps: this.pendingSteps.take(),
        params: t.specs.map(({ name }) => tensorStats(t.params[name])),
        grads: t.specs.map(({ name }) => tensorStats(t.model.grads[name])),
        hidden: hidden && H && t.model.n > 0 ? hiddenStats(H.data, t.model.n, hidden.units, hidden.activation) : undefined,
        examplesPerSecond: seconds > 0 ? this.examplesSinceSnapshot / seconds : 0,
        divergence: this.divergence?.current,
      },
    });
    this.examplesSinceSnapshot = 0;
    this.lastSnapshot = now;
  }

  private setBreakpoints(list: Breakpoint[]): ReplyResult['setBreakpoints'] {
    const phases = new Set(this.requireTrainer().phases.map((p) => p.name));
    return this.breakpoints.set(list, phases, (text) => this.requireExpressions().check(text));
  }

  private tensorData(name: string, rowStart: number, rows: number | undefined): TensorData {
    const tensor = this.requireExpressions().tensor(name);
    if (!tensor) throw new Error(`no tensor named "${name}"`);
    const width = tensor.shape.length > 1 ? tensor.shape.slice(1).reduce((a, b) => a * b, 1) : 1;
    const total = tensor.shape.length > 1 ? tensor.shape[0] : tensor.data.length;
    const start = Math.max(0, Math.min(rowStart, total));
    const count = Math.max(0, Math.min(rows ?? total, total - start));
    return {
      name,
      shape: [...tensor.shape],
      rowStart: start,
      rows: count,
      values: Array.from(tensor.data.subarray(start * width, (start + count) * width)),
      stats: tensorStats(tensor),
      notComputed: notComputedYet(this.requireTrainer().phases, this.cursor, name),
    };
  }

  /** The model's current batch as words, for the debugger's Batch scope. */
  private batchExamples(): BatchExample[] {
    const t = this.requireTrainer();
    const { n, inputs, targets } = t.model;
    const C = t.shape.context;
    const vocab = this.dataset!.vocab;
    return Array.from({ length: n }, (_, r) => ({
      context: Array.from(inputs.subarray(r * C, (r + 1) * C), (id) => vocab[id]),
      target: vocab[targets[r]],
    }));
  }

  private save(path: string, format: 'safetensors' | 'npz'): ReplyResult['save'] {
    const t = this.requireTrainer();
    writeModelFile(path, format, runModelFile(t, this.startedFrom));
    return { path, bytes: fs.statSync(path).size, steps: t.steps };
  }

  private evaluateDataset(spec: DatasetSpec, split: 'train' | 'valid' | 'test', modelFile: string | undefined): ReplyResult['evaluateDataset'] {
    const path = spec.path;
    const dataset = loadDataset(path, spec.corpus);
    if (modelFile) {
      const saved = loadModel(modelFile);
      checkVocabMatches(saved.meta.vocab, dataset.vocab, modelFile, path);
      return evaluationReport(savedShape(saved.meta, modelFile), saved.params, dataset, split, this.makeKernels());
    }
    const t = this.requireTrainer();
    checkVocabMatches(this.dataset!.vocab, dataset.vocab, 'the loaded model', path);
    return evaluationReport(t.shape, t.params, dataset, split, this.makeKernels());
  }

  private requireTrainer(): Trainer {
    if (!this.trainer) throw new Error('no training run is loaded');
    return this.trainer;
  }

  private requirePredictor(): Predictor {
    this.requireTrainer();
    return this.predictor!;
  }

  private requireExpressions(): TrainerExpressions {
    this.requireTrainer();
    return this.expressions!;
  }
}

function datasetSummary(ds: Dataset): DatasetSummary {
  const { name, source, context, corpus } = ds;
  return { name, source, vocabSize: ds.vocab.length, context, train: ds.train.n, valid: ds.valid.n, test: ds.test.n, corpus };
}
