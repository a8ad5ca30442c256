// Where a run stands in time and how far back it can go: a type module of its own, so that the
// protocol (and the webview that shares it) can name them without the trainer's Node.js code.

/** Where a trainer stands: iterations finished, and the next phase and sub-step of the current one. */
export interface Position {
  steps: number;
  phase: number;
  sub: number;
}

/** How far back a run can go, for the Run view and the dashboard. */
export interface TimeTravelStatus {
  /** The earliest iteration a rewind reaches (its start); undefined when time travel is off. */
  earliest: number | undefined;
  /** Where training stood before going back: the present. */
  present: Position;
  /** Iterations between checkpoints now. */
  every: number;
  bytes: number;
  budgetBytes: number;
  /** Why time travel is off (one state does not fit the budget). */
  off?: string;
}
