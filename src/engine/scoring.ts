// How one prediction (a row of scores over the vocabulary) scores against its target, the one rule
// that evaluation, the evaluation report and the training accuracy share:
// - the target's rank is the number of other words at least as probable, so a tie counts against
//   the target (a model that gives every word the same probability is right for none of them),
//   and a NaN, which compares as neither more nor less, counts against it too;
// - cross-entropy is computed from the logits by log-sum-exp in float64: probabilities rounded to
//   float32 underflow to 0 for a confident model, and a clamped −log of them is a made-up number.
import { FloatArray } from './tensor';

/** Number of columns j ≠ target of row `offset` with scores[j] not less than scores[target],
 *  counting stops at `limit`. Monotone scores (logits or probabilities) give the same rank,
 *  except where rounding to float32 made distinct probabilities equal. A target outside
 *  [0, cols) ranks last. */
export function targetRank(scores: FloatArray, offset: number, cols: number, target: number, limit = cols): number {
  if (!(target >= 0 && target < cols)) return cols;
  const st = scores[offset + target];
  let rank = 0;
  for (let j = 0; j < cols && rank < limit; j++) if (j !== target && !(scores[offset + j] < st)) rank++;
  return rank;
}

/** −log softmax(logits)[target] of one row, as max + log Σ exp(z − max) − z[target] in float64:
 *  finite whenever the logits are, however small the target's probability. */
export function logitCrossEntropy(logits: FloatArray, offset: number, cols: number, target: number): number {
  if (!(target >= 0 && target < cols)) return NaN;
  let max = -Infinity;
  for (let j = 0; j < cols; j++) {
    const z = logits[offset + j];
    if (z > max || z !== z) max = z;
  }
  let sum = 0;
  for (let j = 0; j < cols; j++) sum += Math.exp(logits[offset + j] - max);
  return max + Math.log(sum) - logits[offset + target];
}

/** The model's guess for a row: the highest-scoring column, a tie resolved against the target
 *  (the first tied column other than it), so a tie for the top is reported as a wrong guess. */
export function bestGuess(scores: FloatArray, offset: number, cols: number, target: number): number {
  let best = target === 0 && cols > 1 ? 1 : 0;
  for (let j = 0; j < cols; j++) {
    const s = scores[offset + j];
    const b = scores[offset + best];
    if (s > b || (s === b && best === target && j !== target)) best = j;
  }
  return best;
}
