// The extension's one training run: owns the TrainingSession (worker), remembers what views need
// to redraw from scratch (run info, curves, last snapshot), and re-broadcasts worker events.
// Commands, the status bar, the tree view, the dashboard and the inline debug adapter all share
// it, so a step in the debugger is seen everywhere. No vscode import.
import { EventEmitter } from 'events';
import type {
  EpochRecord,
  RecordTarget,
  ReplyResult,
  Request,
  RunInfo,
  RunState,
  Snapshot,
  StoppedEvent,
  WorkerEvent,
} from '../protocol';
import { markRunEnded } from '../../engine/runs/listRuns';
import type { RunStatus } from '../../engine/runs/runFiles';
import { RunHistory } from '../runHistory';
import { RequestOptions, TrainingSession } from './trainingSession';

export interface RunControllerEvents {
  /** A new run was loaded (views reset). */
  run: [RunInfo];
  /** The run went on from this step as a new branch: the curves after it are gone (views redraw). */
  branched: [number];
  state: [RunState];
  snapshot: [Snapshot];
  epoch: [EpochRecord];
  stopped: [StoppedEvent];
  log: [string, 'info' | 'error'];
  /** The worker died; the message says why. The controller stays usable. */
  crashed: [string];
  /** The current run's record was written (runs folder views refresh). */
  record: [RunRecordState];
}

export interface RunRecordState {
  id: string;
  dir: string;
  status: RunStatus;
}

export class RunController extends EventEmitter<RunControllerEvents> {
  info: RunInfo | undefined;
  state: RunState = 'idle';
  snapshot: Snapshot | undefined;
  readonly epochs: EpochRecord[] = [];
  /** The curves of the whole run, for views that open late. */
  history = new RunHistory();
  /** What every load asks for unless it says otherwise (the extension: the time-travel memory setting). */
  loadDefaults: () => Partial<Extract<Request, { kind: 'load' }>> = () => ({});
  /** The record of the current run, once it has one. */
  record: RunRecordState | undefined;
  /** Iterations the run had trained when it was loaded or last saved. */
  private savedSteps = 0;

  constructor(
    private readonly session: TrainingSession,
    /** Where loaded runs are recorded; undefined: not recorded. */
    private readonly recordTarget: () => RecordTarget | undefined = () => undefined,
  ) {
    super();
    session.on('event', (e) => this.onEvent(e));
    session.on('exit', (reason) => {
      // The worker cannot end its record any more: the run failed, with what it had.
      this.endRecord('failed', `the training worker stopped: ${reason}`);
      this.state = 'idle';
      this.info = undefined;
      this.emit('state', this.state);
      this.emit('crashed', reason);
    });
  }

  request<K extends Request['kind']>(request: Extract<Request, { kind: K }>, options?: RequestOptions): Promise<ReplyResult[K]> {
    const reply = this.session.request(request, options);
    if (request.kind === 'save') void reply.then((r) => (this.savedSteps = (r as ReplyResult['save']).steps), () => undefined);
    return reply;
  }

  /** Iterations trained since the run was loaded or last saved: what replacing it would lose. */
  get unsavedSteps(): number {
    return this.info ? Math.max(0, (this.snapshot?.cursor.steps ?? 0) - this.savedSteps) : 0;
  }

  /** Loads a run (dataset + config, optionally starting from a model file); views reset. The
   *  dataset is read first on its own (previewDataset), so `options` can follow and cancel that. */
  async load(request: Extract<Request, { kind: 'load' }>, options: RequestOptions = {}): Promise<RunInfo> {
    await this.session.request({ kind: 'previewDataset', dataset: request.dataset }, options);
    const full = { ...this.loadDefaults(), ...request };
    const record = full.record ?? this.recordTarget();
    const info = await this.session.request(record ? { ...full, record } : full);
    this.info = info;
    this.record = undefined;
    this.savedSteps = 0;
    this.epochs.length = 0;
    this.history = new RunHistory();
    this.emit('run', info);
    return info;
  }

  dispose(): Promise<void> {
    this.endRecord('stopped', 'VS Code closed while the run trained');
    this.removeAllListeners();
    return this.session.dispose();
  }

  private onEvent(e: WorkerEvent): void {
    switch (e.kind) {
      case 'state':
        this.state = e.state;
        this.emit('state', e.state);
        break;
      case 'snapshot':
        this.snapshot = e.snapshot;
        this.history.addSnapshot(e.snapshot);
        this.emit('snapshot', e.snapshot);
        break;
      case 'epoch':
        this.epochs.push(e.record);
        this.emit('epoch', e.record);
        break;
      case 'stopped':
        this.emit('stopped', e.event);
        break;
      case 'branched': {
        this.history = this.history.truncated(e.steps);
        const perEpoch = this.info?.batchesPerEpoch ?? Infinity;
        const kept = this.epochs.filter((r) => r.epoch * perEpoch <= e.steps);
        this.epochs.splice(0, this.epochs.length, ...kept);
        this.emit('branched', e.steps);
        break;
      }
      case 'log':
        this.emit('log', e.message, e.level);
        break;
      case 'record':
        this.record = { id: e.id, dir: e.dir, status: e.status };
        this.emit('record', this.record);
        break;
    }
  }

  private endRecord(status: 'failed' | 'stopped', why: string): void {
    const r = this.record;
    if (r?.status !== 'running') return;
    if (markRunEnded(r.dir, status, why)) {
      r.status = status;
      this.emit('record', r);
    }
  }
}
