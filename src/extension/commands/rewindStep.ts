// What NLM: Rewind to Step… accepts: a whole step between the earliest kept one and the present
// (or "present"), checked against the run's time-travel status. No vscode import (unit-tested).
import type { TimeTravelStatus } from '../protocol';

/** The step to rewind to, or a message saying why the text is not one. */
export function parseRewindStep(text: string, status: TimeTravelStatus | undefined): number | 'present' | { error: string } {
  if (!status || status.earliest === undefined) return { error: status?.off ? `time travel is off: ${status.off}` : 'no training run is loaded' };
  const t = text.trim().toLowerCase();
  if (t === 'present') return 'present';
  const range = rewindRange(status);
  if (!/^\d+$/.test(t)) return { error: `a step is a whole number, ${range}` };
  const steps = Number(t);
  if (steps < status.earliest || steps > status.present.steps) return { error: `step ${steps} is out of reach: ${range}` };
  return steps;
}

/** "from 0 to 2,444 (the present)". */
export function rewindRange(status: TimeTravelStatus): string {
  return `from ${status.earliest ?? status.present.steps} to ${status.present.steps} (the present)`;
}
