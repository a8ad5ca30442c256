// What checking an exercise says of each line: a type module of its own, so the protocol (and the
// webview that shares it) can name it without the trainer the checker runs.
import type { DifferenceGrid } from './compare';

export type Verdict = 'correct' | 'wrong' | 'error' | 'helper';

export interface LineVerdict {
  /** 1-based line in the file; null for a tensor the file has no line for. */
  readonly line: number | null;
  readonly column?: number;
  readonly name: string;
  readonly verdict: Verdict;
  /** What is wrong, or for a helper line its shape. */
  readonly message: string;
  readonly maxAbsDiff?: number;
  readonly relDiff?: number;
  readonly hint?: string;
  /** For a wrong value: where it differs, coarsened for a heatmap. */
  readonly difference?: DifferenceGrid;
}
