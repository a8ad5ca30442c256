// The messages between the embedding map and its layout worker (layoutWorker.ts).

/** New rows to lay out: from `layout` when given, else from the worker's current layout (or a random one). */
export interface LayoutRequest {
  generation: number;
  values: Float64Array;
  n: number;
  dim: number;
  layout?: Float64Array;
}

export type LayoutReply =
  | { type: 'layout'; generation: number; layout: Float64Array; iteration: number; perplexity: number; done: boolean }
  | { type: 'error'; generation: number; message: string };
