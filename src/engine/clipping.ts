// Gradient clipping by total norm, as PyTorch's clip_grad_norm_: when the L2 norm of all gradients
// together exceeds the limit, every gradient is scaled by limit / (norm + 1e-6).
import { FloatArray } from './tensor';

const EPSILON = 1e-6;

/** Scales `grads` down to a total L2 norm of at most `maxNorm`; returns the norm before. */
export function clipGradNorm(grads: readonly FloatArray[], maxNorm: number): number {
  let sum = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sum += g[i] * g[i];
  const norm = Math.sqrt(sum);
  const scale = maxNorm / (norm + EPSILON);
  if (scale < 1) for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= scale;
  return norm;
}
