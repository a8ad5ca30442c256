// A model's forward pass for evaluation and inference: its forward phases except the loss (which
// needs targets), on the batch it holds. Every model's predict runs it.
import { Phase } from '../phase';

export function runForwardPhases(phases: readonly Phase[]): void {
  for (const phase of phases) {
    if (phase.direction !== 'forward' || phase.name === 'loss') continue;
    for (const s of phase.subSteps) s.run();
  }
}
