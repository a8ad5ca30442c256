// A token stream cut into B parallel streams and read in windows of K tokens, as PyTorch's
// word-language-model recipe does (batchify, get_batch): the stream's first L − L mod B tokens
// become B streams of L/B tokens each (stream r is the r-th consecutive piece), and window j holds
// tokens jK … jK + K − 1 of every stream with their next tokens as targets. Only whole windows are
// read: the last (L/B − 1) mod K tokens of each stream are left out (PyTorch reads them as a
// shorter window; our reference script leaves them out too).
import { InputError } from './errors';

export interface StreamBatches {
  readonly streams: number;
  /** Tokens per stream. */
  readonly length: number;
  readonly window: number;
  /** Whole windows per pass over the streams. */
  readonly windows: number;
  /** Writes window j: inputs and targets B×K, row r = stream r; returns B. */
  fill(j: number, inputs: Int32Array, targets: Int32Array): number;
}

/** Whole windows of `window` tokens a stream of `tokens` tokens cut into `streams` streams gives. */
export function streamWindows(tokens: number, streams: number, window: number): number {
  return Math.floor((Math.floor(tokens / streams) - 1) / window);
}

/** `source` names the corpus in the error when the stream is too short for one window. */
export function batchify(tokens: Int32Array, streams: number, window: number, source: string): StreamBatches {
  const length = Math.floor(tokens.length / streams);
  const windows = streamWindows(tokens.length, streams, window);
  if (windows < 1) {
    throw new InputError(source, `has ${tokens.length} tokens in this split: too few for ${streams} streams of ${window + 1} tokens (batch ${streams}, window ${window})`);
  }
  return {
    streams,
    length,
    window,
    windows,
    fill(j, inputs, targets) {
      for (let r = 0; r < streams; r++) {
        const from = r * length + j * window;
        for (let k = 0; k < window; k++) {
          inputs[r * window + k] = tokens[from + k];
          targets[r * window + k] = tokens[from + k + 1];
        }
      }
      return streams;
    },
  };
}
