// The engine's phases as the protocol describes them to views and the debugger.
import type { Phase } from '../engine/phase';
import type { PhaseInfo } from './protocol';

export function phaseInfos(phases: readonly Phase[]): PhaseInfo[] {
  return phases.map((p) => ({
    name: p.name,
    direction: p.direction,
    math: p.math,
    reads: [...p.reads],
    writes: [...p.writes],
    subSteps: p.subSteps.map((s) => s.label),
    ...(p.timeStep !== undefined && { timeStep: p.timeStep }),
  }));
}
