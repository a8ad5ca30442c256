// Gradient clipping by total norm, as PyTorch's clip_grad_norm_: when the L2 norm of all gradients
// together exceeds the limit, every gradient is scaled by limit / (norm + 1e-6).
import { Kernels } from './kernels';
import { FloatArray } from './tensor';

const EPSILON = 1e-6;

/** Scales `grads` down to a total L2 norm of at most `maxNorm`; returns the norm before. The sum
 *  of squares is taken tensor by tensor, in order, each in the kernels' fixed order (sumSquares). */
export function clipGradNorm(kernels: Kernels, grads: readonly FloatArray[], maxNorm: number): number {
  let sum = 0;
  for (const g of grads) sum += kernels.sumSquares(g, g.length);
  const norm = Math.sqrt(sum);
  const scale = maxNorm / (norm + EPSILON);
  if (scale < 1) for (const g of grads) kernels.scale(g, g.length, scale);
  return norm;
}
