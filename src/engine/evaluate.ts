// Forward-only evaluation of a split in large chunks, sharing the training parameters. One
// Evaluator owns its activation buffers for life, so evaluating every epoch allocates nothing.
import { Split } from './data/dataset';
import { Kernels } from './kernels';
import { createModel } from './models';
import { Model, ModelShape, Params } from './models/model';
import { logitCrossEntropy, targetRank } from './scoring';
import { FloatArray } from './tensor';

export interface EvalResult {
  n: number;
  /** Mean cross-entropy in nats. */
  ce: number;
  acc: number;
  top5: number;
  perplexity: number;
}

const CHUNK = 1000;

export class Evaluator {
  private readonly model: Model;

  constructor(
    readonly shape: ModelShape,
    params: Params,
    kernels: Kernels,
  ) {
    this.model = createModel(shape, params, CHUNK, kernels);
  }

  /** Calls `visit(row, probabilities, logits, offset)` for each example, after its chunk's forward pass. */
  forEachPrediction(split: Split, visit: (row: number, p: FloatArray, z: FloatArray, offset: number) => void): void {
    const C = this.shape.context;
    const V = this.shape.vocabSize;
    for (let start = 0; start < split.n; start += CHUNK) {
      const n = Math.min(CHUNK, split.n - start);
      const { probabilities, logits } = this.model.predict(split.inputs.subarray(start * C, (start + n) * C), n);
      for (let r = 0; r < n; r++) visit(start + r, probabilities, logits, r * V);
    }
  }

  /** Cross-entropy from the logits, ranks by the logits (scoring.ts): the float32 probabilities
   *  of a confident model underflow to 0 and would tie, or cap the loss. */
  evaluate(split: Split): EvalResult {
    const V = this.shape.vocabSize;
    let ce = 0;
    let correct = 0;
    let top5 = 0;
    this.forEachPrediction(split, (row, _p, z, o) => {
      const target = split.targets[row];
      ce += logitCrossEntropy(z, o, V, target);
      const rank = targetRank(z, o, V, target, 5);
      if (rank === 0) correct++;
      if (rank < 5) top5++;
    });
    const n = split.n;
    const meanCe = n ? ce / n : NaN;
    return { n, ce: meanCe, acc: n ? correct / n : NaN, top5: n ? top5 / n : NaN, perplexity: Math.exp(meanCe) };
  }
}
