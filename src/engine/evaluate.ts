// Forward-only evaluation of a split in large chunks, sharing the training parameters.
import { Split } from './data/dataset';
import { Kernels } from './kernels';
import { MlpModel, MlpParams, MlpShape } from './mlp';

export interface EvalResult {
  n: number;
  /** Mean cross-entropy in nats. */
  ce: number;
  acc: number;
  top5: number;
  perplexity: number;
}

const CHUNK = 1000;

/** Calls `visit(row, probabilities, offset)` for each example, after its chunk's forward pass. */
export function forEachPrediction(
  shape: MlpShape,
  params: MlpParams,
  split: Split,
  kernels: Kernels,
  visit: (row: number, p: Float32Array | Float64Array, offset: number) => void,
): void {
  const model = new MlpModel(shape, params, Math.min(CHUNK, Math.max(1, split.n)), kernels);
  const C = shape.context;
  const V = shape.vocabSize;
  for (let start = 0; start < split.n; start += CHUNK) {
    const n = Math.min(CHUNK, split.n - start);
    const p = model.predict(split.inputs.subarray(start * C, (start + n) * C), n);
    for (let r = 0; r < n; r++) visit(start + r, p, r * V);
  }
}

export function evaluateSplit(shape: MlpShape, params: MlpParams, split: Split, kernels: Kernels): EvalResult {
  const V = shape.vocabSize;
  let ce = 0;
  let correct = 0;
  let top5 = 0;
  forEachPrediction(shape, params, split, kernels, (row, p, o) => {
    const target = split.targets[row];
    const pt = p[o + target];
    ce -= Math.log(Math.max(pt, 1.1754943508222875e-38));
    // Rank of the target = number of words strictly more probable than it.
    let above = 0;
    for (let j = 0; j < V && above < 5; j++) if (p[o + j] > pt) above++;
    if (above === 0) correct++;
    if (above < 5) top5++;
  });
  const n = split.n;
  const meanCe = n ? ce / n : NaN;
  return { n, ce: meanCe, acc: n ? correct / n : NaN, top5: n ? top5 / n : NaN, perplexity: Math.exp(meanCe) };
}
