// The files of one recorded run, as documented in the README ("Runs"): plain JSON a student can
// open, diff and script against. Every other runs module reads and writes these shapes.
import { TrainConfig } from '../config';
import type { CorpusOptions } from '../data/corpusOptions';

export const RUN_FORMAT = 'nlm-lab-run/1';
export const CONFIG_FILE = 'config.json';
export const METRICS_FILE = 'metrics.jsonl';
export const MODEL_FILE = 'model.safetensors';
export const SUMMARY_FILE = 'summary.json';

/** config.json: everything needed to train the run again. */
export interface RunConfig {
  format: typeof RUN_FORMAT;
  id: string;
  /** ISO time the run started. */
  created: string;
  config: TrainConfig;
  dataset: {
    /** As given ("demo", a folder, a .mat or .txt file). */
    path: string;
    name: string;
    options: CorpusOptions;
    /** "sha256:…" of the examples trained on (see datasetHash.ts). */
    hash: string;
    vocab: number;
    context: number;
    examples: { train: number; valid: number; test: number };
  };
  kernels: string;
  /** The sweep this run belongs to and its grid point, when it was started by one. */
  sweep?: { id: string; point: Record<string, string | number> };
  /** The model file the run started from (a run trained on from saved weights). */
  modelFile?: string;
  /** A name the user gave the run (the Runs view's Rename). */
  name?: string;
  /** The run this one branched from with a changed learning rate (time travel): its steps up to
   *  `step` are that run's, and this record holds the steps after it. */
  branchedFrom?: { run: string; step: number; lr: number };
}

/** "running" stays in summary.json when the process died without a word (crash, SIGKILL). */
export type RunStatus = 'running' | 'finished' | 'stopped' | 'failed';

export interface EpochMetrics {
  epoch: number;
  ce: number;
  acc: number;
}

/** summary.json: rewritten after every epoch and once more when the run ends. */
export interface RunSummary {
  id: string;
  status: RunStatus;
  started: string;
  ended: string | null;
  /** Wall time from start to the last write, evaluation and saving included. */
  seconds: number;
  /** Iterations (mini-batches) trained, and epochs completed. */
  steps: number;
  epochs: number;
  stoppedEarly: boolean;
  /** Lowest validation CE and highest validation accuracy over the finished epochs. */
  bestValidCe: EpochMetrics | null;
  bestValidAcc: EpochMetrics | null;
  /** The last finished epoch: training (as trained) and validation metrics. */
  final: { epoch: number; trainCe: number; trainAcc: number; validCe: number; validAcc: number } | null;
  /** Test metrics, when the run was evaluated on the test split. */
  test: { ce: number; acc: number; top5: number; perplexity: number } | null;
  /** MODEL_FILE once a model was saved, else null. */
  model: string | null;
  /** Why the run failed. */
  error?: string;
}

/** metrics.jsonl lines. Steps are aggregated: one line per STEP_WINDOW iterations (and a shorter
 *  one where an epoch or the run ends), so the file grows with epochs, not with every step. */
export interface StepsLine {
  type: 'steps';
  epoch: number;
  firstStep: number;
  lastStep: number;
  /** Means over the window's examples, as trained. */
  loss: number;
  acc: number;
  lr: number;
  /** ‖all gradients‖₂ and each gradient's L2 norm ("dW…" → norm) after the window's first
   *  iteration, `firstStep` (absent in runs recorded before gradient norms were). */
  gradNorm?: number;
  gradNorms?: Record<string, number>;
}

export interface EpochLine {
  type: 'epoch';
  epoch: number;
  step: number;
  trainCe: number;
  trainAcc: number;
  validCe: number;
  validAcc: number;
  validTop5: number;
  validPerplexity: number;
  lr: number;
  /** Training time of the epoch, evaluation excluded. */
  seconds: number;
}

export type MetricsLine = StepsLine | EpochLine;

export const STEP_WINDOW = 50;
