// Which axes of a model's tensors are indexed by words, from its declarations: a parameter's word
// axes are its gradient's too, and activations declare their own. Every model answers wordAxes()
// with this.
import { ActivationSpec, ParamSpec } from './model';

export function declaredWordAxes(specs: readonly ParamSpec[], activations: readonly ActivationSpec[]): Record<string, number[]> {
  const axes: Record<string, number[]> = {};
  for (const spec of specs) {
    if (spec.wordAxes.length === 0) continue;
    axes[spec.name] = [...spec.wordAxes];
    axes[`d${spec.name}`] = [...spec.wordAxes];
  }
  for (const a of activations) if (a.wordAxes.length > 0) axes[a.name] = [...a.wordAxes];
  return axes;
}
