// Long requests (evaluating a dataset) run in slices like training: one step of the engine's
// stepwise computation per turn of the message queue, so pause, tensor, stop and a cancel are
// answered between steps, and each step reports how far the request is.
import type { WorkerEvent } from '../protocol';

export class SlicedRequests {
  /** Whether a cancel arrived, per running request id. */
  private readonly running = new Map<number, { cancelled: boolean }>();
  /** The abort of each running task (runTask), per request id. */
  private readonly tasks = new Map<number, AbortController>();

  constructor(
    private readonly emit: (e: WorkerEvent) => void,
    private readonly schedule: (fn: () => void) => void,
  ) {}

  /** Runs `steps` (each yields the examples done so far, of `total`) one per slice. */
  run<T>(id: number, what: string, total: number, steps: Generator<number, T>): Promise<T> {
    const state = { cancelled: false };
    this.running.set(id, state);
    return new Promise<T>((resolve, reject) => {
      const slice = () => {
        try {
          if (state.cancelled) throw new Error(`${what} was cancelled`);
          const next = steps.next();
          if (next.done) {
            this.running.delete(id);
            resolve(next.value);
            return;
          }
          this.emit({ kind: 'progress', request: id, done: next.value, total });
          this.schedule(slice);
        } catch (e) {
          this.running.delete(id);
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      };
      this.schedule(slice);
    });
  }

  /** Runs `task` (work done off this thread, e.g. reading a dataset) with progress events; a cancel
   *  aborts its signal. */
  async runTask<T>(id: number, task: (progress: (done: number, total: number, stage?: string) => void, signal: AbortSignal) => Promise<T>): Promise<T> {
    const abort = new AbortController();
    this.tasks.set(id, abort);
    try {
      return await task((done, total, stage) => this.emit({ kind: 'progress', request: id, done, total, stage }), abort.signal);
    } finally {
      this.tasks.delete(id);
    }
  }

  /** Ends the request at its next slice; a request that has finished is left alone. */
  cancel(id: number): void {
    const request = this.running.get(id);
    if (request) request.cancelled = true;
    this.tasks.get(id)?.abort();
  }
}
