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
}

export interface TrainingSessionEvents {
  event: [WorkerEvent];
  /** The worker exited or crashed; every pending request was rejected. */
  exit: [string];
}

export class TrainingSession extends EventEmitter<TrainingSessionEvents> {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** @param workerScript the bundled worker, dist/trainingWorker.js by default. */
  constructor(private readonly workerScript = path.join(__dirname, 'trainingWorker.js')) {
    super();
  }

  get alive(): boolean {
    return this.worker !== undefined;
  }

  request<K extends Request['kind']>(request: Extract<Request, { kind: K }>): Promise<ReplyResult[K]> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<ReplyResult[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      const envelope: RequestEnvelope = { id, request };
      worker.postMessage(envelope);
    });
  }

  /** Ends the worker; pending requests are rejected. */
  async dispose(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
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
        if (m.reply.ok) p.resolve(m.reply.result);
        else p.reject(new Error(m.reply.error));
      } else this.emit('event', m.event);
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
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
    this.emit('exit', reason);
  }
}
