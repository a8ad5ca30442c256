// The run loop: trains in time slices so pause and inspect requests are answered while training,
// towards a goal (run on, or step a sub-step, phase, iteration or epoch), whole fused iterations
// when nothing has to look between phases and sub-steps otherwise, stopping before a phase with a
// breakpoint and after a sub-step an exception filter objects to.
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
    this.setState('paused');
    this.publishSnapshot();
  }

  start(goal: Goal): void {
    const t = this.requireRun().trainer;
    if (t.finished) {
      // A run that trained all its epochs can still be debugged (F5 attaches to it): stepping on
      // trains one more epoch, past the configured ones, and says so.
      t.finished = false;
      this.emit({ kind: 'log', level: 'info', message: `the run had finished its ${t.config.epochs} epochs: training one more (epoch ${t.epoch + 1})` });
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
        const progress = this.canRunWholeIteration() ? t.step() : t.stepSub();
        if (this.afterSubStep(progress, before)) return;
      }
    } catch (e) {
      this.goal = undefined;
      this.run!.recording?.end(this.run!, 'failed', (e as Error).message);
      this.setState('paused');
      this.emit({ kind: 'log', level: 'error', message: `training stopped: ${(e as Error).message}` });
      this.stopped('exception', (e as Error).message);
      return;
    }
    const { trainer, expressions } = this.run!;
    this.snapshots.maybePublish(trainer, expressions, this.state, this.cursor);
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
    return this.run!.trainer.atIterationStart && wholeGoal && this.breakpoints.empty && !watchesEveryPhase(this.filters);
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
  private afterSubStep(p: Progress, phaseBefore: number): boolean {
    const { trainer: t, expressions } = this.run!;
    if (p.iteration) this.snapshots.addIteration(p.iteration, t.model.n);
    this.run!.recording?.progress(this.run!, p);
    if (p.epoch) this.emit({ kind: 'epoch', record: p.epoch });
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
    if (this.run) this.snapshots.publish(this.run.trainer, this.run.expressions, this.state, this.cursor);
  }
}
