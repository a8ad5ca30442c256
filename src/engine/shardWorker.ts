// Entry of the helper thread (helperThread.ts): in every fused iteration (models/model.ts) claims
// tasks of part 1, then of part 2, beside the trainer's thread, and runs them on the trainer's
// shared WASM memory, until told to stop. Any error ends the thread after writing it into the sync
// block, where the trainer's thread raises it.
import { workerData } from 'node:worker_threads';
import { runGradientTasks, runRowTasks, ShardWorkerData } from './helperThread';
import { ROW_TASKS, tensorsAt } from './fusedIteration';
import { modelDefinition } from './models';
import { GO, HELPER_TASKS, LR, READY, ROW_DONE, ROWS, STATUS, STEP, STOP, SyncBlock } from './syncBlock';
import { attachWasmKernels } from './wasmKernels';

/** Between iterations, and between the parts, the trainer's thread needs a few to tens of µs, but
 *  its vCPU may be stopped for milliseconds. A helper that slept through that would wake late, find
 *  the tasks taken, and fall asleep again: spin longer than such stalls. It sleeps when training
 *  pauses or runs on one thread. */
const SPIN_MS = 5;
const FOREVER = Infinity;

function serve({ shared, spec, layout, sync: buffer }: ShardWorkerData): void {
  const sync = new SyncBlock(buffer);
  try {
    // The model's own fused iteration, rebuilt from its kind over the same arrays.
    const definition = modelDefinition(spec.shape.kind);
    const fused = definition.fused;
    if (!fused) throw new Error(`the ${spec.shape.kind} model has no fused iteration`);
    const names = { params: definition.paramSpecs(spec.shape).map((p) => p.name), buffers: fused.bufferNames };
    const split = fused.create(attachWasmKernels(shared), spec, tensorsAt(layout, names, shared.memory.buffer));
    sync.signal(STATUS, READY);
    let ran = 0;
    for (let seen = 0; ; ) {
      const it = sync.waitFor(GO, seen + 1, SPIN_MS, FOREVER, 'be asked');
      if (it === STOP) return;
      seen = it;
      // The numbers stay put while any task of iteration `it` is unfinished, and a claim made
      // after the trainer moved on to the next one fails.
      const n = sync.i32[ROWS];
      ran += runRowTasks(sync, split, it, n);
      // Part 2 reads every row: wait for the other thread's row blocks (or for the next iteration).
      sync.waitFor(ROW_DONE, ROW_TASKS, SPIN_MS, FOREVER, 'be met', it);
      if (sync.stopped) return;
      const [lr, t] = [sync.f64[LR], sync.f64[STEP]];
      ran += runGradientTasks(sync, split, it, n, lr, t);
      Atomics.store(sync.i32, HELPER_TASKS, ran);
    }
  } catch (e) {
    sync.fail(e);
  }
}

serve(workerData as ShardWorkerData);
