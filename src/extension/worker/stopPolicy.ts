// The debugger's exception filters: after a sub-step, whether the run must stop and why. Driven by
// the model's declarations (what a phase writes, which gradients are watched for vanishing, which
// hidden activation saturates), so any model gets them without naming its tensors.
import { tensorStats, hiddenStats } from '../../engine/metrics';
import type { Tensor } from '../../engine/tensor';
import type { Progress, Trainer } from '../../engine/trainer';
import type { ExceptionFilters } from '../protocol';

/** Whether the filters must look after every phase (so a whole iteration cannot run fused). */
export function watchesEveryPhase(f: ExceptionFilters): boolean {
  return !!f.nan || f.saturation !== undefined;
}

/**
 * Why the run must stop after the sub-step that made `p`, or undefined. `tensor` finds a tensor
 * by name (parameters, gradients, activations) as the debugger's expressions do.
 */
export function exceptionAfter(f: ExceptionFilters, p: Progress, t: Trainer, tensor: (name: string) => Tensor | undefined): string | undefined {
  if (f.nan) {
    for (const name of p.phase.writes) {
      const written = tensor(name);
      if (!written) continue;
      const s = tensorStats(written);
      if (s.nan + s.inf > 0) return `${name} has ${s.nan} NaN and ${s.inf} Inf values after ${p.phase.name}`;
    }
    if (p.phase.name === 'loss' && !Number.isFinite(t.model.loss)) return `loss is ${t.model.loss}`;
  }
  // Gradient norms cost a pass over every gradient: only when a norm filter asks for them.
  if (p.iteration && (f.explodingNorm !== undefined || f.vanishingNorm !== undefined)) {
    for (const { name, watchVanishing } of t.specs) {
      const norm = tensorStats(t.model.grads[name]).norm;
      if (f.explodingNorm !== undefined && norm > f.explodingNorm) return `exploding gradient: ‖d${name}‖ = ${norm.toPrecision(4)} > ${f.explodingNorm}`;
      if (f.vanishingNorm !== undefined && watchVanishing && norm < f.vanishingNorm) {
        return `vanishing gradient: ‖d${name}‖ = ${norm.toExponential(3)} < ${f.vanishingNorm}`;
      }
    }
    // A recurrent model's gradient can vanish or explode on its way back through time.
    const { steps = [], gradients = [] } = t.model.throughTime ?? {};
    for (const [i, name] of gradients.entries()) {
      const written = tensor(name);
      if (!written) continue;
      const norm = tensorStats(written).norm;
      const step = steps[i];
      if (f.explodingNorm !== undefined && norm > f.explodingNorm) return `exploding gradient at time step ${step}: ‖${name}‖ = ${norm.toPrecision(4)} > ${f.explodingNorm}`;
      if (f.vanishingNorm !== undefined && norm < f.vanishingNorm) return `vanishing gradient at time step ${step}: ‖${name}‖ = ${norm.toExponential(3)} < ${f.vanishingNorm}`;
    }
  }
  const hidden = t.model.hidden;
  if (f.saturation !== undefined && hidden?.activation.saturated && p.phase.writes.includes(hidden.tensor)) {
    const h = hiddenStats(tensor(hidden.tensor)!.data, t.model.n, hidden.units, hidden.activation);
    if (h.saturated > f.saturation) return `hidden layer saturation ${(h.saturated * 100).toFixed(1)} % > ${(f.saturation * 100).toFixed(1)} %`;
  }
  if (f.validLossUp && p.epoch && t.epochs.length >= 2) {
    const [prev, last] = t.epochs.slice(-2);
    if (last.valid.ce > prev.valid.ce) return `validation loss went up: ${prev.valid.ce.toFixed(4)} → ${last.valid.ce.toFixed(4)}`;
  }
  return undefined;
}
