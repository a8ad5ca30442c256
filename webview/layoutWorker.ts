// The embedding map's t-SNE, off the dashboard's main thread: Barnes-Hut t-SNE of the rows it is
// sent, run in slices: first the affinities of new rows (the nearest-neighbour search and the
// perplexity calibration, a second or more of work at 8,000 words), then the iterations, each
// slice of which ends by posting the layout, so the map can draw it as it forms and a newer W1 is
// taken between two slices. A new W1 of the same size keeps the layout and runs the shorter
// refresh schedule; rows equal to those already laid out cost nothing. While training runs it
// works only a share of the time (the pace), affinities included, so the training threads keep
// their cores. Bundled into the dashboard as text (scripts/layoutWorkerSource.mjs).
import { AffinityJob, BhTsne, MAP_TSNE, SparseAffinities } from '../src/engine/bhTsne';
import type { LayoutReply, LayoutRequest, ToLayoutWorker } from './layoutMessages';

/** Iterations between two looks at the clock, and the time between two posted layouts. */
const ITERATIONS_PER_CHECK = 5;
const SLICE_MS = 150;
/** Affinity work between two looks at the clock: pairs of rows compared (~20 ms at 16-D). */
const AFFINITY_WORK_PER_CHECK = 500_000;

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToLayoutWorker>) => void) | null;
  postMessage(message: LayoutReply, transfer: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

let tsne: BhTsne | undefined;
/** The rows the current layout's affinities are of. */
let laidOut: Float64Array | undefined;
/** Affinities being computed, for the request that asked for them. */
let job: { affinities: AffinityJob; request: LayoutRequest } | undefined;
let generation = 0;
let pending = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
/** The share of the time spent working, and how long the last slice took. */
let share = 1;
let lastSliceMs = 0;

scope.onmessage = (e) => {
  const request = e.data;
  if (request.type === 'pace') {
    share = Math.min(1, Math.max(0.01, request.share));
    // A rest planned at the old pace is planned again (a pause wants the layout now).
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
      schedule();
    }
    return;
  }
  generation = request.generation;
  const resumable = tsne && tsne.n === request.n && tsne.dim === request.dim && !request.layout;
  if (resumable && sameRows(laidOut, request.values)) {
    // W1 did not change (a step through backprop's phases, say): the layout stands.
    job = undefined;
    if (pending <= 0) post();
    else schedule();
    return;
  }
  if (job && !request.layout && !job.request.layout && sameRows(job.request.values, request.values)) return schedule();
  try {
    job = { affinities: new AffinityJob(request.values, request.n, request.dim, MAP_TSNE), request };
  } catch (err) {
    fail(err);
    return;
  }
  schedule();
};

function sameRows(a: Float64Array | undefined, b: Float64Array): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function fail(err: unknown): void {
  tsne = undefined;
  laidOut = undefined;
  job = undefined;
  pending = 0;
  scope.postMessage({ type: 'error', generation, message: err instanceof Error ? err.message : String(err) }, []);
}

/** The next slice after the messages that came in meanwhile, and after a rest that keeps the pace. */
function schedule(): void {
  if (timer !== undefined || (!job && pending <= 0)) return;
  timer = setTimeout(slice, share >= 1 ? 0 : lastSliceMs * (1 / share - 1));
}

function slice(): void {
  timer = undefined;
  const start = performance.now();
  while (job && performance.now() - start < SLICE_MS) {
    const affinities = job.affinities.advance(AFFINITY_WORK_PER_CHECK);
    if (affinities) install(affinities, job.request);
  }
  // Iterations wait for the affinities of the newest rows.
  const iterating = !job && pending > 0;
  while (iterating && tsne && pending > 0 && performance.now() - start < SLICE_MS) {
    const k = Math.min(ITERATIONS_PER_CHECK, pending);
    tsne.step(k);
    pending -= k;
  }
  lastSliceMs = performance.now() - start;
  if (iterating) post();
  schedule();
}

/** Starts the iterations on newly computed affinities: from the current layout when the size is the same, else from the request's or a random one. */
function install(affinities: SparseAffinities, request: LayoutRequest): void {
  job = undefined;
  const { n, dim, layout } = request;
  try {
    if (tsne && tsne.n === n && tsne.dim === dim && !layout) {
      tsne.setData(affinities);
      pending = MAP_TSNE.refreshIterations;
    } else {
      tsne = new BhTsne(affinities, n, dim, { ...MAP_TSNE, initialLayout: layout });
      pending = layout ? MAP_TSNE.refreshIterations : MAP_TSNE.firstIterations;
    }
    laidOut = request.values;
  } catch (err) {
    fail(err);
  }
}

function post(): void {
  if (!tsne) return;
  const layout = Float64Array.from(tsne.layout);
  scope.postMessage({ type: 'layout', generation, layout, iteration: tsne.iteration, perplexity: tsne.perplexity, done: pending <= 0 }, [layout.buffer]);
}
