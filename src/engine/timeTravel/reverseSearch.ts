// Running backwards to the previous stop: the latest position before `before`, at the start of
// one of the given phases, where `stopsHere` holds (a breakpoint and its condition, evaluated on
// the tensors as they were there). The kept states are searched block by block, newest first: each
// block is replayed forward phase by phase from its state, remembering its last hit.
import type { Trainer } from '../trainer';
import { positionOf, TimeTravel } from './timeTravel';
import { comparePositions, Position } from './trainerState';

export interface ReverseTarget {
  /** Phase indexes that may stop the run. */
  phases: ReadonlySet<number>;
  /** Whether the run stops at the current position (called at the start of one of `phases`);
   *  undefined when every such position stops (no conditions): then no replay is needed to find it. */
  stopsHere?: () => boolean;
}

/**
 * Leaves the trainer at the previous stop before `before` and returns it, or, with none kept,
 * at the earliest kept position, returning undefined.
 */
export function reverseSearch(t: Trainer, travel: TimeTravel, before: Position, target: ReverseTarget): Position | undefined {
  const earliest = travel.status().earliest ?? 0;
  const hit = target.stopsHere ? searchReplaying(t, travel, before, target.phases, target.stopsHere) : latestCandidate(t.phases.length, before, target.phases, earliest);
  travel.seek(t, hit ?? { steps: earliest, phase: 0, sub: 0 });
  return hit;
}

/** The latest phase start before `before` among `phases`, no earlier than iteration `earliest`. */
function latestCandidate(phaseCount: number, before: Position, phases: ReadonlySet<number>, earliest: number): Position | undefined {
  for (let steps = before.steps; steps >= earliest; steps--) {
    for (let phase = phaseCount - 1; phase >= 0; phase--) {
      const p = { steps, phase, sub: 0 };
      if (phases.has(phase) && comparePositions(p, before) < 0) return p;
    }
    if (phases.size === 0) return undefined;
  }
  return undefined;
}

function searchReplaying(t: Trainer, travel: TimeTravel, before: Position, phases: ReadonlySet<number>, stopsHere: () => boolean): Position | undefined {
  let upper = before;
  // Block by block between kept states, never across one (a branch's state is where a setting changed).
  for (let start = travel.keptBefore(upper); start !== undefined; start = travel.keptBefore(upper)) {
    travel.seek(t, start);
    let hit: Position | undefined;
    while (comparePositions(positionOf(t), upper) < 0) {
      if (t.subIndex === 0 && phases.has(t.phaseIndex) && stopsHere()) hit = positionOf(t);
      t.finished = false;
      t.stepPhase();
    }
    if (hit) return hit;
    upper = start;
  }
  return undefined;
}
