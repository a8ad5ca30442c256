// What the recurrent models (rnn/, lstm/) share: their architecture, how it is read from settings
// and model files, the truncation window of backpropagation through time, and the context ids
// regrouped by time step. Each model names its own tensors in its own folder.
import { TrainConfig } from '../config';
import { Kernels } from '../kernels';
import { DType } from '../tensor';
import { Model, ModelDefinition, ModelShape, Params, ParamSpec, Task } from './model';

export interface RecurrentShape extends ModelShape {
  readonly kind: 'rnn' | 'lstm';
  readonly vocabSize: number;
  /** Time steps: the context words, read in order; for the stream task, the window's tokens. */
  readonly context: number;
  readonly embeddingDim: number;
  readonly hiddenUnits: number;
  /** Backpropagate through the last this many time steps (0: all). A training setting the
   *  phases depend on, so it travels with the architecture; model files do not record it. The
   *  stream task backpropagates through the whole window (0): its truncation is the window. */
  readonly bptt: number;
}

/** The window of the stream task when --bptt is not given: PyTorch's word-language-model default. */
export const DEFAULT_STREAM_WINDOW = 35;

export function isStream(s: RecurrentShape): boolean {
  return s.task === 'stream';
}

/** The first time step (1-based) backpropagated through: 1 for full BPTT. */
export function windowStart(s: RecurrentShape): number {
  return s.bptt > 0 ? Math.max(1, s.context - s.bptt + 1) : 1;
}

/** The time steps 1…T, and those of the BPTT window, last first (the order of the backward pass). */
export function timeSteps(s: RecurrentShape): { all: number[]; backward: number[] } {
  const all = Array.from({ length: s.context }, (_, i) => i + 1);
  return { all, backward: all.filter((t) => t >= windowStart(s)).reverse() };
}

/**
 * The batch's context ids regrouped by time step: ids[t − 1] holds x_t of every example, so one
 * time step's embeddings are a contiguous n×D block for the matrix products.
 */
export class TimeMajorIds {
  readonly ids: Int32Array[];
  /** Every time step's ids back to back, `capacity` apart. */
  readonly all: Int32Array;

  constructor(
    private readonly steps: number,
    capacity: number,
    kernels: Kernels,
  ) {
    this.all = kernels.allocInt32(steps * capacity);
    this.ids = Array.from({ length: steps }, (_, t) => this.all.subarray(t * capacity, (t + 1) * capacity));
  }

  /** Copies the row-major n×T ids of a batch. */
  fill(inputs: Int32Array, n: number): void {
    const T = this.steps;
    for (let t = 0; t < T; t++) {
      const column = this.ids[t];
      for (let r = 0; r < n; r++) column[r] = inputs[r * T + t];
    }
  }
}

/** A recurrent model's definition from its parameters and its instances. */
export function recurrentDefinition(
  kind: RecurrentShape['kind'],
  paramSpecs: (shape: RecurrentShape) => ParamSpec[],
  make: (shape: RecurrentShape, params: Params, capacity: number, kernels: Kernels, dtype?: DType) => Model,
): ModelDefinition<RecurrentShape> {
  return {
    kind,

    streams: true,

    shapeFor(config: TrainConfig, data) {
      const { embeddingDim, hiddenUnits, bptt } = config;
      if (data.task === 'stream') return streamShape(kind, data.vocabSize, bptt || DEFAULT_STREAM_WINDOW, embeddingDim, hiddenUnits);
      return { kind, vocabSize: data.vocabSize, context: data.context, embeddingDim, hiddenUnits, bptt };
    },

    paramSpecs,

    create(shape, params, capacity, kernels, dtype) {
      const missing = paramSpecs(shape).filter(({ name }) => !params[name]);
      if (missing.length > 0) throw new Error(`an ${kind.toUpperCase()} needs the parameters ${missing.map((p) => p.name).join(', ')}`);
      return make(shape, params, capacity, kernels, dtype);
    },

    // A stream model records its task (files of n-gram models, and those written before tasks, have none).
    metaFields({ context, embeddingDim, hiddenUnits, task }) {
      return { kind, context, embeddingDim, hiddenUnits, ...(task === 'stream' ? { task } : {}) };
    },

    shapeFromMeta(meta, vocabSize, bad) {
      const { context, embeddingDim, hiddenUnits, task } = meta;
      for (const [field, v] of Object.entries({ context, embeddingDim, hiddenUnits })) {
        if (!Number.isSafeInteger(v) || (v as number) <= 0) throw bad(field, 'a positive integer', v);
      }
      if (task !== undefined && task !== 'stream' && task !== 'ngram') throw bad('task', '"ngram" or "stream"', task);
      const [c, D, P] = [context as number, embeddingDim as number, hiddenUnits as number];
      return task === 'stream' ? streamShape(kind, vocabSize, c, D, P) : { kind, vocabSize, context: c, embeddingDim: D, hiddenUnits: P, bptt: 0 };
    },

    configOf({ embeddingDim, hiddenUnits, task, context }) {
      return { model: kind, embeddingDim, hiddenUnits, ...(task === 'stream' ? { bptt: context } : {}) };
    },

    gradcheckShape(config, task?: Task) {
      if (task === 'stream') return streamShape(kind, 11, 4, 3, 5);
      return { kind, vocabSize: 11, context: 4, embeddingDim: 3, hiddenUnits: 5, bptt: config.bptt ?? 0 };
    },
  };
}

/** A stream model: windows of `window` tokens, backpropagated through whole. */
function streamShape(kind: RecurrentShape['kind'], vocabSize: number, window: number, embeddingDim: number, hiddenUnits: number): RecurrentShape {
  return { kind, task: 'stream', vocabSize, context: window, embeddingDim, hiddenUnits, bptt: 0 };
}
