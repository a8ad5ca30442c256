// The embedding map's t-SNE, off the dashboard's main thread: Barnes-Hut t-SNE of the rows it is
// sent, run in slices that each end by posting the layout, so the map can draw it as it forms and
// a newer W1 is taken between two slices. A new W1 of the same size keeps the layout and runs the
// shorter refresh schedule. While training runs it works only a share of the time (the pace), so
// the training threads keep their cores. Bundled into the dashboard as text (scripts/layoutWorkerSource.mjs).
import { BhTsne, MAP_TSNE } from '../src/engine/bhTsne';
import type { LayoutReply, ToLayoutWorker } from './layoutMessages';

/** Iterations between two looks at the clock, and the time between two posted layouts. */
const ITERATIONS_PER_CHECK = 5;
const SLICE_MS = 150;

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToLayoutWorker>) => void) | null;
  postMessage(message: LayoutReply, transfer: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

let tsne: BhTsne | undefined;
let generation = 0;
let pending = 0;
let scheduled = false;
/** The share of the time spent iterating, and how long the last slice took. */
let share = 1;
let lastSliceMs = 0;

scope.onmessage = (e) => {
  const request = e.data;
  if (request.type === 'pace') {
    share = Math.min(1, Math.max(0.01, request.share));
    return;
  }
  generation = request.generation;
  try {
    if (tsne && tsne.n === request.n && tsne.dim === request.dim && !request.layout) {
      tsne.setData(request.values);
      pending = MAP_TSNE.refreshIterations;
    } else {
      tsne = new BhTsne(request.values, request.n, request.dim, { ...MAP_TSNE, initialLayout: request.layout });
      pending = request.layout ? MAP_TSNE.refreshIterations : MAP_TSNE.firstIterations;
    }
  } catch (err) {
    tsne = undefined;
    scope.postMessage({ type: 'error', generation, message: err instanceof Error ? err.message : String(err) }, []);
    return;
  }
  schedule();
};

/** The next slice after the messages that came in meanwhile, and after a rest that keeps the pace. */
function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(slice, share >= 1 ? 0 : lastSliceMs * (1 / share - 1));
}

function slice(): void {
  scheduled = false;
  if (!tsne || pending <= 0) return;
  const start = performance.now();
  while (pending > 0 && performance.now() - start < SLICE_MS) {
    const k = Math.min(ITERATIONS_PER_CHECK, pending);
    tsne.step(k);
    pending -= k;
  }
  lastSliceMs = performance.now() - start;
  const layout = Float64Array.from(tsne.layout);
  scope.postMessage({ type: 'layout', generation, layout, iteration: tsne.iteration, perplexity: tsne.perplexity, done: pending <= 0 }, [layout.buffer]);
  if (pending > 0) schedule();
}
