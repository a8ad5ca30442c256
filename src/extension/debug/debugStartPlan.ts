// What F5 does with the run the user already has. No launch.json: debug that run (attach), or,
// when there is none, start one from the settings. A launch configuration replaces the run, and
// asks first when that would throw away iterations trained since the last save. No vscode import,
// so the decision is unit-tested on its own.

export type DebugStartPlan =
  /** Debug the loaded run as it is. */
  | { kind: 'attach' }
  /** Load a run (from the configuration, or from the settings and the last chosen dataset). */
  | { kind: 'launch' }
  /** Loading would replace a run with this many unsaved iterations: ask first. */
  | { kind: 'ask'; unsavedSteps: number };

export interface DebugStartInput {
  /** The request of the configuration; undefined for F5 without a launch.json. */
  request: 'launch' | 'attach' | undefined;
  /** A run is loaded (whatever its state). */
  hasRun: boolean;
  unsavedSteps: number;
}

export function planDebugStart({ request, hasRun, unsavedSteps }: DebugStartInput): DebugStartPlan {
  if (request === 'attach') return { kind: 'attach' };
  if (request === undefined) return hasRun ? { kind: 'attach' } : { kind: 'launch' };
  return hasRun && unsavedSteps > 0 ? { kind: 'ask', unsavedSteps } : { kind: 'launch' };
}
