// The second thread of a two-thread trainer: a worker_threads Worker (shardWorker.ts) with its own
// instance of the WASM kernels on the trainer's shared memory. In each split iteration
// (a model's FusedIteration, models/model.ts) both threads claim the tasks of part 1 one at a time until none is left, wait
// until all have finished, then do the same with part 2; so a helper that is late (asleep, or not
// scheduled on a busy machine) leaves its share to the trainer's thread instead of being waited
// for. Who runs a task does not change its numbers. Per iteration nothing is posted: the trainer
// writes the batch size, learning rate and step into the sync block, opens the claims and bumps GO.
import { Worker } from 'node:worker_threads';
import { findBuilt } from './builtFiles';
import { SharedKernelMemory } from './kernels';
import { ROW_TASKS, sumRowBlocks, TensorLayout } from './fusedIteration';
import { FusedIteration, FusedSpec, RowsResult } from './models/model';
import {
  CORRECT,
  GO,
  GRADIENT_DONE,
  GRADIENT_NEXT,
  HELPER_TASKS,
  LOSS,
  LR,
  MAX_ROW_TASKS,
  MAX_TASKS,
  READY,
  ROW_DONE,
  ROW_NEXT,
  ROWS,
  STATUS,
  STEP,
  SyncBlock,
} from './syncBlock';

/** What shardWorker.ts receives as workerData. */
export interface ShardWorkerData {
  readonly shared: SharedKernelMemory;
  readonly spec: FusedSpec;
  readonly layout: TensorLayout;
  readonly sync: SharedArrayBuffer;
}

/** How long the helper may take to start or to finish a task it claimed before it is presumed dead. */
const DEFAULT_TIMEOUT_MS = 15_000;
/** A task the helper claimed usually ends within tens of µs of this thread's last, but a VM may
 *  stop the helper's vCPU for milliseconds, and waking from a sleep costs about as much again:
 *  spin through such stalls. (Where the second core is busy with other programs, the
 *  ThreadChooser falls back to one thread.) */
const SPIN_MS = 5;

/** dist/shardWorker.js (bundles) or out/src/engine/shardWorker.js (tests), if built. */
export function locateShardWorker(): string | undefined {
  return findBuilt('shardWorker.js');
}

/** Claims and runs row tasks of `iteration` until none is left, each block's results left in its
 *  slots; returns how many it ran. */
export function runRowTasks(sync: SyncBlock, split: FusedIteration, iteration: number, n: number): number {
  let ran = 0;
  for (let task = sync.claim(ROW_NEXT, iteration, ROW_TASKS); task >= 0; task = sync.claim(ROW_NEXT, iteration, ROW_TASKS), ran++) {
    split.forwardBackward(task, n);
    sync.f64[LOSS + task] = split.lossSums[task];
    sync.f64[CORRECT + task] = split.corrects[task];
    sync.finished(ROW_DONE);
  }
  return ran;
}

/** Claims and runs gradient tasks of `iteration` until none is left; returns how many it ran. */
export function runGradientTasks(sync: SyncBlock, split: FusedIteration, iteration: number, n: number, lr: number, t: number): number {
  const count = split.gradientTaskCount;
  let ran = 0;
  for (let task = sync.claim(GRADIENT_NEXT, iteration, count); task >= 0; task = sync.claim(GRADIENT_NEXT, iteration, count), ran++) {
    split.gradientsAndUpdate(task, n, lr, t);
    sync.finished(GRADIENT_DONE);
  }
  return ran;
}

export class HelperThread {
  private readonly sync = new SyncBlock();
  private readonly worker: Worker;
  private iteration = 0;
  /** Tasks of both parts handed out so far, to either thread. */
  tasksTotal = 0;
  private closed = false;

  private readonly spawnedAt = performance.now();
  private started = false;
  /** The row blocks' results in the sync block, viewed once. */
  private readonly lossSums = this.sync.f64.subarray(LOSS, LOSS + ROW_TASKS);
  private readonly corrects = this.sync.f64.subarray(CORRECT, CORRECT + ROW_TASKS);

  /** Starts the worker, without waiting for it: see `ready`. */
  constructor(script: string, data: Omit<ShardWorkerData, 'sync'>, private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {
    if (ROW_TASKS > MAX_ROW_TASKS) throw new Error(`${ROW_TASKS} row tasks do not fit the sync block's ${MAX_ROW_TASKS}`);
    const workerData: ShardWorkerData = { ...data, sync: this.sync.buffer };
    this.worker = new Worker(script, { workerData });
    // Never what keeps a process alive: the CLI and test runners exit even if close() is missed.
    this.worker.unref();
  }

  /** Whether the helper has started (a worker takes tens of ms to), without waiting; throws if it
   *  failed to start, or has not within the timeout. */
  get ready(): boolean {
    if (!this.started) {
      this.sync.throwIfFailed();
      this.started = Atomics.load(this.sync.i32, STATUS) === READY;
      if (!this.started && performance.now() - this.spawnedAt > this.timeoutMs) {
        throw new Error(`the helper training thread did not start within ${(this.timeoutMs / 1000).toFixed(0)} s; it may have crashed`);
      }
    }
    return this.started;
  }

  /** Tasks the helper ran so far. */
  get tasksByHelper(): number {
    return Atomics.load(this.sync.i32, HELPER_TASKS);
  }

  /** One whole iteration of `split` on both threads; returns the batch's loss sum and hits. */
  run(split: FusedIteration, n: number, lr: number, t: number): RowsResult {
    if (this.closed) throw new Error('the helper training thread was closed');
    if (!this.started) {
      this.wait(STATUS, READY, 'start');
      this.started = true;
    }
    const s = this.sync;
    const it = ++this.iteration;
    const gradientTasks = split.gradientTaskCount;
    if (gradientTasks >= MAX_TASKS) throw new Error(`${gradientTasks} gradient tasks do not fit a claim slot`);
    s.i32[ROWS] = n;
    s.f64[LR] = lr;
    s.f64[STEP] = t;
    // Done counts first: a helper still looking at the last iteration's sees them fall, then GO move.
    s.signal(ROW_DONE, 0);
    s.signal(GRADIENT_DONE, 0);
    s.openClaims(ROW_NEXT, it);
    s.openClaims(GRADIENT_NEXT, it);
    s.signal(GO, it);
    runRowTasks(s, split, it, n);
    this.wait(ROW_DONE, ROW_TASKS, 'finish its rows');
    runGradientTasks(s, split, it, n, lr, t);
    this.wait(GRADIENT_DONE, gradientTasks, 'finish its updates');
    this.tasksTotal += ROW_TASKS + gradientTasks;
    return sumRowBlocks(this.lossSums, this.corrects);
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
