// What "Compare Runs" shows of a selection of recorded runs (runComparison.ts builds it): a type
// module of its own, so the protocol and the compare page name it without the run files' Node.js code.
import type { ResultsTable } from '../engine/runs/resultsTable';

export interface ComparedRun {
  id: string;
  /** The settings that tell it apart from the other runs ("embed=8 hidden=64"); its name when it has one. */
  label: string;
  /** Training windows: the last step of each, with its mean loss and accuracy. */
  steps: { step: number; loss: number; acc: number }[];
  /** Each finished epoch at the step it ended. */
  epochs: { epoch: number; step: number; trainCe: number; trainAcc: number; validCe: number; validAcc: number }[];
  /** Gradient norms at the first step of each training window: all gradients together and each
   *  one by name (runs recorded before gradient norms were have none). */
  grads: { step: number; total: number; norms: Record<string, number> }[];
}

export interface Comparison {
  runs: ComparedRun[];
  /** One row per run, in the order of `runs`. */
  table: ResultsTable;
}
