// The extension's one training run: owns the TrainingSession (worker), remembers what views need
// to redraw from scratch (run info, curves, last snapshot), and re-broadcasts worker events.
// Commands, the status bar, the tree view, the dashboard and the inline debug adapter all share
// it, so a step in the debugger is seen everywhere. No vscode import.
import { EventEmitter } from 'events';
import type {
  EpochRecord,
  ReplyResult,
  Request,
  RunInfo,
  RunState,
  Snapshot,
  StoppedEvent,
  WorkerEvent,
} from '../protocol';
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
  /** Iterations the run had trained when it was loaded or last saved. */
  private savedSteps = 0;

  constructor(private readonly session: TrainingSession) {
    super();
    session.on('event', (e) => this.onEvent(e));
    session.on('exit', (reason) => {
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
    const info = await this.session.request({ ...this.loadDefaults(), ...request });
    this.info = info;
    this.savedSteps = 0;
    this.epochs.length = 0;
    this.history = new RunHistory();
    this.emit('run', info);
    return info;
  }

  dispose(): Promise<void> {
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
    }
  }
}
