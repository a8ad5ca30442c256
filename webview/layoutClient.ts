// The embedding map's side of its layout worker: starts it from the text the build put into the
// bundle (webviews start workers from blob: URLs only), sends it W1's rows and keeps the newest
// layout it posts. Replies to an older request (a previous run's vocabulary) are ignored.
import type { LayoutPace, LayoutReply, LayoutRequest } from './layoutMessages';

/** The worker's bundled source, defined by scripts/layoutWorkerSource.mjs at build time. */
declare const LAYOUT_WORKER_SOURCE: string;

export class LayoutClient {
  /** The newest layout, n×2. */
  layout: Float64Array | undefined;
  iteration = 0;
  perplexity = 0;
  /** Whether the worker is still iterating on the latest rows. */
  moving = false;
  /** What went wrong, when the worker could not lay the rows out. */
  error: string | undefined;
  /** How long the last finished layout took, from the request to the last iteration (ms). */
  lastDurationMs = 0;
  private startedAt = 0;
  private worker: Worker | undefined;
  private generation = 0;
  private share = 1;

  /** `onLayout` runs when a new layout (or an error) has come in. */
  constructor(private readonly onLayout: () => void) {}

  /** Lays out `values` (n×dim), from `initialLayout` when given, else from the current layout when the size is the same. */
  start(values: ArrayLike<number>, n: number, dim: number, initialLayout?: ArrayLike<number>): void {
    // A layout kept from an earlier view shows at once, while the worker brings it up to date.
    if (initialLayout && !this.layout) this.layout = Float64Array.from(initialLayout);
    this.moving = true;
    this.error = undefined;
    this.startedAt = performance.now();
    const request: LayoutRequest = { type: 'layout', generation: ++this.generation, values: Float64Array.from(values), n, dim, layout: initialLayout ? Float64Array.from(initialLayout) : undefined };
    this.ensureWorker().postMessage(request, [request.values.buffer]);
  }

  /** The share of a core the worker may take (1: all it can). */
  setPace(share: number): void {
    if (share === this.share) return;
    this.share = share;
    const pace: LayoutPace = { type: 'pace', share };
    this.worker?.postMessage(pace);
  }

  /** Forgets the layout (a new vocabulary): late replies for the old one are dropped. */
  reset(): void {
    this.generation++;
    this.layout = undefined;
    this.iteration = 0;
    this.moving = false;
    this.error = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const url = URL.createObjectURL(new Blob([LAYOUT_WORKER_SOURCE], { type: 'text/javascript' }));
    const worker = new Worker(url);
    worker.onmessage = (e: MessageEvent<LayoutReply>) => this.receive(e.data);
    if (this.share < 1) worker.postMessage({ type: 'pace', share: this.share } satisfies LayoutPace);
    worker.onerror = (e) => {
      this.error = e.message || 'the layout worker failed';
      this.moving = false;
      this.onLayout();
    };
    this.worker = worker;
    return worker;
  }

  private receive(reply: LayoutReply): void {
    if (reply.generation !== this.generation) return;
    if (reply.type === 'error') {
      this.error = reply.message;
      this.moving = false;
    } else {
      this.layout = reply.layout;
      this.iteration = reply.iteration;
      this.perplexity = reply.perplexity;
      this.moving = !reply.done;
      if (reply.done) this.lastDurationMs = performance.now() - this.startedAt;
    }
    this.onLayout();
  }
}
