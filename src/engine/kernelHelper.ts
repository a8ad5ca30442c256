// The second thread of a model without a fused iteration (the recurrent ones, or any model whose
// run clips gradients): a worker_threads Worker (kernelWorker.ts) with its own instance of the
// WASM kernels on the trainer's shared memory, which takes parts of the large kernel calls the
// phases make (splitKernels.ts cuts them, splitKernelCalls.ts says how). Per call nothing is
// posted: this thread writes the call into a shared argument block, opens the parts for claims
// and bumps GO; both threads claim parts until none is left, so a helper that is late (asleep, or
// not scheduled on a busy machine) leaves its share to this thread instead of being waited for.
import { Worker } from 'node:worker_threads';
import { findBuilt } from './builtFiles';
import { SharedKernelMemory } from './kernels';
import { MAX_PARTS, SPLIT_OP_NAMES, SPLIT_OPS, SplitArray, SplitOpName } from './splitKernelCalls';
import { GO, HELPER_TASKS, READY, ROW_DONE, ROW_NEXT, STATUS, SyncBlock } from './syncBlock';

/** The sync block's claim slot and finished-parts count, used per call. */
export const PART_NEXT = ROW_NEXT;
export const PART_DONE = ROW_DONE;

/** The argument block: Int32 slot ARGS_FOR (which call the arguments are for, 0 while they are
 *  being written), then Float64 slots: the op, each array's byte offset and length, the numbers,
 *  the parts, and each part's result. */
export const ARGS_FOR = 0;
const HEADER_BYTES = 8;
export const OP = 0;
export const PARTS = 1;
export const ARRAYS = 2;
const MAX_ARRAYS = 5;
export const NUMS = ARRAYS + 2 * MAX_ARRAYS;
export const MAX_NUMS = 10;
export const RESULTS = NUMS + MAX_NUMS;
const ARG_SLOTS = RESULTS + MAX_PARTS;

/** What kernelWorker.ts receives as workerData. */
export interface KernelWorkerData {
  readonly shared: SharedKernelMemory;
  readonly sync: SharedArrayBuffer;
  readonly args: SharedArrayBuffer;
}

/** Views of an argument block. */
export function argumentViews(buffer: SharedArrayBuffer): { header: Int32Array; slots: Float64Array } {
  return { header: new Int32Array(buffer, 0, 1), slots: new Float64Array(buffer, HEADER_BYTES, ARG_SLOTS) };
}

/** How long the helper may take to finish a part it claimed before it is presumed dead. */
const DEFAULT_TIMEOUT_MS = 15_000;
/** The helper's part usually ends within µs of this thread's; spin through a stalled vCPU. */
const SPIN_MS = 5;

/** dist/kernelWorker.js (bundles) or out/src/engine/kernelWorker.js (tests), if built. */
export function locateKernelWorker(): string | undefined {
  return findBuilt('kernelWorker.js');
}

export class KernelHelper {
  private readonly sync = new SyncBlock();
  private readonly argBuffer = new SharedArrayBuffer(HEADER_BYTES + ARG_SLOTS * 8);
  private readonly header: Int32Array;
  private readonly slots: Float64Array;
  private worker: Worker | undefined;
  private calls = 0;
  private closed = false;
  private started = false;
  /** Parts handed out so far, to either thread. */
  partsTotal = 0;
  /** While false, every call runs on this thread alone (and the helper soon sleeps). */
  enabled = true;

  /** The worker starts at the first call that could be shared, without being waited for: calls
   *  run on this thread alone until it is ready (tens of ms). */
  constructor(
    private readonly script: string,
    private readonly shared: SharedKernelMemory,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    ({ header: this.header, slots: this.slots } = argumentViews(this.argBuffer));
  }

  /** Whether calls can be shared now; throws the helper's error if it failed. */
  get available(): boolean {
    if (this.closed || !this.enabled) return false;
    if (!this.worker) {
      const workerData: KernelWorkerData = { shared: this.shared, sync: this.sync.buffer, args: this.argBuffer };
      this.worker = new Worker(this.script, { workerData });
      // Never what keeps a process alive: the CLI and test runners exit even if close() is missed.
      this.worker.unref();
      return false;
    }
    if (!this.started) {
      this.sync.throwIfFailed();
      this.started = Atomics.load(this.sync.i32, STATUS) === READY;
    }
    return this.started;
  }

  /** Parts the helper ran so far. */
  get partsByHelper(): number {
    return Atomics.load(this.sync.i32, HELPER_TASKS);
  }

  /** Runs kernel `name` in `parts` parts on both threads (arrays in the shared memory); returns
   *  the sum of the parts' results (kernels with a result) or 0. */
  run(name: SplitOpName, run: (part: number) => number | void, arrays: readonly SplitArray[], nums: readonly number[], parts: number): number {
    const s = this.sync;
    const call = ++this.calls;
    const { header, slots } = this;
    Atomics.store(header, ARGS_FOR, 0);
    slots[OP] = SPLIT_OP_NAMES.indexOf(name);
    slots[PARTS] = parts;
    for (let i = 0; i < arrays.length; i++) {
      slots[ARRAYS + 2 * i] = arrays[i].byteOffset;
      slots[ARRAYS + 2 * i + 1] = arrays[i].length;
    }
    for (let i = 0; i < nums.length; i++) slots[NUMS + i] = nums[i];
    Atomics.store(header, ARGS_FOR, call);
    s.signal(PART_DONE, 0);
    s.openClaims(PART_NEXT, call);
    s.signal(GO, call);
    for (let part = s.claim(PART_NEXT, call, parts); part >= 0; part = s.claim(PART_NEXT, call, parts)) {
      slots[RESULTS + part] = run(part) ?? 0;
      s.finished(PART_DONE);
    }
    s.waitFor(PART_DONE, parts, SPIN_MS, this.timeoutMs, 'finish its part of a kernel call');
    this.partsTotal += parts;
    let result = 0;
    for (let part = 0; part < parts; part++) result += slots[RESULTS + part];
    return result;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sync.stop();
    void this.worker?.terminate();
  }
}

/** The op of a call, for the worker: its entry in SPLIT_OPS. */
export const opAt = (index: number) => SPLIT_OPS[SPLIT_OP_NAMES[index]];
