// The messages between the embedding map and its layout worker (layoutWorker.ts).

/** New rows to lay out: from `layout` when given, else from the worker's current layout (or a random one). */
export interface LayoutRequest {
  type: 'layout';
  generation: number;
  values: Float64Array;
  n: number;
  dim: number;
  layout?: Float64Array;
}

/** The share of a core the worker may take: all of it while the student waits, less while training runs beside it. */
export interface LayoutPace {
  type: 'pace';
  share: number;
}

export type ToLayoutWorker = LayoutRequest | LayoutPace;

export type LayoutReply =
  | { type: 'layout'; generation: number; layout: Float64Array; iteration: number; perplexity: number; done: boolean }
  | { type: 'error'; generation: number; message: string };
