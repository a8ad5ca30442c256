// A sweep trained in the training worker (NLM: Run Sweep): the points the shared planner has not
// finished, one after another, each loaded and trained like NLM: Train's run and recorded by the
// worker with its sweep and point, so each is `nlm train`'s run with the same settings. A point's
// run that finishes is marked in the sweep's record (running the sweep again skips it); one that is
// stopped (cancel, NLM: Stop, another run loaded) stops the sweep, and one that fails ends it with
// its error. No vscode import: the command shows the progress, tests drive it with a real worker.
import { readRun } from '../../engine/runs/listRuns';
import { SweepPoint } from '../../engine/runs/sweep';
import { SweepClock, SweepPlan } from '../../engine/runs/sweepPlan';
import type { Snapshot } from '../protocol';
import type { RunController, RunRecordState } from './runController';

export interface SweepHooks {
  /** A point is about to load: `number` counts it among all the sweep's points (1-based). */
  onPoint?(point: SweepPoint, number: number): void;
  /** The current point trained to `steps`: how far the sweep is (0–1 of its steps at most) and the
   *  seconds left at this pace (undefined before the first step). */
  onSteps?(steps: number, fraction: number, secondsLeft: number | undefined): void;
  /** A point finished and is in the plan's rows. */
  onFinished?(point: SweepPoint, runId: string): void;
}

export interface SweepOutcome {
  status: 'finished' | 'stopped' | 'failed';
  /** Points finished, these runs' included, of all the sweep's points. */
  finished: number;
  total: number;
  /** Why the sweep failed. */
  error?: string;
}

export class SweepRunner {
  private cancelled = false;
  private training = false;
  /** Cancels a dataset still being read for the next point. */
  private readonly loading = new AbortController();

  constructor(
    private readonly run: RunController,
    readonly plan: SweepPlan,
  ) {}

  /** Trains the points still to train; resolves when all finished or the sweep stopped or failed. */
  async train(hooks: SweepHooks = {}): Promise<SweepOutcome> {
    const { plan } = this;
    const todo = plan.todo();
    const outcome = (status: SweepOutcome['status'], error?: string): SweepOutcome => ({ status, finished: plan.finishedCount, total: plan.points.length, ...(error !== undefined && { error }) });
    let clock: SweepClock | undefined;
    for (const [i, point] of todo.entries()) {
      if (this.cancelled) return outcome('stopped');
      hooks.onPoint?.(point, plan.finishedCount + 1);
      let info;
      try {
        info = await this.run.load(
          {
            kind: 'load',
            dataset: { path: plan.spec.data, corpus: plan.spec.dataOptions },
            config: point.config,
            record: { runsDir: plan.runsDir, sweep: { id: plan.id, point: point.settings }, test: plan.spec.test },
          },
          { signal: this.loading.signal },
        );
      } catch (e) {
        if (this.cancelled) return outcome('stopped');
        throw e;
      }
      if (this.cancelled) return outcome('stopped');
      const { vocabSize, context, train, streamTokens } = info.dataset;
      const pace = (clock ??= new SweepClock(todo.map((p) => p.config), { vocabSize, context, examples: train, streamTokens: streamTokens?.train }));
      const ended = this.trained((steps) => hooks.onSteps?.(steps, pace.stepsSoFar(steps) / pace.totalSteps, pace.left(i, steps)));
      this.training = true;
      try {
        await this.run.request({ kind: 'run' });
        const record = await ended;
        if (record.status === 'failed') return outcome('failed', readRun(plan.runsDir, record.id).summary?.error ?? 'the run failed');
        if (record.status !== 'finished') return outcome('stopped');
        const summary = readRun(plan.runsDir, record.id).summary;
        plan.finish(point, record.id, summary);
        pace.finishRun(summary?.steps ?? 0);
        hooks.onFinished?.(point, record.id);
      } finally {
        this.training = false;
      }
    }
    return outcome(this.cancelled ? 'stopped' : 'finished');
  }

  /** Stops the sweep: the point training now is stopped (its run kept as "stopped"), no other starts. */
  cancel(): void {
    this.cancelled = true;
    this.loading.abort();
    if (this.training) void this.run.request({ kind: 'stop' }).catch(() => undefined);
  }

  /** The loaded run's record once it ends; a run replaced before it recorded anything ends as stopped. */
  private trained(onSteps: (steps: number) => void): Promise<RunRecordState> {
    const run = this.run;
    return new Promise((resolve, reject) => {
      let id: string | undefined;
      const done = () => {
        run.off('record', onRecord);
        run.off('snapshot', onSnapshot);
        run.off('run', onReplaced);
        run.off('crashed', onCrashed);
      };
      const onRecord = (r: RunRecordState) => {
        id ??= r.id;
        if (r.id !== id || r.status === 'running') return;
        done();
        resolve({ ...r });
      };
      const onSnapshot = (s: Snapshot) => onSteps(s.cursor.steps);
      // Another run was loaded (NLM: Train) before this one recorded a step: it is gone, unrecorded.
      const onReplaced = () => {
        if (id !== undefined) return;
        done();
        resolve({ id: '', dir: '', status: 'stopped' });
      };
      const onCrashed = (reason: string) => {
        done();
        reject(new Error(reason));
      };
      run.on('record', onRecord);
      run.on('snapshot', onSnapshot);
      run.on('run', onReplaced);
      run.on('crashed', onCrashed);
    });
  }
}
