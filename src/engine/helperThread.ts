// The second thread of a two-thread trainer: a worker_threads Worker (shardWorker.ts) with its own
// instance of the WASM kernels on the trainer's shared memory. In each split iteration
// (splitStep.ts) the trainer's thread runs shard 0 and slice 0 and the helper shard 1 and slice 1 —
// unless the helper is late (asleep, or not scheduled on a busy machine): then the trainer's thread
// claims that half too instead of waiting. Who computes a half does not change its numbers. Per
// iteration nothing is posted: the trainer writes the batch size, learning rate and step into the
// sync block and bumps GO.
import { Worker } from 'node:worker_threads';
import { findBuilt } from './builtFiles';
import { SharedKernelMemory } from './kernels';
import { IterationSpec, ShardResult, SplitIteration, TensorLayout } from './splitStep';
import { CORRECT, GO, LOSS, LR, MAIN_MET, READY, ROWS, SHARD_CLAIM, SHARD_DONE, SLICE_CLAIM, SLICE_DONE, STATUS, STEP, SyncBlock } from './syncBlock';

/** What shardWorker.ts receives as workerData. */
export interface ShardWorkerData {
  readonly shared: SharedKernelMemory;
  readonly spec: IterationSpec;
  readonly layout: TensorLayout;
  readonly sync: SharedArrayBuffer;
}

/** How long the helper may take to start or to finish a half it claimed before it is presumed dead. */
const DEFAULT_TIMEOUT_MS = 15_000;
/** A half the helper claimed usually ends within tens of µs of this thread's, but a VM may stop the
 *  helper's vCPU for milliseconds, and waking from a sleep costs about as much again: spin through
 *  such stalls. (Where the second core is busy with other programs, the ThreadChooser falls back
 *  to one thread.) */
const SPIN_MS = 5;

/** dist/shardWorker.js (bundles) or out/src/engine/shardWorker.js (tests), if built. */
export function locateShardWorker(): string | undefined {
  return findBuilt('shardWorker.js');
}

export class HelperThread {
  private readonly sync = new SyncBlock();
  private readonly worker: Worker;
  private iteration = 0;
  /** Halves (shard 1 or slice 1) the helper ran; the trainer's thread ran the others. */
  halvesByHelper = 0;
  private closed = false;

  /** Starts the worker and waits until it is ready; throws if it fails to or does not answer. */
  constructor(script: string, data: Omit<ShardWorkerData, 'sync'>, private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {
    const workerData: ShardWorkerData = { ...data, sync: this.sync.buffer };
    this.worker = new Worker(script, { workerData });
    // Never what keeps a process alive: the CLI and test runners exit even if close() is missed.
    this.worker.unref();
    try {
      this.wait(STATUS, READY, 'start');
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** One whole iteration of `split` on both threads; returns both shards' part 1 results. */
  run(split: SplitIteration, n: number, lr: number, t: number): [ShardResult, ShardResult] {
    if (this.closed) throw new Error('the helper training thread was closed');
    const s = this.sync;
    const it = ++this.iteration;
    s.i32[ROWS] = n;
    s.f64[LR] = lr;
    s.f64[STEP] = t;
    s.signal(GO, it);
    const shard0 = split.forwardBackward(0, n);
    let shard1: ShardResult;
    if (s.claim(SHARD_CLAIM, it)) shard1 = split.forwardBackward(1, n);
    else {
      this.halvesByHelper++;
      this.wait(SHARD_DONE, it, 'finish its shard');
      shard1 = { lossSum: s.f64[LOSS], correct: s.f64[CORRECT] };
    }
    s.signal(MAIN_MET, it);
    split.gradientsAndUpdate(0, n, lr, t);
    if (s.claim(SLICE_CLAIM, it)) split.gradientsAndUpdate(1, n, lr, t);
    else {
      this.halvesByHelper++;
      this.wait(SLICE_DONE, it, 'finish its updates');
    }
    return [shard0, shard1];
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sync.stop();
    void this.worker.terminate();
  }

  private wait(slot: number, value: number, what: string): void {
    this.sync.waitFor(slot, value, SPIN_MS, this.timeoutMs, what);
  }
}
