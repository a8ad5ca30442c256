// The one message contract between the extension host, the training worker, the debug adapter
// and the dashboard webview. Types only (plus tiny guards): no vscode import, so every side can
// share it.
import type { ActivationName } from '../engine/activations';
import type { TrainConfig } from '../engine/config';
import type { CorpusStats } from '../engine/data/dataset';
import type { CorpusOptions } from '../engine/data/corpusOptions';
import type { Divergence } from '../engine/divergence';
import type { EvalResult } from '../engine/evaluate';
import type { HiddenStats, TensorStats } from '../engine/metrics';
import type { AxisName, ParamRole } from '../engine/models/model';
import type { PhaseDirection } from '../engine/phase';
import type { NotComputed } from '../engine/iterationProgress';
import type { EvaluationReport } from '../engine/report';
import type { ValueHistogram } from '../engine/updateDiagnostics';
import type { EpochRecord, StepRecord } from '../engine/trainRecords';
import type { TimeTravelStatus } from '../engine/timeTravel/status';
import type { LineVerdict } from '../engine/exercise/verdict';
import type { Bucket } from './bucketSeries';
import type { Completion } from './expression';
import type { HistoryData } from './runHistory';
import type { ComparedRun, Comparison } from './comparison';
import type { RunStatus } from '../engine/runs/runFiles';

export type { Comparison, ComparedRun };
export type { TrainConfig, EvalResult, EvaluationReport, HiddenStats, TensorStats, EpochRecord, StepRecord, NotComputed, Bucket, HistoryData, TimeTravelStatus, LineVerdict };

/** An exercise file checked: one verdict per line, and where in which run it was checked. */
export interface ExerciseReport {
  verdicts: LineVerdict[];
  /** "iteration 37 (epoch 1, batch 37), before phase dW3 of the loaded run". */
  at: string;
}

/** What the worker tells about a loaded run; views and the debugger discover the model here. */
export interface RunInfo {
  dataset: DatasetSummary;
  config: TrainConfig;
  modelKind: string;
  vocab: string[];
  /** Word class per vocabulary entry, when the dataset knows it (the demo corpus does). */
  wordClasses?: string[];
  phases: PhaseInfo[];
  /** The model's parameters as it declares them, in its order (gradients are d<name>). */
  params: ParamInfo[];
  /** Which axes of which tensor are indexed by words (the embedding's rows, output columns, …). */
  wordAxes: Record<string, number[]>;
  /** Context words per example: what predict reads. */
  context: number;
  /** The parameter whose rows are the words' vectors (the embedding map, neighbours), if any. */
  embedding?: string;
  /** The hidden activation whose saturation the dashboard shows, if any. */
  hiddenTensor?: string;
  /** The hidden layer's activation (the MLP's setting; tanh for the recurrent models). */
  hiddenActivation?: ActivationName;
  /** Recurrent models: the time steps whose ∂L/∂H_t snapshots report (Snapshot.throughTime). */
  timeSteps?: number[];
  /** Activations whose saturation snapshots report per time step (Snapshot.saturating): the
   *  LSTM's gates, with the activation that says what saturated means for each. */
  saturating?: { groups: { name: string; activation: ActivationName }[]; timeSteps: number[] };
  batchesPerEpoch: number;
  kernels: string;
}

export interface ParamInfo {
  name: string;
  shape: number[];
  role: ParamRole;
  /** A few words ("word embeddings") and one line for views, for it and its gradient. */
  title: string;
  description: string;
  gradientDescription: string;
  /** Each axis's name; rows in blocks of contextBlock, one per context word, when set. */
  axes: AxisName[];
  contextBlock?: number;
}

export interface PhaseInfo {
  name: string;
  direction: PhaseDirection;
  math: string;
  reads: string[];
  writes: string[];
  subSteps: string[];
  /** A recurrent model's time step (1-based) that this phase computes. */
  timeStep?: number;
}

export type RunState = 'idle' | 'running' | 'paused' | 'finished';

export interface Cursor {
  /** Completed epochs and the 0-based batch within the current epoch. */
  epoch: number;
  batch: number;
  /** The next phase and sub-step to run. */
  phase: number;
  sub: number;
  steps: number;
}

export interface GradientHistogram extends ValueHistogram {
  name: string;
}

/** A live update: everything a view needs, sent at most ~10 times a second. */
export interface Snapshot {
  state: RunState;
  cursor: Cursor;
  lr: number;
  /** Every step since the previous snapshot, as buckets of [loss, acc] weighted by examples
   *  (runHistory.ts's LOSS, ACC), on the grid of a series of STEP_BUCKETS. */
  steps: Bucket[];
  /** Training with a student's backward: the same for the run with the engine's backward beside it. */
  correctSteps?: Bucket[];
  params: TensorStats[];
  grads: TensorStats[];
  hidden?: HiddenStats;
  /** Recurrent models: ‖∂L/∂H_t‖ of the last backward pass, per time step of RunInfo.timeSteps. */
  throughTime?: number[];
  /** Per group of RunInfo.saturating, per time step: the share of its values saturated in the
   *  model's last forward pass. */
  saturating?: number[][];
  /** After the first backward pass, per parameter (in the order of `params`): the update-to-data
   *  ratio log10(std(lr·grad)/std(param)), NaN where undefined (engine/updateDiagnostics.ts). */
  updateRatios?: number[];
  /** After the first backward pass, per gradient (in the order of `grads`): the histogram of its
   *  entries, so the dashboard draws their distribution without the tensors. */
  gradHistograms?: GradientHistogram[];
  examplesPerSecond: number;
  /** Set while the run's recent losses say it diverged (engine/divergence.ts). */
  divergence?: Divergence;
  /** How far back the run can go, and the present (where training stood before going back). */
  timeTravel?: TimeTravelStatus;
}

/** Whether a snapshot shows a moment before the present (the run was rewound): the curves keep the
 *  present's history, and views mark where the cursor is. */
export function isRewound(s: Pick<Snapshot, 'cursor' | 'timeTravel'>): boolean {
  const present = s.timeTravel?.present;
  if (!present) return false;
  const c = s.cursor;
  return c.steps < present.steps || (c.steps === present.steps && (c.phase < present.phase || (c.phase === present.phase && c.sub < present.sub)));
}

export interface Breakpoint {
  id: number;
  /** Phase name the breakpoint sits on; it fires before that phase runs. */
  phase: string;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

export interface ExceptionFilters {
  nan?: boolean;
  /** Fire when any gradient's L2 norm exceeds this. */
  explodingNorm?: number;
  /** Fire when the L2 norm of a gradient the model watches for vanishing (the MLP's dW1, dW2) falls below this. */
  vanishingNorm?: number;
  /** Fire when this fraction (0..1) of hidden units is saturated. */
  saturation?: number;
  validLossUp?: boolean;
}

export type StopReason = 'entry' | 'step' | 'breakpoint' | 'pause' | 'exception' | 'finished';

export interface StoppedEvent {
  reason: StopReason;
  cursor: Cursor;
  description: string;
  breakpointIds?: number[];
}

export type StepUnit = 'sub' | 'phase' | 'iteration' | 'epoch';

export interface TensorData {
  name: string;
  shape: number[];
  /** Row-major values of rows [rowStart, rowStart + rows). */
  rowStart: number;
  rows: number;
  /** A copy of those rows' float32 values: its own buffer, so a message carries it as bytes (the
   *  worker's structured clone, VS Code's postMessage to the webview) rather than as a list of
   *  numbers, which cost the extension host hundreds of MiB a minute at V = 8000. */
  values: Float32Array;
  stats: TensorStats;
  /** Set when the current iteration has not computed this tensor yet: the values are older. */
  notComputed?: NotComputed;
}

/** One example of the current mini-batch, as words (the debugger's Batch scope). */
export interface BatchExample {
  context: string[];
  target: string;
}

/** Where the worker records the runs it trains; a sweep's run also names its sweep and point and
 *  may be evaluated on the test split when it finishes (the sweep file's "test"). */
export interface RecordTarget {
  runsDir: string;
  sweep?: { id: string; point: Record<string, string | number> };
  test?: boolean;
}

export interface DatasetSpec {
  /** "demo", or a path to a CMPE 597 folder, a .mat file or a .txt corpus. */
  path: string;
  /** How a .txt corpus becomes words and a vocabulary; ignored by the other formats. */
  corpus?: CorpusOptions;
}

/** A dataset as read: what the Run view, the dashboard and the dataset picker's preview show. */
export interface DatasetSummary {
  name: string;
  source: string;
  vocabSize: number;
  /** Context words per example. */
  context: number;
  train: number;
  valid: number;
  test: number;
  /** What became of a text corpus: tokens, distinct words, the share now <unk>. */
  corpus?: CorpusStats;
  /** Read as token streams (the stream task): the tokens of each split; train/valid/test above
   *  then count (token → next token) predictions. */
  streamTokens?: { train: number; valid: number; test: number };
}

/** Requests from the host to the worker; each gets exactly one Reply with the same id. */
export type Request =
  /** `timeTravelMiB`: the memory the run's time-travel states may hold (default 256).
   *  `record`: keep the run in a runs folder once it trains (runRecording.ts). */
  | { kind: 'load'; dataset: DatasetSpec; config: Partial<TrainConfig>; modelFile?: string; timeTravelMiB?: number; record?: RecordTarget }
  | { kind: 'run' }
  | { kind: 'pause' }
  /** Where the run is: what a debugger attaching to it starts from. */
  | { kind: 'status' }
  | { kind: 'step'; unit: StepUnit }
  /** Back one phase, or one sub-step when stopped inside a phase's sub-steps (or when unit is 'sub'). */
  | { kind: 'stepBack'; unit?: 'sub' }
  /** Back to the previous breakpoint hit (conditions evaluated at each earlier stop), or the earliest kept position. */
  | { kind: 'reverseContinue' }
  /** To the moment after `steps` iterations (paused there), or back to the present. */
  | { kind: 'rewind'; steps: number | 'present' }
  /** The learning rate from here on; at a moment before the present the run goes on as a new
   *  branch: what it had trained after this moment is dropped (a `branched` event). */
  | { kind: 'setLearningRate'; lr: number }
  | { kind: 'stop' }
  | { kind: 'setBreakpoints'; breakpoints: Breakpoint[] }
  | { kind: 'setExceptionFilters'; filters: ExceptionFilters }
  | { kind: 'tensor'; name: string; rowStart?: number; rows?: number }
  | { kind: 'evaluate'; expression: string }
  /** The examples of the batch the model holds now (empty before the first batch is loaded). */
  | { kind: 'batch' }
  /** Expression completions at a 0-based offset; `text: ''` lists every tensor, field and function. */
  | { kind: 'completions'; text: string; offset: number }
  | { kind: 'predict'; text: string; k: number }
  /** `samples` continuations of `text`, `words` words each: greedy at temperature 0, else sampled. */
  | { kind: 'generate'; text: string; words: number; temperature: number; samples: number; seed: number }
  | { kind: 'save'; path: string; format: 'safetensors' | 'npz' }
  /** Runs in slices with `progress` events; a `cancel` naming its id ends it with a "cancelled" error. */
  | { kind: 'evaluateDataset'; dataset: DatasetSpec; split: 'train' | 'valid' | 'test'; modelFile?: string }
  /** Stops the sliced request with this id (no-op when it has already finished). */
  | { kind: 'cancel'; request: number }
  /** Reads a dataset (on a thread of its own, with `progress` events and `cancel`) and keeps it for
   *  the `load` or `evaluateDataset` that names it next; the picker shows what the options make of
   *  a corpus, and the host sends it before a `load` so reading a large corpus can be followed and
   *  cancelled. */
  | { kind: 'previewDataset'; dataset: DatasetSpec }
  /** Checks an exercise file (.nlmx) on the loaded run's current iteration, which it leaves as it
   *  is; with no run loaded, on a fresh run of `fresh` after a few warm-up iterations. */
  | { kind: 'checkExercise'; text: string; fresh: { dataset: DatasetSpec; config: Partial<TrainConfig> } }
  /** Train with my backward: the loaded run's backward phases compute the exercise file's lines
   *  from now on (between iterations only); the reply names the phases replaced. */
  | { kind: 'trainWithExercise'; text: string };

export type ReplyResult = {
  load: RunInfo;
  run: null;
  pause: null;
  /** `trainedOut`: the run has trained all its epochs (a stopped run has not). */
  status: { state: RunState; cursor: Cursor; trainedOut: boolean };
  step: null;
  stepBack: null;
  reverseContinue: null;
  rewind: Cursor;
  setLearningRate: null;
  stop: null;
  setBreakpoints: { id: number; verified: boolean; message?: string }[];
  setExceptionFilters: null;
  tensor: TensorData;
  evaluate: { text: string; isTensor: boolean };
  batch: BatchExample[];
  completions: { from: number; items: Completion[] };
  predict: { word: string; score: number }[];
  /** One list of words per sample. */
  generate: string[][];
  /** `steps`: the iterations the saved weights were trained for. */
  save: { path: string; bytes: number; steps: number };
  evaluateDataset: EvaluationReport;
  cancel: null;
  previewDataset: DatasetSummary;
  checkExercise: ExerciseReport;
  trainWithExercise: { replaced: string[] };
};

export interface RequestEnvelope {
  id: number;
  request: Request;
}

export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** Unsolicited messages from the worker. */
export type WorkerEvent =
  | { kind: 'state'; state: RunState; cursor: Cursor }
  | { kind: 'snapshot'; snapshot: Snapshot }
  | { kind: 'epoch'; record: EpochRecord }
  | { kind: 'stopped'; event: StoppedEvent }
  | { kind: 'log'; message: string; level: 'info' | 'error' }
  /** The run went on from `steps` with a changed setting: its history after that step is gone. */
  | { kind: 'branched'; steps: number }
  /** How far the sliced request with id `request` is: `done` of `total` examples, or of `total`
   *  stages of reading a dataset when `stage` says what the current one does. */
  | { kind: 'progress'; request: number; done: number; total: number; stage?: string }
  /** The run's record was written (begun, an epoch, ended): its folder and status. */
  | { kind: 'record'; id: string; dir: string; status: RunStatus };

export type WorkerMessage = { reply: Reply } | { event: WorkerEvent };

/** Extension → dashboard webview. */
export type ToDashboard =
  /** A new run, or the current one for a view that opens late or reloads, with its whole history. */
  | { type: 'run'; runId: string; info: RunInfo; epochs: EpochRecord[]; history: HistoryData }
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'epoch'; record: EpochRecord }
  | { type: 'tensor'; data: TensorData }
  | { type: 'stopped'; event: StoppedEvent }
  /** The run's state changed (between snapshots, e.g. resumed, finished, or no run loaded). */
  | { type: 'state'; state: RunState }
  /** Open the heatmap of this tensor (Inspect Weights, a click in the NLM view). */
  | { type: 'showTensor'; name: string };

/** Whether a message tells the dashboard that training stopped (a step, a breakpoint, a pause):
 *  the host posts it, and the view draws it, without waiting out their rate limits. */
export function saysStopped(message: ToDashboard): boolean {
  return message.type === 'stopped' || (message.type === 'state' && message.state !== 'running') || (message.type === 'snapshot' && message.snapshot.state !== 'running');
}

/** Dashboard webview → extension. */
export type FromDashboard =
  | { type: 'ready' }
  | { type: 'requestTensor'; name: string }
  | { type: 'command'; command: 'pause' | 'resume' | 'step' | 'train' | 'generate' | 'backToPresent' }
  /** A click on the loss or accuracy curve: go back to the moment after that step. */
  | { type: 'rewind'; steps: number };

/** Extension → the Compare Runs page. */
export type ToCompare = { type: 'comparison'; comparison: Comparison };

/** The Compare Runs page → extension. `order`: the table's rows as sorted on the page. */
export type FromCompare = { type: 'ready' } | { type: 'exportTable'; format: 'csv' | 'markdown' | 'latex'; order: number[] };
