// Everything the training worker does, without the worker: the façade the worker entry and the
// tests drive. It holds the loaded run (loadedRun.ts) and the run loop (runLoop.ts: time slices,
// breakpoints, the stop policy of stopPolicy.ts, snapshots of snapshots.ts) and answers requests
// through the typed handler table of requestHandlers.ts.
import { pickKernels } from '../../engine/backend';
import type { Kernels } from '../../engine/kernels';
import type { Trainer } from '../../engine/trainer';
import type { Cursor, Request, RunInfo, RunState, WorkerEvent } from '../protocol';
import { LoadedRun, openRun, runInfo } from './loadedRun';
import { dispatch, HandlerResult, RequestHandlers, requestHandlers, RequestOf } from './requestHandlers';
import { RunLoop } from './runLoop';
import { PreparedDataset } from './preparedDataset';
import { RunRecording } from './runRecording';
import { SlicedRequests } from './slicedRequests';

export class SessionCore {
  private run: LoadedRun | undefined;
  private readonly datasets = new PreparedDataset();
  private readonly loop: RunLoop;
  private readonly handlers: RequestHandlers;

  constructor(
    private readonly emit: (e: WorkerEvent) => void,
    /** A fresh backend per run: WASM memory is a bump heap, so each run starts on a clean one. */
    private readonly makeKernels: () => Kernels = () => pickKernels(),
    /** How the core yields to the message queue between slices (tests pass a synchronous one). */
    schedule: (fn: () => void) => void = (fn) => setImmediate(fn),
  ) {
    this.loop = new RunLoop(emit, schedule);
    this.handlers = requestHandlers({
      loop: this.loop,
      sliced: new SlicedRequests(emit, schedule),
      datasets: this.datasets,
      current: () => this.requireRun(),
      loaded: () => this.run,
      load: (request) => this.load(request),
      makeKernels: () => this.makeKernels(),
    });
  }

  /** `id` names the request in its progress events and in a cancel of it. */
  handle<K extends Request['kind']>(request: RequestOf<K>, id = 0): HandlerResult<K> {
    return dispatch(this.handlers, request, id);
  }

  get cursor(): Cursor {
    return this.loop.cursor;
  }

  get runState(): RunState {
    return this.loop.runState;
  }

  /** The trainer, for in-process users (tests, the CLI's debugger-free paths). */
  get currentTrainer(): Trainer | undefined {
    return this.run?.trainer;
  }

  private load({ dataset: spec, config, modelFile, timeTravelMiB, record }: Extract<Request, { kind: 'load' }>): RunInfo {
    const previous = this.run;
    const opened = openRun(spec, config, modelFile, this.makeKernels, previous?.trainer, (s) => this.datasets.get(s), timeTravelMiB);
    // The run it replaces ends its record as stopped (its model as it stands).
    if (previous) previous.recording?.end(previous, 'stopped');
    const run = record ? { ...opened, recording: new RunRecording(record, spec, this.emit) } : opened;
    this.run = run;
    this.loop.attach(run);
    return runInfo(run);
  }

  private requireRun(): LoadedRun {
    if (!this.run) throw new Error('no training run is loaded');
    return this.run;
  }
}
