// The share of an activation's values where it is flat (σ near 0 or 1, tanh near ±1), by the
// activation's own rule, so every chart and filter counts saturation the same way.
import { Activation } from './activations';
import { FloatArray } from './tensor';

/** The share of the first `count` values that `activation` calls saturated; NaN when none. */
export function saturatedShare(values: FloatArray, count: number, activation: Activation): number {
  const saturated = activation.saturated;
  if (!saturated || count === 0) return NaN;
  let hits = 0;
  for (let i = 0; i < count; i++) if (saturated(values[i])) hits++;
  return hits / count;
}
