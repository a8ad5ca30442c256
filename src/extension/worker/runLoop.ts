// The run loop: trains in time slices so pause and inspect requests are answered while training,
// towards a goal (run on, or step a sub-step, phase, iteration or epoch), whole fused iterations
// when nothing has to look between phases and sub-steps otherwise, stopping before a phase with a
// breakpoint and after a sub-step an exception filter objects to. It also goes back in time (the
// run's TimeTravel): a phase or sub-step back, back to the previous breakpoint hit, to any step.
import { NUMBER_RULES } from '../../engine/config';
import { DIVERGENCE_WINDOW } from '../../engine/divergence';
import { reverseSearch } from '../../engine/timeTravel/reverseSearch';
import type { Position } from '../../engine/timeTravel/trainerState';
import type { Progress, Trainer } from '../../engine/trainer';
import type { Breakpoint, Cursor, ExceptionFilters, ReplyResult, RunState, StepUnit, StopReason, WorkerEvent } from '../protocol';
import { BreakpointBook } from './breakpoints';
import type { LoadedRun } from './loadedRun';
import { Snapshots } from './snapshots';
import { exceptionAfter, watchesEveryPhase } from './stopPolicy';

/** Longest stretch of training between looks at the message queue. */
const SLICE_MS = 25;

export type Goal = { kind: 'run' } | { kind: 'step'; unit: StepUnit };

export function cursorOf(t: Trainer | undefined): Cursor {
  return t
    ? { epoch: t.epoch, batch: t.batch, phase: t.phaseIndex, sub: t.subIndex, steps: t.steps }
    : { epoch: 0, batch: 0, phase: 0, sub: 0, steps: 0 };
}

export class RunLoop {
  private run: LoadedRun | undefined;
  private state: RunState = 'idle';
  private goal: Goal | undefined;
  private pauseRequested = false;
  private readonly breakpoints = new BreakpointBook();
  private filters: ExceptionFilters = {};
  private readonly snapshots: Snapshots;
  private ticking = false;
  /** Position (steps:phase:sub) of the last reported stop. */
  private stoppedAt: string | undefined;
  /** Set when a run or step leaves the last stop: that stop's breakpoint must not fire again. */
  private resumeFrom: string | undefined;

  constructor(
    private readonly emit: (e: WorkerEvent) => void,
    /** How the loop yields to the message queue between slices. */
    private readonly schedule: (fn: () => void) => void,
  ) {
    this.snapshots = new Snapshots(emit);
  }

  get runState(): RunState {
    return this.state;
  }

  get cursor(): Cursor {
    return cursorOf(this.run?.trainer);
  }

  /** A newly loaded run, paused at its start with no breakpoints and no filters. */
  attach(run: LoadedRun): void {
    this.run = run;
    this.breakpoints.reset();
    // A finished debug session's filters must not slow a new run down to phase-by-phase stepping.
    this.filters = {};
    this.stoppedAt = undefined;
    this.goal = undefined;
    this.pauseRequested = false;
    this.snapshots.reset(run.dataset.vocab.length);
    run.travel.observe(run.trainer, undefined, false);
    this.setState('paused');
    this.publishSnapshot();
  }

  start(goal: Goal): void {
    const t = this.requireRun().trainer;
    if (t.finished) {
      // A run that trained all its epochs can still be debugged (F5 attaches to it): stepping on
      // trains one more epoch, past the configured ones, and says so.
      t.finished = false;
      const lr = t.optimizer.lr;
      const still = lr > 0 ? '' : ': the schedule has reached 0, so the weights will not change (NLM: Change Learning Rate… sets a rate to train on)';
      this.emit({ kind: 'log', level: 'info', message: `the run had finished its ${t.config.epochs} epochs: training one more (epoch ${t.epoch + 1}) at lr ${lr}${still}` });
    }
    this.goal = goal;
    this.pauseRequested = false;
    this.resumeFrom = this.stoppedAt === this.positionKey() ? this.stoppedAt : undefined;
    this.setState('running');
    if (!this.ticking) {
      this.ticking = true;
      this.schedule(() => this.tick());
    }
  }

  pause(): void {
    // While paused, a pause reports the stop (the debugger's stop on entry uses this).
    if (this.state === 'running') this.pauseRequested = true;
    else if (this.state === 'paused') this.stopped('pause', 'Paused');
  }

  stop(): void {
    if (this.run) this.run.recording?.end(this.run, 'stopped');
    this.goal = undefined;
    this.setState(this.run ? 'finished' : 'idle');
  }

  setExceptionFilters(filters: ExceptionFilters): void {
    this.filters = filters;
  }

  setBreakpoints(list: Breakpoint[]): ReplyResult['setBreakpoints'] {
    const { trainer, expressions } = this.requireRun();
    const phases = new Set(trainer.phases.map((p) => p.name));
    return this.breakpoints.set(list, phases, (text) => expressions.check(text));
  }

  private requireRun(): LoadedRun {
    if (!this.run) throw new Error('no training run is loaded');
    return this.run;
  }

  /** Trains for one time slice, then yields so queued requests (pause, inspect) are served. */
  private tick(): void {
    this.ticking = false;
    const t = this.run?.trainer;
    if (!t || this.state !== 'running' || !this.goal) return;
    const deadline = performance.now() + SLICE_MS;
    try {
      while (this.state === 'running' && performance.now() < deadline) {
        if (this.checkBeforeSubStep()) return;
        const before = t.phaseIndex;
        const whole = this.canRunWholeIteration();
        const progress = whole ? t.step() : t.stepSub();
        if (this.afterSubStep(progress, before, whole)) return;
      }
    } catch (e) {
      this.goal = undefined;
      this.run!.recording?.end(this.run!, 'failed', (e as Error).message);
      this.setState('paused');
      this.emit({ kind: 'log', level: 'error', message: `training stopped: ${(e as Error).message}` });
      this.stopped('exception', (e as Error).message);
      return;
    }
    const { trainer, expressions, travel } = this.run!;
    this.snapshots.maybePublish(trainer, expressions, this.state, this.cursor, travel.status());
    if (this.state === 'running') {
      this.ticking = true;
      this.schedule(() => this.tick());
    }
  }

  /**
   * Whole iterations run fused (and on two threads) when nothing has to look between phases: no
   * breakpoint, no per-phase exception filter, and a goal of at least one iteration. The
   * numbers are the same either way; only the speed differs.
   */
  private canRunWholeIteration(): boolean {
    const goal = this.goal!;
    const wholeGoal = goal.kind === 'run' || goal.unit === 'iteration' || goal.unit === 'epoch';
    const { trainer, travel } = this.run!;
    return trainer.atIterationStart && wholeGoal && this.breakpoints.empty && !watchesEveryPhase(this.filters) && !travel.branchInside(trainer);
  }

  /** Before a phase starts: pause requests and breakpoints. Returns true when stopped. */
  private checkBeforeSubStep(): boolean {
    const { trainer: t, expressions } = this.run!;
    if (t.subIndex !== 0) return false;
    if (this.pauseRequested) {
      this.stopped('pause', 'Paused');
      return true;
    }
    // A run or step that starts on a breakpoint line must leave it before the line can fire again.
    if (this.resumeFrom === this.positionKey()) {
      this.resumeFrom = undefined;
      return false;
    }
    const phase = t.currentPhase.name;
    const hit = this.breakpoints.check(phase, expressions, (message) => this.emit({ kind: 'log', level: 'info', message }));
    if (hit.error) {
      this.stopped('exception', `breakpoint condition on ${phase}: ${hit.error}`, hit.ids);
      return true;
    }
    if (hit.ids.length > 0) {
      this.stopped('breakpoint', `Breakpoint before ${phase}`, hit.ids);
      return true;
    }
    return false;
  }

  private positionKey(): string {
    const t = this.run!.trainer;
    return `${t.steps}:${t.phaseIndex}:${t.subIndex}`;
  }

  /** After a sub-step: epoch/iteration bookkeeping, exception filters, step goals. */
  private afterSubStep(p: Progress, phaseBefore: number, whole: boolean): boolean {
    const { trainer: t, expressions, travel } = this.run!;
    // After going back in time, training forward replays steps the history holds already.
    const replayed = !!p.iteration && p.iteration.step <= travel.presentSteps;
    // Iteration starts are kept while someone steps phase by phase (an instant step back), not
    // while running phase by phase to a breakpoint, where each copy would slow training down.
    const stepping = this.goal?.kind === 'step' && (this.goal.unit === 'sub' || this.goal.unit === 'phase');
    travel.observe(t, p.iteration?.loss, stepping && !whole);
    if (p.iteration) this.snapshots.addIteration(p.iteration, t.model.n, replayed, this.run!.correctRun?.follow(p.iteration.step));
    // The record has the replayed steps and epochs already.
    if (!replayed) this.run!.recording?.progress(this.run!, p);
    if (p.epoch && !replayed) this.emit({ kind: 'epoch', record: p.epoch });
    const problem = exceptionAfter(this.filters, p, t, (name) => expressions.tensor(name));
    if (problem) {
      this.stopped('exception', problem);
      return true;
    }
    if (t.finished) {
      this.goal = undefined;
      this.publishSnapshot();
      this.setState('finished');
      this.emit({ kind: 'stopped', event: { reason: 'finished', cursor: this.cursor, description: 'Training finished' } });
      return true;
    }
    const goal = this.goal!;
    if (goal.kind === 'step') {
      const phaseDone = t.phaseIndex !== phaseBefore || t.subIndex === 0;
      const done =
        goal.unit === 'sub' ||
        (goal.unit === 'phase' && phaseDone) ||
        (goal.unit === 'iteration' && !!p.iteration) ||
        (goal.unit === 'epoch' && !!p.epoch);
      if (done) {
        this.stopped('step', `${p.phase.name}: ${p.subStep.label}`);
        return true;
      }
    }
    return false;
  }

  /** Back one phase, or one sub-step when stopped inside a phase's sub-steps (or asked to). */
  stepBack(unit?: 'sub'): void {
    const t = this.requireRun().trainer;
    const target = previousPosition(t, unit === 'sub' || t.subIndex > 0);
    if (!target) throw new Error('this is the start of the run: there is nothing before it');
    this.moveInTime(() => this.run!.travel.seek(t, target));
    const phase = t.currentPhase;
    this.stopped('step', `back to ${phase.name}${t.subIndex > 0 ? `: ${phase.subSteps[t.subIndex].label}` : ''}`);
  }

  /** Back to the previous breakpoint hit, across iterations and epochs; with none, to the earliest kept moment. */
  reverseContinue(): void {
    const { trainer: t, travel, expressions } = this.requireRun();
    const stops = this.breakpoints.reverseStops();
    const index = new Map(t.phases.map((p, i) => [p.name, i]));
    const phases = new Set(stops.phases.map((name) => index.get(name)!));
    const before = { steps: t.steps, phase: t.phaseIndex, sub: t.subIndex };
    let hit: Position | undefined;
    this.moveInTime(() => {
      const stopsHere = stops.conditional ? () => stops.stopsAt(t.currentPhase.name, expressions) : undefined;
      hit = reverseSearch(t, travel, before, { phases, stopsHere });
    });
    if (!hit) {
      this.stopped('step', `no earlier breakpoint hit: back at the earliest kept moment (step ${t.steps})`);
      return;
    }
    const name = t.currentPhase.name;
    this.stopped('breakpoint', `Breakpoint before ${name} (running backwards)`, this.breakpoints.idsOn(name));
  }

  /** To the moment after `steps` iterations, paused; 'present': back to where training stood. */
  rewind(steps: number | 'present'): Cursor {
    const { trainer: t, travel } = this.requireRun();
    if (steps !== 'present' && !(Number.isInteger(steps) && steps >= 0)) throw new Error(`a step to rewind to is a whole number from 0 (got ${steps})`);
    const target = steps === 'present' ? travel.presentPosition : { steps, phase: 0, sub: 0 };
    this.moveInTime(() => travel.seek(t, target));
    this.stopped('step', steps === 'present' ? 'Back to the present' : `Rewound to step ${steps}`);
    return this.cursor;
  }

  /**
   * The learning rate from here on (it still decays after each epoch). At a moment before the
   * present the run becomes a new branch: the states, losses and history after it are dropped.
   */
  setLearningRate(lr: number): void {
    const run = this.requireRun();
    const { trainer: t, travel } = run;
    // The bounds of the lr setting: the token-stream recipe trains SGD at lr 20.
    const { max } = NUMBER_RULES.lr;
    if (!(lr > 0 && lr <= max)) throw new Error(`a learning rate is a number above 0, at most ${max} (got ${lr})`);
    if (this.state === 'running') throw new Error('pause the run before changing its learning rate');
    const previous = t.optimizer.lr;
    t.setLearningRate(lr);
    const rewound = travel.isBeforePresent(t);
    // Kept as a branch point even at the present: replays after it must start from it.
    travel.branch(t);
    if (run.correctRun && !run.correctRun.setLearningRate(t.steps, lr)) {
      // It trained on past this step with the old rate: it is no longer the same run.
      run.correctRun.close();
      run.correctRun = undefined;
      this.emit({ kind: 'log', level: 'info', message: `the run with the engine's backward beside it ends at step ${t.steps}: it trained past this step with the old learning rate` });
    }
    if (rewound) {
      run.recording?.branch(run, t.steps, lr);
      this.snapshots.branched(t.steps);
      this.emit({ kind: 'branched', steps: t.steps });
      this.emit({ kind: 'log', level: 'info', message: `the run goes on from step ${t.steps} with learning rate ${lr} (was ${previous}) as a new branch: what it trained after step ${t.steps} is dropped` });
    }
    this.publishSnapshot();
  }

  /** Pauses training, moves in time, and shows the run as it was there. */
  private moveInTime(move: () => void): void {
    const { trainer: t, travel } = this.requireRun();
    this.goal = undefined;
    this.pauseRequested = false;
    try {
      move();
    } catch (e) {
      // A move refused (too far back, beyond the present) leaves the run where it was: a running
      // one, its goal dropped, stops there.
      if (this.state === 'running') this.stopped('pause', 'Paused');
      throw e;
    } finally {
      this.snapshots.rewound(travel.lossesBetween(t.steps - DIVERGENCE_WINDOW, t.steps));
    }
  }

  private stopped(reason: StopReason, description: string, breakpointIds?: number[]): void {
    this.goal = undefined;
    this.pauseRequested = false;
    this.stoppedAt = this.positionKey();
    this.setState('paused');
    this.publishSnapshot();
    this.emit({ kind: 'stopped', event: { reason, cursor: this.cursor, description, breakpointIds } });
  }

  private setState(state: RunState): void {
    this.state = state;
    this.emit({ kind: 'state', state, cursor: this.cursor });
  }

  private publishSnapshot(): void {
    if (this.run) this.snapshots.publish(this.run.trainer, this.run.expressions, this.state, this.cursor, this.run.travel.status());
  }
}

/** The position one phase (or, `bySub`, one sub-step) before the trainer's; undefined at the run's start. */
function previousPosition(t: Trainer, bySub: boolean): Position | undefined {
  const { steps, phaseIndex: phase, subIndex: sub } = t;
  if (sub > 0) return { steps, phase, sub: bySub ? sub - 1 : 0 };
  if (phase > 0) return bySub ? { steps, phase: phase - 1, sub: t.phases[phase - 1].subSteps.length - 1 } : { steps, phase: phase - 1, sub: 0 };
  if (steps === 0) return undefined;
  const last = t.phases.length - 1;
  return { steps: steps - 1, phase: last, sub: bySub ? t.phases[last].subSteps.length - 1 : 0 };
}
