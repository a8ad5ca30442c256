// Which tensors the current iteration has not computed yet. A tensor that an iteration produces
// (its first use in the phase list is a write: activations, gradients, the loss) still holds the
// previous iteration's value until its phase runs; a student must not read those old values (or
// the zeros before the first iteration) as this iteration's, e.g. as a vanishing gradient.
// Parameters are read before they are written, so they are the iteration's inputs and always
// current. Derived from the phases' reads/writes and the cursor only: no tensor is named here.

/** What the phase list says about a tensor (engine Phase and protocol PhaseInfo both fit). */
export interface PhaseAccess {
  readonly name: string;
  readonly reads: readonly string[];
  readonly writes: readonly string[];
}

/** The trainer's cursor: the next phase and sub-step to run, and the iterations finished. */
export interface IterationCursor {
  phase: number;
  sub: number;
  steps: number;
}

/** A tensor the current iteration has not (fully) computed yet. */
export interface NotComputed {
  /** The phase that computes it in this iteration. */
  phase: string;
  /** That phase is part-way through its sub-steps: some of the values may already be new. */
  partly: boolean;
  /** The iteration (1-based) whose value it still holds; 0 when none has run (initial values). */
  holds: number;
}

export function notComputedYet(phases: readonly PhaseAccess[], cursor: IterationCursor, name: string): NotComputed | undefined {
  const first = phases.findIndex((p) => p.reads.includes(name) || p.writes.includes(name));
  if (first < 0) return undefined;
  const producer = phases[first];
  // Read first (or read and written by one phase, like an update): an input of the iteration.
  if (producer.reads.includes(name) || !producer.writes.includes(name)) return undefined;
  if (cursor.phase < first) return { phase: producer.name, partly: false, holds: cursor.steps };
  if (cursor.phase === first) return { phase: producer.name, partly: cursor.sub > 0, holds: cursor.steps };
  return undefined;
}

/** "not computed yet in this iteration (dW3 has not run) — value of iteration 3", for Variables, hovers and captions. */
export function describeNotComputed(n: NotComputed): string {
  if (n.partly) return `partly computed in this iteration (${n.phase} is part-way) — the rest is ${n.holds > 0 ? `the value of iteration ${n.holds}` : 'zeros'}`;
  return `not computed yet in this iteration (${n.phase} has not run) — ${n.holds > 0 ? `value of iteration ${n.holds}` : 'zeros, no iteration has run yet'}`;
}
