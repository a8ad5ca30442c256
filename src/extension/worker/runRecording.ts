// Records a run trained in the worker (NLM: Train, the debugger) with the CLI's RunRecorder, so
// its folder holds the same files as `nlm train`'s. The record starts with the first trained
// iteration (loading a model to look at it leaves no run behind) and ends when the run finishes,
// is stopped or replaced, or fails; a run trained on after its end (the debugger's extra epoch)
// is reopened. Every write of summary.json is told to the host as a `record` event.
import { encodeModel } from '../../engine/modelfile/modelFile';
import { runModelFile } from '../../engine/modelfile/runModelFile';
import { gradientNorms } from '../../engine/runs/gradientNorms';
import { RunConfig, RunStatus } from '../../engine/runs/runFiles';
import { RunRecorder } from '../../engine/runs/runRecorder';
import { testMetrics } from '../../engine/runs/testMetrics';
import type { Progress } from '../../engine/trainer';
import type { DatasetSpec, RecordTarget, WorkerEvent } from '../protocol';
import type { LoadedRun } from './loadedRun';

export class RunRecording {
  private recorder: RunRecorder | undefined;
  private status: RunStatus = 'running';
  /** Set when the run branched: the next record names the one it branched from. */
  private branchedFrom: RunConfig['branchedFrom'];

  constructor(
    private readonly target: RecordTarget,
    private readonly dataset: DatasetSpec,
    private readonly emit: (e: WorkerEvent) => void,
  ) {}

  /** After every sub-step: whole iterations and epochs go into the record. */
  progress(run: LoadedRun, p: Progress): void {
    if (!p.iteration) return;
    const recorder = this.recorder ?? this.begin(run);
    if (this.status !== 'running') {
      recorder.reopen();
      this.status = 'running';
    }
    recorder.step(p.iteration, () => gradientNorms(run.trainer));
    if (p.epoch) {
      recorder.epoch(p.epoch, run.trainer.steps, this.model(run));
      this.told();
    }
    if (run.trainer.finished) this.end(run, 'finished');
  }

  /** Ends the record (once; a record not begun has nothing to end). */
  end(run: LoadedRun, status: Exclude<RunStatus, 'running'>, error?: string): void {
    if (!this.recorder || this.status !== 'running') return;
    this.status = status;
    // A failed run keeps the model of its last epoch: the weights it failed with may be broken.
    const test = this.target.test && status === 'finished' ? testMetrics(run.trainer) : undefined;
    this.recorder.finish(status, { model: status === 'failed' ? undefined : this.model(run), stoppedEarly: run.trainer.stoppedEarly, error, test });
    this.told();
  }

  /**
   * The run went on from an earlier step with another learning rate (time travel): the record so
   * far keeps the original timeline and ends as stopped; the steps from here on go into a new
   * record that names it and the step it branched at.
   */
  branch(run: LoadedRun, step: number, lr: number): void {
    if (!this.recorder) return;
    const parent = this.recorder.id;
    if (this.status === 'running') {
      this.status = 'stopped';
      // Its model stays the one of its last epoch: the trainer now holds the branch point's.
      this.recorder.finish('stopped', { stoppedEarly: false });
      this.told();
    }
    this.recorder = undefined;
    this.status = 'running';
    this.branchedFrom = { run: parent, step, lr };
  }

  private begin(run: LoadedRun): RunRecorder {
    this.recorder = new RunRecorder(this.target.runsDir, {
      config: run.trainer.config,
      dataset: run.dataset,
      datasetPath: this.dataset.path,
      datasetOptions: this.dataset.corpus ?? {},
      kernels: run.kernels.name,
      ...(this.target.sweep && { sweep: this.target.sweep }),
      ...(run.startedFrom !== undefined && { modelFile: run.startedFrom }),
      ...(this.branchedFrom && { branchedFrom: this.branchedFrom }),
    });
    this.told();
    return this.recorder;
  }

  private model(run: LoadedRun): Uint8Array {
    return encodeModel(runModelFile(run.trainer, run.startedFrom));
  }

  private told(): void {
    const r = this.recorder!;
    this.emit({ kind: 'record', id: r.id, dir: r.dir, status: this.status });
  }
}
