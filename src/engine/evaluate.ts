// Forward-only evaluation of a split in large chunks, sharing the training parameters. One
// Evaluator owns its activation buffers for life, so evaluating every epoch allocates nothing.
import { Dataset, Split, SplitName } from './data/dataset';
import { InputError } from './errors';
import { Kernels } from './kernels';
import { createModel } from './models';
import { Model, ModelShape, Params } from './models/model';
import { logitCrossEntropy, targetRank } from './scoring';
import { batchify } from './streamBatches';
import { FloatArray } from './tensor';

export interface EvalResult {
  n: number;
  /** Mean cross-entropy in nats. */
  ce: number;
  acc: number;
  top5: number;
  perplexity: number;
}

/** Rows per forward pass: up to 1,000, and no more than keeps each of the model's vocabulary-wide
 *  buffers (logits, probabilities, their gradient) within CHUNK_FLOATS floats. The buffers live
 *  as long as the Evaluator, in the kernels' memory: at V = 8000, 1,000 rows held 96 MiB for an
 *  evaluation once an epoch. Rows stay a multiple of 4 (the kernels' row block). */
const CHUNK = 1000;
const CHUNK_FLOATS = 2 ** 20;

export function evaluationRows(vocabSize: number): number {
  return Math.max(4, Math.min(CHUNK, 4 * Math.floor(CHUNK_FLOATS / (4 * vocabSize))));
}
/** Streams a token stream is cut into for evaluation: PyTorch's recipe's eval batch size. */
export const EVAL_STREAMS = 10;

export class Evaluator {
  private readonly model: Model;
  /** Rows per forward pass (evaluationRows). */
  private readonly chunk: number;

  constructor(
    readonly shape: ModelShape,
    params: Params,
    kernels: Kernels,
  ) {
    this.chunk = evaluationRows(shape.vocabSize);
    this.model = createModel(shape, params, shape.task === 'stream' ? EVAL_STREAMS : this.chunk, kernels);
  }

  /** A dataset's split as the model's task reads it: its examples, or its token stream. */
  evaluateSplit(ds: Dataset, split: SplitName): EvalResult {
    if (this.shape.task !== 'stream' && ds.stream) throw new InputError(ds.source, 'is read as token streams, but the model was trained on n-grams: read it with --task ngram');
    if (this.shape.task !== 'stream') return this.evaluate(ds[split]);
    if (!ds.stream) throw new InputError(ds.source, 'is read as n-grams, but the model was trained on token streams: read it with --task stream');
    return this.evaluateStream(ds.stream[split], ds.source);
  }

  /**
   * Per-token metrics of a token stream, as PyTorch's recipe evaluates: EVAL_STREAMS parallel
   * streams read window by window, the state carried from each window to the next; every
   * position's prediction counts (n = the tokens predicted).
   */
  evaluateStream(tokens: Int32Array, source = 'the stream'): EvalResult {
    const totals = new HeadlineTotals(this.shape.vocabSize);
    const n = runToEnd(this.streamPredictionWindows(tokens, source, (target, _p, z, o) => totals.add(target, z, o)));
    return totals.result(n);
  }

  /** The stream's predictions one window per step, yielding the predictions done so far and
   *  returning their count: `visit(target, probabilities, logits, offset, read)` gets each position's
   *  next token, with `read` the tokens of its stream in this window up to that position. */
  *streamPredictionWindows(
    tokens: Int32Array,
    source: string,
    visit: (target: number, p: FloatArray, z: FloatArray, offset: number, read: Int32Array) => void,
  ): Generator<number, number> {
    if (this.shape.task !== 'stream') throw new Error('a model trained on n-grams is evaluated example by example (predictionChunks), not over token streams');
    const K = this.shape.context;
    const V = this.shape.vocabSize;
    const B = EVAL_STREAMS;
    const batches = batchify(tokens, B, K, source);
    const inputs = new Int32Array(B * K);
    const targets = new Int32Array(B * K);
    for (let j = 0; j < batches.windows; j++) {
      batches.fill(j, inputs, targets);
      const { probabilities, logits } = this.model.predict(inputs, B, j > 0);
      // Row t·B + r of the logits is stream r at position t.
      for (let t = 0; t < K; t++) for (let r = 0; r < B; r++) visit(targets[r * K + t], probabilities, logits, (t * B + r) * V, inputs.subarray(r * K, r * K + t + 1));
      yield (j + 1) * K * B;
    }
    return batches.windows * K * B;
  }

  /** Calls `visit(row, probabilities, logits, offset)` for each example, after its chunk's forward pass. */
  forEachPrediction(split: Split, visit: (row: number, p: FloatArray, z: FloatArray, offset: number) => void): void {
    runToEnd(this.predictionChunks(split, visit));
  }

  /** forEachPrediction one chunk per step, yielding the rows done so far: the worker runs the
   *  steps in separate time slices so it can answer other requests (and a cancel) between them. */
  *predictionChunks(split: Split, visit: (row: number, p: FloatArray, z: FloatArray, offset: number) => void): Generator<number, void> {
    if (this.shape.task === 'stream') throw new Error('a model trained on token streams is evaluated per token over its streams (evaluateStream, `nlm eval`), not example by example');
    const C = this.shape.context;
    const V = this.shape.vocabSize;
    for (let start = 0; start < split.n; start += this.chunk) {
      const n = Math.min(this.chunk, split.n - start);
      const { probabilities, logits } = this.model.predict(split.inputs.subarray(start * C, (start + n) * C), n);
      for (let r = 0; r < n; r++) visit(start + r, probabilities, logits, r * V);
      yield start + n;
    }
  }

  /** Cross-entropy from the logits, ranks by the logits (scoring.ts): the float32 probabilities
   *  of a confident model underflow to 0 and would tie, or cap the loss. */
  evaluate(split: Split): EvalResult {
    const totals = new HeadlineTotals(this.shape.vocabSize);
    this.forEachPrediction(split, (row, _p, z, o) => totals.add(split.targets[row], z, o));
    return totals.result(split.n);
  }
}

/** The headline metrics' running sums, one prediction at a time (evaluate, and the report's single
 *  pass over a split, share them). */
export class HeadlineTotals {
  private ce = 0;
  private correct = 0;
  private top5 = 0;

  constructor(private readonly vocabSize: number) {}

  /** Adds one row; returns the target's rank, counted up to 5 (0: the row is right). */
  add(target: number, z: FloatArray, o: number): number {
    this.ce += logitCrossEntropy(z, o, this.vocabSize, target);
    const rank = targetRank(z, o, this.vocabSize, target, 5);
    if (rank === 0) this.correct++;
    if (rank < 5) this.top5++;
    return rank;
  }

  result(n: number): EvalResult {
    const meanCe = n ? this.ce / n : NaN;
    return { n, ce: meanCe, acc: n ? this.correct / n : NaN, top5: n ? this.top5 / n : NaN, perplexity: Math.exp(meanCe) };
  }
}

/** Runs a stepwise computation in one go and returns its result. */
export function runToEnd<T>(steps: Generator<unknown, T>): T {
  let next = steps.next();
  while (!next.done) next = steps.next();
  return next.value;
}
