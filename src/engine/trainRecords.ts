// What one iteration and one epoch of training leave behind: a type module of its own so that the
// protocol (and the webview that shares it) can name them without the trainer's Node.js threads.
import type { EvalResult } from './evaluate';

export interface StepRecord {
  /** Iterations finished so far, counting this one (1-based). */
  step: number;
  epoch: number;
  batch: number;
  /** Examples in the mini-batch (the epoch's last one may hold only a few). */
  examples: number;
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
