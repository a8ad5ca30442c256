// The gradient norms a run record keeps: the L2 norm of each gradient and of all of them together
// (what clipping measures), read from the trainer's gradients as the last iteration left them.
// Float64 sums; a NaN or an infinity in a gradient makes its norm NaN/Infinity (written as null).
import type { Trainer } from '../trainer';

export interface GradientNorms {
  /** ‖all gradients‖₂ together. */
  total: number;
  /** Gradient name ("d" + parameter name) → its L2 norm, in the model's parameter order. */
  norms: Record<string, number>;
}

export function gradientNorms(t: Pick<Trainer, 'specs' | 'model'>): GradientNorms {
  const norms: Record<string, number> = {};
  let total = 0;
  for (const { name } of t.specs) {
    const grad = t.model.grads[name];
    const d = grad.data;
    let sumSq = 0;
    for (let i = 0; i < d.length; i++) sumSq += d[i] * d[i];
    norms[grad.name] = Math.sqrt(sumSq);
    total += sumSq;
  }
  return { total: Math.sqrt(total), norms };
}
