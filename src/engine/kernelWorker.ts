// Entry of the kernel helper thread (kernelHelper.ts): for every kernel call the trainer's thread
// shares, claims parts beside it and runs them on the shared WASM memory, until told to stop. Any
// error ends the thread after writing it into the sync block, where the trainer's thread raises it.
import { workerData } from 'node:worker_threads';
import { ARGS_FOR, ARRAYS, argumentViews, KernelWorkerData, MAX_NUMS, NUMS, opAt, OP, PART_DONE, PART_NEXT, PARTS, RESULTS } from './kernelHelper';
import { SplitArray } from './splitKernelCalls';
import { GO, HELPER_TASKS, READY, STATUS, STOP, SyncBlock } from './syncBlock';
import { attachWasmKernels } from './wasmKernels';

/** Between two calls the trainer's thread runs a few µs to a millisecond of other work (the gate
 *  loops of a time step): spin through that rather than pay a wake-up per call. It sleeps when
 *  training pauses. */
const SPIN_MS = 5;
const FOREVER = Infinity;

function serve({ shared, sync: syncBuffer, args }: KernelWorkerData): void {
  const sync = new SyncBlock(syncBuffer);
  try {
    const kernels = attachWasmKernels(shared);
    const buffer = shared.memory.buffer;
    const { header, slots } = argumentViews(args);
    const nums = new Array<number>(MAX_NUMS).fill(0);
    sync.signal(STATUS, READY);
    let ran = 0;
    for (let seen = 0; ; ) {
      const call = sync.waitFor(GO, seen + 1, SPIN_MS, FOREVER, 'be asked');
      if (call === STOP) return;
      seen = call;
      const op = opAt(slots[OP]);
      const parts = slots[PARTS];
      let part = sync.claim(PART_NEXT, call, parts);
      // A claim is the call's only if its arguments were not being rewritten meanwhile (this
      // thread may have read them after the other finished the call and began the next).
      if (part < 0 || Atomics.load(header, ARGS_FOR) !== call) continue;
      const arrays: SplitArray[] = op.arrays.map((type, i) => {
        const [offset, length] = [slots[ARRAYS + 2 * i], slots[ARRAYS + 2 * i + 1]];
        return type === 'i32' ? new Int32Array(buffer, offset, length) : new Float32Array(buffer, offset, length);
      });
      for (let i = 0; i < MAX_NUMS; i++) nums[i] = slots[NUMS + i];
      for (; part >= 0; part = sync.claim(PART_NEXT, call, parts)) {
        slots[RESULTS + part] = op.run(kernels, arrays, nums, part, parts) ?? 0;
        sync.finished(PART_DONE);
        ran++;
      }
      Atomics.store(sync.i32, HELPER_TASKS, ran);
    }
  } catch (e) {
    sync.fail(e);
  }
}

serve(workerData as KernelWorkerData);
