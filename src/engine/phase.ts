// A model is a list of named phases over named tensors. The trainer, the UI and the debugger
// discover them from here; none of them knows which model it is driving.

export type PhaseDirection = 'forward' | 'backward' | 'update';

/** The smallest unit of execution the debugger can stop after ("step in"). */
export interface SubStep {
  readonly label: string;
  run(): void;
  /** Its results are constants to the backward pass (the time steps before a truncated BPTT
   *  window): the gradient check leaves them at their unperturbed values instead of re-running it. */
  readonly constant?: boolean;
}

export interface Phase {
  /** Stable id used by breakpoints and tests: embed, hidden, …, update. */
  readonly name: string;
  readonly direction: PhaseDirection;
  /** One line of math for the iteration document, e.g. "Z1 = E·W2 + b1". */
  readonly math: string;
  /** Names of the tensors this phase reads and writes (for highlighting and hovers). */
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  /** Running every sub-step in order is the phase; there is always at least one. */
  readonly subSteps: readonly SubStep[];
  /** The time step (1-based) this phase computes, forward or backward, in a recurrent model's
   *  unrolled loop: what `t` is in breakpoint conditions, and the loop the stack shows. */
  readonly timeStep?: number;
}

export function singleStep(label: string, run: () => void): readonly SubStep[] {
  return [{ label, run }];
}
