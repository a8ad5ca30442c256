// Time travel through a training run. Training is deterministic (same state ⇒ same bits, whether
// an iteration runs fused on one or two threads or phase by phase), so going back needs no log of
// every tensor: full trainer states (trainerState.ts) at checkpoints every `every` iterations, plus
// the starts of the last few iterations while a debugger steps through them, and any earlier
// position is the nearest state before it, replayed forward. A memory budget bounds the states:
// past it, every other checkpoint goes (the spacing doubles, so a rewind replays at most `maxEvery`
// iterations), and once the spacing is at its largest the oldest ones go.
import type { Trainer } from '../trainer';
import { TIME_TRAVEL_SETTINGS } from './settings';
import type { Position, TimeTravelStatus } from './status';
import { comparePositions, stateBytes, TrainerState } from './trainerState';

export type { TimeTravelStatus };

export interface TimeTravelOptions {
  /** Bytes the states may hold in all (the losses and the epochs' orders included). */
  budgetBytes: number;
  /** Iterations between checkpoints at first. */
  every: number;
  /** The widest spacing thinning may reach; past it the oldest checkpoints are dropped. */
  maxEvery: number;
  /** Iteration starts kept while stepping phase by phase, for an instant step back. */
  recent: number;
  /** Checkpoints (all but the first) without gradients and activations (TrainerState.light). */
  lightCheckpoints?: boolean;
}

export const DEFAULT_TIME_TRAVEL: TimeTravelOptions = {
  budgetBytes: TIME_TRAVEL_SETTINGS['timeTravel.memoryMiB'].default * 2 ** 20,
  every: 100,
  maxEvery: 1024,
  recent: 4,
};

export class TimeTravel {
  /** Full states at iteration starts, oldest first, at multiples of `every`. */
  private checkpoints: TrainerState[] = [];
  /** The starts of the last iterations stepped through, oldest first. */
  private recent: TrainerState[] = [];
  /** States where a setting changed (branch): replays after one must start from it, so they stay. */
  private branches: TrainerState[] = [];
  /** Each epoch's example order, shared by its states. */
  private readonly orders = new Map<number, Int32Array>();
  /** Step losses by step - 1, up to the present (what a divergence watch is rebuilt from). */
  private losses = new Float64Array(1024);
  private lossCount = 0;
  private every: number;
  private present: Position = { steps: 0, phase: 0, sub: 0 };
  private off: string | undefined;

  constructor(private readonly options: TimeTravelOptions = DEFAULT_TIME_TRAVEL) {
    this.every = options.every;
    if (options.budgetBytes === 0) this.off = 'its memory budget (nlm.timeTravel.memoryMiB) is 0';
  }

  /**
   * Called after each sub-step or iteration training runs (not while replaying): records the step's
   * loss, takes a checkpoint at a multiple of `every` and, when `detailed` (stepping phase by
   * phase), the start of the iteration; the present moves on.
   */
  observe(t: Trainer, stepLoss: number | undefined, detailed: boolean): void {
    if (this.off) return;
    // Training forward again through a branch point takes the branch (its changed setting).
    for (const b of this.branches) {
      const at = b.position;
      if (at.steps === t.steps && at.phase === t.phaseIndex && at.sub === t.subIndex) t.restoreState(b);
    }
    if (stepLoss !== undefined) this.recordLoss(t.steps, stepLoss);
    // In place: this runs every iteration, which allocates nothing.
    const p = this.present;
    if (t.steps > p.steps || (t.steps === p.steps && (t.phaseIndex > p.phase || (t.phaseIndex === p.phase && t.subIndex > p.sub)))) {
      p.steps = t.steps;
      p.phase = t.phaseIndex;
      p.sub = t.subIndex;
    }
    if (!t.atIterationStart) return;
    const steps = t.steps;
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (steps % this.every === 0 && (!last || last.position.steps < steps)) {
      // Light (no gradients, no activations: about half of a state at a large vocabulary): a rewind
      // to a checkpoint's own step replays the iteration before it, which writes them. Full while
      // stepping phase by phase, where a step back to here must be instant.
      this.checkpoints.push(this.save(t, undefined, !!this.options.lightCheckpoints && !detailed && this.checkpoints.length > 0));
      this.enforceBudget();
    } else if (detailed && !this.stateAt(steps)) {
      const evicted = this.recent.length >= this.options.recent ? this.recent.shift() : undefined;
      this.recent.push(this.save(t, evicted));
      this.enforceBudget();
    }
  }

  /** Where training stood before going back (the furthest position it reached). */
  get presentPosition(): Position {
    return { ...this.present };
  }

  /** Whether a branch point lies inside the iteration the trainer is about to run (after its
   *  start): that iteration must run sub-step by sub-step, so that observe() sees the point. */
  branchInside(t: Trainer): boolean {
    return this.branches.length > 0 && this.branches.some((b) => b.position.steps === t.steps && comparePositions(b.position, positionOf(t)) > 0);
  }

  /** Whether the trainer stands before the present (the run went back in time). */
  isBeforePresent(t: Trainer): boolean {
    return comparePositions(positionOf(t), this.present) < 0;
  }

  /** Iterations finished at the present. */
  get presentSteps(): number {
    return this.present.steps;
  }

  /** The losses of steps (from, to], as trained (what a divergence watch holds at step `to`). */
  lossesBetween(from: number, to: number): number[] {
    return Array.from(this.losses.subarray(Math.max(0, from), Math.min(to, this.lossCount)));
  }

  /**
   * Puts the trainer at `target`, at or before the present: the nearest state before it, replayed
   * forward (whole iterations fused, then the phases and sub-steps). Bit-identical to the first time.
   */
  seek(t: Trainer, target: Position): void {
    if (this.off) throw new Error(`time travel is off: ${this.off}`);
    if (comparePositions(target, this.present) > 0) throw new Error(`step ${target.steps} is beyond the present (step ${this.present.steps}): train to get there`);
    const earliest = this.earliestSteps;
    if (target.steps < earliest) throw new Error(`step ${target.steps} is too far back: the earliest kept is step ${earliest} (raise nlm.timeTravel.memoryMiB to keep more)`);
    const here = positionOf(t);
    const base = this.latestStateAtOrBefore(target);
    // Going forward from where the trainer stands needs no restore when no kept state is closer.
    const fromHere = comparePositions(here, target) <= 0 && (!base || comparePositions(base.position, here) <= 0);
    if (!fromHere) {
      if (!base) throw new Error(`no kept state at or before step ${target.steps}`);
      t.restoreState(base);
    }
    while (t.steps < target.steps) {
      t.finished = false;
      t.step();
    }
    while (comparePositions(positionOf(t), target) < 0) {
      t.finished = false;
      t.stepSub();
    }
  }

  /** The position of the latest kept state before `p`: where a backward search resumes. */
  keptBefore(p: Position): Position | undefined {
    let best: Position | undefined;
    for (const s of this.states()) {
      if (comparePositions(s.position, p) < 0 && (!best || comparePositions(s.position, best) > 0)) best = s.position;
    }
    return best && { ...best };
  }

  /**
   * The run goes on differently from here (a setting changed, already in the trainer): what it
   * trained beyond this position is no longer its future, so the states and losses after it go and
   * here is the present; the state here is kept, since replaying from an earlier one would not
   * know of the change.
   */
  branch(t: Trainer): void {
    if (this.off) return;
    const here = positionOf(t);
    const keep = (s: TrainerState) => comparePositions(s.position, here) < 0;
    this.checkpoints = this.checkpoints.filter(keep);
    this.recent = this.recent.filter(keep);
    this.branches = this.branches.filter(keep);
    this.branches.push(this.save(t));
    this.lossCount = Math.min(this.lossCount, here.steps);
    this.present = { ...here };
    this.dropUnusedOrders();
    this.enforceBudget();
  }

  status(): TimeTravelStatus {
    return {
      earliest: this.off ? undefined : this.earliestSteps,
      present: this.presentPosition,
      every: this.every,
      bytes: this.bytes,
      budgetBytes: this.options.budgetBytes,
      off: this.off,
    };
  }

  /** Bytes held: every state, each epoch's order once, the losses. */
  get bytes(): number {
    let sum = this.losses.byteLength;
    for (const s of this.states()) sum += stateBytes(s);
    for (const o of this.orders.values()) sum += o.byteLength;
    return sum;
  }

  /** The earliest step a rewind reaches: a light oldest checkpoint shows its own step only after
   *  the iteration before it, which is gone. */
  private get earliestSteps(): number {
    const first = this.checkpoints[0];
    return first ? first.position.steps + (first.light ? 1 : 0) : 0;
  }

  private save(t: Trainer, into?: TrainerState, light = false): TrainerState {
    const order = this.orders.get(t.epoch);
    const s = t.saveState(order, into, light);
    if (!order) this.orders.set(t.epoch, s.order);
    return s;
  }

  private states(): TrainerState[] {
    return [...this.checkpoints, ...this.recent, ...this.branches];
  }

  /** A full state at this iteration start (a light one would not serve an instant step back). */
  private stateAt(steps: number): TrainerState | undefined {
    return this.states().find((s) => !s.light && s.position.steps === steps && s.position.phase === 0 && s.position.sub === 0);
  }

  /** A light state shows stale gradients and activations: it serves only targets after it. */
  private latestStateAtOrBefore(target: Position): TrainerState | undefined {
    let best: TrainerState | undefined;
    for (const s of this.states()) {
      const c = comparePositions(s.position, target);
      if ((c < 0 || (c === 0 && !s.light)) && (!best || comparePositions(s.position, best.position) > 0)) best = s;
    }
    return best;
  }

  private recordLoss(step: number, loss: number): void {
    if (step > this.losses.length) {
      const grown = new Float64Array(Math.max(step, this.losses.length * 2));
      grown.set(this.losses.subarray(0, this.lossCount));
      this.losses = grown;
    }
    this.losses[step - 1] = loss;
    this.lossCount = Math.max(this.lossCount, step);
  }

  /** Thins the checkpoints (then drops the oldest) until the states fit the budget. */
  private enforceBudget(): void {
    while (this.bytes > this.options.budgetBytes) {
      if (this.recent.length > 1) {
        this.recent.shift();
      } else if (this.checkpoints.length > 1 && this.every * 2 <= this.options.maxEvery) {
        this.every *= 2;
        const first = this.checkpoints[0];
        this.checkpoints = this.checkpoints.filter((s) => s === first || s.position.steps % this.every === 0);
      } else if (this.checkpoints.length > 1) {
        this.checkpoints.shift();
      } else {
        this.off = `one saved state of this run takes ${mib(this.bytes)} MiB, more than the budget of ${mib(this.options.budgetBytes)} MiB`;
        this.checkpoints = [];
        this.recent = [];
        this.branches = [];
        this.orders.clear();
        return;
      }
      this.dropUnusedOrders();
    }
  }

  private dropUnusedOrders(): void {
    const used = new Set(this.states().map((s) => s.order));
    for (const [epoch, order] of this.orders) if (!used.has(order)) this.orders.delete(epoch);
  }
}

export function positionOf(t: Trainer): Position {
  return { steps: t.steps, phase: t.phaseIndex, sub: t.subIndex };
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
