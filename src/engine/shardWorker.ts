// Entry of the helper thread (helperThread.ts): claims shard 1 and slice 1 of every split iteration
// (splitStep.ts) and runs them on the trainer's shared WASM memory, until told to stop. A half the
// trainer's thread claimed first is skipped. Any error ends the thread after writing it into the
// sync block, where the trainer's thread raises it.
import { workerData } from 'node:worker_threads';
import { ShardWorkerData } from './helperThread';
import { SplitIteration, tensorsAt } from './splitStep';
import { CORRECT, GO, LOSS, LR, MAIN_MET, READY, ROWS, SHARD_CLAIM, SHARD_DONE, SLICE_CLAIM, SLICE_DONE, STATUS, STEP, STOP, SyncBlock } from './syncBlock';
import { attachWasmKernels } from './wasmKernels';

/** Between iterations, and between the parts, the trainer's thread needs a few to tens of µs, but
 *  its vCPU may be stopped for milliseconds. A helper that slept through that would wake late, find
 *  its halves taken, and fall asleep again: spin longer than such stalls. It sleeps when training
 *  pauses or runs on one thread. */
const SPIN_MS = 5;
const FOREVER = Infinity;

function serve({ shared, spec, layout, sync: buffer }: ShardWorkerData): void {
  const sync = new SyncBlock(buffer);
  try {
    const split = new SplitIteration(attachWasmKernels(shared), spec, tensorsAt(layout, shared.memory.buffer));
    sync.signal(STATUS, READY);
    for (let seen = 0; ; ) {
      const it = sync.waitFor(GO, seen + 1, SPIN_MS, FOREVER, 'be asked');
      if (it === STOP) return;
      seen = it;
      // Once claimed, iteration `it` cannot end before this half is done: its numbers stay put.
      if (sync.claim(SHARD_CLAIM, it)) {
        const shard = split.forwardBackward(1, sync.i32[ROWS]);
        sync.f64[LOSS] = shard.lossSum;
        sync.f64[CORRECT] = shard.correct;
        sync.signal(SHARD_DONE, it);
      }
      // Part 2 reads every row: wait for the trainer's thread to finish its part 1.
      sync.waitFor(MAIN_MET, it, SPIN_MS, FOREVER, 'be met');
      if (sync.stopped) return;
      if (sync.claim(SLICE_CLAIM, it)) {
        split.gradientsAndUpdate(1, sync.i32[ROWS], sync.f64[LR], sync.f64[STEP]);
        sync.signal(SLICE_DONE, it);
      }
    }
  } catch (e) {
    sync.fail(e);
  }
}

serve(workerData as ShardWorkerData);
