// The worker's requests as a table of handlers, one per Request kind, typed so that each handler
// gets its own request and must return that request's ReplyResult: the compiler checks every
// pairing, and dispatch needs no casts.
import { notComputedYet } from '../../engine/iterationProgress';
import { targetsPerExample } from '../../engine/models/model';
import type { Kernels } from '../../engine/kernels';
import { tensorStats } from '../../engine/metrics';
import { checkVocabMatches, loadModel, savedShape } from '../../engine/modelfile/modelFile';
import { runModelFile, writeModelFile } from '../../engine/modelfile/runModelFile';
import type { ModelShape, Params } from '../../engine/models/model';
import { evaluationReportSteps } from '../../engine/report';
import { CorrectRun } from '../../engine/exercise/correctRun';
import { trainWithStudentBackward } from '../../engine/exercise/studentBackward';
import * as fs from 'fs';
import { completionsAt } from '../expression';
import type { BatchExample, DatasetSpec, ReplyResult, Request, RunInfo, TensorData } from '../protocol';
import { checkExerciseFile } from './exerciseCheck';
import { datasetSummary, LoadedRun } from './loadedRun';
import { cursorOf, RunLoop } from './runLoop';
import type { PreparedDataset } from './preparedDataset';
import type { SlicedRequests } from './slicedRequests';

type Kind = Request['kind'];
export type RequestOf<K extends Kind> = Extract<Request, { kind: K }>;
/** Requests answered across time slices (slicedRequests.ts): their handlers return a promise. */
type Sliced = 'evaluateDataset' | 'previewDataset';
export type HandlerResult<K extends Kind> = K extends Sliced ? Promise<ReplyResult[K]> : ReplyResult[K];
/** `id`: the request's envelope id, which its progress events and a cancel name. */
export type RequestHandlers = { [K in Kind]: (request: RequestOf<K>, id: number) => HandlerResult<K> };

export function dispatch<K extends Kind>(handlers: RequestHandlers, request: RequestOf<K>, id: number): HandlerResult<K> {
  const handler: (request: RequestOf<K>, id: number) => HandlerResult<K> = handlers[request.kind];
  if (!handler) throw new Error(`unknown request ${request.kind}`);
  return handler(request, id);
}

/** What the handlers work on: the session's run loop and its loaded run. */
export interface Session {
  readonly loop: RunLoop;
  readonly sliced: SlicedRequests;
  /** The dataset read last (previewDataset), which load and evaluateDataset then use. */
  readonly datasets: PreparedDataset;
  /** The loaded run; throws when none is. */
  current(): LoadedRun;
  /** The loaded run, if any. */
  loaded(): LoadedRun | undefined;
  /** Loads the run a `load` request describes (dataset, settings, model file, time travel, record). */
  load(request: RequestOf<'load'>): RunInfo;
  /** A fresh backend (evaluations get their own). */
  makeKernels(): Kernels;
}

export function requestHandlers(s: Session): RequestHandlers {
  return {
    load: (r) => s.load(r),
    run: () => {
      s.loop.start({ kind: 'run' });
      return null;
    },
    step: (r) => {
      s.loop.start({ kind: 'step', unit: r.unit });
      return null;
    },
    stepBack: (r) => {
      s.loop.stepBack(r.unit);
      return null;
    },
    reverseContinue: () => {
      s.loop.reverseContinue();
      return null;
    },
    rewind: (r) => s.loop.rewind(r.steps),
    setLearningRate: (r) => {
      s.loop.setLearningRate(r.lr);
      return null;
    },
    status: () => ({ state: s.loop.runState, cursor: s.loop.cursor, trainedOut: s.current().trainer.finished }),
    pause: () => {
      s.loop.pause();
      return null;
    },
    stop: () => {
      s.loop.stop();
      return null;
    },
    setBreakpoints: (r) => s.loop.setBreakpoints(r.breakpoints),
    setExceptionFilters: (r) => {
      s.loop.setExceptionFilters(r.filters);
      return null;
    },
    tensor: (r) => tensorData(s.current(), r.name, r.rowStart ?? 0, r.rows),
    evaluate: (r) => s.current().expressions.display(r.expression),
    batch: () => batchExamples(s.current()),
    completions: (r) => completionsAt(r.text, r.offset, s.current().expressions),
    predict: (r) => s.current().predictor.topK(r.text, r.k),
    generate: (r) => {
      const predictor = s.current().predictor;
      checkRange('words', r.words, 1, 200);
      checkRange('samples', r.samples, 1, 20);
      if (!(r.temperature >= 0 && r.temperature <= 10)) throw new Error(`temperature must be from 0 to 10 (got ${r.temperature})`);
      // Each sample its own seed: the samples differ, and the same request gives the same text.
      return Array.from({ length: r.samples }, (_, i) => predictor.generate(r.text, r.words, r.temperature, r.seed + i));
    },
    save: (r) => {
      const run = s.current();
      writeModelFile(r.path, r.format, runModelFile(run.trainer, run.startedFrom));
      return { path: r.path, bytes: fs.statSync(r.path).size, steps: run.trainer.steps };
    },
    evaluateDataset: (r, id) => evaluateDataset(s, id, r.dataset, r.split, r.modelFile),
    cancel: (r) => {
      s.sliced.cancel(r.request);
      return null;
    },
    previewDataset: (r, id) => s.sliced.runTask(id, (progress, signal) => s.datasets.prepare(r.dataset, progress, signal)).then(datasetSummary),
    checkExercise: (r) => checkExerciseFile(r.text, s.loaded(), r.fresh),
    trainWithExercise: (r) => {
      const run = s.current();
      const replaced = trainWithStudentBackward(run.trainer, r.text);
      run.correctRun?.close();
      run.correctRun = new CorrectRun(run.trainer);
      return { replaced };
    },
  };
}

function tensorData({ trainer, expressions }: LoadedRun, name: string, rowStart: number, rows: number | undefined): TensorData {
  const tensor = expressions.tensor(name);
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
    values: Float32Array.from(tensor.data.subarray(start * width, (start + count) * width)),
    stats: tensorStats(tensor),
    notComputed: notComputedYet(trainer.phases, cursorOf(trainer), name),
  };
}

/** The model's current batch as words, for the debugger's Batch scope. */
function batchExamples({ trainer: t, dataset }: LoadedRun): BatchExample[] {
  const { n, inputs, targets } = t.model;
  const C = t.shape.context;
  // A stream's window has a target at every position: show the one after its last token.
  const perExample = targetsPerExample(t.shape);
  const vocab = dataset.vocab;
  return Array.from({ length: n }, (_, r) => ({
    context: Array.from(inputs.subarray(r * C, (r + 1) * C), (id) => vocab[id]),
    target: vocab[targets[r * perExample + perExample - 1]],
  }));
}

function evaluateDataset(s: Session, id: number, spec: DatasetSpec, split: 'train' | 'valid' | 'test', modelFile: string | undefined): Promise<ReplyResult['evaluateDataset']> {
  try {
    const path = spec.path;
    // The text is read as the model's task asks unless the settings name one (as `nlm eval` does).
    const datasetFor = (shape: ModelShape) => s.datasets.get(shape.task === 'stream' && spec.corpus?.task === undefined ? { ...spec, corpus: { ...spec.corpus, task: 'stream' } } : spec);
    const steps = (shape: ModelShape, params: Params, vocab: readonly string[], owner: string) => {
      const dataset = datasetFor(shape);
      checkVocabMatches(vocab, dataset.vocab, owner, path);
      return s.sliced.run(id, 'the evaluation', dataset[split].n, evaluationReportSteps(shape, params, dataset, split, s.makeKernels()));
    };
    if (modelFile) {
      const saved = loadModel(modelFile);
      return steps(savedShape(saved.meta, modelFile), saved.params, saved.meta.vocab, modelFile);
    }
    const run = s.current();
    return steps(run.trainer.shape, run.trainer.params, run.dataset.vocab, 'the loaded model');
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got ${value})`);
}
