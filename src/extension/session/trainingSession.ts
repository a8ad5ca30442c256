// The host side of the training worker: typed requests with promises, events to listeners, and a
// worker that may die without taking anything else down (the session reports it and can start a
// fresh worker). No vscode import: the inline and the standalone debug adapter both use it.
import { EventEmitter } from 'events';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { ReplyResult, Request, RequestEnvelope, WorkerEvent, WorkerMessage } from '../protocol';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  onProgress?: (done: number, total: number, stage?: string) => void;
}

/** For a sliced request (evaluateDataset): its progress, and a way to cancel it in the worker. */
export interface RequestOptions {
  onProgress?: (done: number, total: number, stage?: string) => void;
  /** Aborting sends the worker a cancel; the request then fails with its "cancelled" error. */
  signal?: AbortSignal;
}

/** How long a request may wait for its reply. The worker answers between 25 ms training slices, so
 *  most replies take milliseconds; reading a dataset runs in one piece and may take minutes on a
 *  large corpus, and so may an evaluation (in slices, but one reply at the end). A request past its time is rejected; the worker is left alone. */
const REPLY_TIMEOUT_MS: Partial<Record<Request['kind'], number>> = { load: 30 * 60_000, evaluateDataset: 30 * 60_000, previewDataset: 30 * 60_000 };
const DEFAULT_REPLY_TIMEOUT_MS = 120_000;

export interface TrainingSessionEvents {
  event: [WorkerEvent];
  /** The worker exited or crashed; every pending request was rejected. */
  exit: [string];
}

export class TrainingSession extends EventEmitter<TrainingSessionEvents> {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /**
   * @param workerScript the bundled worker, dist/trainingWorker.js by default.
   * @param timeouts reply time limits per request kind, over the defaults above (tests shorten them).
   */
  constructor(
    private readonly workerScript = path.join(__dirname, 'trainingWorker.js'),
    private readonly timeouts: Partial<Record<Request['kind'] | 'default', number>> = {},
  ) {
    super();
  }

  get alive(): boolean {
    return this.worker !== undefined;
  }

  request<K extends Request['kind']>(request: Extract<Request, { kind: K }>, options: RequestOptions = {}): Promise<ReplyResult[K]> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const ms = this.timeouts[request.kind] ?? REPLY_TIMEOUT_MS[request.kind] ?? this.timeouts.default ?? DEFAULT_REPLY_TIMEOUT_MS;
    return new Promise<ReplyResult[K]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the training worker did not answer the "${request.kind}" request within ${ms / 1000} s`));
      }, ms);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, onProgress: options.onProgress });
      const envelope: RequestEnvelope = { id, request };
      worker.postMessage(envelope);
      options.signal?.addEventListener('abort', () => {
        if (this.pending.has(id)) void this.request({ kind: 'cancel', request: id }).catch(() => undefined);
      });
    });
  }

  /** Ends the worker; pending requests are rejected first (its exit is then no one's news). */
  async dispose(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.rejectPending('the training session was closed');
    if (w) await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerScript);
    worker.on('message', (m: WorkerMessage) => {
      if ('reply' in m) {
        const p = this.pending.get(m.reply.id);
        if (!p) return;
        this.pending.delete(m.reply.id);
        clearTimeout(p.timer);
        if (m.reply.ok) p.resolve(m.reply.result);
        else p.reject(new Error(m.reply.error));
      } else if (m.event.kind === 'progress') this.pending.get(m.event.request)?.onProgress?.(m.event.done, m.event.total, m.event.stage);
      else this.emit('event', m.event);
    });
    worker.on('error', (e) => this.failAll(`the training worker crashed: ${e.message}`));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.failAll(`the training worker exited (code ${code})`);
    });
    this.worker = worker;
    return worker;
  }

  private failAll(reason: string): void {
    this.worker = undefined;
    this.rejectPending(reason);
    this.emit('exit', reason);
  }

  private rejectPending(reason: string): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(reason));
    }
    this.pending.clear();
  }
}
